"""Benchmark medlin's first use and warm load of a dataset against the original post's PIL + ToTensor loop, in one run.

    python tools/bench_data.py [--data ZIP] [--threads N] [--repeat N] [--vs-commit REV]

First use: from the archive to a ready cache (read, decode, write). Warm load: from the cache, every pixel touched,
and without touching them, with the share of the checks every load makes (the source's signature, which hashes a
zip's central directory, and the CRC-32 of the cached tensors).
The original loop opens each extracted file with PIL and converts it with ToTensor (extraction not timed).
With --vs-commit, medlin.data as it was at that git commit is timed the same way, to show nothing got slower.
Times vary on a shared machine: compare the ratios, which are measured side by side, not the seconds."""
import argparse, importlib.util, os, subprocess, sys, tempfile, time, zipfile
from pathlib import Path
import torch
from medlin.data import load_images, set_threads

def best_of(n, f):
    "The fastest of `n` timed calls of `f`, and its last result"
    times = []
    for _ in range(n):
        t0 = time.perf_counter(); res = f(); times.append(time.perf_counter() - t0)
    return min(times), res

def original_loop(files):
    "The original post's loader: PIL opens each file, ToTensor converts it (and scales to [0,1])"
    from PIL import Image
    from torchvision.transforms import ToTensor
    return torch.stack([ToTensor()(Image.open(f)) for f in files])

def old_module(rev, tmp):
    "medlin.data as it was at git commit `rev`, imported from a temporary file"
    src = subprocess.run(['git', 'show', f'{rev}:medlin/data.py'], capture_output=True, text=True, check=True).stdout
    (tmp/'old_data.py').write_text(src)
    spec = importlib.util.spec_from_file_location('old_data', tmp/'old_data.py')
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    return m

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data', default=os.environ.get('MEDLIN_DATA'), help='a zip (default: $MEDLIN_DATA)')
    p.add_argument('--threads', type=int, default=1, help='torch threads (default 1, as the commands)')
    p.add_argument('--repeat', type=int, default=3, help='runs of each warm load; the best is kept')
    p.add_argument('--vs-commit', help='also time medlin.data at this git commit (e.g. 68e9cae)')
    a = p.parse_args()
    if not a.data or not zipfile.is_zipfile(a.data): sys.exit('bench_data: error: --data (or MEDLIN_DATA) must be a zip')
    n_threads = set_threads(a.threads)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with zipfile.ZipFile(a.data) as z:  # the original post worked on extracted files: extract, untimed
            z.extractall(tmp/'files', [m for m in z.namelist() if '/resized/' in m])
        files = sorted((tmp/'files').rglob('*.jpeg'))
        t_orig, xo = best_of(1, lambda: original_loop(files))
        t_first, imgs = best_of(1, lambda: load_images(a.data, cache=tmp/'cache'))
        # the cache is memory-mapped, so loading alone reads nothing: touch every pixel to make the comparison fair
        t_warm, _ = best_of(a.repeat, lambda: load_images(a.data, cache=tmp/'cache').x.max())
        # what every load checks: the archive's signature (a zip's central directory) and the CRC-32 of the tensors
        t_load, _ = best_of(a.repeat, lambda: load_images(a.data, cache=tmp/'cache'))
        from medlin.cache import signature, _crc32
        t_sig, _ = best_of(a.repeat, lambda: signature(Path(a.data)))
        t_crc, _ = best_of(a.repeat, lambda: [_crc32(f) for f in imgs.entry.glob('*.npy')])
        size = sum(f.stat().st_size for f in (tmp/'cache').rglob('*') if f.is_file())
        assert torch.equal((xo * 255).round().byte().squeeze(1), imgs.x), 'the loaders disagree'
        rows = [('original PIL + ToTensor loop', t_orig), ('medlin first use (zip to cache)', t_first),
                ('medlin warm load (every pixel read)', t_warm),
                ('medlin warm load (pixels not read)', t_load), ('  of which: the source signature', t_sig),
                ('  of which: the tensors\' CRC-32', t_crc)]
        if a.vs_commit:
            old = old_module(a.vs_commit, tmp)
            t_ofirst, oimgs = best_of(1, lambda: old.load_images(a.data, cache=tmp/'old-cache'))
            t_owarm, _ = best_of(a.repeat, lambda: old.load_images(a.data, cache=tmp/'old-cache').x.max())
            osize = sum(f.stat().st_size for f in (tmp/'old-cache').rglob('*') if f.is_file())
            assert torch.equal(oimgs.x, imgs.x), 'old and new medlin disagree'
            rows += [(f'medlin at {a.vs_commit}: first use', t_ofirst), (f'medlin at {a.vs_commit}: warm load', t_owarm)]
    print(f'{len(imgs.y):,} images of {imgs.x.shape[2]}x{imgs.x.shape[1]}, torch threads: {n_threads}, '
          f'load average {os.getloadavg()[0]:.1f}')
    for name, t in rows: print(f"{name:<38}{t:8.3f} s   {t / t_orig:6.3f}x the original loop")
    print(f'cache: {size / 1e6:.0f} MB' + (f' (at {a.vs_commit}: {osize / 1e6:.0f} MB)' if a.vs_commit else ''))
    print(f'targets: first use <= 0.6x the original loop: {"met" if t_first <= 0.6 * t_orig else "NOT met"}; '
          f'cache <= 260 MB: {"met" if size <= 260e6 else "NOT met"}')
    if a.vs_commit: print(f'vs {a.vs_commit}: first use {t_first / t_ofirst:.2f}x, warm load {t_warm / t_owarm:.2f}x '
                          '(<= 1 means no slower)')

if __name__ == '__main__': main()
