#!/usr/bin/env python
"""Check the docs pages without Quarto.

Each notebook is processed as `nbdev-docs` does before it calls Quarto (`nbdev.serve.proc_nbs`, in a temp copy of the
project), rendered to HTML with nbconvert (front matter title, Quarto cell options applied) and opened in headless
Chromium, which saves a screenshot and dumps the DOM after load. A page fails if it shows an error output, has no
title, has a broken, empty or single-colour image, or shows nbdev directives, `show_doc` calls or raw front matter;
if a code block, output, table or image is wider than the reading column (measured in Chromium: `scrollWidth` against
`clientWidth`, and the right edge against the column's); if a heading is only a name in code (it takes the name's API
anchor); if `$NAME` stands outside code in Markdown (JupyterLab reads `$...$` as LaTeX); if an output would make Quarto
load require.js and jQuery from cdnjs (any display or result output holding text/html or application/javascript, as
Quarto's src/core/jupyter/widgets.ts decides: the page would then make third-party requests and, offline, throw
`define is not defined`); if an output or signature
shows Python internals (`<function `,
a memory address `0x...`, `__main__.`); or if an output, stored or rendered, holds an absolute path of this machine.

The page is laid out like Quarto's reading column at 1280 px: this site's layout (cosmo, floating sidebar, toc on the
right) is Quarto's "floating wide" grid, whose reading column Quarto 1.7 draws 657 px wide in a 1280 px window (as
measured in its rendered pages; the grid's arithmetic, 1280 - 15 scrollbar - 6 x 1.5em gutters - 250 sidebar - 250 toc,
gives 664, which let 665 px lines through), with Quarto's fonts and this site's styles.css sizes. Each page is kept as
`_out/docs/<stem>.html` (self-contained: images embedded) beside its full-page screenshot `<stem>.png`.

Quarto's page makes no request to another host: formulas are MathML, as pandoc writes them with the site's
`html-math-method: mathml` (each page's Markdown goes through pandoc, from pypandoc_binary; a formula pandoc leaves as
TeX fails the page, kind `math`, and the rendered page shows the MathML); a page fails (`thirdparty`) if Chromium sees
it ask another host for anything (it is opened offline through tools/browser.py), or if its front matter or the site's
_quarto.yml would load from another host (a CDN math method, an include or css with a remote URL, a theme that imports
Google Fonts); `script`: a JavaScript error or console error on the page; `imports`: a cell that makes nbdev-docs warn
"Found cells containing imports and other code" (found with nbdev's own test, `nbdev.processors._do_eval`).

    python tools/check_docs.py                # nbs/*.ipynb; screenshots in _out/docs/
    python tools/check_docs.py 01_model.ipynb # only some notebooks
    python tools/check_docs.py --nbs DIR      # another folder of notebooks
    python tools/check_docs.py --self-test    # tools/fixtures: bad_<kind>*.ipynb must fail with <kind> only, good*.ipynb pass
    python tools/check_docs.py --outputs      # fast: only the stored outputs, for machine paths and internals
    python tools/check_docs.py --no-shots     # every check, but no screenshots (CI: nobody looks at them there)
"""
import argparse, base64, html, os, re, shutil, subprocess, sys, tempfile, time
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT/'tools'/'fixtures'
KINDS = {'error', 'title', 'image', 'directive', 'frontmatter', 'overflow', 'internals', 'path', 'anchor', 'latex',
         'thirdparty', 'math', 'imports', 'script'}  # self-test must see each
