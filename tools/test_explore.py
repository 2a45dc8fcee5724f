#!/usr/bin/env python
"""Test the explorables (`medlin.explore`: steer SGD, train in the browser) in headless Chromium, offline, against Python.

The page is built from `sgd_explorer()` and `train_explorer()` (its defaults: the page the posts show), or given with
--page (e.g. the nbconvert page that tools/check_docs.py renders, _out/docs/03e_explore.html). Checks, each named in
the messages:
  offline    nothing is requested from any host; no JavaScript error
  size       each explorable adds at most 1.5 MB to its page
  sgd        each panel's path, with settings set through its controls (the SGD post's learning rates 0.05, 0.3 and
             1.05, the limit, momentum, divergent ones, other starts and step counts), equals `sgd_path`'s (medlin's
             `SGD` in float64) to 1e-12 relative; the live region says which directions diverge
  marks      the limits 2/curvature and 2(1+momentum)/curvature are marked under the learning-rate slider
  pixels     the images the page unpacks are `explore_data`'s, byte for byte, with their labels
  order      the mini-batches of its first 100 steps are `batch_order`'s
  weights    after 100 steps from zeros (two of them by keyboard), its weights and biases are `train_steps`' (medlin's
             `loss_and_grads` and `SGD`, float64) within 1e-12 at learning rates below 2/curvature; at fit's 0.1,
             which is above it, rounding differences grow step by step, in Python as in the browser (see
             nbs/03e_explore.ipynb): there within 100 times the gap between two Python runs whose sums differ in order
  keyboard   Tab reaches the buttons; Enter and Space press them; the arrow keys move a slider and redraw the path
  responsive while it trains, the page's event loop runs between slices of steps
  a11y       every control has a label; results are announced in live regions
  ids        ids are unique on the page
  jupyterlab (with --jupyterlab) after Run All in JupyterLab, both start, and their steps are Python's
It also notes the validation accuracy that training reaches in Chromium and how long it took (this machine's figure),
and saves a screenshot of each explorable.

    python tools/test_explore.py [--shots DIR]       # default: screenshots in _out/explore-sgd.png, explore-train.png
    python tools/test_explore.py --page PAGE.html
    python tools/test_explore.py --jupyterlab        # also in JupyterLab 4, after Run All (slow: a kernel)
    python tools/test_explore.py --self-test         # each check must fail on a page broken on purpose
"""
import argparse, base64, json, math, re, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import Browser, BrowserError

CHECKS = ['offline', 'size', 'sgd', 'marks', 'pixels', 'order', 'weights', 'keyboard', 'responsive', 'a11y', 'ids',
          'jupyterlab']
MAX_BYTES, REL, TOL_STABLE, GROWTH = 1_500_000, 1e-12, 1e-12, 100
# (panel, learning rate, momentum, steps, start, what the live region must say)
SGD_CASES = [(0, 0.05, 0, 15, 0, 'It converges'), (0, 0.3, 0, 15, 0, 'It converges'),
             (0, 1.05, 0, 15, 0, 'It diverges'), (0, 1, 0, 15, 0, 'swings for ever'),
             (0, 1.5, 0.9, 100, 0, 'It converges'), (0, 2.5, 0.2, 100, 3, 'It diverges'),
             (1, 0.09, 0, 30, 0, 'Along v (curvature 20) it converges'),
             (1, 0.15, 0, 60, 1, 'Along v (curvature 20) it diverges'), (1, 0.25, 0.6, 100, 2, 'Along u (curvature 2) it converges'),
             (1, 3, 0.99, 100, 3, 'Along u (curvature 2) it diverges')]
# (learning rate, momentum, batch size, tolerance): below the steepest curvature's limit, and fit's own settings
# At fit's rate (above the limit) rounding differences grow step by step, by how much depends on the images: the
# browser must then be as close to Python as Python is to itself with its sums in another order, within 100 times
TRAIN_CASES = [(0.03, 0.9, 32, TOL_STABLE), (0.01, 0, 64, TOL_STABLE), (0.1, 0, 64, None)]

class Fail(Exception): "A setup problem: one line, exit status 2"

class Checker:
    def __init__(self, only=None): self.fails, self.info, self.only = {}, [], only
    def wants(self, name): return self.only is None or name in self.only
    def check(self, name, ok, msg):
        if not ok: self.fails.setdefault(name, []).append(msg)
        return ok
    def note(self, msg): self.info.append(msg)

