"""Run notebooks as a reader does in JupyterLab 4 (headless Chromium via playwright): open, Run All, screenshot.

Starts `jupyter lab` on a free local port (no token) with DIR as its root, opens each notebook with a fresh workspace,
runs Run > Run All Cells, waits until no cell is busy, and saves screenshots of the first show_doc outputs and of the
view in _out/jlab/. Fails if a show_doc output (a Markdown output with a table) shows `{target=`, `__main__.`,
`<function ` or a memory address, or if a code cell or an output is wider than its area at 1280 px (the file
browser open, as JupyterLab starts; all cells attached: windowing off). Work on copies (e.g. a scratch folder):
Run All changes the notebooks' outputs.

    python tools/check_jupyterlab.py DIR NB.ipynb [NB.ipynb...]
"""
import os, subprocess, sys, time, socket, re
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import Browser  # the shared Chromium harness

root, names = Path(sys.argv[1]).resolve(), sys.argv[2:]
out = Path('_out/jlab'); out.mkdir(parents=True, exist_ok=True)
s = socket.socket(); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]; s.close()
env = {**os.environ, 'MEDLIN_THREADS': '1'}
import tempfile, json
cfg = Path(tempfile.mkdtemp(prefix='check-jupyterlab-'))
for f, v in {'@jupyterlab/notebook-extension/tracker': {'windowingMode': 'none'},
             '@jupyterlab/apputils-extension/notification': {'fetchNews': 'false', 'checkForUpdates': False}}.items():
    (cfg/'settings'/f).parent.mkdir(parents=True, exist_ok=True)
    (cfg/'settings'/f'{f}.jupyterlab-settings').write_text(json.dumps(v))
lab = subprocess.Popen(['jupyter', 'lab', '--no-browser', f'--port={port}', '--ip=127.0.0.1', '--ServerApp.token=',
                        '--ServerApp.password=', '--ServerApp.disable_check_xsrf=True', f'--ServerApp.root_dir={root}',
                        f'--LabApp.user_settings_dir={cfg/"settings"}', f'--LabApp.workspaces_dir={cfg/"ws"}',
                        '--allow-root'],
                       stdout=subprocess.DEVNULL, stderr=open('/tmp/jlab-docs.log', 'w'), env=env)
fails = []
try:
    for _ in range(60):
        try: socket.create_connection(('127.0.0.1', port), 1).close(); break
        except OSError: time.sleep(1)
    with Browser() as b:
        sess = b.session(viewport=(1280, 900))  # offline: JupyterLab on localhost only
        pg = sess.new_page()
        for name in names:
            pg.goto(f'http://127.0.0.1:{port}/lab/tree/{name}?reset', timeout=120000)
            pg.wait_for_selector('.jp-Notebook .jp-Cell', timeout=120000)
            pg.wait_for_selector('.jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=120000)
            time.sleep(2)
            pg.locator('.lm-MenuBar-itemLabel', has_text='Run').first.click(timeout=10000)  # the menu bar's Run menu
            pg.locator('.lm-Menu-itemLabel', has_text='Run All Cells').first.click(timeout=10000)
            t0 = time.time()
            time.sleep(3)
            while time.time() - t0 < 600:
                busy = pg.evaluate("""() => [...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'))""")
                if not busy: break
                time.sleep(2)
            time.sleep(2)
            panel = '.jp-NotebookPanel:visible'
            errs = pg.evaluate("() => [...document.querySelectorAll('.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"], .jp-RenderedText[data-mime-type=\"application/vnd.jupyter.error\"]')].map(e => e.innerText.slice(0, 300))")
            docs = pg.locator(f'{panel} .jp-OutputArea .jp-RenderedMarkdown:has(table)')
            n = docs.count()
            texts = [docs.nth(i).inner_text() for i in range(n)]
            bad = [t[:200] for t in texts if re.search(r'\{target=|__main__\.|<function |0x[0-9a-f]{6,}', t)]
            print(f'{name}: {n} show_doc tables, {len(errs)} stderr/error outputs, {len(bad)} bad', flush=True)
            for e in errs: print('   stderr/error:', e.replace('\n', ' | ')[:300])
            for t in bad: print('   BAD:', t.replace('\n', ' | '))
            if bad: fails.append(name)
            for i in range(min(n, 3)):
                docs.nth(i).scroll_into_view_if_needed()
                docs.nth(i).screenshot(path=str(out/f'{Path(name).stem}-doc{i}.png'))
            pg.screenshot(path=str(out/f'{Path(name).stem}-view.png'))
            pg.keyboard.press('Control+s'); time.sleep(1)
            wide = pg.evaluate(r"""() => {
              const cells = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')], bad = [];
              cells.forEach((c, i) => {
                for (const el of c.querySelectorAll('.cm-scroller, .jp-OutputArea-output pre, .jp-OutputArea-output table, .jp-OutputArea-output'))
                  if (el.scrollWidth > el.clientWidth + 1) {
                    const lines = el.innerText.split('\n'), long = lines.reduce((a, b) => b.length > a.length ? b : a, '');
                    bad.push(`cell ${i} ${el.className.split(' ')[0] || el.tagName}: ${el.scrollWidth} px in ${el.clientWidth}: ${long.slice(0, 90)}`);
                    break; }
              });
              return bad; }""")
            for w in wide: print('   WIDE:', w)
            if wide: fails.append(name)
            # any source-link text left as literal pandoc attributes anywhere in the notebook?
            lit = pg.evaluate("() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea')].some(o => o.innerText.includes('{target='))")
            if lit: print('   BAD: literal {target= in the notebook'); fails.append(name)
        sess.close()
finally:
    lab.terminate(); lab.wait(10)
    import shutil; shutil.rmtree(cfg, ignore_errors=True)
print('FAILED: ' + ' '.join(fails) if fails else 'all clean')
sys.exit(1 if fails else 0)
