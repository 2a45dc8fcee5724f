#!/usr/bin/env python
"""Test the "Try it yourself" widget of the evaluation post in headless Chromium, offline, against `medlin-predict`.

The page embeds the model as float16 weights. This test rebuilds a medlin model file from exactly those weights
(with medlin's own `save_model`), so that the page and `medlin-predict` run the same model: what is compared is the
browser's reading of images (decode, EXIF orientation, luma, antialiased resize, rounding) and its arithmetic. How
much float16 storage changes the trained model is measured in the post itself. With `--model FILE` the test also
checks that the page embeds that model (its weights rounded to float16).

Checks, each named in the messages: offline (no request leaves the page), size (the widget adds <= 150 KB),
hooks (`#medlin-file`, `#medlin-result` with `data-class` and `data-probs`), samples (the six embedded samples:
same class as `medlin-predict` and as their label, every probability within 1 percentage point, same pixels),
files (other sizes and modes: same class wherever medlin-predict is >= 90% sure), pixels (the 64x64 grey image the
widget computes is within 1 grey level of `read_image`'s), keyboard (Tab reaches the file input and the sample
buttons, Enter opens the file chooser, Enter and Space press a sample), a11y (a live region announces the result;
bars carry their percentages as text), ids (two widgets on one page keep their ids unique and work independently),
style (under Bootstrap's rule for `legend`, which Quarto's pages have, the samples' legend keeps the widget's size).

    python tools/test_widget.py                      # the page tools/check_docs.py renders: _out/docs/04_eval.html
    python tools/test_widget.py --page PAGE.html [--model MODEL.pt] [--keep DIR]
    python tools/test_widget.py --self-test          # each check must fail on a page broken on purpose
"""
import argparse, base64, io, json, os, re, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tools'))
from browser import Browser, BrowserError  # the shared Chromium harness: launch, offline session, request capture
MAX_KB, TOL_PP, SURE = 150, 1.0, 0.90  # page growth limit; samples: percentage points; files: medlin-predict's top
START, END = '<style class="medlin-css">', '})();</script>'  # how the widget's output starts and ends
CHECKS = ['offline', 'size', 'hooks', 'samples', 'files', 'pixels', 'keyboard', 'a11y', 'ids', 'style']
# Bootstrap 5's rule for legend, as in Quarto's pages (and not in the page check_docs renders): heading size, floated
BOOTSTRAP_LEGEND = 'legend{float:left;width:100%;padding:0;margin-bottom:.5rem;font-size:calc(1.275rem + .3vw);line-height:inherit}'

class Fail(Exception): "A setup problem: one line, exit status 2"

# --- the Python side: medlin's own functions and the installed command ----------------------------------------------
def medlin_fn(name):
    "medlin's function `name`, wherever it lives now (`read_image` moves to the data layer)"
    import importlib
    for mod in ('medlin.images', 'medlin.data', 'medlin.train', 'medlin.cli'):
        try: m = importlib.import_module(mod)
        except ImportError: continue
        if hasattr(m, name): return getattr(m, name)
    raise Fail(f'medlin has no {name}: is medlin installed (pip install -e .)?')

def model_from_page(spec, tmp, model=None):
    "A medlin model file holding the weights the page embeds; with `model`, check that the page embeds that one"
    import numpy as np, torch
    from medlin.model import SoftmaxRegression
    (h, w), cs = spec['size'], spec['classes']
    wt = torch.from_numpy(np.frombuffer(base64.b64decode(spec['w']), '<f2').astype('f4')).reshape(len(cs), h * w)
    b = torch.from_numpy(np.frombuffer(base64.b64decode(spec['b']), '<f4').copy())
    if model:
        m, info = medlin_fn('load_model')(model)
        if info['classes'] != cs or not torch.equal(m.weight.detach().half().float(), wt) or not torch.equal(
                m.bias.detach().float(), b): raise Fail(f'the page does not embed the model in {model}')
        return Path(model)
    m = SoftmaxRegression(h * w, len(cs))
    with torch.no_grad(): m.weight.copy_(wt); m.bias.copy_(b)
    return medlin_fn('save_model')(m, tmp/'page-model.pt', cs, (h, w))