def build_page(path):
    "A page holding `sgd_explorer()` and `train_explorer()`, in a column as wide as the posts' (657 px)"
    from medlin.explore import sgd_explorer, train_explorer
    s, t = sgd_explorer(), train_explorer()
    path.write_text('<!doctype html><html lang="en"><meta charset="utf-8"><title>explorables</title>'
                    '<body style="max-width:657px;margin:16px auto">\n' + s.html + '\n' + t.html + '\n</body></html>',
                    encoding='utf-8')
    return path

_DATA = {}
def data(n_train, n_valid):
    "`explore_data`'s images, loaded once"
    if (n_train, n_valid) not in _DATA:
        from medlin.explore import explore_data
        _DATA[n_train, n_valid] = explore_data(n_train, n_valid)
    return _DATA[n_train, n_valid]

def close(a, b, rel=REL):
    "Whether two paths agree: finite entries to `rel` relative, the rest identical (inf, -inf, nan)"
    for u, v in zip(a, b):
        for x, y in zip(u, v):
            if math.isfinite(y) or math.isfinite(x):
                if not (math.isfinite(x) and math.isfinite(y) and abs(x - y) <= rel * max(1, abs(y))): return False
            elif not (math.isnan(x) and math.isnan(y)) and x != y: return False
    return len(a) == len(b)

def set_range(page, loc, v):
    "Set a slider as a drag does: its value, then an input event"
    loc.evaluate('(e, v) => { e.value = v; e.dispatchEvent(new Event("input", {bubbles: true})); }', v)

