#!/usr/bin/env python
"""Summarise an `nbdev-test` log: one line per failing notebook, with the cell and the error (for tools/portability.sh).

    python tools/portability/failures.py LOG [EXIT_STATUS]
"""
import re, sys
from pathlib import Path

def summarise(text: str) -> list:
    "['NOTEBOOK cell N: Error: message', ...] from an nbdev-test log"
    out, nb, cell, last = [], None, None, None
    def flush():
        if nb: out.append(f'{nb} cell {cell if cell is not None else "?"}: {last or "(no error line found; see the log)"}')
    for line in text.splitlines():
        if m := re.match(r'\s*(?:Exception|Error) in (\S.*?\.ipynb):?\s*$', line):
            flush(); nb, cell, last = Path(m[1]).name, None, None
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
    print('\n'.join(dict.fromkeys(summarise(text))))
