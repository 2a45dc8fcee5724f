#!/usr/bin/env python
"""Write README.md from nbs/index.ipynb without Quarto.

The notebook goes through nbdev's docs processors (as `nbdev-readme` does, via `proc_nbs` in a temp copy of the
project), so hidden cells, directives and front matter vanish; then nbconvert's MarkdownExporter renders it. The title
and description become `# title` and `> description`; links to notebooks point at the hosted docs (as nbdev's README
filter does); images from outputs are saved in index_files/ beside README.md, which GitHub shows.

    python tools/make_readme.py           # write README.md (and index_files/)
    python tools/make_readme.py --check   # exit 1 if README.md or index_files/ differ from what would be written
"""
import argparse, difflib, re, shutil, sys, tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from check_docs import ROOT, Fail, stage, process, prepare

def _rewrite_links(md, nbs, doc_url):
    "Point links to notebooks/pages at the hosted docs, and relative image paths at nbs/, since README sits in the root"
    from nbdev.readme_filter import doc_link
    def f(m):
        bang, text, target, rest = m.groups()
        if re.match(r'[a-z][\w+.-]*:|#|/|index_files/', target): return m[0]
        if bang: new = f'{nbs.name}/{target}' if (nbs/target.split('#')[0]).is_file() else target
        else: new = doc_link(target, doc_url) if doc_url else target
        return f'{bang}[{text}]({new}{rest or ""})'
    return re.sub(r'(!?)\[([^\]]*)\]\(([^)\s]+)(\s+"[^"]*")?\)', f, md)

def _tidy(md):
    "Collapse runs of blank lines outside fenced code blocks"
    out, fence, blank = [], False, 0
    for line in md.strip().splitlines():
        if line.lstrip().startswith('```'): fence = not fence
        blank = blank + 1 if not line.strip() and not fence else 0
        if blank <= 1: out.append(line.rstrip() if not fence else line)
    return '\n'.join(out) + '\n'

def build(nbs, dest):
    "Write README.md and index_files/ for `nbs/index.ipynb` into folder `dest`"
    from nbconvert import MarkdownExporter
    from nbdev.config import get_config
    src_nb = nbs/'index.ipynb'
    if not src_nb.is_file(): raise Fail(f'{src_nb} not found')
    with tempfile.TemporaryDirectory(prefix='make-readme-') as tmp:
        nb, fm, cfg = prepare(process(stage(nbs, Path(tmp)), src_nb.name))
        nb.metadata.setdefault('language_info', {}).setdefault('name', 'python')  # code blocks fenced as ```python
        title = str(fm.get('title') or '').strip()
        if not title: raise Fail(f'{src_nb} has no title: its first cell must be the front matter (`# title`, `> description`)')
        md, res = MarkdownExporter(config=cfg).from_notebook_node(nb, resources={'output_files_dir': 'index_files'})
    head = f'# {title}\n\n' + (f'> {" ".join(str(fm["description"]).split())}\n\n' if fm.get('description') else '')
    doc_url = get_config(ROOT).doc_url
    (dest/'README.md').write_text(_tidy(head + _rewrite_links(md, nbs, doc_url)), encoding='utf-8')
    for name, data in res.get('outputs', {}).items():
        (dest/name).parent.mkdir(parents=True, exist_ok=True)
        (dest/name).write_bytes(data)

def files(d):
    "{relative path: bytes} of README.md and index_files/ in `d`"
    fs = [d/'README.md'] + sorted((d/'index_files').rglob('*') if (d/'index_files').is_dir() else [])
    return {str(f.relative_to(d)): f.read_bytes() for f in fs if f.is_file()}

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true', help='only check that README.md is up to date')
    ap.add_argument('--nbs', default=ROOT/'nbs', type=Path, help='folder with index.ipynb (default: nbs/)')
    ap.add_argument('--out', default=ROOT, type=Path, help='folder for README.md and index_files/ (default: the repo root)')
    a = ap.parse_args()
    try:
        with tempfile.TemporaryDirectory(prefix='make-readme-out-') as tmp:
            build(a.nbs.resolve(), Path(tmp))
            new, old = files(Path(tmp)), files(a.out)
            if a.check:
                if new == old: print('README.md is up to date'); return 0
                print(f'README.md is out of date with {a.nbs.name}/index.ipynb: run `python tools/make_readme.py`')
                for f in sorted(set(new) | set(old)):
                    if f == 'README.md' and f in new and f in old:
                        d = difflib.unified_diff(old[f].decode().splitlines(), new[f].decode().splitlines(),
                                                 'README.md', 'would be', lineterm='')
                        print('\n'.join(list(d)[:40]))
                    elif new.get(f) != old.get(f):
                        print(f'  {f}: {"missing" if f not in old else "stale" if f not in new else "differs"}')
                return 1
            shutil.rmtree(a.out/'index_files', ignore_errors=True)
            for f, data in new.items(): (a.out/f).parent.mkdir(parents=True, exist_ok=True); (a.out/f).write_bytes(data)
            print(f'wrote {", ".join(sorted(new))} in {a.out}')
    except Fail as e: print(f'error: {e}', file=sys.stderr); return 2
    return 0

if __name__ == '__main__': sys.exit(main())