def sgd_checks(page, ck):
    from medlin.explore import sgd_path
    root = page.locator('.medlin-sgd').first
    spec = json.loads(root.locator('.medlin-spec').text_content())
    panels = root.locator('.medlin-panel')
    ck.check('sgd', panels.count() == len(spec['panels']), f'{panels.count()} panels, not {len(spec["panels"])}')
    state = lambda i: panels.nth(i).evaluate('e => [e.medlinPath, e.medlinSettings, e.querySelector(".medlin-say").textContent]')
    worst = 0.
    for i, lr, mom, steps, start, says in SGD_CASES:
        p = panels.nth(i)
        num = p.locator('.medlin-num'); num.fill(str(lr)); num.press('Tab')  # typed, as a reader types an exact rate
        rng = p.locator('input[type=range]')
        set_range(page, rng.nth(1), mom); set_range(page, rng.nth(2), steps)
        p.locator('select').select_option(str(start))
        path, got, text = state(i)
        P = spec['panels'][i]
        want = dict(lr=lr, mom=mom, steps=steps, start=P['starts'][start])
        if not ck.check('sgd', all(got[k] == v for k, v in want.items()), f'panel {i}: set {want}, the page used {got}'):
            continue
        py = sgd_path(P['curv'], P['centre'], want['start'], lr, mom, steps)
        ok = ck.check('sgd', close(path, py), f'panel {i} at lr={lr}, momentum={mom}, {steps} steps: the path differs '
                      f'from sgd_path: last {path[-1]} against {py[-1]}')
        if ok: worst = max([worst] + [abs(x - y) / max(1, abs(y)) for u, v in zip(path, py) for x, y in zip(u, v)
                                      if math.isfinite(y)])
        ck.check('sgd', says in text, f'panel {i} at lr={lr}, momentum={mom}: the live region says {text!r}, '
                 f'not {says!r}')
        if i == 0 and mom == 0 and lr == 1 and ck.wants('marks'):  # the mark 2/2 stands where the slider puts lr = 1
            f = p.evaluate('''p => { const r = p.querySelector('input[type=range]'), t = p.querySelector('.medlin-track')
                .getBoundingClientRect(), m = [...p.querySelectorAll('.medlin-mark')].find(m => m.textContent === '2/2');
                return m ? [r.value / r.max, (m.getBoundingClientRect().left - t.left - 8) / (t.width - 16)] : null; }''')
            ck.check('marks', f is not None and abs(f[0] - f[1]) < 0.005, f'at lr=1 the slider stands at {f and f[0]:.3f} '
                     f'of its track, the mark 2/2 at {f and f[1]:.3f}')
        if i == 0 and mom > 0 and ck.wants('marks'):
            marks = p.locator('.medlin-mark').evaluate_all('ms => ms.map(m => [m.textContent, m.title])')
            lim = 2 * (1 + mom) / 2
            ck.check('marks', any(t == '2/2' for t, _ in marks) and any('2(1+' in t and f'= {lim:g}' in ti
                     for t, ti in marks), f'lr={lr}, momentum={mom}: the marks are {marks}, without 2/2 and '
                     f'2(1+\u03b2)/2 = {lim:g}')
    ck.note(f'sgd: {len(SGD_CASES)} settings, largest relative difference from sgd_path {worst:.1e}')
    # the marks of the two-curvature panel: 2/20 (v) left of 2/2 (u), both under the track
    if ck.wants('marks'):
        p = panels.nth(1); set_range(page, p.locator('input[type=range]').nth(1), 0)
        ms = p.locator('.medlin-mark').evaluate_all('''ms => ms.map(m => { const r = m.getBoundingClientRect(),
            t = m.closest('.medlin-track').getBoundingClientRect(); return [m.textContent, r.left, t.left, t.right]; })''')
        pos = {t: x for t, x, _, _ in ms}
        ck.check('marks', '2/20 (v)' in pos and '2/2 (u)' in pos and pos['2/20 (v)'] < pos['2/2 (u)'] and
                 all(lo <= x <= hi for _, x, lo, hi in ms), f'two curvatures: marks {ms}')
        # on the log scale, the marks for 0.1 and 1 stand as far apart as the slider positions of 0.1 and 1
        lo, hi = spec['panels'][1]['lr_range']
        if '2/20 (v)' in pos and '2/2 (u)' in pos:
            tl, tr = ms[0][2], ms[0][3]
            want = (tr - tl - 16) * (math.log10(1) - math.log10(0.1)) / (math.log10(hi) - math.log10(lo))
            ck.check('marks', abs(pos['2/2 (u)'] - pos['2/20 (v)'] - want) < 1.5, f'the marks for 0.1 and 1 are '
                     f'{pos["2/2 (u)"] - pos["2/20 (v)"]:.1f} px apart, not {want:.1f}')
    # keyboard: the arrow key moves the learning rate; the path follows, as Python computes it
    if ck.wants('keyboard') or ck.wants('sgd'):
        p, P = panels.nth(0), spec['panels'][0]
        before = state(0)[1]['lr']
        p.locator('input[type=range]').first.focus(); page.keyboard.press('ArrowRight'); page.keyboard.press('ArrowRight')
        path, got, _ = state(0)
        ck.check('keyboard', got['lr'] > before, f'ArrowRight on the learning-rate slider: {before} -> {got["lr"]}')
        ck.check('sgd', close(path, sgd_path(P['curv'], P['centre'], got['start'], got['lr'], got['mom'], got['steps'])),
                 f'after ArrowRight (lr={got["lr"]}) the path differs from sgd_path')

def train_state(root): return root.evaluate('r => r.medlinTrain.state()')