WIDTH, COLUMN = 1280, 657  # window, and Quarto's reading column in it (see the docstring)
# Quarto's reading column and the fonts this site gives it (Quarto's cosmo theme + nbs/styles.css): code wraps
# (`code-overflow: wrap` in _quarto.yml), outputs don't.
QUARTO_CSS = f"""<style id="medlin-quarto-column">
body.jp-Notebook {{ padding: 0; margin: 0; font-size: 16.8px; line-height: 1.6; overflow-x: hidden;
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif; }}
body.jp-Notebook > main {{ width: {COLUMN}px; max-width: {COLUMN}px; margin: 1.5em 0 0 {(WIDTH - COLUMN) // 2}px; padding: 0; }}
.jp-Cell, .jp-Cell-inputWrapper, .jp-Cell-outputWrapper, .jp-OutputArea, .jp-OutputArea-child {{ padding: 0 !important; margin: 0; }}
.jp-Collapser, .jp-InputPrompt, .jp-OutputPrompt {{ display: none !important; }}
.jp-OutputArea-output {{ overflow: visible !important; padding: 0; }}
.jp-RenderedHTMLCommon {{ padding-right: 0 !important; font-size: 16.8px; }}
.jp-InputArea-editor {{ border: 0 !important; overflow: visible !important; }}
pre, .jp-RenderedText pre, .jp-InputArea-editor pre {{
  font-family: SFMono-Regular, Menlo, Monaco, Consolas, "Liberation Mono", "Courier New", monospace !important;
  font-size: 0.8rem !important; line-height: 1.5 !important; padding: 0.4em !important; overflow: visible !important; }}
.jp-InputArea-editor pre {{ white-space: pre-wrap !important; background: #f7f7f7; }}
.jp-OutputArea-output pre {{ white-space: pre !important; margin-left: 0.8rem; border-left: 2px solid lightsalmon; }}
</style>"""
# Runs at the load event, before Chromium dumps the DOM: records what the browser made of each image, and every element
# wider than the reading column, with its first offending line.
PROBE = r"""<script>addEventListener('load', () => {
  for (const i of document.images) i.dataset.probe = `${i.naturalWidth} ${i.naturalHeight}`;
  const col = document.querySelector('main') || document.body, right = col.getBoundingClientRect().right;
  const ctx = document.createElement('canvas').getContext('2d'), bad = [], seen = new Set();
  const wide = el => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > right + 1;
  const firstLine = el => {
    if (el.tagName === 'TABLE') { const r = [...el.rows].find(r => r.getBoundingClientRect().right > right + 1) || el.rows[0];
      return r ? r.innerText.replace(/\s+/g, ' ') : ''; }
    if (el.tagName !== 'PRE') return el.tagName.toLowerCase() + ' ' + Math.round(el.getBoundingClientRect().width) + ' px wide';
    const cs = getComputedStyle(el), room = el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    ctx.font = `${cs.fontSize} ${cs.fontFamily}`;
    const wrap = cs.whiteSpace.startsWith('pre-wrap');
    for (const line of el.innerText.split('\n')) {
      const w = wrap ? Math.max(0, ...line.split(/\s+/).map(t => ctx.measureText(t).width)) : ctx.measureText(line).width;
      if (w > room + 1) return line; }
    return el.innerText.split('\n')[0];
  };
  const where = el => el.closest('.jp-InputArea-editor') ? 'code' : el.closest('.jp-OutputArea-output') ? 'output' : 'text';
  const els = [...document.querySelectorAll('pre, table, img, svg, iframe, .jp-OutputArea-output, main')].reverse();
  for (const el of els)  // innermost first: an output or the column is reported only if nothing inside it is
    if (wide(el) && ![...seen].some(s => el.contains(s))) {
      seen.add(el);
      bad.push({where: where(el), tag: el.tagName.toLowerCase(), width: el.scrollWidth, room: el.clientWidth, line: firstLine(el)});
    }
  document.body.dataset.overflow = JSON.stringify(bad.reverse());
  document.body.dataset.height = document.documentElement.scrollHeight;
  document.body.dataset.loaded = '1' })</script>"""

class Fail(Exception):
    "An expected failure, reported as a message without a traceback; `kind` says which check or stage"
    def __init__(self, msg, kind='setup'): super().__init__(msg); self.kind = kind

