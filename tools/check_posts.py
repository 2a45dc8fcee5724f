#!/usr/bin/env python
"""Check the reading budget and the "Check yourself" section of each listed post (issue 15).

The posts are the notebooks listed in nbs/posts.qmd (`listing: contents:`), in that order. For each, a table row: prose
words and reading time, visible code cells, the longest visible code cell, hidden cells, and the end-of-post section.
Each limit broken prints one line `FAIL <post>: ...`, and the exit status is 1. The table is printed either way.

Definitions (the shared plan's):
- prose: the words of the markdown cells before the heading `## Check yourself`. Not counted: the front matter of the
  first cell (the title line `# ...`, the `> description` line, the `- key: value` lines), and everything from
  `## Check yourself` to the end, except footer lines that start with `Previous` or `Next` and hold a link (counted).
  Words: HTML comments and `![alt](url)` images are removed, a link `[text](url)` counts as its text, HTML tags are
  removed (their text stays), then the text is split on whitespace and a word is a piece holding a letter or a digit
  (so table bars, `---`, `-` bullets, `×` or `=` alone are not words). Inline code and fenced code in markdown count,
  word by word (`` `fit` `` is one word).
- hidden cell: a code cell whose leading nbdev directives (`#| ...` lines) include `#| hide`.
- visible code cell: any other code cell, except one with nothing but nbdev directives (e.g. `#| default_exp data`)
  or nothing at all. `#| export` cells are visible. Cells under `## Check yourself` (the exercises) count too: a
  reader sees them.
- lines of a code cell: its source lines less the leading `#|` directive lines and trailing blank lines.
- reading time (minutes) = prose words / 200 + visible code lines / 20 (200 words a minute for prose, the slow end
  of the usual 200-250 for technical text; 20 lines a minute for code a learner reads, outputs not counted).
- `## Check yourself` must exist and hold, in this order, `### Recap`, `### Questions` (at least 8 HTML
  `<details>` blocks up to the next heading) and `### Exercises` (at least 3 visible code cells after it, up to the
  next `#`/`##` heading or the end).
- 00_data: its first picture (an `image/png` output) must come from one of its first 8 visible code cells.

    python tools/check_posts.py              # the posts listed in nbs/posts.qmd
    python tools/check_posts.py --nbs DIR    # another folder (with its posts.qmd)
    python tools/check_posts.py --self-test  # fixture notebooks in a temp folder: each rule must fail, good ones pass
"""
import argparse, json, re, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECK = 'Check yourself'
WPM, LPM = 200, 20  # prose words and code lines a minute (see the docstring)
# post stem: (prose words, visible code cells); the same limits for every post:
BUDGETS = {'00_data': (1300, 20), '01_model': (1800, 30), '02_sgd': (1500, 30), '03_train': (2300, 35),
           '04_fast': (2000, 35)}
MAX_CELL_LINES, MAX_HIDDEN, MIN_QUESTIONS, MIN_EXERCISES = 25, 5, 8, 3
FIRST_PICTURE = {'00_data': 8}  # post: its first image/png output must be in one of its first N visible code cells

def listed_posts(qmd: Path) -> list:
    "The notebooks in `qmd`'s `listing: contents:`, in order (YAML front matter; a plain parser if PyYAML is missing)"
    text = qmd.read_text(encoding='utf-8')
    m = re.match(r'---\s*\n(.*?)\n---\s*(\n|$)', text, re.S)
    if not m: raise SystemExit(f'error: {qmd} has no YAML front matter')
    try:
        import yaml
        listing = (yaml.safe_load(m[1]) or {}).get('listing') or {}
        if isinstance(listing, list): listing = listing[0] if listing else {}
        contents = listing.get('contents') or []
        if isinstance(contents, str): contents = [contents]
    except ImportError:
        contents, inside = [], False
        for line in m[1].splitlines():
            if re.match(r'\s+contents:\s*$', line): inside = True
            elif inside and (mm := re.match(r'\s+-\s+(\S+)', line)): contents.append(mm[1].strip('"\''))
            elif inside: inside = False
    posts = [str(c) for c in contents if str(c).endswith('.ipynb')]
    if not posts: raise SystemExit(f'error: {qmd} lists no notebooks under listing: contents:')
    return posts

