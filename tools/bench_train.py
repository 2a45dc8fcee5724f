"""Benchmark training: 15 epochs at bs 64 of the original post's loop, idiomatic PyTorch, medlin's `fit` and its floor.

    python tools/bench_train.py [--data ZIP_OR_FOLDER] [--threads N] [--repeat R] [--epochs E] [--only-main]
                                [--before DIR [--before-cache CACHE]]

(a) the original post's loop: `[4096, 10]` weights, autograd, its broken softmax, no reshuffling;
(b) idiomatic PyTorch: `nn.Linear`, `F.cross_entropy`, `optim.SGD`, reshuffled mini-batches gathered by index (`x[idx]`);
(c) medlin's `fit` (uint8 pixels, `fast_loss_and_grads`, validation after every epoch), and the same with
    the model post's `loss_and_grads` and with autograd, and with `medlin-train`'s recipe (its lr and momentum).
(d) the floor: `fit`'s math in a minimal loop, with the same buffers and operations, but no checks, no
    optimizer object, no history: what `fit` is measured against (target: `fit` within 1.15x of it).
Then the whole main job warm (`medlin-train` in this process: load from the cache, train, evaluate, save), and the
same as a new process, whose epochs (from its `--metrics` file) are compared with `fit`'s on tensors in memory,
with the same recipe. Its time outside those epochs (start-up, importing torch, loading, testing, saving) plus the
floor's 15 epochs bounds the ratio any new process could reach with this arithmetic ("the most a new process
could reach").
`--before DIR` also runs the new process with `DIR` (a folder holding an earlier `medlin` package, e.g. from
`git archive COMMIT medlin | tar -x -C DIR`) first on `PYTHONPATH`, interleaved with the current one: the
before and after of a change, in one run, each with its own defaults. A package from before 98d0dd3 (which added the
class folders to the cache's signature) would rebuild the cache, and the current one after it: give it a folder of
its own, `--before-cache CACHE`, which one untimed epoch fills first.
Each variant runs `--repeat` times, interleaved; the fastest run counts. Other processes on a shared machine slow
everything: compare the ratios, and check the load printed before and after."""
import argparse, io, json, math, os, resource, statistics, subprocess, sys, tempfile, time
from contextlib import redirect_stdout
from pathlib import Path
import torch, torch.nn as nn, torch.nn.functional as F
from medlin.data import load_images, scale_pixels, set_threads, split_idx
from medlin.cli import TRAIN_LR, TRAIN_MOM, medlin_train
from medlin.train import fit

def post_fit(x_train, y_train, epochs=15, bs=64):
    "(a) The original post's training loop, bugs included (as in nbs/04_eval.ipynb)"
    weights = torch.zeros(4096, 10, requires_grad=True)
    bias = torch.zeros(10, requires_grad=True)
    def log_softmax(x): return x - x.exp().sum(-1).unsqueeze(-1)
    def model(xb): return log_softmax(xb @ weights + bias)
    def nll(input, target): return -input[range(target.shape[0]), target].mean()
    x_train = x_train / 255  # ToTensor had already scaled to [0, 1]
    for epoch in range(epochs):
        for i in range(0, len(x_train), bs):
            xb, yb = x_train[i:i+bs], y_train[i:i+bs]
            loss = nll(model(xb), yb)
            loss.backward()
            with torch.no_grad():
                weights -= weights.grad
                bias -= bias.grad
                weights.grad.zero_()
                bias.grad.zero_()
    return lambda x: x / 255 @ weights + bias  # the predicted class: its log_softmax shifts all logits alike

def idiomatic_fit(x_train, y_train, epochs=15, bs=64, lr=0.1):
    "(b) Idiomatic PyTorch: nn.Linear, F.cross_entropy and optim.SGD over reshuffled mini-batches gathered by index"
    torch.manual_seed(0)
    model = nn.Linear(x_train.shape[1], int(y_train.max()) + 1)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        perm = torch.randperm(len(y_train))
        for i in range(0, len(perm), bs):
            idx = perm[i:i+bs]
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
            loss.backward(); opt.step(); opt.zero_grad()
    return model