def train_checks(page, ck, shots):
    import torch
    from medlin.explore import batch_order, train_steps
    root = page.locator('.medlin-train').first
    spec = json.loads(root.locator('.medlin-spec').text_content())
    n_c = len(spec['classes'])
    n_train, n_valid = len(spec['y_train']) // n_c, len(spec['y_valid']) // n_c
    T = time.perf_counter(); xt, yt, xv, yv, classes = data(n_train, n_valid)
    ck.note(f'time: explore_data {time.perf_counter() - T:.1f}s')
    if ck.wants('pixels'):
        px = base64.b64decode(root.evaluate('r => r.medlinTrain.pixels()'))
        ck.check('pixels', px == torch.cat([xt, xv]).numpy().tobytes(), 'the page\'s pixels are not explore_data\'s')
        ck.check('pixels', spec['y_train'] == yt.tolist() and spec['y_valid'] == yv.tolist() and spec['classes'] == classes,
                 'the page\'s labels or classes are not explore_data\'s')
    btn = lambda c: root.locator('.medlin-' + c)
    rng, num, sel = root.locator('input[type=range]'), root.locator('.medlin-num'), root.locator('select')
    if ck.wants('keyboard'):  # Tab from the batch size reaches Start, One step and Reset, in that order
        sel.focus(); order = []
        for _ in range(3):
            page.keyboard.press('Tab'); order.append(page.evaluate('() => document.activeElement.className'))
        ck.check('keyboard', order == ['medlin-go', 'medlin-one', 'medlin-reset'], f'Tab from the batch size reaches {order}')
    for lr, mom, bs, tol in TRAIN_CASES if ck.wants('weights') or ck.wants('order') or ck.wants('keyboard') else []:
        bs = min(bs, len(yt))  # a page with fewer images offers all of them as its largest batch
        num.fill(str(lr)); num.press('Tab'); set_range(page, rng.nth(1), mom); sel.select_option(str(bs))
        btn('reset').focus(); page.keyboard.press('Enter')  # from zeros
        btn('one').focus(); page.keyboard.press('Enter'); page.keyboard.press('Space')  # two steps by keyboard
        st = train_state(root)
        ck.check('keyboard', st['step'] == 2, f'Reset, then Enter and Space on One step: step {st["step"]}, not 2')
        root.evaluate(f'r => r.medlinTrain.run({100 - st["step"]})')
        st = train_state(root)
        if not ck.check('weights', (st['lr'], st['mom'], st['bs'], st['step']) == (lr, mom, bs, 100),
                        f'set lr={lr}, momentum={mom}, batch size {bs}; the page trained {st["step"]} steps with '
                        f'lr={st["lr"]}, momentum={st["mom"]}, batch size {st["bs"]}'): continue
        ck.check('order', st['order'] == batch_order(len(yt), bs, 100, spec['seed']),
                 f'lr={lr}, bs={bs}: the page\'s batches are not batch_order\'s')
        w, b, losses = train_steps(xt, yt, 100, lr, mom, bs, spec['seed'], n_c)
        dw = (torch.tensor(st['w'], dtype=torch.float64).reshape(w.shape) - w).abs().max().item()
        db = (torch.tensor(st['b'], dtype=torch.float64) - b).abs().max().item()
        dl = max(abs(u - v) for u, v in zip(st['losses'], losses))
        if tol is None:  # Python against itself: the pixels in another order, the same maths
            p = torch.randperm(w.shape[1], generator=torch.Generator().manual_seed(1))
            w2, b2, _ = train_steps(xt[:, p], yt, 100, lr, mom, bs, spec['seed'], n_c)
            spread = max((w2[:, torch.argsort(p)] - w).abs().max().item(), (b2 - b).abs().max().item())
            tol = max(TOL_STABLE, GROWTH * spread)
        ck.check('weights', max(dw, db) <= tol, f'lr={lr}, momentum={mom}, batch size {bs}: after 100 steps the weights '
                 f'differ from train_steps\' by {dw:.1e}, the biases by {db:.1e} (tolerance {tol:g})')
        ck.note(f'train lr={lr:<4} momentum={mom:<3} bs={bs:<3}: 100 steps, largest difference from Python: weights '
                f'{dw:.1e}, biases {db:.1e}, losses {dl:.1e} (tolerance {tol:.1e}); max |w| {w.abs().max().item():.3f}')
    if ck.wants('responsive') or shots:
        # fit's settings, from zeros; Start, then sample the step count from timers while it trains
        num.fill(str(spec['lr'])); num.press('Tab'); set_range(page, rng.nth(1), spec['mom'])
        sel.select_option(str(min(spec['bs'], len(yt)))); btn('reset').click()
        btn('go').focus(); t0 = time.perf_counter(); page.keyboard.press('Enter')
        try:
            seen = root.evaluate('''r => new Promise(done => { const s = [], t0 = performance.now();
                const tick = () => { s.push(+r.dataset.step);  // timers every 50 ms, for 3 s
                  if (performance.now() - t0 < 3000) setTimeout(tick, 50); else done(s); };
                tick(); })''', timeout=120000)
            ck.check('responsive', len(set(seen)) >= 5 and seen == sorted(seen), f'while training, timers saw the '
                     f'step count take {len(set(seen))} values: {seen[::5]}')
            root.evaluate('r => new Promise(done => { const w = () => +r.dataset.step >= 500 ? done() : '
                          'setTimeout(w, 50); w(); })', timeout=120000)
        except Exception as e:
            ck.check('responsive', False, f'the page did not answer while training: {str(e).splitlines()[0][:100]}')
            return
        page.keyboard.press('Space')  # pause, by keyboard, on the same button
        wall = time.perf_counter() - t0
        st = train_state(root)
        ck.check('keyboard', not root.evaluate('r => r.medlinTrain.running'), 'Space on Pause did not stop training')
        acc = float(root.get_attribute('data-acc'))
        ck.note(f'train in Chromium, fit\'s settings (lr={spec["lr"]}, momentum={spec["mom"]}, bs={st["bs"]}), '
                f'{len(yt)} training images: {st["step"]} steps ({st["epoch"]} epochs) in {st["trainMs"] / 1000:.1f} s '
                f'of computing and {st["drawMs"] / 1000:.1f} s of drawing, {wall:.1f} s from Start to Pause; '
                f'validation accuracy {100 * acc:.1f}% '
                f'({round(acc * len(yv))} of {len(yv)})')

