// Train it in your browser (medlin.explore.train_explorer): the softmax regression of the posts, 4,096 pixels to
// 6 classes, trained by SGD with momentum on mini-batches, in float64 (JavaScript's numbers), from zeros as fit starts.
// One step is medlin's loss_and_grads followed by medlin.sgd.SGD's step:
//   z = x w^T + b;  logp = log_softmax(z);  loss = -mean(logp[y]);  g = (softmax(z) - onehot(y)) / n
//   dw = g^T x;  db = sum of g over the batch;  momentum: buf = grad, then buf = mom * buf + grad;  p = p - lr * buf
// Mini-batches follow a seeded shuffle that medlin.explore.batch_order reproduces in Python: mulberry32, and a
// Fisher-Yates shuffle of 0..n-1 for each epoch; the last batch of an epoch may be smaller, as in fit.
function mulberry32(seed) {
  let a = seed | 0;
  return () => {
    a = a + 0x6D2B79F5 | 0;
    let t = Math.imul(a ^ a >>> 15, 1 | a);
    t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t;
    return (t ^ t >>> 14) >>> 0;
  };
}
function shuffle(n, rnd) {  // a random order of 0..n-1
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() / 4294967296 * (i + 1)), t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}
async function unpackPixels(b64, n, H, W) {  // base64 of zlib-compressed rows, each the difference to the row above
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const s = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
  const u = new Uint8Array(await new Response(s).arrayBuffer());
  if (u.length !== n * H * W) throw new Error('expected ' + n * H * W + ' pixels, got ' + u.length);
  for (let i = 0; i < n; i++) for (let r = 1; r < H; r++) {
    const o = (i * H + r) * W;
    for (let c = 0; c < W; c++) u[o + c] = u[o + c] + u[o - W + c];  // modulo 256, as the filter was
  }
  return u;
}
function trainer(root, S) {
  const C = S.classes.length, [H, W] = S.size, N = H * W, nTr = S.y_train.length, nVa = S.y_valid.length;
  const q = s => root.querySelector(s), status = q('.medlin-say');
  const lut = Array.from({length: 256}, (_, i) => [0, 2, 4].map(k => parseInt(S.rdbu.substr(6 * i + k, 2), 16)));
  let X, XV, px, yT = Int32Array.from(S.y_train), yV = Int32Array.from(S.y_valid);
  const w = new Float64Array(C * N), b = new Float64Array(C);
  let bw = null, bb = null, rnd, perm, pos, step, epoch, hist, vhist, order, running = false, trainMs = 0, drawMs = 0, said = 0, drawn = 0;
  const lr = lrControl({label: 'learning rate', min: 0.001, max: 10, value: S.lr, onchange: () => {}});
  const mom = rangeControl({label: 'momentum', min: 0, max: 0.99, step: 0.01, value: S.mom, onchange: () => {}});
  const bs0 = Math.min(S.bs, nTr);  // a batch size beyond the images: one batch of all of them, as in fit
  const bs = selectControl({label: 'batch size', value: String(bs0), onchange: () => {},
    options: [...new Set([1, 8, 16, 32, 64, 128, 256, nTr, bs0])].filter(v => v <= nTr).sort((u, v) => u - v)
             .map(v => [String(v), v === nTr ? v + ' (all)' : String(v)])});
  q('.medlin-ctls').append(lr.wrap, mom.wrap, bs.wrap);
  lr.wrap.classList.add('medlin-wide');
  const go = q('.medlin-go'), one = q('.medlin-one'), zero = q('.medlin-reset');
  const fig = k => q('.medlin-stat-' + k);
  const wcv = [...root.querySelectorAll('.medlin-weights canvas')];
  const s1 = q('.medlin-loss'), s2 = q('.medlin-acc');
  function reset() {
    w.fill(0); b.fill(0); bw = bb = null;
    rnd = mulberry32(S.seed); perm = shuffle(nTr, rnd); pos = 0; step = 0; epoch = 1;
    hist = []; vhist = []; order = []; trainMs = drawMs = 0;
  }
  function sgdStep() {
    if (pos >= nTr) { perm = shuffle(nTr, rnd); pos = 0; epoch++; }
    const n = Math.min(+bs.value, nTr - pos), idx = perm.slice(pos, pos + n), rate = lr.value, m = mom.value;
    pos += n; order.push(Array.from(idx));
    const G = new Float64Array(n * C), z = new Float64Array(C);
    let tot = 0;
    for (let r = 0; r < n; r++) {
      const xo = idx[r] * N, y = yT[idx[r]];
      let mx = -Infinity;
      for (let c = 0; c < C; c++) {
        let t = 0;
        const wo = c * N;
        for (let j = 0; j < N; j++) t += X[xo + j] * w[wo + j];
        z[c] = t + b[c]; if (z[c] > mx) mx = z[c];
      }
      let se = 0;
      for (let c = 0; c < C; c++) { z[c] -= mx; se += Math.exp(z[c]); }
      const lse = Math.log(se);
      for (let c = 0; c < C; c++) {
        const lp = z[c] - lse;
        if (c === y) tot += lp;
        G[r * C + c] = (Math.exp(lp) - (c === y ? 1 : 0)) / n;
      }
    }
    const gw = new Float64Array(C * N), gb = new Float64Array(C);
    for (let r = 0; r < n; r++) {
      const xo = idx[r] * N;
      for (let c = 0; c < C; c++) {
        const g = G[r * C + c], wo = c * N;
        gb[c] += g;
        if (g !== 0) for (let j = 0; j < N; j++) gw[wo + j] += g * X[xo + j];
      }
    }
    let dw = gw, db = gb;
    if (m) {
      if (bw) { for (let i = 0; i < bw.length; i++) bw[i] = bw[i] * m + gw[i]; for (let c = 0; c < C; c++) bb[c] = bb[c] * m + gb[c]; }
      else { bw = gw; bb = gb; }
      dw = bw; db = bb;
    }
    for (let i = 0; i < w.length; i++) w[i] -= rate * dw[i];
    for (let c = 0; c < C; c++) b[c] -= rate * db[c];
    step++;
    const l = -tot / n;
    hist.push(l);
    return l;
  }
  function evaluate() {  // loss and accuracy on the validation images, and which ones are wrong
    let tot = 0, right = 0;
    const wrong = [], z = new Float64Array(C);
    for (let i = 0; i < nVa; i++) {
      const xo = i * N;
      let mx = -Infinity, top = 0;
      for (let c = 0; c < C; c++) {
        let t = 0;
        const wo = c * N;
        for (let j = 0; j < N; j++) t += XV[xo + j] * w[wo + j];
        z[c] = t + b[c]; if (z[c] > mx) { mx = z[c]; top = c; }
      }
      let se = 0;
      for (let c = 0; c < C; c++) se += Math.exp(z[c] - mx);
      tot += z[yV[i]] - mx - Math.log(se);
      if (top === yV[i]) right++; else wrong.push([i, top]);
    }
    return {loss: -tot / nVa, acc: right / nVa, wrong};
  }
  function paintWeights() {  // red and blue as the posts draw them: RdBu_r, from -max|w| to +max|w| per class
    wcv.forEach((cv, c) => {
      const g = cv.getContext('2d'), im = g.createImageData(W, H);
      let m = 0;
      for (let j = 0; j < N; j++) m = Math.max(m, Math.abs(w[c * N + j]));
      const d = im.data;
      for (let j = 0; j < N; j++) {
        const k = m ? Math.min(255, Math.max(0, Math.floor((w[c * N + j] / m + 1) / 2 * 256))) : 128, o = 4 * j;
        d[o] = lut[k][0]; d[o + 1] = lut[k][1]; d[o + 2] = lut[k][2]; d[o + 3] = 255;
      }
      g.putImageData(im, 0, 0);
    });
  }
  function draw() {
    const t1 = performance.now();
    draw1();
    drawMs += performance.now() - t1;
  }
  function draw1() {
    const v = evaluate(), t = step;
    if (!vhist.length || vhist[vhist.length - 1][0] !== t) vhist.push([t, v.loss, v.acc]);
    fig('step').textContent = t; fig('epoch').textContent = epoch;
    fig('loss').textContent = hist.length ? fmt(hist[hist.length - 1], 3) : '\u2013';
    fig('vloss').textContent = fmt(v.loss, 3); fig('acc').textContent = (100 * v.acc).toFixed(1) + '%';
    fig('time').textContent = (trainMs / 1000).toFixed(1) + ' s';
    root.dataset.step = t; root.dataset.acc = v.acc; root.dataset.valid_loss = v.loss;
    paintWeights();
    const list = q('.medlin-wrong');
    list.replaceChildren(...v.wrong.slice(0, 16).map(([i, p]) => {
      const cv = el('canvas', {width: W, height: H}), g = cv.getContext('2d'), im = g.createImageData(W, H);
      for (let j = 0, d = im.data; j < N; j++) { const a = px[(nTr + i) * N + j]; d[4 * j] = d[4 * j + 1] = d[4 * j + 2] = a; d[4 * j + 3] = 255; }
      g.putImageData(im, 0, 0);
      const cap = S.classes[yV[i]] + ', taken for ' + S.classes[p];
      cv.setAttribute('role', 'img'); cv.setAttribute('aria-label', cap);
      return el('figure', {}, cv, el('figcaption', {text: S.classes[yV[i]] + ' \u2192 ' + S.classes[p]}));
    }));
    q('.medlin-nwrong').textContent = v.wrong.length + ' of ' + nVa + ' validation images wrong' +
      (v.wrong.length > 16 ? ', the first 16:' : v.wrong.length ? ':' : '.');
    const xs = Math.max(10, t);
    const lmax = Math.max(0.1, ...hist.filter(isFinite).slice(-2000), ...vhist.map(h => h[1]).filter(isFinite));
    const p = axes(s1, {width: 320, height: 220, x: [0, xs], y: [0, Math.min(lmax, 1e6)], xlabel: 'step', ylabel: 'loss'});
    const every = Math.max(1, Math.ceil(hist.length / 600));
    line(p, hist.map((l, i) => [i + 1, l]).filter((_, i) => i % every === 0), {class: 'medlin-batchloss'});
    line(p, vhist.map(h => [h[0], h[1]]), {class: 'medlin-vloss'});
    sv('text', {x: p.box[2] - 4, y: p.box[1] + 12, 'text-anchor': 'end', class: 'medlin-legend', text: 'mini-batch'}, s1);
    sv('text', {x: p.box[2] - 4, y: p.box[1] + 26, 'text-anchor': 'end', class: 'medlin-legend medlin-s0', text: 'validation'}, s1);
    const a = axes(s2, {width: 320, height: 220, x: [0, xs], y: [0, 100], xlabel: 'step', ylabel: 'validation accuracy, %'});
    line(a, vhist.map(h => [h[0], 100 * h[2]]), {class: 'medlin-series medlin-s0'});
    if (running && performance.now() - said < 3000) return;  // while training, a live region speaks every 3 s
    said = performance.now();
    status.textContent = 'Step ' + t + ', epoch ' + epoch + ': validation accuracy ' + (100 * v.acc).toFixed(1) +
      '%, validation loss ' + fmt(v.loss, 3) + (running ? '. Training.' : '.');
  }
  function tick() {  // one slice: steps for about 30 ms, then redraw; the page stays responsive in between
    if (!running) return;
    const t0 = performance.now();
    do sgdStep(); while (performance.now() - t0 < 30);
    trainMs += performance.now() - t0;
    if (performance.now() - drawn > 100) { draw(); drawn = performance.now(); }  // the figures, ten times a second
    if (!hist.every(isFinite)) { pause(); status.textContent += ' The loss is no longer finite: reset, with a smaller learning rate.'; return; }
    requestAnimationFrame(tick);
  }
  function pause() { running = false; go.textContent = 'Start'; go.setAttribute('aria-pressed', 'false'); draw(); }
  go.addEventListener('click', () => {
    if (running) return pause();
    running = true; go.textContent = 'Pause'; go.setAttribute('aria-pressed', 'true'); requestAnimationFrame(tick);
  });
  one.addEventListener('click', () => { if (running) pause(); const t0 = performance.now(); sgdStep(); trainMs += performance.now() - t0; draw(); });
  zero.addEventListener('click', () => { if (running) pause(); reset(); draw(); });
  status.textContent = 'Unpacking the images\u2026';
  (typeof DecompressionStream === 'undefined' ? Promise.reject(new Error('this browser has no DecompressionStream'))
    : unpackPixels(S.x, nTr + nVa, H, W)).then(u => {
    px = u; X = new Float64Array(nTr * N); XV = new Float64Array(nVa * N);
    for (let i = 0; i < nTr * N; i++) X[i] = u[i] / 255;
    for (let i = 0; i < nVa * N; i++) XV[i] = u[nTr * N + i] / 255;
    reset(); draw();
    [go, one, zero].forEach(e => e.disabled = false);
    root.medlinTrain = {  // for tests and for readers' own scripts
      run(k) { const t0 = performance.now(); for (let i = 0; i < k; i++) sgdStep(); trainMs += performance.now() - t0; draw(); return step; },
      state: () => ({step, epoch, w: Array.from(w), b: Array.from(b), order: order.slice(), losses: hist.slice(),
                     lr: lr.value, mom: mom.value, bs: +bs.value, seed: S.seed, trainMs, drawMs}),
      pixels() { let s = ''; for (let i = 0; i < px.length; i += 8192) s += String.fromCharCode(...px.subarray(i, i + 8192)); return btoa(s); },
      get running() { return running; }};
    root.dataset.loaded = '';
  }, e => { status.textContent = 'The images could not be unpacked: ' + e.message + '.'; root.dataset.error = e.message; });
}
unpack('train').forEach(([root, spec]) => trainer(root, spec));
