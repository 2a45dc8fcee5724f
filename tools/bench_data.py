"""Benchmark medlin's data loading against the original post's PIL + ToTensor loop, in one run.

    python tools/bench_data.py [--data ZIP_OR_FOLDER] [--threads N]

Prints the cold load (decoding every JPEG), the warm load (from medlin's cache) and the original loop,
with the ratios between them. Times vary on a shared machine: compare the ratios, not the seconds."""
import argparse, statistics, sys, tempfile, time
from pathlib import Path
import torch
from medlin.data import load_images, read_folder, set_threads

def best_of(n, f):
    "The fastest of `n` timed calls of `f`, and its last result"
    times = []
    for _ in range(n):
        t0 = time.perf_counter(); res = f(); times.append(time.perf_counter() - t0)
    return min(times), res

def original_loop(root):
    "The original post's loader: PIL opens each file, ToTensor converts it (and scales to [0,1])"
    from PIL import Image
    from torchvision.transforms import ToTensor
    files = sorted(f for d in sorted(Path(root).iterdir()) if d.is_dir() for f in sorted(d.iterdir()))
    return torch.stack([ToTensor()(Image.open(f)) for f in files])

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data', help='archive or folder (default: $MEDLIN_DATA, else the upstream URL)')
    p.add_argument('--threads', type=int, help='torch threads (default: medlin.data.set_threads policy)')
    p.add_argument('--repeat', type=int, default=3, help='runs of each fast variant; the best is kept')
    a = p.parse_args()
    n_threads = set_threads(a.threads)
    with tempfile.TemporaryDirectory() as cache:
        t_first, imgs = best_of(1, lambda: load_images(a.data, cache=cache))  # extract + decode + write the cache
        # the cache is memory-mapped, so loading alone reads nothing: touch every pixel to make the comparison fair
        t_warm, _ = best_of(a.repeat, lambda: load_images(a.data, cache=cache).x.max())
        t_cold, (x, *_) = best_of(a.repeat, lambda: read_folder(imgs.root))
        t_orig, xo = best_of(1, lambda: original_loop(imgs.root))
        assert torch.equal(x, imgs.x) and xo.shape[0] == len(x), 'the loaders disagree'
    print(f'{len(x):,} images of {x.shape[2]}x{x.shape[1]}, torch threads: {n_threads}')
    print(f'first use (extract + decode + cache): {t_first:7.2f} s')
    for name, t in [('original PIL + ToTensor loop', t_orig), ('medlin cold (decode JPEGs)', t_cold),
                    ('medlin warm (cache, every pixel read)', t_warm)]:
        print(f'{name:<37}{t:7.2f} s   {t_orig / t:6.1f}x faster than the original')
    print(f'targets: cold >= 4x ({"met" if t_orig / t_cold >= 4 else "NOT met"}), '
          f'warm >= 50x ({"met" if t_orig / t_warm >= 50 else "NOT met"})')

if __name__ == '__main__': main()