def floor_fit(x8_train, y_train, x8_valid, y_valid, epochs=15, bs=64, lr=0.1, seed=0):
    """(d) The floor: `fit`'s math (uint8 gathered into a buffer, 1/255 folded into the products as
    `fast_loss_and_grads(..., scale=1/255)` does, cosine lr,
    validation every epoch) in a minimal loop"""
    n_in, n_out = x8_train.shape[1], int(y_train.max()) + 1
    w, b, gen = torch.zeros(n_out, n_in), torch.zeros(n_out), torch.Generator().manual_seed(seed)
    raw, buf, minus1 = torch.empty(bs, n_in, dtype=torch.uint8), torch.empty(bs, n_in), torch.full((1, bs), -1.)
    xv, step, n_steps = x8_valid.float().mul_(1/255), 0, epochs * math.ceil(len(y_train) / bs)
    for epoch in range(epochs):
        perm = torch.randperm(len(y_train), generator=gen); ys = y_train[perm]
        for i in range(0, len(perm), bs):
            j = perm[i:i+bs]; n, yb = len(j), ys[i:i+bs]
            xb = buf[:n].copy_(torch.index_select(x8_train, 0, j, out=raw[:n]))  # 0..255
            logp = torch.addmm(b[:, None], w, xb.T, alpha=1/255).log_softmax(0)
            loss = -logp.gather(0, yb[None]).mean()
            g = logp.exp_().scatter_add_(0, yb[None], minus1[:, :n]).div_(n)
            lr_t = lr * (1 + math.cos(math.pi * step / n_steps)) / 2; step += 1
            w.add_((g * (1/255)) @ xb, alpha=-lr_t); b.add_(g.sum(1), alpha=-lr_t)
        z = torch.addmm(b, xv, w.T); F.cross_entropy(z, y_valid).item()  # validate, as fit does
    return (z.argmax(-1) == y_valid).float().mean().item()

def load():
    "uint8 and float32 training and validation sets, split as medlin splits them"
    imgs = load_images()
    t, v, _ = split_idx(len(imgs.y))  # the test set is scored once, by medlin-train, not here
    x8 = imgs.x.reshape(len(imgs.y), -1)
    x8_train, x8_valid = torch.index_select(x8, 0, t), torch.index_select(x8, 0, v)
    return x8_train, scale_pixels(x8_train), imgs.y[t], x8_valid, scale_pixels(x8_valid), imgs.y[v]

def cpu_children():
    "CPU seconds (user + system) of this process's finished children"
    ru = resource.getrusage(resource.RUSAGE_CHILDREN); return ru.ru_utime + ru.ru_stime

EPOCHS = {}  # label: the median epoch time of each run
RECIPE = "(c) medlin fit, the command's recipe"  # fit with medlin-train's lr and momentum

def fit_epochs(hist, label='(c) medlin fit'):
    "The last epoch's validation accuracy; the median epoch time kept in `EPOCHS[label]`"
    EPOCHS.setdefault(label, []).append(statistics.median(r['time'] for r in hist))
    return hist[-1]['valid_accuracy']