def page_checks(s, page, text, ck):
    if ck.wants('size'):
        parts = re.findall(r'<style class="medlin-explore-css">.*?\}\)\(\);</script>', text, flags=re.DOTALL)
        ck.check('size', len(parts) >= 2, f'{len(parts)} explorables found in the page, not 2')
        for p in parts:
            n = len(p.encode())
            kind = re.search(r'data-kind="(\w+)"', p)
            ck.note(f'size: {kind and kind.group(1)} explorable {n:,} bytes')
            ck.check('size', n <= MAX_BYTES, f'an explorable takes {n:,} bytes of its page (at most {MAX_BYTES:,})')
    if ck.wants('a11y'):
        bad = page.evaluate('''() => [...document.querySelectorAll('.medlin-explore input, .medlin-explore select, .medlin-explore button')]
            .filter(e => !((e.labels && [...e.labels].some(l => l.textContent.trim())) || e.getAttribute('aria-label')
                           || (e.tagName === 'BUTTON' && e.textContent.trim()))).map(e => e.outerHTML.slice(0, 80))''')
        ck.check('a11y', not bad, f'controls without a label: {bad[:3]}')
        live = page.evaluate('() => [...document.querySelectorAll(".medlin-explore .medlin-say")].map(e => e.getAttribute("aria-live"))')
        ck.check('a11y', live and all(l == 'polite' for l in live), f'live regions: {live}')
    if ck.wants('ids'):
        ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
        ck.check('ids', len(ids) == len(set(ids)), f'ids repeated: {sorted(i for i in set(ids) if ids.count(i) > 1)[:5]}')

def run_page(b, path, ck, shots=None):
    s = b.session(viewport=(1280, 1000))
    try:
        page = s.open(path)
        try:
            page.wait_for_selector('.medlin-sgd .medlin-panel', timeout=20000)
            page.wait_for_selector('.medlin-train[data-loaded], .medlin-train[data-error]', timeout=30000)
        except Exception:
            ck.check('offline', False, f'the explorables did not start: {s.problems()[:3]}'); return
        err = page.locator('.medlin-train').first.get_attribute('data-error')
        if not ck.check('pixels', err is None, f'the training explorer failed to unpack its images: {err}'): return
        text = Path(path).read_text(encoding='utf-8')
        T = time.perf_counter(); ck.note(f'time: page loaded')
        page_checks(s, page, text, ck); ck.note(f'time: page checks {time.perf_counter() - T:.1f}s')
        if any(ck.wants(c) for c in ('sgd', 'marks', 'keyboard')): sgd_checks(page, ck)
        ck.note(f'time: sgd {time.perf_counter() - T:.1f}s')
        if shots:
            for i, (lr, mom, steps) in enumerate([(1.05, 0.5, 15), (0.11, 0, 30)]):  # momentum saves lr=1.05; v diverges
                p = page.locator('.medlin-sgd .medlin-panel').nth(i)
                p.locator('.medlin-num').fill(str(lr)); p.locator('.medlin-num').press('Tab')
                rng = p.locator('input[type=range]'); set_range(page, rng.nth(1), mom); set_range(page, rng.nth(2), steps)
                p.locator('select').select_option('0')
            s.screenshot(Path(shots)/'explore-sgd.png', locator=page.locator('.medlin-sgd').first)
        if any(ck.wants(c) for c in ('pixels', 'order', 'weights', 'keyboard', 'responsive')) or shots:
            train_checks(page, ck, shots)
        ck.note(f'time: train {time.perf_counter() - T:.1f}s')
        if shots: s.screenshot(Path(shots)/'explore-train.png', locator=page.locator('.medlin-train').first)
        ck.check('offline', not s.problems() and not s.remote, f'{s.problems()[:3]}')
    finally: s.close()

