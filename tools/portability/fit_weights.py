#!/usr/bin/env python
"""Do thread count and MKL's code path change what `medlin.train.fit` learns? One epoch on 8,000 images, in fresh
processes: 1 thread (twice), 2 threads, and both again under `MKL_CBWR=COMPATIBLE`; prints each run's largest
absolute difference in the weights (and bias) from the first 1-thread run. Uses MEDLIN_DATA / MEDLIN_CACHE.

    python tools/portability/fit_weights.py            # the table
    python tools/portability/fit_weights.py --cbwr AVX2  # another MKL code path instead of COMPATIBLE
"""
import argparse, os, subprocess, sys, tempfile
from pathlib import Path

def child(threads, out):
    import torch
    torch.set_num_threads(threads)
    from medlin.data import load_split
    from medlin.train import fit
    s = load_split()
    x8 = (s.x_train[:8000] * 255).round().to(torch.uint8)  # the bytes, as 03_train trains on them
    m, _ = fit(x8, s.y_train[:8000], s.x_valid[:2000], s.y_valid[:2000], epochs=1, progress=False)
    torch.save({'w': m.weight.detach().clone(), 'b': m.bias.detach().clone(), 'threads': torch.get_num_threads(),
                'cbwr': os.environ.get('MKL_CBWR', '')}, out)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--child', nargs=2, metavar=('THREADS', 'OUT'), help=argparse.SUPPRESS)
    ap.add_argument('--cbwr', default='COMPATIBLE', help='the MKL_CBWR value to compare with (default: COMPATIBLE)')
    a = ap.parse_args()
    if a.child: return child(int(a.child[0]), a.child[1])
    import torch
    runs = [('1 thread', 1, None), ('1 thread, again', 1, None), ('2 threads', 2, None),
            (f'1 thread, MKL_CBWR={a.cbwr}', 1, a.cbwr), (f'2 threads, MKL_CBWR={a.cbwr}', 2, a.cbwr)]
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, n, cbwr in runs:
            env = {k: v for k, v in os.environ.items() if k not in ('MKL_CBWR', 'MEDLIN_TEST_THREADS')}
            env.update(OMP_NUM_THREADS=str(n), MKL_NUM_THREADS=str(n))
            if cbwr: env['MKL_CBWR'] = cbwr
            out = Path(tmp)/f'{len(res)}.pt'
            subprocess.run([sys.executable, __file__, '--child', str(n), str(out)], env=env, check=True)
            res[name] = torch.load(out)
    ref = res['1 thread']
    print(f'one epoch of fit on 8,000 images (bs 64, seed 0, uint8 inputs); torch {torch.__version__}')
    print(f'{"run":<34} {"threads":>7}  {"max |dw| vs 1 thread":>21}  {"max |db|":>9}  identical')
    for name, r in res.items():
        dw, db = (r['w'] - ref['w']).abs().max().item(), (r['b'] - ref['b']).abs().max().item()
        same = torch.equal(r['w'], ref['w']) and torch.equal(r['b'], ref['b'])
        print(f'{name:<34} {r["threads"]:>7}  {dw:>21.3g}  {db:>9.3g}  {same}')
    pairs = [('2 threads', '2 threads, MKL_CBWR=' + a.cbwr, f'1 thread, MKL_CBWR={a.cbwr}')]
    for _, x, y in pairs:
        d = (res[x]['w'] - res[y]['w']).abs().max().item()
        print(f'under MKL_CBWR={a.cbwr}: 1 vs 2 threads, max |dw| {d:.3g}, identical {torch.equal(res[x]["w"], res[y]["w"])}')

if __name__ == '__main__': sys.exit(main())