# --- 1. nbdev processing ---------------------------------------------------------------------------------------------
def stage(nbs, tmp):
    "Copy the project config and the notebooks folder `nbs` into `tmp`, so nbdev reads and writes (`_proc/`) there"
    # nbdev's worker processes must import this checkout's library, as under nbdev-test (it puts the root on sys.path)
    os.environ['PYTHONPATH'] = os.pathsep.join(dict.fromkeys(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')])))
    # ... and need not repeat nbdev's warning about a cell mixing imports and code: mixed_import_problems reports it
    quiet = 'ignore:Found cells containing imports and other code'
    os.environ['PYTHONWARNINGS'] = ','.join(filter(None, [os.environ.get('PYTHONWARNINGS'), quiet]))
    shutil.copy2(ROOT/'pyproject.toml', tmp/'pyproject.toml')
    shutil.copytree(nbs, tmp/'nbs', ignore=shutil.ignore_patterns('_proc', '_docs', '.*'))
    return tmp/'nbs'

def process_all(nbdir, names):
    "Run nbdev's docs processors on all of `names` in one worker process, as nbdev-docs does (one start-up, not one a page)"
    # A notebook that fails stops the batch; `process` then runs each page left on its own and reports its error.
    # Pages done here are skipped there: nbdev keeps a processed page that is newer than its source.
    from nbdev.serve import proc_nbs
    try: proc_nbs(str(nbdir), n_workers=1, file_re='^(?:' + '|'.join(map(re.escape, names)) + ')$')
    except Exception: pass

def process(nbdir, name):
    "Run nbdev's docs processors on one notebook (in a fresh worker process); return the processed notebook's path"
    from nbdev.serve import proc_nbs
    try: cache = proc_nbs(str(nbdir), n_workers=1, file_glob=name)
    except Exception as e:
        hint = ('\n    (nbdev-docs runs every cell holding an import, even one inside a def, in a fresh shell to build the show_doc '
                'output, so such a cell must not use notebook state: give its imports a cell of their own. The cell number '
                'counts the processed notebook.)' if 'Error in notebook' in str(e) else '')
        raise Fail('nbdev processing failed: ' + str(e).strip().replace('\n', '\n    ') + hint, 'nbdev') from None
    return cache/name

# --- 2. nbconvert rendering ------------------------------------------------------------------------------------------
_re_fm = re.compile(r'^---\s*\n(.*?)\n---\s*$', re.DOTALL)
_re_opt = re.compile(r'^#\|\s*([\w-]+)\s*:\s*(.*?)\s*$')
_re_attrs = re.compile(r'(\]\([^)\s]*\))\{[^}\n]*\}')  # pandoc's `[text](url){target="_blank"}`, as show_doc writes

def front_matter(nb):
    "Pop the YAML front matter cell that nbdev's `FrontmatterProc` puts first, and return it as a dict"
    import yaml
    m = nb.cells and nb.cells[0].cell_type == 'raw' and _re_fm.match(nb.cells[0].source.strip())
    if not m: return {}
    nb.cells.pop(0)
    return yaml.safe_load(m[1]) or {}

def quarto_options(cell):
    "Strip the leading `#| key: value` lines from a code cell, as Quarto does, and return them as a dict"
    lines, opts = cell.source.splitlines(), {}
    while lines and (m := _re_opt.match(lines[0])): opts[m[1]] = m[2].strip('"\'').lower(); lines.pop(0)
    cell.source = '\n'.join(lines)
    return opts

def prepare(src):
    "Read processed notebook `src`: (notebook with front matter popped and Quarto's echo/output/include applied, front matter, config)"
    import nbformat
    from traitlets.config import Config
    nb = nbformat.read(src, as_version=4)
    fm, cells = front_matter(nb), []
    for c in nb.cells:
        c.metadata.pop('execution', None)  # timings nbdev's show_doc shell adds, which nbformat's schema rejects
        if c.cell_type == 'markdown': c.source = _re_attrs.sub(r'\1', c.source)
        for o in c.get('outputs', []):  # Quarto reads pandoc link attributes; nbconvert and GitHub would show them
            if isinstance(md := o.get('data', {}).get('text/markdown'), (str, list)):
                o.data['text/markdown'] = _re_attrs.sub(r'\1', ''.join(md))
        if c.cell_type == 'code':
            o, tags = quarto_options(c), set(c.metadata.get('tags', []))
            if o.get('include') == 'false': continue
            if o.get('echo') == 'false': tags.add('remove_input')
            if o.get('output') == 'false': tags.add('remove_output')
            c.metadata['tags'] = sorted(tags)
        cells.append(c)
    nb.cells = cells
    cfg = Config()  # for the exporter: drop what the tags say
    cfg.TagRemovePreprocessor.update(enabled=True, remove_input_tags={'remove_input'}, remove_all_outputs_tags={'remove_output'})
    return nb, fm, cfg

# --- math: pandoc's MathML, as Quarto writes it with `html-math-method: mathml` ---------------------------------------
_re_math_out = re.compile(r'<math display="(inline|block)"[^>]*>.*?<annotation encoding="application/x-tex">(.*?)</annotation>'
                          r'.*?</math>|<span class="math (inline|display)">(.*?)</span>', re.DOTALL)

def markdown_texts(nb):
    "[(where, Markdown text, setter)] for the Markdown cells and text/markdown outputs of notebook `nb` (as Quarto reads them)"
    out = []
    for i, c in enumerate(nb.cells):
        if c.cell_type == 'markdown': out.append((f'cell {i}', c.source, lambda t, c=c: c.__setitem__('source', t)))
        for o in c.get('outputs', []) if c.cell_type == 'code' else []:
            if 'text/markdown' in o.get('data', {}):
                out.append((f'cell {i} (output)', ''.join(o.data['text/markdown']),
                            lambda t, o=o: o.data.__setitem__('text/markdown', t)))
    return out

def mathml(texts):
    "Pandoc's reading of the formulas in each Markdown text: [[(tex, display, MathML or None if pandoc leaves it as TeX)]]"
    try: import pypandoc
    except ImportError: raise Fail("pypandoc is not installed: pip install pypandoc_binary (in pyproject's dev extras)") from None
    if not any('$' in t or '\\(' in t or '\\[' in t for t in texts): return [[] for _ in texts]
    mark = '<!-- medlin-text-{} -->'
    md = '\n\n'.join(f'{mark.format(i)}\n\n{t}\n' for i, t in enumerate(texts)) + f'\n\n{mark.format(len(texts))}\n'
    try: out = pypandoc.convert_text(md, 'html', format='markdown', extra_args=['--mathml', '--wrap=none', '--quiet'])
    except (OSError, RuntimeError) as e: raise Fail(f'pandoc failed: {_clip(str(e), 300)} (pip install pypandoc_binary)') from None
    res = []
    for i in range(len(texts)):
        a, b = out.find(mark.format(i)), out.find(mark.format(i + 1))
        part = out[a:b] if a >= 0 and b >= 0 else ''
        res.append([(html.unescape(m[2]), m[1] == 'block', m[0]) if m[1] else
                    (_strip_delims(html.unescape(m[4])), m[3] == 'display', None) for m in _re_math_out.finditer(part)])
    return res

def _strip_delims(t):
    for a, b in (('$$', '$$'), ('\\[', '\\]'), ('$', '$'), ('\\(', '\\)')):
        if t.startswith(a) and t.endswith(b) and len(t) >= len(a) + len(b): return t[len(a):len(t)-len(b)]
    return t

def math_problems(texts, where):
    "[(kind, message)] for each formula pandoc leaves as TeX: Quarto's page would show it as raw TeX"
    return [('math', f'{w}: pandoc cannot write this formula as MathML, so the page shows raw TeX: '
             f'{"$$" if disp else "$"}{_clip(tex, 120)}{"$$" if disp else "$"}')
            for w, fs in zip(where, texts) for tex, disp, ml in fs if ml is None]

def put_mathml(text, formulas, store):
    "`text` with each formula pandoc converted replaced by a placeholder word for its MathML, kept in `store`, in order"
    pos, out = 0, []
    for tex, disp, ml in formulas:
        d = re.escape('$$') if disp else r'(?<![$\\])\$'
        m = re.compile(d + r'\s*' + re.escape(tex.strip()) + r'\s*' + (re.escape('$$') if disp else r'\$(?!\$)')).search(text, pos)
        if not m or ml is None: continue
        out += [text[pos:m.start()], f'medlinmathml{len(store):05d}x']; store.append(ml); pos = m.end()
    return ''.join(out) + text[pos:]

# nbconvert's lab template, less what it loads from CDNs (require.js, MathJax): the page holds what Quarto's would
TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}"""

def render(src, dst):
    "Render processed notebook `src` to HTML file `dst` with nbconvert, with a title block from the front matter"
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from nbconvert.filters import markdown2html
    nb, fm, cfg = prepare(src)
    texts = markdown_texts(nb)
    formulas, store = mathml([t for _, t, _ in texts]), []
    for (_, t, put), fs in zip(texts, formulas): put(put_mathml(t, fs, store))
    title = str(fm.get('title') or '').strip()
    if title:  # the title block Quarto makes from the front matter
        desc = fm.get('description')
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(f'<h1 class="title">{html.escape(title)}</h1>' +
                        (f'\n<div class="description">{markdown2html(str(desc))}</div>' if desc else '')))
    cfg.HTMLExporter.update(exclude_input_prompt=True, exclude_output_prompt=True, embed_images=True)
    ex = HTMLExporter(config=cfg, extra_loaders=[DictLoader({'medlin-page.html.j2': TEMPLATE})], template_file='medlin-page.html.j2')
    body, _ = ex.from_notebook_node(nb, resources={'metadata': {'name': title, 'path': str(src.parent)}})
    body = re.sub(r'medlinmathml(\d{5})x', lambda m: store[int(m[1])], body)  # MathML after Markdown (mistune mangles it)
    dst.write_text(body.replace('</head>', QUARTO_CSS + '\n</head>', 1).replace('</body>', PROBE + '\n</body>', 1),
                   encoding='utf-8')
    return title, math_problems(formulas, [w for w, _, _ in texts])

# --- 3. headless Chromium (tools/browser.py) ---------------------------------------------------------------------
sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import Browser, BrowserError

def load(browser, page, shot):
    "Open `page` in a fresh offline session at WIDTH x 900; save a full-page screenshot to `shot` (None: none); return (DOM after load, session)"
    # offline: a request to another host is blocked and recorded (browser_problems reports it)
    s = browser.session(viewport=(WIDTH, 900), timeout_ms=120000)
    try:
        p = s.open(page)
        try: p.wait_for_selector('body[data-loaded="1"]', state='attached', timeout=10000)
        except Exception: pass  # check_dom reports a page that did not finish loading
        p.wait_for_timeout(100)  # late requests and errors from scripts run at load
        dom = p.content()
        if shot is not None: s.screenshot(shot)
        return dom, s
    except Exception as e:
        raise Fail(f'chromium failed on {page.name}: {str(e).strip().splitlines()[0][:300]}', 'browser') from None
    finally: s.close()

# --- 4. checks on the DOM after load ---------------------------------------------------------------------------------
_re_directive = re.compile(r'^\s*#\s*\|.*$', re.MULTILINE)
_re_showdoc = re.compile(r'^.*\bshow_doc\b.*', re.MULTILINE)  # anchored: linear on long lines
_re_fm_text = re.compile(r'^\s*---\s*\n\s*title\s*:|^\s*(?:title|description|categories|order|output-file)\s*:\s*\S',
                         re.MULTILINE)
_re_err_line = re.compile(r'^\s*([\w.]*(?:Error|Exception|Interrupt|Exit)\b.*)$', re.MULTILINE)

# Python internals a reader must not see in an output or a signature
_re_internals = re.compile(r'<function [^>]*>?|\b0x[0-9a-f]{6,}\b|__main__\.\w*')

def machine_paths():
    "A regex for absolute paths of this machine: home, this checkout, the temp folder, and the usual absolute roots"
    here = sorted({str(ROOT), str(Path.home()), tempfile.gettempdir(), os.path.realpath(tempfile.gettempdir())}, key=len)[::-1]
    alts = [re.escape(h.rstrip('/')) + r'(?=/|\b)' for h in here if len(h) > 1] + [
        r'/(?:tmp|work|root|private/var|var/folders|var/tmp)(?=/)', r'/(?:home|Users)/[^/\s]+', r'[A-Za-z]:\\Users\\']
    return re.compile(r'(?<![\w.~/-])(?:' + '|'.join(alts) + r')\S*|\btmp[a-z0-9_]{8}\b')
_re_path = machine_paths()

def text_problems(txt, where):
    "[(kind, message)] for Python internals and machine paths in `txt`, an output"
    probs = [('internals', f'{where} shows Python internals {m[0]!r}: {_clip(_line_at(txt, m.start()))}')
             for m in _re_internals.finditer(txt)]
    probs += [('path', f'{where} shows a path of this machine {m[0]!r}: {_clip(_line_at(txt, m.start()))}')
              for m in _re_path.finditer(txt)]
    return probs

def _line_at(txt, i): return txt[txt.rfind('\n', 0, i)+1:(txt.find('\n', i) + 1 or len(txt) + 1) - 1]

def stored_output_problems(path):
    "[(kind, message)] for machine paths and internals in the outputs stored in notebook `path`, as JupyterLab shows them"
    import nbformat
    nb, probs = nbformat.read(path, as_version=4), []
    for i, c in enumerate(nb.cells):
        for o in c.get('outputs', []):
            txts = [o.get('text', '')] + [v for k, v in o.get('data', {}).items() if k.startswith('text/')]
            txts += ['\n'.join(o.get('traceback', []))]
            for t in txts: probs += text_problems(''.join(t) if isinstance(t, list) else str(t), f'stored output of cell {i}')
    return probs

_re_envvar = re.compile(r'(?<!\\)\$[A-Z_][A-Z0-9_]{2,}')

def latex_problems(path):
    "[(kind, message)] for `$NAME` outside code in the Markdown of notebook `path`: JupyterLab and Quarto read `$...$` as LaTeX"
    import nbformat
    probs = []
    for i, c in enumerate(nbformat.read(path, as_version=4).cells):
        mds = [c.source] if c.cell_type == 'markdown' else []
        mds += [''.join(o.data['text/markdown']) for o in c.get('outputs', []) if 'text/markdown' in o.get('data', {})]
        for md in mds:
            parts = re.split(r'(```.*?```|`+[^`]*`+)', md, flags=re.DOTALL)  # code at the odd indices
            for m in (m for p in parts[::2] for m in _re_envvar.finditer(p)):
                probs.append(('latex', f'cell {i}: {m[0]} outside code reads as LaTeX math in JupyterLab; '
                              f'write `{m[0]}` or \\{m[0]}'))
    return probs

# Quarto (src/core/jupyter/widgets.ts, `extractJupyterWidgetDependencies`) puts require.js and jQuery from cdnjs, and an
# inline `define('jquery', ...)`, into the head of any page that has a display_data or execute_result output whose data
# holds one of these types, whichever type it then shows (the widget view type also adds the widget manager from unpkg)
QUARTO_JS_TYPES = ('text/html', 'application/javascript', 'application/vnd.jupyter.widget-view+json')

def thirdparty_problems(path):
    "[(kind, message)] for outputs of notebook `path` that make Quarto load scripts from another host"
    import nbformat
    probs = []
    for i, c in enumerate(nbformat.read(path, as_version=4).cells):
        for o in c.get('outputs', []) if c.cell_type == 'code' else []:
            if o.output_type in ('display_data', 'execute_result') and (
                    ts := [t for t in QUARTO_JS_TYPES if t in o.get('data', {})]):
                probs.append(('thirdparty', f'cell {i}: a {o.output_type} output holding {", ".join(ts)} makes Quarto '
                              'load require.js and jQuery from cdnjs; show HTML as text/markdown (`_repr_markdown_`) '
                              'or as a file'))
    return probs

# --- requests to other hosts: the site's and the page's configuration, and what the page asked for ------------------
_re_remote = re.compile(r'''(?:\b(?:src|href)\s*=\s*["']?|@import\s+(?:url\(\s*)?["']?|\burl\(\s*["']?)((?:https?:)?//[^"'\s>)]+)''', re.I)
LOCAL_MATH = ('mathml', 'plain')  # what pandoc writes without a script; mathjax, katex, webtex... load from a CDN
FONT_THEMES = {'cosmo'}  # Quarto's bootswatch themes checked to @import Google Fonts unless $web-font-path is false

def _as_list(v): return v if isinstance(v, list) else [] if v is None else [v]

def config_problems(opts, base, where, site=False):
    "[(kind, message)] for Quarto HTML options `opts` (files relative to `base`) that make a page load from another host"
    probs, bad = [], lambda msg: probs.append(('thirdparty', f'{where}: {msg}'))
    m = opts.get('html-math-method')
    method, url = (m.get('method'), m.get('url')) if isinstance(m, dict) else (m, None)
    if method is None and site: bad('no html-math-method, so Quarto loads MathJax from a CDN on every page with a formula: '
                                    'set `html-math-method: mathml` under format: html')
    elif method is not None and str(method).lower() not in LOCAL_MATH and (url is None or _re_remote.match(f'src="{url}"')):
        bad(f'html-math-method {method} loads its script from another host ({url or "a CDN"}): use mathml')
    def text_of(item, key):
        if isinstance(item, dict): return str(item.get('text') or ((base/item['file']).read_text() if 'file' in item and (base/item['file']).is_file() else ''))
        return (base/str(item)).read_text() if (base/str(item)).is_file() else str(item)
    for key in 'include-in-header', 'include-before-body', 'include-after-body', 'css':
        for item in _as_list(opts.get(key)):
            for u in _re_remote.findall(text_of(item, key)): bad(f'{key} loads {u} from another host')
    themes = [str(t) for t in _as_list(opts.get('theme'))]
    scss = ''.join((base/t).read_text() for t in themes if t.endswith('.scss') and (base/t).is_file())
    for t in themes:
        if t in FONT_THEMES and not re.search(r'\$web-font-path\s*:\s*false', scss):
            bad(f'theme {t} imports its font from fonts.googleapis.com; add a theme file holding '
                '`/*-- scss:defaults --*/ $web-font-path: false;` (theme: [cosmo, theme.scss])')
    return probs

def quarto_html_options(cfg):
    "The options Quarto applies to HTML pages in config or front matter `cfg`: top-level keys, then format: html's"
    f = cfg.get('format')
    return {**{k: v for k, v in cfg.items() if k != 'format'}, **(f.get('html') or {} if isinstance(f, dict) else {})}

def page_config_problems(src, nbdir):
    "[(kind, message)] for front matter of processed notebook `src` that makes its page load from another host"
    import nbformat
    return config_problems(quarto_html_options(front_matter(nbformat.read(src, as_version=4))), nbdir, 'front matter')

def site_config_problems(nbs):
    "[(kind, message)] for the site's _quarto.yml"
    import yaml
    f = Path(nbs)/'_quarto.yml'
    if not f.is_file(): return []
    return config_problems(quarto_html_options(yaml.safe_load(f.read_text()) or {}), Path(nbs), f.name, site=True)

def browser_problems(seen):
    "[(kind, message)] for what the page did in Chromium: requests to other hosts, uncaught errors, console errors"
    probs = [('thirdparty', f'the page asked another host for {u}') for u in dict.fromkeys(seen.remote)]
    probs += [('script', f'JavaScript error: {_clip(e, 160)}') for e in seen.page_errors]
    probs += [('script', f'console error: {_clip(e, 160)}') for e in seen.console_errors
              if not e.startswith('Failed to load resource')]  # images: the image check; other hosts: above
    return probs

# --- cells nbdev-docs runs in a fresh shell and warns about ----------------------------------------------------------
def mixed_import_problems(path):
    "[(kind, message)] for each cell of notebook `path` that makes nbdev warn 'Found cells containing imports and other code'"
    import warnings
    try:
        from nbdev.process import NBProcessor
        from nbdev.processors import FilterDefaults, exec_show_docs, _do_eval  # _do_eval warns
        from fastcore.basics import str2bool
    except ImportError as e: raise Fail(f'nbdev changed: {e}; update mixed_import_problems') from None
    procs = list(FilterDefaults().procs())
    procs, found = procs[:procs.index(exec_show_docs)], []  # the cells as exec_show_docs sees them
    class record:  # exec_show_docs' own conditions, then its test, with the warning caught
        def __init__(self, nb): self.nb = nb
        def __call__(self, cell):
            if not getattr(self.nb, 'has_docs_', False): return
            if str2bool(getattr(self.nb, 'frontmatter_', {}).get('skip_showdoc', False)): return
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter('always'); _do_eval(cell)
            if any('Found cells containing imports and other code' in str(x.message) for x in w):
                found.append((index.get(cell.get('id'), cell.idx_), cell.source))
    import nbformat
    index = {c.get('id'): i for i, c in enumerate(nbformat.read(path, as_version=4).cells)}  # the .ipynb's numbers
    with warnings.catch_warnings():
        warnings.simplefilter('ignore'); NBProcessor(str(path), procs + [record], rm_directives='quarto').process()
    first = lambda src: next((l for l in src.splitlines() if not l.startswith('#|')), '')
    return [('imports', f'cell {i} holds imports and other code, which nbdev-docs runs in a fresh shell (and warns): give '
             f'its imports a cell of their own: {_clip(first(src), 70)!r}') for i, src in found]

def _clip(s, n=100): s = ' '.join(s.split()); return s if len(s) <= n else s[:n-1] + '…'

def image_bytes(src, page_dir):
    "The bytes behind an <img> src (data URI or local file)"
    if src.startswith('data:'):
        head, _, data = src.partition(',')
        return base64.b64decode(data) if head.endswith(';base64') else unquote(data).encode()
    p = page_dir/unquote(src.split('?')[0].split('#')[0])
    if not p.is_file(): raise OSError(f'missing file {p.name}')
    return p.read_bytes()

def check_image(i, img, page_dir):
    "A problem message for the `i`th image, or None"
    from PIL import Image, UnidentifiedImageError
    src = img.get('src', '')
    if src.startswith(('http:', 'https:', '//')): return None  # remote: not checked (offline runs would fail)
    what = f'image {i} ({src[:src.find(",")] if src.startswith("data:") else src or "no src"})'
    try: data = image_bytes(src, page_dir) if src else b''
    except (OSError, ValueError) as e: return f'{what}: {e}'
    if not data.strip(): return f'{what}: empty'
    if not (src.startswith('data:image/svg') or src.lower().endswith('.svg')):  # PIL reads bitmaps only
        try: im = Image.open(BytesIO(data)); im.load()
        except UnidentifiedImageError: return f'{what}: not an image (does not decode)'
        except Exception as e: return f'{what}: does not decode ({type(e).__name__}: {_clip(str(e), 60)})'
        if not im.width or not im.height: return f'{what}: 0-size'
        flat = Image.alpha_composite(Image.new('RGBA', im.size, 'white'), im.convert('RGBA')).convert('RGB')
        if all(lo == hi for lo, hi in flat.getextrema()): return f'{what}: a single flat colour, {im.width}x{im.height}'
    w, h = (img.get('data-probe') or '0 0').split()
    if w == '0' or h == '0': return f'{what}: the browser could not display it'

def check_dom(dom, page_dir):
    "[(kind, message)] for the page whose DOM after load is `dom`"
    from bs4 import BeautifulSoup
    soup, probs = BeautifulSoup(dom, 'html.parser'), []
    if not soup.body or soup.body.get('data-loaded') != '1': probs.append(('browser', 'page did not finish loading'))
    h1 = soup.find('h1', class_='title')
    if not (soup.title and soup.title.get_text(strip=True) and h1 and h1.get_text(strip=True)):
        probs.append(('title', 'no title: the first cell must be the front matter (`# Title`, `> description`)'))
    for i, img in enumerate(soup.find_all('img'), 1):
        if msg := check_image(i, img, page_dir): probs.append(('image', msg))
    for t in soup(['script', 'style']) + soup.select('a.anchor-link'): t.decompose()
    outs = [o.extract() for o in soup.select('.jp-OutputArea-output')]
    for o in outs:
        txt = o.get_text()
        if o.get('data-mime-type') == 'application/vnd.jupyter.stderr' and (_re_err_line.search(txt) or 'Traceback' in txt) \
           or 'Traceback (most recent call last)' in txt:
            probs.append(('error', 'error output: ' + _clip((_re_err_line.findall(txt) or [txt.strip()])[-1])))
    code = '\n'.join(c.extract().get_text() for c in soup.select('.jp-InputArea-editor'))
    # nbconvert's markdown parser (unlike Quarto's) reads a `#| x` line as a heading `| x`
    probs += [('directive', f'nbdev directive in text: #{_clip(h.get_text())}') for h in soup.find_all(re.compile('^h[1-6]$'))
              if h.get_text().lstrip().startswith('|')]
    # a heading that is only a name in code, like "### `fit`", takes the anchor (#fit) of that name's API entry
    for h in soup.find_all(re.compile('^h[1-6]$')):
        if (cs := h.find_all('code')) and len(cs) == 1 and h.get_text(strip=True) == cs[0].get_text(strip=True):
            probs.append(('anchor', f'heading {h.get_text(strip=True)!r} reads like an API entry and takes its anchor; '
                          'give it words ("The training loop")'))
    for c in soup('code'): c.decompose()  # inline and fenced code in prose may quote directives on purpose
    prose = soup.body.get_text('\n') if soup.body else ''
    outtxt = '\n'.join(o.get_text() for o in outs)
    for where, txt in ('code', code), ('text', prose), ('output', outtxt):
        probs += [('directive', f'nbdev directive in {where}: {_clip(m)}') for m in _re_directive.findall(txt)]
    probs += [('directive', f'show_doc in code: {_clip(m)}') for m in _re_showdoc.findall(code)]
    probs += [('directive', f'show_doc object instead of its docs: {_clip(_line_at(outtxt, m.start()))}')
              for m in re.finditer(r'nbdev\.showdoc\.\w+ object', outtxt)]  # not `.*...`: quadratic on a long line
    probs += [('frontmatter', f'raw front matter in text: {_clip(prose[m.start():m.start()+80])}') for m in _re_fm_text.finditer(prose)]
    for o in outs: probs += text_problems(o.get_text(), 'output')
    import json
    for b in json.loads(soup.body.get('data-overflow') or '[]') if soup.body else []:
        probs.append(('overflow', f'{b["where"]} {b["tag"]} is {b["width"]} px wide in the {COLUMN} px column '
                      f'({b["room"]} px inside): {_clip(b["line"], 90)!r}'))
    return probs

# --- driver ----------------------------------------------------------------------------------------------------------
SHOTS = True  # `--no-shots`: no full-page screenshots (for CI, where nobody looks at them; every check still runs)

def check_page(nbdir, name, browser, out):
    "Process, render, load and check one notebook; print its summary line; return [(kind, message)]"
    t0, title, nimg = time.time(), '', 0
    try:
        src = process(nbdir, name)
        page = src.with_suffix('.html')
        title, math = render(src, page)
        shot, kept = out/Path(name).with_suffix('.png'), out/Path(name).with_suffix('.html')
        shot.unlink(missing_ok=True)
        shutil.copy2(page, kept)  # self-contained: images are embedded; tests open it via file://
        dom, seen = load(browser, page, shot if SHOTS else None)
        nimg, probs = dom.count('<img'), check_dom(dom, page.parent)
        probs = (stored_output_problems(nbdir/name) + latex_problems(src) + thirdparty_problems(src) + math
                 + mixed_import_problems(nbdir/name) + page_config_problems(src, nbdir) + browser_problems(seen) + probs)
        if SHOTS and not shot.exists(): raise Fail(f'chromium saved no screenshot of {page.name}', 'browser')
    except Fail as e: probs = [(e.kind, str(e))]
    status = 'FAIL' if probs else 'ok'
    print(f'{status:4}  {name:22} {time.time()-t0:5.1f}s  {nimg} images  {title!r:.60}'
          + (f'  -> {len(probs)} problem(s): {", ".join(sorted({k for k,_ in probs}))}' if probs else ''), flush=True)
    return probs

def check_all(nbs, names, browser, out):
    "{notebook name: [(kind, message)]} for the notebooks `names` (default: all) in folder `nbs`"
    nbs = Path(nbs).resolve()
    found = sorted(p.name for p in nbs.glob('*.ipynb') if p.name[0] not in '_.')
    if names: found = [Path(n).name for n in names]
    if missing := [n for n in found if not (nbs/n).is_file()]: raise Fail(f'not found in {nbs}: {" ".join(missing)}')
    if not found: raise Fail(f'no notebooks in {nbs}')
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='check-docs-') as tmp:
        nbdir = stage(nbs, Path(tmp))
        process_all(nbdir, found)
        return {n: check_page(nbdir, n, browser, out) for n in found}

def check_site(nbs):
    "[(kind, message)] for the Posts listing and the navigation: posts with a date and an existing image, no test notebooks"
    import yaml, nbformat
    nbs, probs = Path(nbs), site_config_problems(nbs)
    if not (nbs/'posts.qmd').is_file(): return probs
    m = _re_fm.match((nbs/'posts.qmd').read_text().strip())
    listing = (yaml.safe_load(m[1]) if m else {}).get('listing') or {}
    fields = listing.get('fields') or []
    if missing := [f for f in ('image', 'date', 'title', 'reading-time') if f not in fields]:
        probs.append(('site', f'posts.qmd: the listing\'s fields lack {", ".join(missing)}'))
    for name in listing.get('contents') or []:
        if re.match(r'9\d_', name): probs.append(('site', f'posts.qmd lists the test notebook {name}')); continue
        if not (nbs/name).is_file(): probs.append(('site', f'posts.qmd lists {name}, which does not exist')); continue
        nb = nbformat.read(nbs/name, as_version=4)
        fm = dict(re.findall(r'^-\s*([\w-]+)\s*:\s*(.+?)\s*$', nb.cells[0].source, re.MULTILINE)) if nb.cells else {}
        for key in 'date', 'image':
            if key not in fm: probs.append(('site', f'{name}: no `- {key}:` in its front matter, which the listing shows'))
        if 'image' in fm and not (nbs/fm['image']).is_file():
            probs.append(('site', f'{name}: its image {fm["image"]} does not exist (run tools/post_images.py)'))
    for cfg in '_quarto.yml', 'sidebar.yml':
        txt = (nbs/cfg).read_text() if (nbs/cfg).is_file() else ''
        if bad := re.findall(r'\b9\d_\w+\.ipynb', txt):
            probs.append(('site', f'{cfg} links the test notebook(s) {", ".join(bad)}'))
        if gone := [f for f in re.findall(r'[\w.-]+\.(?:ipynb|qmd)\b', txt) if not (nbs/f).is_file()]:
            probs.append(('site', f'{cfg} links {", ".join(gone)}, which do(es) not exist'))
    return probs

def report(results):
    bad = {n: p for n, p in results.items() if p}
    for n, probs in bad.items():
        print(f'\n{n}:')
        for kind, msg in probs: print(f'  [{kind}] {msg}')
    return bad

def self_test(browser, out):
    "Each tools/fixtures/bad_<kind>*.ipynb must fail with exactly <kind>; every other fixture must pass"
    print(f'self-test on {FIXTURES.relative_to(ROOT)}: each bad_<kind> fixture must FAIL with <kind> only; good* must pass')
    results, ok = check_all(FIXTURES, None, browser, out), True
    report(results)
    print('\nself-test:')
    for n, probs in results.items():
        want = {m[1]} if (m := re.match(r'bad_([a-z]+)', n)) else set()
        got = {k for k, _ in probs}
        ok &= got == want
        fmt = lambda ks: '/'.join(sorted(ks)) or 'pass'
        print(f'  {"ok" if got == want else "WRONG":5} {n:24} expected {fmt(want)}, got {fmt(got)}')
    if untested := KINDS - {m[1] for n in results if (m := re.match(r'bad_([a-z]+)', n))}:
        ok = False; print(f'  WRONG no fixture for: {", ".join(sorted(untested))}')
    for d, want in (FIXTURES/'site_bad', 5), (FIXTURES/'site_good', 0):  # the site's _quarto.yml
        got = site_config_problems(d)
        for _, m in got: print(f'        {d.name}: {m}')
        good = len(got) == want and all(k == 'thirdparty' for k, _ in got); ok &= good
        print(f'  {"ok" if good else "WRONG":5} {d.name + "/_quarto.yml":24} expected {want} thirdparty problem(s), got {len(got)}')
    return ok

def outputs_only(nbs, names):
    "The fast check: machine paths and Python internals in the stored outputs of the notebooks; 0 if there are none"
    paths = [Path(nbs)/n for n in names] or sorted(p for p in Path(nbs).glob('*.ipynb') if p.name[0] not in '_.')
    bad = {p.name: probs for p in paths if (probs := stored_output_problems(p))}
    report(bad)
    print(f'{"FAILED" if bad else "passed"}: stored outputs of {len(paths)} notebooks')
    return 1 if bad else 0

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('names', nargs='*', help='notebooks to check (default: all in --nbs)')
    ap.add_argument('--nbs', default=ROOT/'nbs', type=Path, help='folder of notebooks (default: nbs/)')
    ap.add_argument('--out', default=ROOT/'_out'/'docs', type=Path, help='folder for screenshots (default: _out/docs/)')
    ap.add_argument('--chrome', default=os.environ.get('CHROME'), help='Chromium executable (default: $CHROME or /usr/bin/chromium)')
    ap.add_argument('--self-test', action='store_true', help='check that the fixtures in tools/fixtures are caught')
    ap.add_argument('--outputs', action='store_true', help='only scan the stored outputs for machine paths and internals')
    ap.add_argument('--no-shots', action='store_true', help='save no screenshots (every check still runs): for CI')
    a, t0 = ap.parse_args(), time.time()
    global SHOTS; SHOTS = not a.no_shots
    if a.outputs: return outputs_only(a.nbs, a.names)
    try:
        with Browser(**({'executable': a.chrome} if a.chrome else {})) as browser:
            if a.self_test: ok = self_test(browser, a.out/'self-test')
            else:
                results = check_all(a.nbs, a.names, browser, a.out)
                if not a.names and (site := check_site(a.nbs)): results['posts.qmd'] = site
                ok = not report(results)
    except (Fail, BrowserError) as e: print(f'error: {e}', file=sys.stderr); return 2
    shots = f"; screenshots in {a.out/'self-test' if a.self_test else a.out}" if SHOTS else ''
    print(f'\n{"passed" if ok else "FAILED"} in {time.time()-t0:.1f}s{shots}')
    return 0 if ok else 1

if __name__ == '__main__': sys.exit(main())
