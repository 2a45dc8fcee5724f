#!/usr/bin/env python
"""Check the reading time and the "Check yourself" section of each listed post (issues 15 and 20).

The posts are the notebooks listed in nbs/posts.qmd (`listing: contents:`), in that order. For each, a table row: prose
words, code lines and reading time, visible code cells, the longest visible code cell, the longest visible code
line, hidden cells, and the end-of-post section. Each limit broken prints one line `FAIL <post>: ...`, and the exit
status is 1. The table is printed either way.

Definitions:
- prose: the words of the markdown cells, the "Check yourself" section included (recap, questions, exercise text), as
  a reader reads them with the answers folded: the text inside a `<details>` block is not counted, except its
  `<summary>` (the question itself). Not counted either: the front matter of the first cell (the title line `# ...`,
  the `> description` line, the `- key: value` lines) and the headings of the "Check yourself" section. Words: HTML
  comments and `![alt](url)` images are removed, a link `[text](url)` counts as its text, HTML tags are removed (their
  text stays), then the text is split on whitespace and a word is a piece holding a letter or a digit (so table bars,
  `---`, `-` bullets, `x` or `=` alone are not words). Inline code and fenced code in markdown count, word by word.
- hidden cell: a code cell whose leading nbdev directives (`#| ...` lines) include `#| hide`.
- visible code cell: any other code cell, except one with nothing but nbdev directives (e.g. `#| default_exp data`)
  or nothing at all. `#| export` cells are visible, and so are the exercises' cells: a reader sees them.
- lines of a code cell: its source lines less the leading `#|` directive lines and trailing blank lines.
- reading time (minutes) = prose words / 200 + visible code lines / 20 (200 words a minute for prose, the slow end
  of the usual 200-250 for technical text; 20 lines a minute for code a learner reads, outputs not counted). Every
  post: at most 20 minutes.
- a visible code line longer than 79 characters fails: Quarto's reading column (657 px at a 1280 px window) wraps it,
  and a wrapped line cannot be read or copied as seen.
- a hidden cell must not set the seed or the threads (`manual_seed`, `set_threads`, `set_num_threads`, `seed`): a
  reader who types the visible code must get the same numbers.
- `## Check yourself` must exist and hold, in this order, `### Recap`, `### Questions` (at least 8 HTML
  `<details>` blocks up to the next heading) and `### Exercises` (at least 3 visible code cells after it, up to the
  next `#`/`##` heading or the end), and every exercise's code cell is followed, before the next exercise's code
  cell, by a `<details>` block: its answer, folded.
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
MAX_MINUTES, MAX_LINE = 20, 79  # reading time of a post; characters in a visible code line
MAX_CELL_LINES, MAX_HIDDEN, MIN_QUESTIONS, MIN_EXERCISES = 25, 5, 8, 3
SEEDING = re.compile(r'\b(manual_seed|set_threads|set_num_threads|seed)\s*\(')  # not in a hidden cell
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

def folded(md: str) -> str:
    "`md` as a reader sees it with the answers folded: each `<details>` block reduced to its `<summary>`"
    def summary(m):
        s = re.search(r'<summary\b[^>]*>(.*?)</summary>', m[0], re.S | re.I)
        return ' ' + (s[1] if s else '') + ' '
    return re.sub(r'<details\b.*?(</details>|$)', summary, md, flags=re.S | re.I)

def words(md: str) -> int:
    "Words in markdown text, answers folded (see the docstring)"
    md = folded(re.sub(r'<!--.*?-->', ' ', md, flags=re.S))
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
    "The figures of one post, and its structure problems (a list of (kind, message))"
    cells = json.loads(path.read_text(encoding='utf-8'))['cells']
    r = dict(prose=0, visible=0, hidden=0, longest=0, longest_at=None, code_lines=0, check=False, recap=False,
             questions=0, exercises=0, first_picture=None, widest=0, problems=[])
    p = r['problems']
    section, n_visible, heads = None, 0, []   # section: None before Check yourself; 'check'/'recap'/'questions'/'exercises'
    unanswered = None                          # the cell number of an exercise whose answer has not come yet
    for ci, cell in enumerate(cells):
        k, src = kind(cell), src_of(cell)
        if k == 'markdown':
            lines = src.splitlines()
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
                prose.append(l)
                if section == 'questions': r['questions'] += len(re.findall(r'<details\b', l, re.I))
            if unanswered is not None and re.search(r'<details\b', src, re.I): unanswered = None
            r['prose'] += words('\n'.join(prose))
        elif k == 'hidden':
            r['hidden'] += 1
            if m := SEEDING.search(src):
                p.append(('seed', f'hidden cell {ci} calls {m[1]}(): set the seed and threads in a visible cell, '
                                  'with a sentence, so that a reader who types the code gets these numbers'))
        elif k == 'visible':
            n_visible += 1; r['visible'] += 1
            n = code_lines(src); r['code_lines'] += n
            if n > r['longest']: r['longest'], r['longest_at'] = n, ci
            for l in src.splitlines():
                if re.match(r'\s*#\s*\|', l): continue
                r['widest'] = max(r['widest'], len(l))
                if len(l) > MAX_LINE:
                    p.append(('wide', f'cell {ci} has a code line of {len(l)} characters, over {MAX_LINE} (it wraps '
                                      f'in the reading column): {l.strip()[:50]}...'))
            if section == 'exercises':
                if unanswered is not None: p.append(('answer', f'the exercise in cell {unanswered} has no answer '
                                                     '(a <details> block after its code, before the next exercise)'))
                r['exercises'] += 1; unanswered = ci
            if r['first_picture'] is None and any('image/png' in o.get('data', {}) for o in cell.get('outputs', [])):
                r['first_picture'] = n_visible
        if section == 'after' and unanswered is not None:
            p.append(('answer', f'the exercise in cell {unanswered} has no answer (a <details> block after its code)'))
            unanswered = None
    if unanswered is not None:
        p.append(('answer', f'the exercise in cell {unanswered} has no answer (a <details> block after its code)'))
    parts = ['Recap', 'Questions', 'Exercises']
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
    r['minutes'] = r['prose'] / WPM + r['code_lines'] / LPM
    return r

def violations(stem: str, r: dict) -> list:
    "(kind, message) for each limit `stem` breaks"
    v = []
    if r['minutes'] > MAX_MINUTES:
        v.append(('minutes', f'reading time {r["minutes"]:.2f} minutes ({r["prose"]:,} words / {WPM} + '
                             f'{r["code_lines"]} code lines / {LPM}), over the limit of {MAX_MINUTES}'))
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
        cy = (f'{"recap" if r["recap"] else "no recap"}, {r["questions"]} q, {r["exercises"]} ex'
              if r['check'] else 'missing')
        rows.append((stem, f'{r["prose"]:,}', f'{r["code_lines"]}',
                     f'{r["prose"] / WPM:.1f} + {r["code_lines"] / LPM:.1f} = {r["minutes"]:.1f} / {MAX_MINUTES}',
                     f'{r["visible"]}', f'{r["longest"]} / {MAX_CELL_LINES}', f'{r["widest"]} / {MAX_LINE}',
                     f'{r["hidden"]} / {MAX_HIDDEN}',
                     (f'{r["first_picture"]}' if r['first_picture'] else 'none') + (f' / {FIRST_PICTURE[stem]}' if stem in FIRST_PICTURE else ''),
                     cy))
        fails += [(k, f'FAIL {stem}: {m}') for k, m in violations(stem, r)]
    head = ('post', 'prose words', 'code lines', f'minutes (words/{WPM} + lines/{LPM}) / limit', 'visible code cells',
            'longest cell (lines) / limit', 'longest line (chars) / limit', 'hidden cells / limit',
            'first picture (visible cell no.)', 'check yourself (recap, questions, exercises)')
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
def _check_yourself(questions=MIN_QUESTIONS, exercises=MIN_EXERCISES, recap=True, answers=True):
    cells = [_md(f'## {CHECK}\n\n' + ('### Recap\n\n- **term**: ' + 'word ' * 300 + '\n' if recap else ''))]
    cells.append(_md('### Questions\n\n' + '\n'.join(f'<details><summary>Question {i} ' + 'word ' * 40 +
                                                      '</summary>Answer ' + 'word ' * 40 + '</details>' for i in range(questions))))
    cells.append(_md('### Exercises\n\n' + 'word ' * 200))
    for i in range(exercises):
        cells.append(_code(f'# exercise {i}\nx = {i}'))
        if answers or i: cells.append(_md('<details><summary>Answer</summary>\n\n' + 'folded ' * 500 + '\n</details>'))
    cells.append(_md('Previous: [one](a.ipynb) · Next: [two](b.ipynb)'))
    return cells

def _good(prose=100, visible=5, hidden=2, lines=3, pic_at=1, **cy):
    "A post with about `prose` words before Check yourself, `visible` visible code cells (`lines` long; the first picture in cell `pic_at`)"
    cells = [_md(FRONT + '\n' + 'word ' * 10), _code('#| default_exp x'), _code('#| hide\nimport os')]
    cells += [_code('#| hide\nx = 1') for _ in range(hidden - 1)]
    cells += [_md('Some [linked text](https://example.org/a/very/long/url) <b>bold</b> `code` | --- |' + ' word' * (prose - 10 - 5 - 4))]
    n_ex = cy.get('exercises', MIN_EXERCISES)
    for i in range(visible - n_ex):
        cells.append(_code('#| export\n' + '\n'.join(f'y{j} = {j}' for j in range(lines)) + '\n\n', png=(i + 1 == pic_at)))
    return cells + _check_yourself(**cy)

def _minutes(cells) -> float:
    with tempfile.TemporaryDirectory() as d:
        f = Path(d)/'x.ipynb'; f.write_text(json.dumps(_nb(cells)))
        return measure(f)['minutes']

def _at_limit(extra=0):
    "A good post padded with prose to exactly MAX_MINUTES of reading, plus `extra` words"
    cells = _good(visible=10, lines=10)
    pad = round((MAX_MINUTES - _minutes(cells)) * WPM)
    return cells[:4] + [_md('word ' * (pad + extra))] + cells[4:]

def self_test() -> bool:
    "Each fixture must give exactly the expected kinds of violation; the good ones none"
    n_cy = len(_check_yourself())
    cases = {  # name: (stem, cells or None for no file, the kinds of violation expected)
        'good_00_data': ('00_data', _good(hidden=MAX_HIDDEN, lines=MAX_CELL_LINES, pic_at=8, visible=12), set()),
        'at_limit': ('03_train', _at_limit(), set()),
        'minutes': ('03_train', _at_limit(1), {'minutes'}),
        'wide': ('01_model', _good()[:4] + [_code('x = ' + '1' * (MAX_LINE - 4) + '\ny = "' + 'w' * (MAX_LINE - 5) + '"')] + _good()[4:], {'wide'}),
        'line_at_limit': ('01_model', _good()[:4] + [_code('x = ' + '1' * (MAX_LINE - 4))] + _good()[4:], set()),
        'seed': ('02_sgd', _good()[:3] + [_code('#| hide\nimport torch\ntorch.manual_seed(0)')] + _good()[3:], {'seed'}),
        'threads': ('02_sgd', _good()[:3] + [_code('#| hide\nset_threads(1)')] + _good()[3:], {'seed'}),
        'no_answer': ('04_eval', _good(answers=False), {'answer'}),
        'long': ('02_sgd', _good(lines=MAX_CELL_LINES + 1), {'long'}),
        'hidden': ('03_train', _good(hidden=MAX_HIDDEN + 1), {'hidden'}),
        'picture_late': ('00_data', _good(pic_at=9, visible=12), {'picture'}),
        'picture_none': ('00_data', _good(pic_at=0), {'picture'}),
        'no_check': ('01_model', _good()[:-n_cy] + [_code('x = 1') for _ in range(MIN_EXERCISES)], {'check'}),
        'no_recap': ('01_model', _good(recap=False), {'recap'}),
        'questions': ('01_model', _good(questions=MIN_QUESTIONS - 1), {'questions'}),
        'exercises': ('01_model', _good(exercises=MIN_EXERCISES - 1, visible=MIN_EXERCISES + 3), {'exercises'}),
        'missing': ('02_sgd', None, {'missing'}),
        'all_at_once': ('03_train', _at_limit(1000)[:3] + [_code('#| hide\nseed(0)')] + _at_limit(1000)[3:-n_cy]
                        + _check_yourself(questions=0, exercises=0), {'minutes', 'seed', 'questions', 'exercises'}),
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