def jupyterlab(b, ck, tmp, shots=None):
    "The explorables in JupyterLab after Run All: they start, and their steps are Python's"
    import torch
    from check_jupyterlab import Lab, PANEL, JS_IDLE, JS_RUN
    from medlin.explore import sgd_path, train_steps
    d = tmp/'lab'; d.mkdir()
    cell = lambda src: dict(cell_type='code', execution_count=None, id=f'c{abs(hash(src)) % 10**8}', metadata={},
                            outputs=[], source=src)
    (d/'explore.ipynb').write_text(json.dumps(dict(cells=[cell('from medlin.explore import sgd_explorer, train_explorer'),
        cell('sgd_explorer()'), cell('train_explorer(n_train=5, n_valid=2)')], metadata=dict(kernelspec=dict(
        display_name='python3', language='python', name='python3')), nbformat=4, nbformat_minor=5)))
    lab = Lab(d, tmp/'jupyterlab.log')
    s = b.session(viewport=(1280, 900), timeout_ms=60000)
    try:
        pg = s.open(lab.url('explore.ipynb'), timeout_ms=120000)
        pg.wait_for_selector(f'{PANEL} .jp-Cell', timeout=120000); pg.wait_for_function(JS_IDLE, timeout=120000)
        pg.locator('.lm-MenuBar-itemLabel', has_text='Run').first.click()
        pg.locator('.lm-Menu-itemLabel', has_text='Run All Cells').first.click()
        try: pg.wait_for_selector(f'{PANEL} .medlin-train[data-loaded]', timeout=180000)
        except Exception: return ck.check('jupyterlab', False, f'the explorables did not start after Run All: '
                                          f'{s.problems()[:3]}')
        p = pg.locator(f'{PANEL} .medlin-sgd .medlin-panel').first
        p.locator('.medlin-num').fill('1.05'); p.locator('.medlin-num').press('Tab')
        path, got = p.evaluate('e => [e.medlinPath, e.medlinSettings]')
        ck.check('jupyterlab', got['lr'] == 1.05 and close(path, sgd_path([2], [3], got['start'], 1.05, got['mom'],
                 got['steps'])), f'in JupyterLab the path at lr=1.05 is not sgd_path\'s: {path[-1]}')
        root = pg.locator(f'{PANEL} .medlin-train').first
        root.locator('.medlin-num').fill('0.01'); root.locator('.medlin-num').press('Tab')
        root.locator('.medlin-reset').click(); root.evaluate('r => r.medlinTrain.run(20)')
        st = train_state(root)
        xt, yt, _, _, _ = data(5, 2)
        w, bias, _ = train_steps(xt, yt, 20, 0.01, st['mom'], st['bs'], st['seed'])
        dw = (torch.tensor(st['w'], dtype=torch.float64).reshape(w.shape) - w).abs().max().item()
        ck.check('jupyterlab', dw <= TOL_STABLE, f'in JupyterLab, after 20 steps the weights differ by {dw:.1e}')
        ck.note(f'jupyterlab: after Run All both explorables run; path at lr=1.05 as sgd_path, 20 steps\' weights '
                f'within {dw:.1e} of train_steps\'')
        if shots: s.screenshot(Path(shots)/'explore-jupyterlab.png', full_page=False)
        ck.check('jupyterlab', not s.remote and not s.page_errors, f'{s.problems()[:3]}')
    finally: s.close(); lab.close()

