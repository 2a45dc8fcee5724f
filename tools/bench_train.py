"""Benchmark training: 15 epochs at bs 64 of the original post's loop, idiomatic PyTorch and medlin's `fit`, in one run.

    python tools/bench_train.py [--data ZIP_OR_FOLDER] [--threads N] [--repeat R] [--epochs E]

(a) the original post's loop: `[4096, 10]` weights, autograd, its broken softmax, no reshuffling;
(b) idiomatic PyTorch: `nn.Linear`, `F.cross_entropy`, `optim.SGD`, reshuffled mini-batches sliced from tensors;
(c) medlin's `fit` (uint8 pixels, `fast_loss_and_grads`, validation after every epoch), and the same with
    the model post's `loss_and_grads` and with autograd.
Then the whole main job warm (`medlin-train` in this process: load from the cache, train, evaluate, save), and the
same as a new process. Each variant runs `--repeat` times, interleaved; the fastest run counts. Other processes
on a shared machine slow everything: compare the ratios, and check the load printed before and after."""
import argparse, io, os, subprocess, tempfile, time
from contextlib import redirect_stdout
from pathlib import Path
import torch, torch.nn as nn, torch.nn.functional as F
from medlin.data import load_images, scale_pixels, set_threads, split_idx
from medlin.train import fit, medlin_train

def post_fit(x_train, y_train, epochs=15, bs=64):
    "(a) The original post's training loop, bugs included (as in nbs/03_train.ipynb)"
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

def load():
    "uint8 and float32 training and validation sets, split as medlin splits them"
    imgs = load_images()
    t, v = split_idx(len(imgs.y))
    x8 = imgs.x.reshape(len(imgs.y), -1)
    x8_train, x8_valid = torch.index_select(x8, 0, t), torch.index_select(x8, 0, v)
    return x8_train, scale_pixels(x8_train), imgs.y[t], x8_valid, scale_pixels(x8_valid), imgs.y[v]

def load_avg(): return ' '.join(Path('/proc/loadavg').read_text().split()[:3]) if Path('/proc/loadavg').exists() else '?'

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data', help='archive or folder (default: $MEDLIN_DATA, else the upstream URL)')
    p.add_argument('--threads', type=int, default=1, help='torch threads (default: 1, as medlin-train)')
    p.add_argument('--repeat', type=int, default=3, help='runs of each variant; the fastest counts')
    p.add_argument('--epochs', type=int, default=15)
    a = p.parse_args()
    if a.data: os.environ['MEDLIN_DATA'] = a.data
    n_threads = set_threads(a.threads)
    print(f'torch threads: {n_threads}; load average before: {load_avg()}', flush=True)
    x8_train, x_train, y_train, x8_valid, x_valid, y_valid = load()
    acc = lambda z: (z.argmax(-1) == y_valid).float().mean().item()
    variants = {
        '(a) original post': lambda: acc(post_fit(x_train, y_train, a.epochs)(x_valid).detach()),
        '(b) idiomatic PyTorch': lambda: acc(idiomatic_fit(x_train, y_train, a.epochs)(x_valid).detach()),
        '(c) medlin fit': lambda: fit(x8_train, y_train, x8_valid, y_valid, a.epochs, progress=False)[1][-1]['valid_accuracy'],
        '(c) medlin fit, grad=hand': lambda: fit(x8_train, y_train, x8_valid, y_valid, a.epochs, grad='hand',
                                                progress=False)[1][-1]['valid_accuracy'],
        '(c) medlin fit, autograd': lambda: fit(x8_train, y_train, x8_valid, y_valid, a.epochs, grad='autograd',
                                               progress=False)[1][-1]['valid_accuracy']}
    times, accs = {k: [] for k in variants}, {}
    for r in range(a.repeat):
        for k, f in variants.items():
            t0 = time.perf_counter(); accs[k] = f(); times[k].append(time.perf_counter() - t0)
            print(f'  run {r+1}: {k:<26} {times[k][-1]:6.2f} s', flush=True)
    with tempfile.TemporaryDirectory() as d:
        job = dict(model=f'{d}/m.pt', epochs=a.epochs, threads=n_threads)
        t_job = []
        for r in range(a.repeat):
            with redirect_stdout(io.StringIO()):
                t0 = time.perf_counter(); medlin_train(**job); t_job.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run(['medlin-train', '--model', f'{d}/m.pt', '--epochs', str(a.epochs), '--threads', str(n_threads)],
                       check=True, capture_output=True)
        t_proc = time.perf_counter() - t0
    print(f'load average after: {load_avg()}\n')
    best = {k: min(ts) for k, ts in times.items()}
    c = best['(c) medlin fit']
    print(f"{a.epochs} epochs at bs 64, fastest of {a.repeat}:")
    for k, t in best.items(): print(f'{k:<26} {t:6.2f} s  (median {sorted(times[k])[len(times[k])//2]:5.2f})  '
                                    f'valid accuracy {accs[k]:.2%}' + (f'   (c) is {t / c:4.1f}x faster' if t != c else ''))
    ra, rb = best['(a) original post'] / c, best['(b) idiomatic PyTorch'] / c
    print(f"targets: (c) >= 4x faster than (a): {ra:.1f}x {'met' if ra >= 4 else 'NOT met'}; "
          f">= 2x faster than (b): {rb:.1f}x {'met' if rb >= 2 else 'NOT met'}; "
          f"accuracy >= 99.1%: {'met' if accs['(c) medlin fit'] >= 0.991 else 'NOT met'}")
    print(f"main job warm, in this process (load from cache, train, evaluate, save): {min(t_job):.2f} s "
          f"(target <= 3 s: {'met' if min(t_job) <= 3 else 'NOT met'});  as a new process `medlin-train`: {t_proc:.2f} s")

if __name__ == '__main__': main()