def load_avg(): return ' '.join(Path('/proc/loadavg').read_text().split()[:3]) if Path('/proc/loadavg').exists() else '?'

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data', help='archive or folder (default: $MEDLIN_DATA, else the upstream URL)')
    p.add_argument('--threads', type=int, default=1, help='torch threads (default: 1, as medlin-train)')
    p.add_argument('--repeat', type=int, default=3, help='runs of each variant; the fastest counts')
    p.add_argument('--epochs', type=int, default=15)
    p.add_argument('--only-main', action='store_true', help="only (a), (c), (d) and the main job, not (b) or fit's variants")
    p.add_argument('--before', help='a folder holding an earlier medlin package: its main job too, interleaved')
    p.add_argument('--before-cache', help="--before's cache folder (MEDLIN_CACHE), for a package whose cache differs")
    a = p.parse_args()
    if a.before_cache and not a.before: p.error('--before-cache needs --before')
    if a.data: os.environ['MEDLIN_DATA'] = a.data
    n_threads = set_threads(a.threads)
    print(f'torch threads: {n_threads}; load average before: {load_avg()}', flush=True)
    x8_train, x_train, y_train, x8_valid, x_valid, y_valid = load()
    acc = lambda z: (z.argmax(-1) == y_valid).float().mean().item()
    variants = {
        '(a) original post': lambda: acc(post_fit(x_train, y_train, a.epochs)(x_valid).detach()),
        '(b) idiomatic PyTorch': lambda: acc(idiomatic_fit(x_train, y_train, a.epochs)(x_valid).detach()),
        '(c) medlin fit': lambda: fit_epochs(fit(x8_train, y_train, x8_valid, y_valid, a.epochs, progress=False)[1]),
        RECIPE: lambda: fit_epochs(fit(  # medlin-train's lr and momentum
            x8_train, y_train, x8_valid, y_valid, a.epochs, lr=TRAIN_LR, mom=TRAIN_MOM, progress=False)[1],
            RECIPE),
        '(d) floor: minimal loop': lambda: floor_fit(x8_train, y_train, x8_valid, y_valid, a.epochs),
        '(c) medlin fit, grad=hand': lambda: fit(x8_train, y_train, x8_valid, y_valid, a.epochs, grad='hand',
                                                progress=False)[1][-1]['valid_accuracy'],
        '(c) medlin fit, autograd': lambda: fit(x8_train, y_train, x8_valid, y_valid, a.epochs, grad='autograd',
                                               progress=False)[1][-1]['valid_accuracy']}
    if a.only_main: variants = {k: f for k, f in variants.items()
                                if k[:3] in ('(a)', '(d)') or k in ('(c) medlin fit', RECIPE)}
    times, cpus, accs = {k: [] for k in variants}, {k: [] for k in variants}, {}
    for r in range(a.repeat):
        for k, f in variants.items():
            t0, c0 = time.perf_counter(), time.process_time(); accs[k] = f()
            times[k].append(time.perf_counter() - t0); cpus[k].append(time.process_time() - c0)
            print(f'  run {r+1}: {k:<26} {times[k][-1]:6.2f} s, CPU {cpus[k][-1]:6.2f} s', flush=True)
    with tempfile.TemporaryDirectory() as d:
        job = dict(model=f'{d}/m.pt', epochs=a.epochs, threads=n_threads)
        t_job, c_job, t_proc, c_proc, outside = [], [], {}, {}, {}
        before = {'PYTHONPATH': str(Path(a.before).resolve())} if a.before else {}
        if a.before_cache:  # its own cache, filled by one untimed epoch
            before['MEDLIN_CACHE'] = str(Path(a.before_cache).resolve())
            subprocess.run(['medlin-train', '--model', f'{d}/m.pt', '--epochs', '1'], check=True,
                           capture_output=True, env={**os.environ, 'MEDLIN_THREADS': str(n_threads), **before})
        procs = {'now': {}} | ({'before': before} if a.before else {})
        for r in range(a.repeat):
            with redirect_stdout(io.StringIO()):
                t0, c0 = time.perf_counter(), time.process_time(); medlin_train(**job)
                t_job.append(time.perf_counter() - t0); c_job.append(time.process_time() - c0)
            for name, env in procs.items():
                t0, c0 = time.perf_counter(), cpu_children()  # a new process, default settings
                subprocess.run(['medlin-train', '--model', f'{d}/m.pt', '--epochs', str(a.epochs), '--metrics',
                                f'{d}/m.json'], check=True, capture_output=True,
                               env={**os.environ, 'MEDLIN_THREADS': str(n_threads), **env})
                t_proc.setdefault(name, []).append(time.perf_counter() - t0)
                c_proc.setdefault(name, []).append(cpu_children() - c0)
                hist = json.loads(Path(f'{d}/m.json').read_text())['history']
                fit_epochs(hist, f'medlin-train ({name})')
                outside.setdefault(name, []).append(t_proc[name][-1] - sum(e['time'] for e in hist))
            print(f'  run {r+1}: main job in process {t_job[-1]:6.2f} s, as a new process ' +
                  ', '.join(f'{k} {t_proc[k][-1]:6.2f} s (CPU {c_proc[k][-1]:.2f} s)' for k in procs), flush=True)
    print(f'load average after: {load_avg()}\n')
    best = {k: min(ts) for k, ts in times.items()}
    c, post, job, proc = best['(c) medlin fit'], best['(a) original post'], min(t_job), min(t_proc['now'])
    print(f"{a.epochs} epochs at bs 64, fastest of {a.repeat}:")
    for k, t in best.items(): print(f'{k:<26} {t:6.2f} s  (median {sorted(times[k])[len(times[k])//2]:5.2f})  '
                                    f'valid accuracy {accs[k]:.2%}')
    print(f"{'main job, in process':<26} {job:6.2f} s")
    for k, ts in t_proc.items(): print(f"{'main job, new process':<22} {k:<6} {min(ts):6.2f} s")
    print('an epoch (the median of a run\'s, fastest run): ' + ', '.join(f'{k} {min(v):.3f} s' for k, v in EPOCHS.items()))
    cb = {k: min(ts) for k, ts in cpus.items()}
    print(f"CPU seconds (steadier under load), fastest: " + ', '.join(f'{k[:3]} {t:.2f}' for k, t in cb.items()) +
          f", job {min(c_job):.2f}, new process {min(c_proc['now']):.2f}")
    print(f"  by CPU: fit / floor {cb['(c) medlin fit'] / cb['(d) floor: minimal loop']:.2f}x, "
          f"original post / medlin-train new process {cb['(a) original post'] / min(c_proc['now']):.2f}x\n\nratios (wall):")
    ratio = lambda name, r, ok: print(f"  {name:<58} {r:5.2f}x  {ok}")
    f = best['(d) floor: minimal loop'] / c
    ratio('fit / floor (target <= 1.15)', c / best['(d) floor: minimal loop'], 'met' if f >= 1 / 1.15 else 'NOT met')
    ratio('original post / medlin-train new process (target >= 3.5)', post / proc,
          'met' if post / proc >= 3.5 else 'NOT met')
    same = min(EPOCHS[RECIPE])  # the same lr, momentum and schedule
    e = min(EPOCHS['medlin-train (now)']) / same
    ratio("medlin-train's epoch / fit's on tensors, same recipe (target <= 1.10)", e, 'met' if e <= 1.10 else 'NOT met')
    if a.before:
        ratio('original post / medlin-train new process, before', post / min(t_proc['before']), '')
        ratio('medlin-train new process: before / now', min(t_proc['before']) / proc, '')
        ratio("medlin-train's epoch before / fit's on tensors",
              min(EPOCHS['medlin-train (before)']) / same, '')
    ratio('original post / main job in process', post / job, '')
    out, floor = min(outside['now']), best['(d) floor: minimal loop']  # the floor has no momentum: a lower bound on the epochs
    print(f"  medlin-train new process outside its epochs (start-up, import, load, test, save): {out:.2f} s")
    ratio('original post / (that + the floor): the most a new process could reach', post / (out + floor), '')
    for k, t in best.items():
        if k != '(c) medlin fit': ratio(f'{k} / fit', t / c, '')
    ok = accs['(c) medlin fit'] >= 0.993 - 5e-5
    print(f"  fit's accuracy at the defaults {accs['(c) medlin fit']:.2%} (99.3%: {'met' if ok else 'NOT met'}); "
          f"floor {accs['(d) floor: minimal loop']:.2%}")

if __name__ == '__main__': main()
