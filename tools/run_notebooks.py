#!/usr/bin/env python
"""Run the notebooks as a JupyterLab user would: top to bottom, each in a fresh `python3` Jupyter kernel.

Each notebook runs from a temp copy of nbs/ (the cwd, so files it writes never land in nbs/), one after the other, with
MEDLIN_THREADS and IN_TEST unset (as in JupyterLab) and OMP_NUM_THREADS etc. as inherited. The repo root goes first on
PYTHONPATH, so `import medlin` gets this checkout's library, as under nbdev-test. Fails on any cell error, and on a
notebook whose kernelspec is not the standard `python3`.

    python tools/run_notebooks.py                   # index.ipynb, then the others in nbs/ in name order
    python tools/run_notebooks.py 01_model.ipynb    # only some
    python tools/run_notebooks.py --save 01_model.ipynb  # and store the outputs it produced (then nbdev-clean)
"""
import argparse, os, re, shutil, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KERNEL = 'python3'

def notebooks(nbs, names):
    "Notebooks to run: `names`, or index.ipynb then the rest of `nbs` in name order"
    found = [nbs/Path(n).name for n in names] or sorted(nbs.glob('*.ipynb'), key=lambda p: (p.name != 'index.ipynb', p.name))
    found = [p for p in found if p.name[0] not in '_.']
    if missing := [p.name for p in found if not p.is_file()]: sys.exit(f'error: not found in {nbs}: {" ".join(missing)}')
    if not found: sys.exit(f'error: no notebooks in {nbs}')
    return found

def kernel_env():
    "This environment as JupyterLab would give it to a kernel"
    env = {k: v for k, v in os.environ.items() if k not in ('MEDLIN_THREADS', 'IN_TEST')}
    env['PYTHONPATH'] = os.pathsep.join(filter(None, [str(ROOT), env.get('PYTHONPATH')]))
    return env

def _ansi(s): return re.sub(r'\x1b\[[0-9;]*m', '', s)

def run(path, cwd, timeout, save=False):
    "Run notebook `path` in a fresh kernel with cwd `cwd`; return None if it ran cleanly, else a short message"
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    nb = nbformat.read(path, as_version=4)
    ks = nb.metadata.get('kernelspec', {})
    if ks.get('name') != KERNEL: return f'kernelspec is {ks.get("name")!r} ({ks.get("display_name")}), not {KERNEL!r}'
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=timeout, resources={'metadata': {'path': str(cwd)}})
    log = cwd.parent/'kernel-stderr.txt'  # the kernel's own stderr: shown, less ipykernel's TCP-transport notice
    try:
        with open(log, 'w') as f: client.execute(env=kernel_env(), stderr=f)
    except CellExecutionError as e:
        idx = next((i for i, c in enumerate(nb.cells) for o in c.get('outputs', []) if o.output_type == 'error'), None)
        src = nb.cells[idx].source.strip().splitlines()[:1] if idx is not None else []
        return f'cell {idx}{" (" + src[0][:60] + ")" if src else ""}: {e.ename}: {_ansi(e.evalue)}'
    except CellTimeoutError: return f'a cell ran longer than {timeout}s'
    except DeadKernelError as e: return f'the kernel died: {e}'
    else:
        if save: nbformat.write(nb, path)  # only a clean run's outputs are stored
    finally:
        if log.exists():
            sys.stderr.write(''.join(l for l in log.read_text().splitlines(True) if 'running over TCP without encryption' not in l))

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('names', nargs='*', help='notebooks in --nbs to run (default: all)')
    ap.add_argument('--nbs', default=ROOT/'nbs', type=Path, help='folder of notebooks (default: nbs/)')
    ap.add_argument('--save', action='store_true', help="write each cleanly run notebook's outputs back to it")
    ap.add_argument('--timeout', default=900, type=int, help='seconds one cell may run (default: 900)')
    a, t0 = ap.parse_args(), time.time()
    nbs = notebooks(a.nbs.resolve(), a.names)
    fails = {}
    with tempfile.TemporaryDirectory(prefix='run-notebooks-') as tmp:
        for nb in nbs:
            cwd = Path(tmp)/nb.stem/'nbs'  # a fresh copy per notebook: none sees files another wrote
            shutil.copytree(a.nbs, cwd, ignore=shutil.ignore_patterns('_proc', '_docs', '.*'))
            t = time.time()
            err = run(nb, cwd, a.timeout, a.save)
            print(f'{"FAIL" if err else "ok":4}  {nb.name:22} {time.time()-t:6.1f}s' + (f'  {err}' if err else ''), flush=True)
            if err: fails[nb.name] = err
    print(f'\n{"FAILED: " + ", ".join(fails) if fails else "all ran"} ({len(nbs)} notebooks) in {time.time()-t0:.1f}s')
    return 1 if fails else 0

if __name__ == '__main__': sys.exit(main())
