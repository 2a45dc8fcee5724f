#!/usr/bin/env python
"""How medlin's time and memory grow with the data: first use and one epoch at 1x and Kx Medical MNIST.

    python tools/bench_scale.py [--data ZIP] [--copies K] [--keep DIR] [--before DIR]

Builds a zip holding K copies of Medical MNIST (10 by default: 589,540 images; the copies' files are renamed, so
the six classes each hold K times as many images), then, for the original zip and that one, runs as new processes,
one thread each (MEDLIN_THREADS=1, OMP_NUM_THREADS=1), each with a fresh cache:

- `medlin-data --data ZIP --no-verify`: first use (read, decode, write the cache), its wall time and peak RSS;
- `medlin-train --data ZIP --no-verify --epochs 1`: one epoch from the warm cache, its wall time and peak RSS;
- with `--before DIR` (a folder holding an earlier `medlin` package, e.g. from `git archive COMMIT medlin | tar -x
  -C DIR`), the same `medlin-train` with `DIR` first on `PYTHONPATH`, right after: the before and after of a change.

Peak RSS is the process's own high-water mark (`wait4`'s `ru_maxrss`), which counts the pages of the memory-mapped
cache that it touched. The last column divides the Kx figure by the 1x one: time and memory that grow no faster
than the data read K or less. Needs about 1.1 GB (zip) + 2.6 GB (cache) of disk per 10 copies, in --keep or a
temporary folder; the machine should be otherwise idle for the times to mean much.
"""
import argparse, os, shutil, subprocess, sys, tempfile, time, zipfile
from pathlib import Path

def build(src, dst, k):
    "A zip at `dst` with `k` copies of each image of `src`, file names prefixed `c00-`, `c01-`...; stored, not deflated"
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, 'w', zipfile.ZIP_STORED, allowZip64=True) as out:
        names = [i for i in z.infolist() if '/resized/' in i.filename and not i.is_dir()]
        for i in names:
            b = z.read(i)
            root, cls, name = i.filename.rsplit('/', 2)
            for c in range(k): out.writestr(f'mednist-{k}x/{cls}/c{c:02d}-{name}', b)
    return len(names) * k

def measured(args, env):
    "Like `run`, with the peak RSS of the child from `wait4`"
    t0 = time.perf_counter()
    p = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = b'', b''
    # read the pipes to the end without waiting on the process, then reap it ourselves for its rusage
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ); sel.register(p.stderr, selectors.EVENT_READ)
    while sel.get_map():
        for key, _ in sel.select():
            chunk = key.fileobj.read1(1 << 16)
            if not chunk: sel.unregister(key.fileobj); continue
            if key.fileobj is p.stdout: out += chunk
            else: err += chunk
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    last = (err.decode(errors='replace').strip().splitlines() or [''])[-1]
    return wall, ru.ru_maxrss * 1024, p.returncode, last, out.decode(errors='replace')

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', default=os.environ.get('MEDLIN_DATA'), help='the Medical MNIST zip (default: $MEDLIN_DATA)')
    ap.add_argument('--copies', type=int, default=10, help='K, the copies in the big zip (default: 10)')
    ap.add_argument('--keep', type=Path, help='build in this folder and keep it (default: a temporary folder)')
    ap.add_argument('--before', type=Path, help="a folder holding an earlier medlin package: its medlin-train too")
    a = ap.parse_args()
    if not a.data or not zipfile.is_zipfile(a.data): sys.exit('bench_scale: error: --data (or MEDLIN_DATA) must be a zip')
    work = a.keep or Path(tempfile.mkdtemp(prefix='bench-scale-'))
    work.mkdir(parents=True, exist_ok=True)
    bindir = Path(sys.executable).parent
    env = {**os.environ, 'MEDLIN_THREADS': '1', 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'}
    print(f'load average before: {" ".join(f"{v:.1f}" for v in os.getloadavg())}', flush=True)
    try:
        big = work/f'mednist-{a.copies}x.zip'
        if not big.exists():
            t0 = time.perf_counter(); n = build(a.data, big, a.copies)
            print(f'built {big.name}: {n:,} images, {big.stat().st_size / 1e9:.2f} GB, in {time.perf_counter() - t0:.0f} s',
                  flush=True)
        rows = {}
        for label, z in [('1x', Path(a.data)), (f'{a.copies}x', big)]:
            cache = work/f'cache-{label}'
            shutil.rmtree(cache, ignore_errors=True)
            common = ['--data', str(z), '--cache', str(cache), '--no-verify']
            d = measured([str(bindir/'medlin-data'), *common], env)
            if d[2]: sys.exit(f'bench_scale: medlin-data failed on {z.name}: {d[3]}')
            t = measured([str(bindir/'medlin-train'), *common, '--epochs', '1', '--model', str(work/f'm-{label}.pt')], env)
            if t[2]: sys.exit(f'bench_scale: medlin-train failed on {z.name}: {t[3]}')
            if a.before:
                b = measured([str(bindir/'medlin-train'), *common, '--epochs', '1', '--model', str(work/f'b-{label}.pt')],
                             {**env, 'PYTHONPATH': str(a.before.resolve())})
                if b[2]: sys.exit(f'bench_scale: medlin-train (before) failed on {z.name}: {b[3]}')
            size = sum(f.stat().st_size for f in cache.rglob('*') if f.is_file())
            rows[label] = dict(first=d[0], first_rss=d[1], epoch=t[0], epoch_rss=t[1], cache=size,
                               line=t[4].strip().splitlines()[-1])
            if a.before: rows[label] |= dict(before=b[0], before_rss=b[1])
            print(f'{label}: {t[4].strip().splitlines()[-1]}', flush=True)
            shutil.rmtree(cache, ignore_errors=True)
        k = f'{a.copies}x'
        print(f'\nload average {" ".join(f"{v:.1f}" for v in os.getloadavg())}; each command a new process, one thread\n')
        print(f'| | 1x | {k} | {k} / 1x |\n|---|---|---|---|')
        for key, name, fmt in [('cache', 'cache size', 'gb'), ('first', 'medlin-data first use: wall time', 's'),
                               ('first_rss', 'medlin-data first use: peak RSS', 'gb'),
                               ('epoch', 'medlin-train, 1 epoch: wall time', 's'),
                               ('epoch_rss', 'medlin-train, 1 epoch: peak RSS', 'gb')] + ([
                               ('before', 'medlin-train before, 1 epoch: wall time', 's'),
                               ('before_rss', 'medlin-train before, 1 epoch: peak RSS', 'gb')] if a.before else []):
            f = (lambda v: f'{v / 1e9:.2f} GB') if fmt == 'gb' else (lambda v: f'{v:.1f} s')
            print(f'| {name} | {f(rows["1x"][key])} | {f(rows[k][key])} | {rows[k][key] / rows["1x"][key]:.1f} |')
        print(f'\ntargets at {k} (issues 17, 22): medlin-train peak <= cache + 1 GB: '
              f'{"met" if rows[k]["epoch_rss"] <= rows[k]["cache"] + 1e9 else "NOT met"}; medlin-data peak <= 1.5 GB: '
              f'{"met" if rows[k]["first_rss"] <= 1.5e9 else "NOT met"}; time grows no faster than the data: '
              f'{"met" if max(rows[k]["first"] / rows["1x"]["first"], rows[k]["epoch"] / rows["1x"]["epoch"]) <= a.copies else "NOT met"}')
    finally:
        if not a.keep: shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
