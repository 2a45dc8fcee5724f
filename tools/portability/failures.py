#!/usr/bin/env python
"""Summarise an `nbdev-test` log: one line per failing notebook, with the cell and the error (for tools/portability.sh).

    python tools/portability/failures.py LOG [EXIT_STATUS]

Cell #N is nbdev-test's number: all cells counted, from 1. With a ref.log beside LOG (the full matrix's reference
run), each line says whether the reference run failed the same way.
"""
import re, sys
from pathlib import Path

def first_line(nb, cell) -> str:
    "' (`first line of the cell`)': cell #N of nbdev-test counts all cells from 1"
    try:
        import json
        src = json.loads(Path(nb).read_text())['cells'][int(cell) - 1]['source']
        lines = [l for l in (''.join(src) if isinstance(src, list) else src).splitlines() if l.strip() and not l.startswith('#|')]
        return f' (`{lines[0][:60]}`)' if lines else ''
    except Exception: return ''

def summarise(text: str) -> list:
    "['NOTEBOOK cell N: Error: message', ...] from an nbdev-test log"
    out, nb, cell, last = [], None, None, None
    def flush():
        if nb: out.append(f'{Path(nb).name} cell #{cell or "?"}{first_line(nb, cell)}: {last or "(no error line found; see the log)"}')
    for line in text.splitlines():
        if m := re.match(r'\s*[A-Za-z_][\w.]* in (\S.*?\.ipynb):?\s*$', line):  # 'ValueError in /…/x.ipynb:'
            flush(); nb, cell, last = m[1], None, None
        elif m := re.match(r'\s*While Executing Cell #(\d+)', line): cell = m[1]
        elif nb and re.match(r'[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Timeout\w*|Warning)\b.*', line.strip()):
            last = ' '.join(line.split())[:300]
        elif line.startswith('nbdev Tests Failed On'): flush(); nb = None
    flush()
    if not out:  # e.g. the shim or a timeout: the log's last lines
        tail = [l for l in text.splitlines() if l.strip()][-3:]
        out = ['(no notebook failure in the log) ' + ' | '.join(' '.join(l.split())[:200] for l in tail)]
    return out

if __name__ == '__main__':
    text = Path(sys.argv[1]).read_text(errors='replace') if Path(sys.argv[1]).exists() else ''
    rc = sys.argv[2] if len(sys.argv) > 2 else None
    if rc in ('124', '137'): print(f'timed out (exit status {rc}): the condition ran past PORT_TIMEOUT')
    lines = list(dict.fromkeys(summarise(text)))
    times = Path(sys.argv[1]).with_suffix('.times')  # 'NOTEBOOK ok|FAIL(rc) SECONDS' per notebook
    if times.exists():
        for nb, status, secs in (l.split() for l in times.read_text().splitlines() if l.strip()):
            if status in ('FAIL(124)', 'FAIL(137)'): lines.append(f'{nb}.ipynb: timed out after {secs} s (PORT_TIMEOUT)')
            elif status != 'ok' and not any(l.startswith(f'{nb}.ipynb ') for l in lines):
                lines.append(f'{nb}.ipynb: nbdev-test exited with {status[5:-1]} after {secs} s; see the log')
        lines = [l for l in lines if not l.startswith('(no notebook failure')] or lines
    ref = Path(sys.argv[1]).with_name('ref.log')  # in the full matrix: mark what the reference run failed on too
    if ref.exists() and ref != Path(sys.argv[1]):
        in_ref = set(summarise(ref.read_text(errors='replace')))
        lines = [l + ('   [as in ref]' if l in in_ref else '   [NOT in ref]') for l in lines]
    print('\n'.join(lines))