# --- self-test: each check must catch a page broken on purpose -------------------------------------------------------
BREAKS = [  # (check that must fail, text in the page, replacement)
    ('offline', "unpack('sgd').forEach(", "fetch('https://example.com/x.json').catch(() => 0); unpack('sgd').forEach("),
    ('size', '<div class="medlin-explore medlin-train">', '<div class="medlin-explore medlin-train"><!--' + 'x' * 1_500_000 + '-->'),
    ('sgd', 'buf.map((b, k) => b * mom + g[k])', 'buf.map((b, k) => b * mom + g[k] * (1 - mom))'),  # dampened momentum
    ('sgd', 'w = w.map((wk, k) => wk - lr * g[k]);', 'w = w.map((wk, k) => wk - Math.fround(lr) * g[k]);'),  # lr in float32
    ('marks', 'marks.push({at: 2 / a,', 'marks.push({at: 1 / a,'),
    ('pixels', 'u[o + c] = u[o + c] + u[o - W + c];', 'u[o + c] = u[o + c];'),
    ('order', 'Math.floor(rnd() / 4294967296 * (i + 1))', 'Math.floor(rnd() / 4294967296 * i)'),
    ('weights', 'const w = new Float64Array(C * N)', 'const w = new Float32Array(C * N)'),  # float32 weights
    ('weights', 'z[c] = t + b[c]; if (z[c] > mx) mx = z[c];', 'z[c] = t; if (z[c] > mx) mx = z[c];'),  # bias forgotten
    ('keyboard', '<button type="button" class="medlin-one" disabled>', '<button type="button" class="medlin-one" tabindex="-1" disabled>'),
    ('responsive', 'do sgdStep(); while (performance.now() - t0 < 30);', 'do sgdStep(); while (step % 600);'),
    ('a11y', "'aria-label': o.label + ', exact value', ", ''),
    ('ids', "+ '-' + Math.random().toString(36).slice(2, 7)", ''),  # each explorable counts its own ids from 1
]

def self_test(b, page, tmp, only=None):
    text, ok = page.read_text(encoding='utf-8'), True
    for i, (name, old, new) in enumerate(BREAKS):
        if only and name not in only: continue
        if old not in text: raise Fail(f'self-test: {old[:50]!r} is not in the page; update BREAKS')
        bad = tmp/f'broken-{i}-{name}.html'; bad.write_text(text.replace(old, new), encoding='utf-8')
        ck = Checker(only={name, 'offline'} if name != 'offline' else {'offline'})
        run_page(b, bad, ck)
        hit = name in ck.fails; ok &= hit
        print(f'  {"ok" if hit else "WRONG":5} {name:10} broken by {old[:40]!r}: ' +
              (f'caught: {ck.fails[name][0][:160]}' if hit else f'NOT caught (failed: {sorted(ck.fails)})'))
    return ok

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--page', type=Path, help='a page holding both explorables (default: build one)')
    ap.add_argument('--shots', type=Path, default=ROOT/'_out', help='where the screenshots go (default: _out)')
    ap.add_argument('--self-test', action='store_true', help='check that each check fails on a broken page')
    ap.add_argument('--jupyterlab', action='store_true', help='also run them in JupyterLab, after Run All (slow)')
    ap.add_argument('--breaks', help='with --self-test: only the breaks of these checks (comma-separated)')
    a, t0 = ap.parse_args(), time.time()
    import torch
    torch.set_num_threads(1)  # the Python side's small products: one thread is quickest, and the same everywhere
    try:
        if a.page and not a.page.is_file(): raise Fail(f'--page {a.page} not found')
        with tempfile.TemporaryDirectory(prefix='test-explore-') as t, Browser() as b:
            tmp = Path(t)
            try: page = a.page or build_page(tmp/'explorables.html')
            except (OSError, ValueError) as e: raise Fail(f'cannot build the explorables: {e}') from None
            if a.self_test: ok = self_test(b, page, tmp, a.breaks and set(a.breaks.split(',')))
            else:
                a.shots.mkdir(parents=True, exist_ok=True)
                ck = Checker(); run_page(b, page, ck, shots=a.shots)
                if a.jupyterlab: jupyterlab(b, ck, tmp, a.shots)
                for m in ck.info: print(m)
                for name in CHECKS:
                    for m in ck.fails.get(name, []): print(f'FAIL [{name}] {m}')
                ok = not ck.fails
                if ok: print(f'screenshots: {a.shots/"explore-sgd.png"}, {a.shots/"explore-train.png"}')
    except (Fail, BrowserError) as e: print(f'test_explore: error: {e}', file=sys.stderr); return 2
    print(f'{"passed" if ok else "FAILED"} in {time.time() - t0:.1f}s')
    return 0 if ok else 1

if __name__ == '__main__': sys.exit(main())
