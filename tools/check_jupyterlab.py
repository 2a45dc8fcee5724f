#!/usr/bin/env python
"""Check notebooks as a reader sees them in JupyterLab 4 (headless Chromium through tools/browser.py).

Starts `jupyter lab` on a free local port (no token) on a temporary copy of the notebooks' folder, opens each notebook
with a fresh workspace at 1280 x 900 (the file browser open, as JupyterLab starts; all cells attached: windowing off),
and, with --run, runs Run > Run All Cells and waits until no cell is busy. A notebook without a kernelspec gets the
default kernel (JupyterLab's "Automatically Start Preferred Kernel"), as a reader's would after one click.

A notebook fails if any output is an error: a cell that raised, or a traceback or an `...Error:` line on stderr; if a
show_doc output (a Markdown output with a table) shows `{target=`, `__main__.`, `<function ` or a memory address; if
a code cell's line or an output is wider than its area (JupyterLab does not wrap code: the line is named); if the page
asks another host for anything, or throws a JavaScript error; if the kernel dies, a cell is still busy after
--timeout seconds, or JupyterLab shows a dialog. Screenshots of the first show_doc outputs and of the view go to
_out/jlab/.

    python tools/check_jupyterlab.py                 # the posts (nbs/posts.qmd's listing), stored outputs
    python tools/check_jupyterlab.py --run 03_train.ipynb   # Run All first, as a reader does (slow: a real kernel)
    python tools/check_jupyterlab.py --nbs DIR NB.ipynb ...
    python tools/check_jupyterlab.py --self-test     # tools/fixtures/jupyterlab: bad_* must fail, good_* pass
"""
import argparse, json, os, re, shutil, socket, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT/'tools'))
from browser import Browser, BrowserError  # the shared Chromium harness

FIXTURES = ROOT/'tools'/'fixtures'/'jupyterlab'
SETTINGS = {'@jupyterlab/notebook-extension/tracker': {'windowingMode': 'none', 'autoStartDefaultKernel': True},
            '@jupyterlab/apputils-extension/notification': {'fetchNews': 'false', 'checkForUpdates': False}}
PANEL = '.jp-NotebookPanel:not(.lm-mod-hidden)'

class Fail(Exception): "A setup problem: one line, exit status 2"

def posts(nbs):
    "The notebooks nbs/posts.qmd lists"
    import yaml
    q = Path(nbs)/'posts.qmd'
    if not q.is_file(): raise Fail(f'{q} not found: name the notebooks to check')
    m = re.match(r'^---\s*\n(.*?)\n---', q.read_text(), re.DOTALL)
    return list(((yaml.safe_load(m[1]) if m else {}).get('listing') or {}).get('contents') or [])

class Lab:
    "jupyter lab on a free port, rooted at `root`, with this tool's settings; `url(name)` opens a notebook"
    def __init__(self, root, log):
        self.root = Path(root)
        s = socket.socket(); s.bind(('127.0.0.1', 0)); self.port = s.getsockname()[1]; s.close()
        self.cfg = Path(tempfile.mkdtemp(prefix='check-jupyterlab-'))
        for f, v in SETTINGS.items():
            (self.cfg/'settings'/f).parent.mkdir(parents=True, exist_ok=True)
            (self.cfg/'settings'/f'{f}.jupyterlab-settings').write_text(json.dumps(v))
        exe = Path(sys.executable).parent/'jupyter'
        self.log = open(log, 'w')
        self.proc = subprocess.Popen(
            [str(exe) if exe.exists() else 'jupyter', 'lab', '--no-browser', f'--port={self.port}', '--ip=127.0.0.1',
             '--ServerApp.token=', '--ServerApp.password=', '--ServerApp.disable_check_xsrf=True',
             f'--ServerApp.root_dir={root}', f'--LabApp.user_settings_dir={self.cfg/"settings"}',
             f'--LabApp.workspaces_dir={self.cfg/"ws"}', '--LabApp.news_url=', '--allow-root'],
            stdout=subprocess.DEVNULL, stderr=self.log, env={**os.environ, 'MEDLIN_THREADS': '1'})
        for _ in range(120):
            if self.proc.poll() is not None: raise Fail(f'jupyter lab exited ({self.proc.returncode}); see {log}')
            try: socket.create_connection(('127.0.0.1', self.port), 1).close(); return
            except OSError: time.sleep(0.5)
        raise Fail(f'jupyter lab did not start within 60 s; see {log}')
    def url(self, name): return f'http://127.0.0.1:{self.port}/lab/tree/{name}?reset'
    def close(self):
        self.proc.terminate()
        try: self.proc.wait(10)
        except subprocess.TimeoutExpired: self.proc.kill(); self.proc.wait()
        self.log.close(); shutil.rmtree(self.cfg, ignore_errors=True)