def directives(src: str) -> list:
    "The nbdev directives at the top of a code cell, e.g. ['hide'], ['export'], ['default_exp data']"
    out = []
    for line in src.splitlines():
        if m := re.match(r'\s*#\s*\|\s*(.*?)\s*$', line): out.append(m[1])
        elif line.strip(): break
    return out

def code_lines(src: str) -> int:
    "Lines of a code cell less its leading directives and trailing blank lines"
    lines = src.splitlines()
    while lines and (re.match(r'\s*#\s*\|', lines[0]) or not lines[0].strip()): lines.pop(0)
    while lines and not lines[-1].strip(): lines.pop()
    return len(lines)

def kind(cell) -> str:
    "'markdown', 'hidden', 'visible', 'directives' (nothing but directives, or empty) or 'other'"
    if cell['cell_type'] == 'markdown': return 'markdown'
    if cell['cell_type'] != 'code': return 'other'
    src = ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']
    if any(re.fullmatch(r'hide\b.*', d) for d in directives(src)): return 'hidden'
    return 'visible' if code_lines(src) else 'directives'

def words(md: str) -> int:
    "Words in markdown text (see the docstring)"
    md = re.sub(r'<!--.*?-->', ' ', md, flags=re.S)
    md = re.sub(r'!\[[^\]]*\]\([^)]*\)', ' ', md)          # images
    md = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', md)       # links: their text
    md = re.sub(r'\[([^\]]*)\]\[[^\]]*\]', r'\1', md)      # reference links
    md = re.sub(r'<[^>\n]+>', ' ', md)                     # HTML tags
    return sum(1 for w in md.split() if re.search(r'\w', w))

def front_matter_end(lines: list) -> int:
    "How many leading lines of the first cell are front matter: `# title`, `> description`, `- key: value`, blanks"
    i = 0
    while i < len(lines):
        l = lines[i].strip()
        if not l or (i == 0 and l.startswith('# ')) or l.startswith('>') or re.match(r'-\s+[\w-]+\s*:', l): i += 1
        else: break
    return i

def src_of(cell): return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']

def measure(path: Path) -> dict:
    "The figures of one post, and its structure problems (a list of messages)"
    cells = json.loads(path.read_text(encoding='utf-8'))['cells']
    r = dict(prose=0, visible=0, hidden=0, longest=0, longest_at=None, code_lines=0, check=False, recap=False,
             questions=0, exercises=0, first_picture=None, problems=[])
    section, n_visible, heads = None, 0, []   # section: None before Check yourself; 'check'/'recap'/'questions'/'exercises'
    for ci, cell in enumerate(cells):
        k = kind(cell)
        if k == 'markdown':
            lines = src_of(cell).splitlines()
            if ci == 0: lines = lines[front_matter_end(lines):]
            prose = []
            for l in lines:
                h = re.match(r'(#{1,6})\s+(.*?)\s*#*\s*$', l)
                if h and section is None and len(h[1]) == 2 and h[2] == CHECK:
                    section, r['check'] = 'check', True; heads.append(CHECK); continue
                if h and section is not None:
                    level, title = len(h[1]), h[2]
                    if level == 3 and title in ('Recap', 'Questions', 'Exercises'):
                        section = title.lower(); heads.append(title)
                        if title == 'Recap': r['recap'] = True
                    elif level <= 3: section = 'after'  # another heading ends the part it follows
                    continue
                if section is None or re.match(r'\W*(Previous|Next)\b.*\]\(', l): prose.append(l)  # the footer counts
                elif section == 'questions': r['questions'] += len(re.findall(r'<details\b', l, re.I))
            r['prose'] += words('\n'.join(prose))
        elif k == 'hidden': r['hidden'] += 1
        elif k == 'visible':
            n_visible += 1; r['visible'] += 1
            n = code_lines(src_of(cell)); r['code_lines'] += n
            if n > r['longest']: r['longest'], r['longest_at'] = n, ci
            if section == 'exercises': r['exercises'] += 1
            if r['first_picture'] is None and any('image/png' in o.get('data', {}) for o in cell.get('outputs', [])):
                r['first_picture'] = n_visible
    p, parts = r['problems'], ['Recap', 'Questions', 'Exercises']
    if not r['check']: p.append(('check', f'no "## {CHECK}" heading (it must hold ### Recap, ### Questions, ### Exercises)'))
    else:
        order = heads[1:]
        for h in parts:
            if h not in order: p.append((h.lower(), f'"## {CHECK}" has no "### {h}" heading'))
        if set(order) >= set(parts) and order[:3] != parts:
            p.append(('order', f'"## {CHECK}" parts come as {", ".join(order)}, not Recap, Questions, Exercises'))
        if 'Questions' in order and r['questions'] < MIN_QUESTIONS:
            p.append(('questions', f'### Questions has {r["questions"]} <details> blocks (up to the next heading), fewer than {MIN_QUESTIONS}'))
        if 'Exercises' in order and r['exercises'] < MIN_EXERCISES:
            p.append(('exercises', f'### Exercises has {r["exercises"]} visible code cells (up to the next #, ## or ### heading), '
                               f'fewer than {MIN_EXERCISES}'))
    return r

