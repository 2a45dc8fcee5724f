(function() {
const unb64 = s => Uint8Array.from(atob(s), c => c.charCodeAt(0));
const half = h => {  // the bits of an IEEE float16 -> its value
  const e = (h >> 10) & 31, f = h & 1023, s = h & 0x8000 ? -1 : 1;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (e ? (1 + f / 1024) * 2 ** (e - 15) : f * 2 ** -24);
};
const rint = v => {  // round half to even, as torch.round does
  const r = Math.round(v); return r - v === 0.5 && r % 2 ? r - 1 : r; };
const f32 = Math.fround;  // torch computes in float32: round every step as it does
function taps(n, m) {  // torch's antialiased bilinear filter (_upsample_bilinear2d_aa), n -> m
  const sc = f32(n / m), sup = sc >= 1 ? sc : 1, inv = sc >= 1 ? f32(1 / sc) : 1, out = [];
  for (let i = 0; i < m; i++) {
    const c = f32(sc * (i + 0.5)), lo = Math.max(Math.trunc(f32(c - sup) + 0.5), 0);
    const hi = Math.min(Math.trunc(f32(c + sup) + 0.5), n), k = [];
    let t = 0;
    for (let j = lo; j < hi; j++) {  // a triangle, as wide as the step between output pixels
      const v = f32(Math.max(0, 1 - Math.abs(f32((f32(j - c) + 0.5) * inv))));
      k.push(v); t = f32(t + v);
    }
    out.push([lo, k.map(v => t ? f32(v / t) : 0)]);
  }
  return out;
}
function resize(x, h, w, H, W) {  // grey [h, w] -> [H, W]: along rows, then columns, like torch
  let a = x;
  if (w !== W) {
    const tp = taps(w, W); a = new Float32Array(h * W);
    for (let r = 0; r < h; r++) for (let i = 0; i < W; i++) {
      const [lo, k] = tp[i]; let t = 0;
      for (let j = 0; j < k.length; j++) t = f32(t + x[r * w + lo + j] * k[j]);  // an FMA, as torch
      a[r * W + i] = t;
    }
  }
  if (h === H) return a;
  const tp = taps(h, H), y = new Float32Array(H * W);
  for (let i = 0; i < H; i++) for (let c = 0; c < W; c++) {
    const [lo, k] = tp[i]; let t = 0;
    for (let j = 0; j < k.length; j++) t = f32(t + a[(lo + j) * W + c] * k[j]);
    y[i * W + c] = t;
  }
  return y;
}
function exifWebp(u) {  // the EXIF orientation tag (1 to 8) of WebP bytes u; 1 when there is none
  try {
    const s = (i, n) => String.fromCharCode(...u.subarray(i, i + n));
    const dv = new DataView(u.buffer, u.byteOffset, u.byteLength);
    if (s(0, 4) !== 'RIFF' || s(8, 4) !== 'WEBP') return 1;
    for (let i = 12; i + 8 <= u.length; i += 8 + ((dv.getUint32(i + 4, true) + 1) & ~1)) {
      if (s(i, 4) !== 'EXIF') continue;
      const t = i + 8 + (s(i + 8, 4) === 'Exif' ? 6 : 0), le = s(t, 2) === 'II';
      const u16 = o => dv.getUint16(t + o, le), ifd = dv.getUint32(t + 4, le);
      for (let k = 0, e = ifd + 2; k < u16(ifd); k++, e += 12)
        if (u16(e) === 0x112) return u16(e + 8);
    }
  } catch (e) {}
  return 1;
}
function orient(x, h, w, o) {  // grey [h, w] upright by EXIF orientation o, like exif_transpose
  if (!(o >= 2 && o <= 8)) return [x, h, w];
  const sw = o >= 5, H = sw ? w : h, W = sw ? h : w, y = new Float32Array(x.length);
  const src = [null, null, (r, c) => [r, w - 1 - c], (r, c) => [h - 1 - r, w - 1 - c],
    (r, c) => [h - 1 - r, c], (r, c) => [c, r], (r, c) => [h - 1 - c, r],
    (r, c) => [h - 1 - c, w - 1 - r], (r, c) => [c, w - 1 - r]][o];
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
    const [i, j] = src(r, c); y[r * W + c] = x[i * w + j]; }
  return [y, H, W];
}
// Chromium turns JPEG and PNG upright by their EXIF tag but ignores it in WebP. A 2x1 WebP tagged
// "turn right" asks this browser whether it does; where it doesn't, we turn WebP files ourselves
const probe = 'UklGRk4AAABXRUJQVlA4WAoAAAAIAAAAAQAAAAAAVlA4TA4AAAAvAQAAAAcQEf0PRET/A0VYSUYa' +
  'AAAATU0AKgAAAAgAAQESAAMAAAABAAYAAAAAAAA=';
let webpUpright = null;
const webpTurns = () => webpUpright = webpUpright || createImageBitmap(
  new Blob([unb64(probe)], {type: 'image/webp'})).then(b => b.width === 1, () => false);
// the markup waits, inert, in a script element that every Markdown reader passes through as it is
document.querySelectorAll('script.medlin-markup:not([data-done])').forEach(s => {
  s.setAttribute('data-done', ''); s.insertAdjacentHTML('afterend', s.textContent); });
document.querySelectorAll('.medlin-widget:not([data-ready])').forEach(root => {
  root.setAttribute('data-ready', '');
  const n = document.querySelectorAll('.medlin-widget[data-ready]').length;
  root.querySelectorAll('[id]').forEach(el => {  // a second widget on the page gets other ids
    if (document.getElementById(el.id) === el) return;
    const lb = root.querySelector('label[for="' + el.id + '"]');
    el.id += '-' + n;
    if (lb) lb.htmlFor = el.id;
  });
  const q = s => root.querySelector(s), M = JSON.parse(q('.medlin-model').textContent);
  const [H, W] = M.size, N = H * W, C = M.classes.length, wb = new DataView(unb64(M.w).buffer);
  const w = Float32Array.from({length: C * N}, (_, i) => half(wb.getUint16(2 * i, true)));
  const b = new Float32Array(unb64(M.b).buffer), res = q('.medlin-status'), out = q('.medlin-out');
  const bars = [...root.querySelectorAll('.medlin-bars li')], pct = v => (100 * v).toFixed(1) + '%';
  let token = 0, count = 0;
  const paint = (cv, rgb) => {  // rgb(i): the colour of pixel i
    const g = cv.getContext('2d'), im = g.createImageData(W, H);
    for (let i = 0; i < N; i++) im.data.set([...rgb(i), 255], 4 * i);
    g.putImageData(im, 0, 0);
  };
  function show(px, what) {  // px: the image as the model sees it, uint8 [H * W]
    const x = Float32Array.from(px, v => f32(v * f32(1 / 255)));
    const z = Array.from(b, (bc, c) => {
      let t = 0; for (let i = 0; i < N; i++) t += w[c * N + i] * x[i];
      return t + bc; });
    const mx = Math.max(...z), e = z.map(v => Math.exp(v - mx)), s = e.reduce((a, v) => a + v);
    const p = e.map(v => v / s), top = p.indexOf(Math.max(...p)), cls = M.classes[top];
    paint(q('.medlin-seen'), i => [px[i], px[i], px[i]]);
    const ev = x.map((v, i) => v * w[top * N + i]), m = Math.max(...ev.map(Math.abs)) || 1;
    paint(q('.medlin-evidence'), i => {  // white, to red where it votes for, to blue where against
      const v = ev[i] / m, a = Math.abs(v);
      return v > 0 ? [255 - 77 * a, 255 - 231 * a, 255 - 212 * a]
                   : [255 - 222 * a, 255 - 153 * a, 255 - 83 * a]; });
    bars.forEach((li, c) => {
      li.querySelector('.medlin-fill').style.width = pct(p[c]);
      li.querySelector('.medlin-pct').textContent = pct(p[c]);
      li.classList.toggle('medlin-top', c === top); });
    const cap = 'Evidence for ' + cls + ': weight × pixel. ' +
      'Red pixels vote for it, blue ones against.';
    q('.medlin-evcap').textContent = cap; q('.medlin-evidence').setAttribute('aria-label', cap);
    const next = p.map((v, c) => [v, c]).sort((u, v) => v[0] - u[0]).slice(1, 3);
    res.textContent = what + ': ' + cls + ', ' + pct(p[top]) + '. Next: ' +
      next.map(([v, c]) => M.classes[c] + ' ' + pct(v)).join(', ') + '.';
    res.dataset.class = cls;
    res.dataset.probs = JSON.stringify(Object.fromEntries(M.classes.map((c, i) => [c, p[i]])));
    delete res.dataset.error; res.dataset.count = ++count;
    res.medlinPixels = px; out.hidden = false;
  }
  function fail(msg) {
    res.textContent = msg; res.dataset.error = msg; out.hidden = true;
    delete res.dataset.class; delete res.dataset.probs; res.dataset.count = ++count;
  }
  async function read(blob, what) {  // decode (EXIF orientation applied), grey, resize, round
    const t = ++token;
    let bm;
    try {
      bm = await createImageBitmap(blob, {imageOrientation: 'from-image', premultiplyAlpha: 'none',
                                          colorSpaceConversion: 'none'});
    } catch (e) {
      if (t === token) fail(what + ' is not an image this page can read (JPEG, PNG, GIF, WebP).');
      return;
    }
    const [bw, bh] = [bm.width, bm.height];
    if (bw * bh > M.max_pixels) {
      if (t === token) fail(what + ' has ' + bw + '×' + bh + ' pixels, over the limit of ' + M.max_pixels + '.');
      return;
    }
    const cv = document.createElement('canvas'); cv.width = bw; cv.height = bh;
    const g = cv.getContext('2d', {willReadFrequently: true}); g.drawImage(bm, 0, 0);
    const d = g.getImageData(0, 0, bw, bh).data, x = new Float32Array(bw * bh);
    const [r, gr, bl] = M.luma;
    for (let i = 0, j = 0; i < x.length; i++, j += 4) {  // grey levels by luma, over black by alpha
      const v = Math.floor((r * d[j] + gr * d[j + 1] + bl * d[j + 2] + 500) / 1000);
      x[i] = Math.floor((v * d[j + 3] + 127) / 255);
    }
    const u = new Uint8Array(await blob.arrayBuffer()), webp = exifWebp(u);
    const [xo, ho, wo] = webp > 1 && !(await webpTurns()) ? orient(x, bh, bw, webp) : [x, bh, bw];
    const y = resize(xo, ho, wo, H, W);
    if (t === token) show(Uint8Array.from(y, v => Math.min(255, Math.max(0, rint(v)))), what);
  }
  const file = q('input[type=file]'), drop = q('.medlin-drop');
  file.addEventListener('change', () => {
    if (file.files[0]) read(file.files[0], file.files[0].name); });
  root.querySelectorAll('.medlin-sample').forEach(bt => bt.addEventListener('click', () => read(
    new Blob([unb64(bt.querySelector('img').src.split(',')[1])], {type: 'image/png'}),
    'Sample ' + bt.dataset.class + ' image')));
  ['dragenter', 'dragover'].forEach(ev => drop.addEventListener(ev, e => {
    e.preventDefault(); drop.classList.add('medlin-over'); }));
  ['dragleave', 'drop'].forEach(ev => drop.addEventListener(ev, () =>
    drop.classList.remove('medlin-over')));
  drop.addEventListener('drop', e => {
    e.preventDefault(); const f = e.dataTransfer.files[0]; if (f) read(f, f.name); });
});
})();