# what the page shows, read in the browser
JS_ERRORS = """() => [...document.querySelectorAll('%s .jp-Cell')].flatMap((c, i) =>
  [...c.querySelectorAll('.jp-OutputArea-output')].map(o => [i, o.dataset.mimeType ||
     o.querySelector('[data-mime-type]')?.dataset.mimeType || '', o.innerText]))""" % PANEL
# Run All is done when no cell is queued or running and every code cell has run, up to the first one that raised
JS_RUN = r"""panel => { const cs = [...document.querySelectorAll(panel + ' .jp-CodeCell')].map(c => ({
    p: c.querySelector('.jp-InputPrompt')?.textContent || '',
    err: !!c.querySelector('[data-mime-type="application/vnd.jupyter.error"]')}));
  const stop = cs.findIndex(c => c.err), upto = stop < 0 ? cs : cs.slice(0, stop + 1);
  return {busy: cs.some(c => c.p.includes('*')), done: upto.every(c => /\d/.test(c.p)), n: cs.length,
          ran: cs.filter(c => /\d/.test(c.p)).length}; }"""
JS_DRAWN = """([p, n]) => document.fonts.status === 'loaded' && document.querySelectorAll(p + ' .jp-Cell').length === n
  && [...document.querySelectorAll(p + ' .jp-CodeCell')].every(c => c.querySelector('.cm-content .cm-line'))"""
JS_IDLE = r"""() => [...document.querySelectorAll('.jp-StatusBar-TextItem, .jp-StatusBar-Item')]
  .some(e => /\|\s*Idle\b/.test(e.textContent))"""
JS_WIDE = r"""panel => { const bad = [];
  [...document.querySelectorAll(panel + ' .jp-Cell')].forEach((c, i) => {
    for (const el of c.querySelectorAll('.cm-scroller, .jp-OutputArea-output pre, .jp-OutputArea-output table, .jp-OutputArea-output')) {
      if (el.scrollWidth <= el.clientWidth + 1) continue;
      let line = '';
      if (el.classList.contains('cm-scroller')) {  // the code line that sticks out
        const r = el.getBoundingClientRect().right;
        line = [...el.querySelectorAll('.cm-line')].find(l => { const g = document.createRange(); g.selectNodeContents(l);
          return g.getBoundingClientRect().right > r + 1; })?.innerText || '';
      } else line = el.innerText.split('\n').reduce((a, b) => b.length > a.length ? b : a, '');
      bad.push({cell: i, where: el.classList.contains('cm-scroller') ? 'code' : 'output', width: el.scrollWidth,
                room: el.clientWidth, line: line.slice(0, 100)});
      break; } });
  return bad; }"""
_re_err = re.compile(r'^\s*([\w.]*(?:Error|Exception)\b:?.*)$|Traceback \(most recent call last\)', re.MULTILINE)