def torch_side(model, files):
    "{file name: (class, top probability)} from `medlin-predict --json`, and full probabilities and pixels from medlin"
    import torch
    exe = Path(sys.executable).parent/'medlin-predict'
    env = dict(os.environ, MEDLIN_THREADS='1', OMP_NUM_THREADS='1')
    r = subprocess.run([str(exe if exe.exists() else 'medlin-predict'), '--json', str(model), *map(str, files)],
                       capture_output=True, text=True, env=env, timeout=60)
    if r.returncode: raise Fail(f'medlin-predict failed: {(r.stderr or r.stdout).strip()[-300:]}')
    cmd = {Path(d['file']).name: (d['class'], d['probability']) for d in json.loads(r.stdout)}
    m, info = medlin_fn('load_model')(model)
    from medlin.model import softmax
    read_image = medlin_fn('read_image')
    px = {f.name: read_image(f, tuple(info['size'])) for f in files}
    with torch.no_grad(): ps = {n: softmax(m(x.float()[None] * (1 / 255)))[0].tolist() for n, x in px.items()}
    return cmd, {n: dict(zip(info['classes'], p)) for n, p in ps.items()}, {n: x.tolist() for n, x in px.items()}

# --- test files: the embedded samples, and other sizes and modes made from them --------------------------------------
def make_files(samples, d):
    "Write the six samples as PNG files, and eight files of other sizes and modes made from them, into `d`"
    import numpy as np
    from PIL import Image
    im = {c: Image.open(io.BytesIO(base64.b64decode(src.split(',', 1)[1]))) for c, src in samples}
    out = {f'sample-{c}.png': None for c in im}
    for c, s in samples: (d/f'sample-{c}.png').write_bytes(base64.b64decode(s.split(',', 1)[1]))
    cs = list(im)
    def colour(g, tint=(1.1, 1.0, 0.8)):  # a colour image of about the same luma
        a = np.asarray(g, dtype=np.float32)[..., None] * np.array(tint, dtype=np.float32)
        return Image.fromarray(a.clip(0, 255).round().astype(np.uint8), 'RGB')
    rng = np.random.default_rng(0)
    colour(im[cs[5 % len(cs)]].resize((200, 150), Image.BILINEAR)).save(d/'colour-200x150.png')
    g16 = np.asarray(im[cs[4 % len(cs)]].resize((96, 96), Image.BILINEAR), dtype=np.uint16) * 257
    Image.fromarray(g16 + rng.integers(0, 200, g16.shape).astype(np.uint16)).save(d/'grey-16bit.png')
    upright = colour(im[cs[2 % len(cs)]].resize((96, 128), Image.BILINEAR))  # 96 wide, 128 high
    ex = Image.Exif(); ex[0x0112] = 6  # stored turned left; the viewer turns it right, 90° clockwise
    upright.transpose(Image.ROTATE_90).save(d/'rotated-exif6.jpg', quality=95, exif=ex)
    im[cs[3 % len(cs)]].resize((100, 80), Image.BILINEAR).convert('P').save(d/'palette-100x80.gif')
    colour(im[cs[1 % len(cs)]].resize((150, 150), Image.BILINEAR)).save(d/'lossy-150.webp', quality=90)
    ex[0x0112] = 8  # stored turned right; the viewer turns it left
    im[cs[3 % len(cs)]].resize((96, 64), Image.BILINEAR).transpose(Image.ROTATE_270).save(
        d/'rotated-exif8.webp', lossless=True, exif=ex)  # browsers may ignore the tag in WebP: the widget may not
    colour(im[cs[0]].resize((300, 300), Image.BILINEAR)).save(d/'colour-300.jpg', quality=90)
    im[cs[5 % len(cs)]].resize((48, 48), Image.BILINEAR).save(d/'small-48.png')
    rgba = colour(im[cs[4 % len(cs)]].resize((80, 64), Image.BILINEAR)).convert('RGBA')
    rgba.putalpha(Image.linear_gradient('L').resize((80, 64)).point(lambda a: 255 - a // 4))  # 255 to 192
    rgba.save(d/'rgba-80x64.png')
    return [d/n for n in out], [d/n for n in ('colour-200x150.png', 'grey-16bit.png', 'rotated-exif6.jpg',
        'palette-100x80.gif', 'lossy-150.webp', 'rotated-exif8.webp', 'colour-300.jpg', 'small-48.png',
        'rgba-80x64.png')]

# --- the browser side ------------------------------------------------------------------------------------------------
JS_RESULT = """() => { const r = document.getElementById('medlin-result');
  return r && {count: r.dataset.count || '0', cls: r.dataset.class || null, probs: r.dataset.probs || null,
    error: r.dataset.error || null, text: r.textContent.trim(), px: r.medlinPixels ? Array.from(r.medlinPixels) : null,
    bars: [...document.querySelectorAll('.medlin-widget')][0].querySelector('.medlin-bars').innerText} }"""

def result(page, before, what):
    "Wait until `#medlin-result` shows a new result after `before`; return it"
    try: page.wait_for_function("n => document.getElementById('medlin-result').dataset.count !== n", arg=before,
                                timeout=10000)
    except Exception: raise AssertionError(f'no result shown for {what} within 10 s') from None
    return page.evaluate(JS_RESULT)

def count(page): return page.evaluate("() => document.getElementById('medlin-result').dataset.count || '0'")

class Checker:
    "Failures by check name, and notes to print"
    def __init__(self): self.fails, self.info = {}, []
    def check(self, name, ok, msg):
        if not ok: self.fails.setdefault(name, []).append(msg)
        return ok
    def note(self, msg): self.info.append(msg)

def run_page(browser, page_path, tmp, ck, model=None, cache=None):
    "Run every check on the page at `page_path`; failures go to `ck`. `cache` keeps the medlin side between runs"
    s = browser.session(accept_downloads=False, timeout_ms=10000)  # offline: remote requests blocked, recorded
    blocked, errors = s.remote, s.page_errors
    page = s.new_page()
    choosers = []  # listening from the start: playwright intercepts file choosers before the first key press
    page.on('filechooser', lambda fc: choosers.append(fc))
    page.set_default_timeout(10000)
    page.goto(Path(page_path).resolve().as_uri(), wait_until='load')
    n_load = len(blocked)
    widgets = page.locator('.medlin-widget')
    if not ck.check('hooks', widgets.count() >= 1 and page.locator('#medlin-file').count() == 1
                    and page.locator('#medlin-result').count() == 1,
                    f'{Path(page_path).name}: no widget with #medlin-file and #medlin-result'): return s.close()
    src = Path(page_path).read_text(encoding='utf-8')  # the widget as the page holds it, before its script ran
    i = src.find(START); j = src.find(END, i)
    if not ck.check('hooks', i >= 0 and j >= 0,
                    f'{Path(page_path).name}: the widget\'s HTML does not end with {END!r}'):
        return s.close()
    html = src[i:j + len(END)]
    kb = len(html.encode()) / 1024
    ck.check('size', kb <= MAX_KB, f'the widget adds {kb:.1f} KB to the page, more than {MAX_KB} KB')
    ck.note(f'widget size: {kb:.1f} KB')
    for u in re.findall(r'''(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)|(?:fetch|import)\s*\(\s*["'`]([^"'`]+)''',
                        html):
        ck.check('offline', False, f'the widget refers to a remote resource: {u[0] or u[1]}')
    spec = json.loads(page.evaluate("() => document.querySelector('.medlin-widget .medlin-model').textContent"))
    samples = page.evaluate("""() => [...document.querySelector('.medlin-widget').querySelectorAll('.medlin-sample')]
                               .map(b => [b.dataset.class, b.querySelector('img').src])""")
    ck.check('hooks', [c for c, _ in samples] == spec['classes'], f'the samples {[c for c, _ in samples]} are not '
             f'one per class {spec["classes"]}')
    if cache is not None and 'torch' in cache: sfiles, ofiles, mfile, (cmd, probs, pix) = cache['torch']
    else:
        sfiles, ofiles = make_files(samples, tmp)
        mfile = model_from_page(spec, tmp, model)
        cmd, probs, pix = torch_side(mfile, sfiles + ofiles)
        if cache is not None: cache['torch'] = sfiles, ofiles, mfile, (cmd, probs, pix)
    res = page.locator('#medlin-result')
    # hooks and a11y on the result element
    live = res.get_attribute('aria-live') or ('polite' if res.get_attribute('role') in ('status', 'log') else None)
    ck.check('a11y', live in ('polite', 'assertive'), '#medlin-result is not a live region (aria-live or role=status)')
    lab = page.evaluate("""() => { const f = document.getElementById('medlin-file');
        return !!(f.labels && f.labels.length && f.labels[0].textContent.trim() || f.getAttribute('aria-label')) }""")
    ck.check('a11y', lab, '#medlin-file has no label')
    fs = page.evaluate("""css => { const st = document.createElement('style'); st.textContent = css; document.head.prepend(st);
        const w = document.querySelector('.medlin-widget'), l = w.querySelector('legend');
        const r = [getComputedStyle(w).fontSize, getComputedStyle(l).fontSize, getComputedStyle(l).cssFloat];
        st.remove(); return r; }""", BOOTSTRAP_LEGEND)
    ck.check('style', fs[0] == fs[1] and fs[2] == 'none', f'under Bootstrap\'s legend rule the samples\' legend is '
             f'{fs[1]} (float: {fs[2]}) in a widget of {fs[0]}')

    wcls = {}  # file name -> the widget's class
    def compare(f, r, sample):
        n, (tc, tp) = f.name, cmd[f.name]
        if not ck.check('hooks', r['cls'] is not None and r['probs'] is not None,
                        f'{n}: #medlin-result has no data-class/data-probs ({r["error"] or r["text"]!r})'): return None
        wp = json.loads(r['probs']); wcls[n] = r['cls']
        ck.check('hooks', sorted(wp) == sorted(probs[n]) and abs(sum(wp.values()) - 1) < 1e-6,
                 f'{n}: data-probs is not a probability for each class: {r["probs"][:80]}')
        d = max(abs(wp.get(c, 0) - p) for c, p in probs[n].items()) * 100
        pd = max(abs(a - b) for a, b in zip(r['px'] or [999] * 4096, pix[n]))
        ck.check('pixels', pd <= 1, f'{n}: the widget\'s 64x64 pixels differ from read_image\'s by up to {pd} levels')
        if sample:
            ck.check('samples', r['cls'] == tc == sample, f'{n}: widget says {r["cls"]}, medlin-predict {tc}, '
                     f'label {sample}')
            ck.check('samples', d <= TOL_PP, f'{n}: a probability differs by {d:.2f} percentage points (max {TOL_PP})')
            ck.check('samples', abs(wp[tc] - tp) * 100 <= TOL_PP, f'{n}: the widget gives {tc} {wp[tc]:.2%}, '
                     f'medlin-predict {tp:.2%}')
            ck.check('samples', pd == 0, f'{n}: pixels differ by {pd} (a 64x64 sample must be read unchanged)')
        elif tp >= SURE: ck.check('files', r['cls'] == tc, f'{n}: widget says {r["cls"]}, medlin-predict {tc} '
                                  f'({tp:.1%})')
        # a11y: the announcement names the class and its percentage; the bars carry every percentage as text
        ck.check('a11y', r['cls'] in r['text'] and f'{100 * wp[r["cls"]]:.1f}%' in r['text'],
                 f'{n}: the live region says {r["text"]!r}, not the class and its percentage')
        ck.check('a11y', all(f'{c}\n{100 * p:.1f}%' in r['bars'] or f'{c}\t{100 * p:.1f}%' in r['bars']
                             or f'{c} {100 * p:.1f}%' in r['bars'] for c, p in wp.items()),
                 f'{n}: the bars do not show each class with its percentage as text: {r["bars"]!r}')
        ck.note(f'{n:22} widget {r["cls"]:>9} {100 * wp[r["cls"]]:5.1f}%   medlin-predict {tc:>9} {100 * tp:5.1f}%'
                f'   max diff {d:7.4f} pp, pixels {pd}')
        return d

    # keyboard: Tab from the widget's top reaches the file input; Enter opens the chooser; Enter/Space press samples
    widgets.first.click(position={'x': 3, 'y': 3})  # sets where sequential focus navigation starts
    page.keyboard.press('Tab')
    focused = lambda: page.evaluate("() => [document.activeElement.id, document.activeElement.className]")
    diffs = {}
    if ck.check('keyboard', focused()[0] == 'medlin-file', f'Tab from the widget\'s top focuses {focused()}, '
                'not #medlin-file'):
        page.keyboard.press('Enter')
        for _ in range(100):
            if choosers: break
            page.wait_for_timeout(100)
        if ck.check('keyboard', choosers, 'Enter on #medlin-file opens no file chooser within 10 s'):
            c0 = count(page); choosers[0].set_files(str(sfiles[0]))
            try: diffs[sfiles[0].name] = compare(sfiles[0], result(page, c0, 'the file chosen by keyboard'),
                                                 samples[0][0])
            except AssertionError as e: ck.check('keyboard', False, str(e))
    page.locator('#medlin-file').focus()  # whether or not the chooser opened
    for i, key in ((0, 'Enter'), (1, 'Space')):
        page.keyboard.press('Tab')
        fe = focused()
        if not ck.check('keyboard', 'medlin-sample' in fe[1], f'Tab does not reach sample button {i + 1} '
                        f'(focus is on {fe})'): break
        c0 = count(page); page.keyboard.press(key)
        try: r = result(page, c0, f'{key} on sample button {i + 1}')
        except AssertionError as e: ck.check('keyboard', False, str(e)); break
        ck.check('keyboard', r['cls'] is not None, f'{key} on sample button {i + 1} shows no prediction')
    # every sample by mouse, then the other files through the file input
    for (c, _), f in zip(samples, sfiles):
        c0 = count(page); page.locator('.medlin-widget').first.locator(f'.medlin-sample[data-class="{c}"]').click()
        try: diffs[f.name] = compare(f, result(page, c0, f'sample {c}'), c)
        except AssertionError as e: ck.check('samples', False, str(e))
    for f in ofiles:
        c0 = count(page); page.set_input_files('#medlin-file', str(f))
        try: diffs[f.name] = compare(f, result(page, c0, f.name), None)
        except AssertionError as e: ck.check('files', False, str(e))
    s.screenshot(tmp/'widget.png', locator=widgets.first)  # kept with --keep: what a reader sees after a file
    bad = tmp/'notes.txt'; bad.write_text('not an image')  # a wrong file: a message, and no stale prediction
    c0 = count(page); page.set_input_files('#medlin-file', str(bad))
    try:
        r = result(page, c0, bad.name)
        ck.check('hooks', r['error'] and bad.name in r['text'] and r['cls'] is None and r['probs'] is None,
                 f'{bad.name}: expected data-error, a message naming the file and no data-class; got {r["text"]!r}')
    except AssertionError as e: ck.check('hooks', False, str(e))
    sd = [diffs[f.name] for f in sfiles if diffs.get(f.name) is not None]
    od = [diffs[f.name] for f in ofiles if diffs.get(f.name) is not None]
    sure = [f for f in ofiles if cmd[f.name][1] >= SURE]
    same = sum(wcls.get(f.name) == cmd[f.name][0] for f in ofiles)
    ck.note(f'samples: max probability difference {max(sd, default=float("nan")):.4f} pp over {len(sd)} '
            f'images; other files: max {max(od, default=float("nan")):.4f} pp; {len(sure)} of {len(ofiles)} '
            f'with medlin-predict >= {SURE:.0%}; same class on {same} of {len(ofiles)}')
    ck.check('offline', len(blocked) == n_load, f'the widget made network requests: {blocked[n_load:][:3]}')
    if n_load: ck.note(f'the page itself asked for {n_load} remote resource(s) at load (blocked): {blocked[0][:60]}')
    ck.check('offline', not errors, f'JavaScript errors on the page: {errors[:2]}')
    s.close()
    two_widgets(browser, html, tmp, ck)

def two_widgets(browser, html, tmp, ck):
    "A page holding only the widget, twice: unique ids, independent results, no request, no error"
    p = tmp/'two-widgets.html'
    p.write_text(f'<!doctype html><html lang="en"><meta charset="utf-8"><title>two</title><body>{html}\n{html}</body>'
                 '</html>', encoding='utf-8')
    s = browser.session(timeout_ms=10000); errors = s.page_errors
    page = s.open(p)
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    ck.check('ids', len(ids) == len(set(ids)) and 'medlin-file' in ids and 'medlin-result' in ids,
             f'two widgets on one page: ids not unique or stable: {ids}')
    second = page.locator('.medlin-widget').nth(1)
    second.locator('.medlin-sample').first.click()
    try:
        page.wait_for_function("""() => { const r = document.querySelectorAll('.medlin-widget')[1]
            .querySelector('.medlin-status'); return r && r.dataset.class }""", timeout=10000)
        first = page.evaluate("() => document.getElementById('medlin-result').dataset.class || null")
        ck.check('ids', first is None, 'pressing a sample in the second widget changed the first widget\'s result')
    except Exception: ck.check('ids', False, 'the second widget on a page shows no result')
    reqs = [u for u in s.requests if u != p.as_uri()]  # the page holds the widget only: it needs nothing else
    ck.check('offline', not reqs, f'the widget alone made network requests: {reqs[:3]}')
    ck.check('offline', not errors, f'JavaScript errors in the widget: {errors[:2]}')
    s.close()

# --- self-test: each check must catch a page broken on purpose -------------------------------------------------------
BREAKS = [  # (check that must fail, [(text in the page, replacement)], replace every occurrence)
    ('offline', [("root.setAttribute('data-ready', '');",
                  "root.setAttribute('data-ready', ''); fetch('https://example.com/m.json').catch(() => 0);")], False),
    ('offline', [("root.setAttribute('data-ready', '');", "root.setAttribute('data-ready', ''); "
                  "new Image().src = ['https:', '', 'example.com', 'p.gif'].join('/');")], False),  # only seen live
    ('size', [('<div class="medlin-widget">', '<div class="medlin-widget"><!--' + 'x' * 160_000 + '-->')], False),
    ('hooks', [('res.dataset.probs = ', 'res.dataset.prob = ')], False),
    ('samples', [('return t + bc;', 'return t;')], False),  # the bias forgotten
    ('pixels', [('sup = sc >= 1 ? sc : 1', 'sup = 1')], False),  # resized without antialiasing
    ('pixels', [('"luma": [299, 587, 114]', '"luma": [333, 333, 334]')], False),  # another grey
    ('pixels', [('if (!(o >= 2 && o <= 8)) return [x, h, w];', 'return [x, h, w];')], False),  # no EXIF turn
    ('files', [('y[i * W + c] = t;', 'y[i * W + c] = 255 - t;')], False),  # resized images come out inverted
    ('keyboard', [('class="medlin-sample"', 'tabindex="-1" class="medlin-sample"')], True),
    ('a11y', [(' aria-live="polite"', ''), (' role="status"', '')], False),
    ('ids', [('if (document.getElementById(el.id) === el) return;', 'return;')], False),
    ('style', [('.medlin-samples legend{float:none;width:auto;padding:0;margin:0 0 4px;font:inherit}',
                '.medlin-samples legend{padding:0;margin-bottom:4px}')], False),
]

def self_test(page_path, browser, tmp):
    text, ok, cache = Path(page_path).read_text(encoding='utf-8'), True, {}
    ck = Checker(); run_page(browser, page_path, tmp, ck, cache=cache)
    print(f'  {"ok" if not ck.fails else "WRONG":5} unbroken page: {"passes" if not ck.fails else ck.fails}')
    ok &= not ck.fails
    for i, (name, edits, every) in enumerate(BREAKS):
        bad, broken = tmp/f'broken-{i}-{name}.html', text
        for old, new in edits:
            n = broken.count(old)
            if n == 0 or (n > 1 and not every): raise Fail(f'self-test: {old!r} occurs {n} times in the page; '
                                                           'update BREAKS')
            broken = broken.replace(old, new)
        bad.write_text(broken, encoding='utf-8')
        ck = Checker(); run_page(browser, bad, tmp, ck, cache=cache)
        hit = name in ck.fails
        ok &= hit
        print(f'  {"ok" if hit else "WRONG":5} {name:8} broken by {edits[0][0][:40]!r}: '
              + (f'caught: {ck.fails[name][0][:90]}' if hit else f'NOT caught (failed: {sorted(ck.fails)})'))
    return ok

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--page', type=Path, default=ROOT/'_out'/'docs'/'04_eval.html', help="the rendered evaluation post")
    ap.add_argument('--model', type=Path, help='also check that the page embeds this model file')
    ap.add_argument('--keep', type=Path, help='write the test images and the rebuilt model file here')
    ap.add_argument('--self-test', action='store_true', help='check that each check fails on a broken page')
    a, t0 = ap.parse_args(), time.time()
    try:
        if not a.page.is_file(): raise Fail(f'{a.page} not found: render it first with python tools/check_docs.py '
                                            '04_eval.ipynb, or give --page')
        if a.model and not a.model.is_file(): raise Fail(f'--model {a.model} not found')
        with tempfile.TemporaryDirectory(prefix='test-widget-') as t:
            tmp = (a.keep or Path(t)).resolve(); tmp.mkdir(parents=True, exist_ok=True)
            with Browser() as browser:
                if a.self_test: ok = self_test(a.page, browser, tmp)
                else:
                    ck = Checker(); run_page(browser, a.page, tmp, ck, a.model)
                    for m in ck.info: print(m)
                    for name in CHECKS:
                        for m in ck.fails.get(name, []): print(f'FAIL [{name}] {m}')
                    ok = not ck.fails
    except (Fail, BrowserError) as e: print(f'test_widget: error: {e}', file=sys.stderr); return 2
    print(f'{"passed" if ok else "FAILED"} in {time.time() - t0:.1f}s')
    return 0 if ok else 1

if __name__ == '__main__': sys.exit(main())
