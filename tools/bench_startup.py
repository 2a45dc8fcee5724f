"""Measure command start-up: `medlin-predict MODEL one.jpeg` against `python -c "import torch"`.

    python tools/bench_startup.py [--reps N] [--importtime] [--top N]

Runs each command as a fresh process, interleaved (one of each per round, after a warm-up round),
and prints the median of each, the ratio predict / import torch against the 1.3x target of issue 10
(and against `import torch` ended by `os._exit`, as the commands end, without the interpreter's teardown),
and the load average. It makes its own model (with `medlin.modelfile.save_model`, else with
`medlin-train` on a tiny fake dataset) and a 64x64 JPEG in a temporary folder, and never imports
medlin itself, so it runs whatever state the library is in: a failing command is reported with the
last line it printed. `--importtime` adds where the import time goes (`python -X importtime`).
Times vary on a shared machine: compare the ratios from one run, and quote the load."""
import argparse, os, re, resource, shutil, statistics, subprocess, sys, tempfile, time
from collections import defaultdict
from pathlib import Path

TARGET = 1.3  # issue 10: medlin-predict MODEL one.jpeg <= 1.3x python -c "import torch"
PY = sys.executable

def cpu_children():
    "CPU seconds (user + system) used so far by this process's finished children"
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime

def run(cmd, cwd, timeout=300):
    "Run `cmd` in `cwd`, stdin closed, output captured: `((wall s, CPU s), CompletedProcess)`"
    t0, c0 = time.perf_counter(), cpu_children()
    r = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=timeout)
    return (time.perf_counter() - t0, cpu_children() - c0), r

def last_line(r):
    "The last line a finished command printed, for a one-line report"
    return (r.stderr.strip() or r.stdout.strip() or f'exit status {r.returncode}').splitlines()[-1]

def cli(name):
    "The console script `name` of this Python's environment, else the one on PATH"
    p = Path(PY).parent/name
    return str(p) if p.exists() else (shutil.which(name) or name)

# save_model's format, version 1: the last resort, when the library is mid-edit
BY_HAND = """import sys, torch
sd = {'weight': torch.zeros(2, 4096), 'bias': torch.zeros(2)}
torch.save(dict(format='medlin-model', version=1, classes=['a', 'b'], size=[64, 64],
                mode='grayscale', scale=1/255, state_dict=sd), sys.argv[1])"""

SAVE = """import sys
from medlin.model import SoftmaxRegression
try: from medlin.modelfile import save_model
except ImportError: from medlin.train import save_model
save_model(SoftmaxRegression(64*64, 2), sys.argv[1], ['a', 'b'], (64, 64))"""