def violations(stem: str, r: dict) -> list:
    "(kind, message) for each limit `stem` breaks"
    v = []
    if stem not in BUDGETS: v.append(('budget', 'no budget for this post: add it to BUDGETS in tools/check_posts.py'))
    max_words, max_cells = BUDGETS.get(stem, (0, 0))
    if stem in BUDGETS and r['prose'] > max_words:
        v.append(('prose', f'prose is {r["prose"]:,} words, over the limit of {max_words:,}'))
    if stem in BUDGETS and r['visible'] > max_cells:
        v.append(('cells', f'{r["visible"]} visible code cells, over the limit of {max_cells}'))
    if r['longest'] > MAX_CELL_LINES: v.append(('long', f'its longest visible code cell (cell {r["longest_at"]} of the '
                                                f'notebook) has {r["longest"]} lines, over the limit of {MAX_CELL_LINES}'))
    if r['hidden'] > MAX_HIDDEN: v.append(('hidden', f'{r["hidden"]} hidden cells, over the limit of {MAX_HIDDEN}'))
    if stem in FIRST_PICTURE:
        n, fp = FIRST_PICTURE[stem], r['first_picture']
        if fp is None: v.append(('picture', f'no picture (image/png output) from a visible code cell; the first must come from one of the first {n}'))
        elif fp > n: v.append(('picture', f'its first picture comes from visible code cell {fp}, not one of the first {n}'))
    return v + r['problems']

def check(nbs: Path, out=print) -> list:
    "Print the table and the violations for the posts listed in `nbs`/posts.qmd; return the violations' kinds"
    rows, fails = [], []
    for name in listed_posts(nbs/'posts.qmd'):
        stem, path = Path(name).stem, nbs/name
        if not path.is_file():
            fails.append(('missing', f'FAIL {stem}: listed in posts.qmd, but nbs/{name} does not exist')); continue
        r = measure(path)
        mw, mc = BUDGETS.get(stem, ('?', '?'))
        mins = r['prose'] / WPM + r['code_lines'] / LPM
        cy = (f'{"recap" if r["recap"] else "no recap"}, {r["questions"]} q, {r["exercises"]} ex'
              if r['check'] else 'missing')
        rows.append((stem, f'{r["prose"]:,} / {mw:,}' if isinstance(mw, int) else f'{r["prose"]:,}',
                     f'{r["prose"] / WPM:.0f} + {r["code_lines"] / LPM:.0f} = {mins:.0f} min',
                     f'{r["visible"]} / {mc}', f'{r["longest"]} / {MAX_CELL_LINES}', f'{r["hidden"]} / {MAX_HIDDEN}',
                     (f'{r["first_picture"]}' if r['first_picture'] else 'none') + (f' / {FIRST_PICTURE[stem]}' if stem in FIRST_PICTURE else ''),
                     cy))
        fails += [(k, f'FAIL {stem}: {m}') for k, m in violations(stem, r)]
    head = ('post', 'prose words / limit', f'reading (prose/{WPM} + code lines/{LPM})', 'visible code cells / limit',
            'longest visible cell (lines) / limit', 'hidden cells / limit', 'first picture (visible cell no.)',
            'check yourself (recap, questions, exercises)')
    out('| ' + ' | '.join(head) + ' |'); out('|' + '---|' * len(head))
    for row in rows: out('| ' + ' | '.join(row) + ' |')
    out('')
    for _, f in fails: out(f)
    out(f'{"FAILED: " + str(len(fails)) + " violation(s)" if fails else "passed"}: {len(rows)} posts listed in posts.qmd')
    return [k for k, _ in fails]