def check_notebook(sess, lab, name, run, timeout, out):
    "Open (and with `run`, Run All) notebook `name`; return [(kind, message)]"
    pg, probs = sess.page or sess.new_page(), []
    n_remote, n_err = len(sess.remote), len(sess.page_errors)
    sess.open(lab.url(name), timeout_ms=120000)
    pg.wait_for_selector(f'{PANEL} .jp-Cell', timeout=120000)
    n = len(json.loads((lab.root/name).read_text(encoding='utf-8'))['cells'])
    try: pg.wait_for_function(JS_DRAWN, arg=[PANEL, n], timeout=60000)  # every cell drawn (JupyterLab draws them in turn)
    except Exception: return [('browser', f'JupyterLab did not draw the notebook\'s {n} cells within 60 s')]
    pg.wait_for_timeout(300)
    if run:
        try: pg.wait_for_function(JS_IDLE, timeout=120000)
        except Exception: return [('kernel', 'the kernel did not become idle within 120 s of opening the notebook')]
    if (d := pg.locator('.jp-Dialog')).count():  # e.g. a kernel choice: the reader would have to answer it
        return [('dialog', f'JupyterLab shows a dialog: {" ".join(d.first.inner_text().split())[:200]}')]
    if run:
        pg.locator('.lm-MenuBar-itemLabel', has_text='Run').first.click(timeout=10000)  # the menu bar's Run menu
        pg.locator('.lm-Menu-itemLabel', has_text='Run All Cells').first.click(timeout=10000)
        t0 = time.time()
        while True:
            pg.wait_for_timeout(1000)
            st = pg.evaluate(JS_RUN, PANEL)
            status = pg.evaluate("() => document.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status")
            if status == 'dead' or pg.locator('.jp-Dialog').count():
                txt = pg.locator('.jp-Dialog').first.inner_text() if pg.locator('.jp-Dialog').count() else 'kernel dead'
                return [('kernel', f'the kernel died while running: {" ".join(txt.split())[:200]}')]
            if not st['busy'] and st['done']: break
            if time.time() - t0 > timeout:
                return [('kernel', f'Run All did not finish within {timeout} s ({st["ran"]} of {st["n"]} code cells ran)')]
        pg.wait_for_timeout(500)
    for i, mime, txt in pg.evaluate(JS_ERRORS):
        if mime == 'application/vnd.jupyter.error' or (mime == 'application/vnd.jupyter.stderr' and _re_err.search(txt)):
            last = [l for l in txt.strip().splitlines() if l.strip()]
            probs.append(('error', f'cell {i}: error output: {(_re_err.findall(txt) or [""])[-1] or (last[-1] if last else "")}'[:220]))
    docs = pg.locator(f'{PANEL} .jp-OutputArea .jp-RenderedMarkdown:has(table)')
    for i in range(docs.count()):
        t = docs.nth(i).inner_text()
        if m := re.search(r'\{target=|__main__\.|<function |0x[0-9a-f]{6,}', t):
            probs.append(('showdoc', f'a show_doc table shows {m[0]!r}: {" | ".join(t.splitlines())[:160]}'))
        if i < 3:
            docs.nth(i).scroll_into_view_if_needed()
            sess.screenshot(out/f'{Path(name).stem}-doc{i}.png', locator=docs.nth(i))
    sess.screenshot(out/f'{Path(name).stem}-view.png', full_page=False)
    for w in pg.evaluate(JS_WIDE, PANEL):
        probs.append(('wide', f'cell {w["cell"]}: {w["where"]} is {w["width"]} px wide in {w["room"]} px: {w["line"]!r}'))
    pg.evaluate("""async () => { for (const s of await (await fetch('/api/sessions')).json())
                                   await fetch('/api/sessions/' + s.id, {method: 'DELETE'}); }""")  # its kernel
    probs += [('browser', m) for m in
              [f'request to another host: {u}' for u in dict.fromkeys(sess.remote[n_remote:])]
              + [f'JavaScript error: {e}' for e in sess.page_errors[n_err:]]]
    return probs