def jpeg(path, seed):
    "Write a 64x64 grey JPEG with a pattern that depends on `seed`"
    from PIL import Image
    path.parent.mkdir(parents=True, exist_ok=True)
    px = bytes((i * seed + i // 64 * 7) % 256 for i in range(64 * 64))
    Image.frombytes('L', (64, 64), px).save(path)

def make_inputs(tmp:Path):
    "A 64x64 JPEG and a model for it, in `tmp`: `(model, image, how the model was made)`"
    img, model = tmp/'one.jpeg', tmp/'model.pt'
    jpeg(img, 3)
    _, r = run([PY, '-c', SAVE, str(model)], tmp)
    if r.returncode == 0 and model.exists(): return model, img, 'save_model'
    tries = [f'save_model: {last_line(r)}']
    for c in 'ab':
        for i in range(12): jpeg(tmp/'fake'/c/f'{i}.jpeg', i + (5 if c == 'a' else 40))
    train = [cli('medlin-train'), '--data', 'fake', '--epochs', '1', '--model', str(model),
             '--cache', 'cache']
    for extra in (['--no-verify'], []):
        _, r = run(train + extra, tmp)
        if r.returncode == 0 and model.exists(): return model, img, 'medlin-train, fake dataset'
        tries.append(f'medlin-train {" ".join(extra)}: {last_line(r)}')
    _, r = run([PY, '-c', BY_HAND, str(model)], tmp)
    if r.returncode == 0: return model, img, 'hand (save_model format 1), as ' + '; '.join(tries)
    sys.exit('bench_startup: could not make a model:\n  ' + '\n  '.join(tries))

def import_rows(cmd, cwd):
    "`(depth, module, self_us, cumulative_us)` from `python -X importtime cmd`, in Python's order"
    _, r = run([PY, '-X', 'importtime', *cmd], cwd)
    pat = re.compile(r'import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)')
    rows = [(len(m[3]) // 2, m[4], int(m[1]), int(m[2]))
            for m in map(pat.match, r.stderr.splitlines()) if m]
    if r.returncode or not rows: print(f'importtime of {" ".join(cmd)} failed: {last_line(r)}')
    return [] if r.returncode else rows

def by_package(rows, skip=()):
    "`(cumulative_us, package, importer)`, where another package first imports each package"
    pkg, by, stack = defaultdict(int), {}, {}
    for d, n, s, c in reversed(rows):  # reversed: each parent before its children
        stack[d] = n
        parent, root = (stack.get(d - 1, '') if d else ''), n.split('.')[0]
        if n in skip or (d and root == parent.split('.')[0]): continue
        pkg[root] += c; by.setdefault(root, parent or '(top level)')
    return sorted(((c, p, by[p]) for p, c in pkg.items()), reverse=True)

def importtime(tmp, model, img, top):
    "Print where `import medlin.train` and `medlin-predict` spend their import time"
    base = {n for _, n, _, _ in import_rows(['-c', 'import torch'], tmp)} | {'site', 'encodings'}
    rows = import_rows(['-c', 'import medlin.train'], tmp)
    if not rows: return
    total = sum(c for d, _, _, c in rows if d == 0)
    print(f'\npython -X importtime -c "import medlin.train": {total/1e3:.0f} ms, one run')
    print(f'{"cumulative ms":>13}  {"self ms":>7}  module (top {top})')
    for d, n, s, c in sorted(rows, key=lambda r: -r[3])[:top]:
        print(f'{c/1e3:13.0f}  {s/1e3:7.1f}  {"  " * d}{n}')
    print(f'\n{"ms":>6}  packages that `import torch` alone does not import, and their importer')
    for c, p, by in by_package(rows, skip=base)[:top]:
        if p != 'medlin': print(f'{c/1e3:6.0f}  {p:<20} by {by}')
    rows = import_rows([cli('medlin-predict'), model.name, img.name], tmp)
    names = [n for _, n, _, _ in rows]
    late = rows[names.index('medlin.cli') + 1:] if 'medlin.cli' in names else []
    print(f'\n{"ms":>6}  imported while medlin-predict runs, after `import medlin.cli`')
    for c, n in sorted(((c, n) for d, n, _, c in late if d == 0), reverse=True)[:top]:
        print(f'{c/1e3:6.0f}  {n}')

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--reps', type=int, default=5, help='rounds after one warm-up round (default 5)')
    p.add_argument('--importtime', action='store_true', help='also show where the import time goes')
    p.add_argument('--top', type=int, default=15, help='rows per --importtime table (default 15)')
    a = p.parse_args()
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix='medlin-bench-') as d:
        tmp = Path(d)
        model, img, how = make_inputs(tmp)
        predict = 'medlin-predict MODEL one.jpeg'
        cmds = {'python -c pass': [PY, '-c', 'pass'],
                'import torch': [PY, '-c', 'import torch'],
                'import torch, no teardown': [PY, '-c', 'import torch, os; os._exit(0)'],
                'import medlin.data': [PY, '-c', 'import medlin.data'],
                'import medlin.modelfile': [PY, '-c', 'import medlin.modelfile'],
                'import medlin.train': [PY, '-c', 'import medlin.train'],
                'import medlin.cli': [PY, '-c', 'import medlin.cli'],
                predict: [cli('medlin-predict'), model.name, img.name]}
        times, failed, out = defaultdict(list), defaultdict(list), ''
        for rnd in range(a.reps + 1):  # round 0 warms the file cache and is not counted
            for k, cmd in cmds.items():
                t, r = run(cmd, tmp)
                if r.returncode: failed[k].append(last_line(r))  # the library may be mid-edit
                elif rnd: times[k].append(t)
                if k == predict and not r.returncode: out = r.stdout.strip()
        print(f'model made by {how}; medlin-predict printed: {out or "(nothing)"}')
        print(f'median of {a.reps} interleaved runs of each, fresh processes '
              '(CPU = user + system: steadier under load)')
        med = {k: [statistics.median(t[i] for t in v) for i in (0, 1)] for k, v in times.items()}
        print(f'  {"":<30} {"wall s":>7} {"CPU s":>7}')
        for k in cmds:
            fail = f'FAILED {len(failed[k])} of {a.reps + 1}: {failed[k][-1]}' if failed[k] else ''
            times_k = f'{med[k][0]:7.2f} {med[k][1]:7.2f}' if k in med else ''
            print(f'  {k:<30} {times_k}  {fail}'.rstrip())
        t = med.get('import torch')
        for k in (predict, 'import medlin.train'):
            if not (t and k in med) or failed[k] or failed['import torch']: continue
            wall, cpu = (med[k][i] / t[i] for i in (0, 1))
            met = (f'; target <= {TARGET}x: {"met" if wall <= TARGET else "NOT met"}'
                   if k == predict else '')
            print(f'{k.split(" MODEL")[0]} / import torch: {wall:.2f}x wall, {cpu:.2f}x CPU{met}')
        if (t0 := med.get('import torch, no teardown')) and predict in med and not failed[predict]:
            print(f'medlin-predict / import torch without its teardown (the commands skip it, as '
                  f'run_command does): {med[predict][0] / t0[0]:.2f}x wall')
        loads = lambda ls: ', '.join(f'{l:.2f}' for l in ls)
        print(f'load average (1, 5, 15 min): before {loads(load0)}; '
              f'after {loads(os.getloadavg())}; {os.cpu_count()} CPUs')
        if a.importtime: importtime(tmp, model, img, a.top)
    if any(failed.values()): sys.exit(1)

if __name__ == '__main__': main()
