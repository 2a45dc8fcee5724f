#!/usr/bin/env python
"""Make each post's listing image, nbs/images/<name>.png, from the key figure stored in its notebook.

Each post's front matter says `image: images/<name>.png`. The figure is found in the notebook's stored outputs by a
piece of the code of the cell that draws it, so that a reordered notebook still finds it. A strip of panels is cut in
half and stacked (`rows: 2`), then the figure is fitted, not cropped, onto a white 3:2 canvas of at most 600x400 px.

    python tools/post_images.py           # write nbs/images/*.png
    python tools/post_images.py --check   # exit 1 if an image is missing or differs from what would be written
"""
import argparse, base64, io, json, sys
from pathlib import Path
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
NBS, OUT, SIZE = ROOT/'nbs', ROOT/'nbs'/'images', (600, 400)
# image name: (notebook, a piece of the drawing cell's code, rows to stack the figure's strip of panels into)
FIGURES = {
    'data':  ('00_data.ipynb', 'def show_grid', 1),                 # sample images, one class per row
    'model': ('01_model.ipynb', 'dw[c]', 1),                        # what the first gradient step adds to each class
    'sgd':   ('02_sgd.ipynb', "for k in ['plain', 'momentum']", 1), # the mini-batch loss, plain SGD and momentum
    'train': ('03_train.ipynb', 'label=key', 1),                    # the training and validation loss per epoch
    'eval':  ('04_eval.ipynb', "cmap='RdBu_r'", 2),                 # the chosen model's six weight images
    'fast':  ('05_fast.ipynb', 'ax.barh(ks', 1),                   # where the time of 15 epochs goes, piece by piece
}

class Fail(Exception): pass

def find_figure(nb, key):
    "The first PNG output of the first cell in notebook `nb` whose code contains `key`"
    cells = json.loads((NBS/nb).read_text())['cells']
    for c in cells:
        if c['cell_type'] == 'code' and key in ''.join(c['source']):
            for o in c.get('outputs', []):
                if png := o.get('data', {}).get('image/png'):
                    return Image.open(io.BytesIO(base64.b64decode(''.join(png)))).convert('RGB')
    raise Fail(f'{nb}: no cell with `{key}` has a stored PNG output; run the notebook, or update FIGURES in {Path(__file__).name}')

def trim(im, pad=8):
    "`im` without its white margins (keeping `pad` px)"
    from PIL import ImageChops
    box = ImageChops.difference(im, Image.new('RGB', im.size, 'white')).getbbox()
    if not box: return im
    return im.crop((max(box[0]-pad, 0), max(box[1]-pad, 0), min(box[2]+pad, im.width), min(box[3]+pad, im.height)))

def thumbnail(im, rows):
    "`im` with its panels stacked in `rows` rows, fitted onto a white 3:2 canvas"
    im = trim(im)
    if rows > 1:
        w = im.width // rows
        parts = [im.crop((i*w, 0, (i+1)*w, im.height)) for i in range(rows)]
        im = Image.new('RGB', (w, im.height*rows), 'white')
        for i, p in enumerate(parts): im.paste(p, (0, i*p.height))
    im = trim(im); im.thumbnail(SIZE, Image.LANCZOS)
    canvas = Image.new('RGB', SIZE, 'white')
    canvas.paste(im, ((SIZE[0]-im.width)//2, (SIZE[1]-im.height)//2))
    return canvas

def png_bytes(im):
    b = io.BytesIO(); im.save(b, 'PNG', optimize=True); return b.getvalue()

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true', help='only check that nbs/images/ is up to date')
    a = ap.parse_args()
    try: new = {n: png_bytes(thumbnail(find_figure(nb, key), rows)) for n, (nb, key, rows) in FIGURES.items()}
    except Fail as e: print(f'error: {e}', file=sys.stderr); return 2
    if a.check:
        stale = [n for n, b in new.items() if not (OUT/f'{n}.png').is_file() or (OUT/f'{n}.png').read_bytes() != b]
        print(f'out of date: {", ".join(stale)}; run `python tools/post_images.py`' if stale else 'nbs/images/ is up to date')
        return 1 if stale else 0
    OUT.mkdir(exist_ok=True)
    for n, b in new.items(): (OUT/f'{n}.png').write_bytes(b); print(f'wrote nbs/images/{n}.png ({len(b)//1024} KB)')
    return 0

if __name__ == '__main__': sys.exit(main())