# ---- self-test: tiny fixture notebooks, each breaking one rule, and good ones that break none ----

def _nb(cells):
    return {'cells': cells, 'metadata': {'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}},
            'nbformat': 4, 'nbformat_minor': 5}
def _md(s): return {'cell_type': 'markdown', 'metadata': {}, 'source': s}
def _code(s, png=False):
    outs = [{'output_type': 'display_data', 'metadata': {}, 'data': {'image/png': 'iVBORw0KGgo=', 'text/plain': 'fig'}}] if png else []
    return {'cell_type': 'code', 'metadata': {}, 'source': s, 'execution_count': None, 'outputs': outs}

FRONT = '# A title with many words in it\n\n> A description line with many more words in it too\n\n- categories: [a, b]\n- order: 1\n'
def _check_yourself(questions=MIN_QUESTIONS, exercises=MIN_EXERCISES, recap=True):
    cells = [_md(f'## {CHECK}\n\n' + ('### Recap\n\n- **term**: ' + 'word ' * 300 + '\n' if recap else ''))]
    cells.append(_md('### Questions\n\n' + '\n'.join(f'<details><summary>Question {i} ' + 'word ' * 40 +
                                                      '</summary>Answer ' + 'word ' * 40 + '</details>' for i in range(questions))))
    cells.append(_md('### Exercises\n\n' + 'word ' * 200))
    cells += [_code(f'# exercise {i}\nx = {i}') for i in range(exercises)]
    cells.append(_md('Previous: [one](a.ipynb) · Next: [two](b.ipynb)'))  # 4 words of footer: counted
    return cells

def _good(prose=100, visible=5, hidden=2, lines=3, pic_at=1, **cy):
    "A post with `prose` prose words, `visible` visible code cells (`lines` long; the first picture in cell `pic_at`)"
    cells = [_md(FRONT + '\n' + 'word ' * 10), _code('#| default_exp x'), _code('#| hide\nimport os')]
    cells += [_code('#| hide\nx = 1') for _ in range(hidden - 1)]
    cells += [_md('Some [linked text](https://example.org/a/very/long/url) <b>bold</b> `code` | --- |' + ' word' * (prose - 10 - 5 - 4))]
    n_ex = cy.get('exercises', MIN_EXERCISES)
    for i in range(visible - n_ex):
        cells.append(_code('#| export\n' + '\n'.join(f'y{j} = {j}' for j in range(lines)) + '\n\n', png=(i + 1 == pic_at)))
    return cells + _check_yourself(**cy)

def self_test() -> bool:
    "Each fixture must give exactly the expected kinds of violation; the good ones none"
    b_words, b_cells = BUDGETS['00_data']
    n_cy = len(_check_yourself())
    cases = {  # name: (stem, cells or None for no file, the kinds of violation expected)
        'good_00_data': ('00_data', _good(prose=b_words, visible=b_cells, hidden=MAX_HIDDEN, lines=MAX_CELL_LINES, pic_at=8), set()),
        'good_04_fast': ('04_fast', _good(prose=BUDGETS['04_fast'][0], visible=BUDGETS['04_fast'][1]), set()),
        'prose': ('00_data', _good(prose=b_words + 1), {'prose'}),
        'prose_01': ('01_model', _good(prose=BUDGETS['01_model'][0] + 1), {'prose'}),
        'cells': ('00_data', _good(visible=b_cells + 1), {'cells'}),
        'cells_03': ('03_train', _good(visible=BUDGETS['03_train'][1] + 1), {'cells'}),
        'long': ('02_sgd', _good(lines=MAX_CELL_LINES + 1), {'long'}),
        'hidden': ('03_train', _good(hidden=MAX_HIDDEN + 1), {'hidden'}),
        'picture_late': ('00_data', _good(pic_at=9, visible=12), {'picture'}),
        'picture_none': ('00_data', _good(pic_at=0), {'picture'}),
        'no_check': ('01_model', _good()[:-n_cy] + [_code('x = 1') for _ in range(MIN_EXERCISES)], {'check'}),
        'no_recap': ('01_model', _good(recap=False), {'recap'}),
        'questions': ('01_model', _good(questions=MIN_QUESTIONS - 1), {'questions'}),
        'exercises': ('01_model', _good(exercises=MIN_EXERCISES - 1, visible=MIN_EXERCISES + 3), {'exercises'}),
        'no_budget': ('05_other', _good(), {'budget'}),
        'missing': ('02_sgd', None, {'missing'}),
        'all_at_once': ('03_train', _good(prose=BUDGETS['03_train'][0] + 1, visible=BUDGETS['03_train'][1] + 1,
                                          lines=MAX_CELL_LINES + 1, hidden=MAX_HIDDEN + 1, questions=0, exercises=0),
                        {'prose', 'cells', 'long', 'hidden', 'questions', 'exercises'}),
    }
    # the questions and exercises headings without their parts, and parts in the wrong order
    cy = _check_yourself()
    cases['no_questions'] = ('02_sgd', _good()[:-n_cy] + [cy[0]] + cy[2:], {'questions'})
    cases['order'] = ('02_sgd', _good()[:-n_cy] + [_md(f'## {CHECK}'), cy[1], _md('### Recap\n\n- **term**: what it is')] + cy[2:],
                      {'order'})
    ok = True
    print(f'self-test: {len(cases)} fixture posts, each in its own folder with a posts.qmd listing it')
    with tempfile.TemporaryDirectory(prefix='check-posts-') as tmp:
        for name, (stem, cells, want) in cases.items():
            d = Path(tmp)/name; d.mkdir()
            (d/'posts.qmd').write_text(f'---\ntitle: "Posts"\nlisting:\n  contents:\n    - {stem}.ipynb\n  sort: "order"\n---\n')
            if cells is not None: (d/f'{stem}.ipynb').write_text(json.dumps(_nb(cells)))
            lines = []
            got = check(d, out=lines.append)
            good = set(got) == want and len(got) == len(want)  # each expected kind once, nothing else
            ok &= good
            print(f'  {"ok" if good else "WRONG":5} {name:13} expected {"/".join(sorted(want)) or "pass"}, got {"/".join(sorted(got)) or "pass"}')
            if not good: print('        ' + '\n        '.join(lines))
    # the real posts.qmd parses, with and without PyYAML
    qmd = ROOT/'nbs'/'posts.qmd'
    if qmd.is_file():
        real = listed_posts(qmd)
        import builtins
        real_import = builtins.__import__
        def no_yaml(name, *a, **k):
            if name == 'yaml': raise ImportError(name)
            return real_import(name, *a, **k)
        builtins.__import__ = no_yaml
        try: plain = listed_posts(qmd)
        finally: builtins.__import__ = real_import
        good = real == plain and len(real) >= 4
        ok &= good
        print(f'  {"ok" if good else "WRONG":5} posts.qmd     listed {", ".join(real)} (plain parser: {", ".join(plain)})')
    print(f'self-test {"passed" if ok else "FAILED"}')
    return ok

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--nbs', default=ROOT/'nbs', type=Path, help='folder of the notebooks and posts.qmd (default: nbs/)')
    ap.add_argument('--self-test', action='store_true', help='check that each rule fails on a fixture and good ones pass')
    a = ap.parse_args()
    if a.self_test: return 0 if self_test() else 1
    return 1 if check(a.nbs) else 0

if __name__ == '__main__': sys.exit(main())
