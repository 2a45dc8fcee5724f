#!/usr/bin/env python
"""Which printed figures changed between two runs of the same notebooks (for tools/portability.sh).

    python tools/portability/outputs_diff.py REF_DIR RUN_DIR NOTEBOOK...

For each notebook present in both folders, compares the text outputs (stream and text/plain) of each code cell, line
by line, and prints every line that differs (ref `-`, run `+`) on stdout. Timings and other figures that vary from
run to run show up too: a reader judges. The last line on stderr is the summary: notebook: changed cells.
"""
import difflib, json, sys
from pathlib import Path

def texts(cell) -> list:
    out = []
    for o in cell.get('outputs', []):
        if o.get('output_type') == 'stream': t = o.get('text', '')
        else: t = o.get('data', {}).get('text/plain', '')
        out += (''.join(t) if isinstance(t, list) else t).splitlines()
    return out

def main(ref, run, names):
    summary = []
    for n in names:
        a, b = Path(ref)/f'{n}.ipynb', Path(run)/f'{n}.ipynb'
        if not (a.exists() and b.exists()): continue
        ca = [c for c in json.loads(a.read_text())['cells'] if c['cell_type'] == 'code']
        cb = [c for c in json.loads(b.read_text())['cells'] if c['cell_type'] == 'code']
        if len(ca) != len(cb):
            print(f'== {n}: {len(ca)} code cells in ref, {len(cb)} in run: not compared'); continue
        changed = []
        for i, (x, y) in enumerate(zip(ca, cb)):
            tx, ty = texts(x), texts(y)
            if tx == ty or not (tx and ty): continue  # a run without outputs (failed) is not a change
            changed.append(i)
            print(f'== {n}, code cell {i}: {"".join(x["source"]).splitlines()[0][:80] if x["source"] else ""}')
            for l in difflib.unified_diff(tx, ty, lineterm='', n=0):
                if not l.startswith(('---', '+++', '@@')): print('   ' + l[:200])
        if changed: summary.append(f'{n} {len(changed)} cells')
    print(('changed: ' + ', '.join(summary)) if summary else 'no printed output changed', file=sys.stderr)

if __name__ == '__main__': main(sys.argv[1], sys.argv[2], sys.argv[3:])