def check(nbs, names, run, timeout, out, browser):
    "{name: [(kind, message)]}, checking copies of the notebooks `names` of folder `nbs`"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='check-jupyterlab-nbs-') as tmp:
        root = Path(tmp)/'nbs'  # a copy: Run All changes outputs, JupyterLab saves checkpoints
        shutil.copytree(nbs, root, ignore=shutil.ignore_patterns('_proc', '_docs', '.ipynb_checkpoints', '__pycache__'))
        lab, res = Lab(root, out/'jupyterlab.log'), {}
        try:
            sess = browser.session(viewport=(1280, 900), timeout_ms=30000)  # offline: only localhost
            for name in names:
                t0 = time.time()
                try: res[name] = check_notebook(sess, lab, name, run, timeout, out)
                except Exception as e:  # playwright: one line, never a traceback
                    res[name] = [('browser', f'{type(e).__name__}: {str(e).strip().splitlines()[0][:200]}')]
                p = res[name]
                print(f'{"FAIL" if p else "ok":4}  {name:24} {time.time() - t0:5.1f}s'
                      + (f'  -> {len(p)} problem(s): {", ".join(sorted({k for k, _ in p}))}' if p else ''), flush=True)
            sess.close()
        finally: lab.close()
    return res

def report(res):
    for n, probs in res.items():
        if probs: print(f'\n{n}:'); [print(f'  [{k}] {m}') for k, m in probs]
    return not any(res.values())

def self_test(browser, out, timeout):
    "Each fixture bad_<kind>*.ipynb must fail with <kind> only; good*.ipynb must pass (both with Run All)"
    names = sorted(p.name for p in FIXTURES.glob('*.ipynb'))
    res, ok = check(FIXTURES, names, True, timeout, out, browser), True
    report(res)
    print('\nself-test:')
    for n, probs in res.items():
        want = {m[1]} if (m := re.match(r'bad_([a-z]+)', n)) else set()
        got = {k for k, _ in probs}; ok &= got == want
        print(f'  {"ok" if got == want else "WRONG":5} {n:28} expected {"/".join(sorted(want)) or "pass"}, '
              f'got {"/".join(sorted(got)) or "pass"}')
    return ok

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('names', nargs='*', help='notebooks to check (default: the posts nbs/posts.qmd lists)')
    ap.add_argument('--nbs', type=Path, default=ROOT/'nbs', help='their folder (default: nbs/); it is copied')
    ap.add_argument('--run', action='store_true', help='Run All Cells first, as a reader does (a real kernel: slow)')
    ap.add_argument('--timeout', type=int, default=900, help='seconds a Run All may take (default: 900)')
    ap.add_argument('--out', type=Path, default=ROOT/'_out'/'jlab', help='screenshots (default: _out/jlab/)')
    ap.add_argument('--self-test', action='store_true', help='check that the fixtures in tools/fixtures/jupyterlab fail')
    a, t0 = ap.parse_args(), time.time()
    if a.names and Path(a.names[0]).is_dir(): a.nbs, a.names = Path(a.names[0]), a.names[1:]  # the old `DIR NB...`
    try:
        names = [Path(n).name for n in a.names] or posts(a.nbs)
        if missing := [n for n in names if not (a.nbs/n).is_file()]: raise Fail(f'not found in {a.nbs}: {" ".join(missing)}')
        with Browser() as browser:
            ok = self_test(browser, a.out/'self-test', 120) if a.self_test else report(
                check(a.nbs, names, a.run, a.timeout, a.out, browser))
    except (Fail, BrowserError) as e: print(f'check_jupyterlab: error: {e}', file=sys.stderr); return 2
    print(f'\n{"passed" if ok else "FAILED"} in {time.time() - t0:.1f}s; screenshots in {a.out}')
    return 0 if ok else 1

if __name__ == '__main__': sys.exit(main())
