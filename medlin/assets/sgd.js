// Steer SGD (medlin.explore.sgd_explorer): gradient descent with momentum on f(w) = sum over k of a_k/2 (w_k - c_k)^2.
// One step is medlin.sgd.SGD's, in float64 (JavaScript's numbers):
//   g = a * (w - c);  with momentum: buf = g on the first step, then buf = mom * buf + g, and g = buf;  w = w - lr * g
function sgdPath(a, c, w0, lr, mom, steps) {
  let w = w0.slice(), buf = null;
  const ws = [w.slice()];
  for (let t = 0; t < steps; t++) {
    let g = w.map((wk, k) => a[k] * (wk - c[k]));
    if (mom) { buf = buf ? buf.map((b, k) => b * mom + g[k]) : g.slice(); g = buf; }
    w = w.map((wk, k) => wk - lr * g[k]);
    ws.push(w.slice());
  }
  return ws;
}
const fix = v => isFinite(v) && Math.abs(v) < 1e5 ? v.toFixed(4) : fmt(v, 5);  // w in the live region, to 4 decimals
const loss = (a, c, w) => w.reduce((s, wk, k) => s + a[k] / 2 * (wk - c[k]) * (wk - c[k]), 0);
// The fate of direction k: gradient descent with momentum converges on a parabola of curvature a when
// 0 < lr * a < 2 (1 + mom), for 0 <= mom < 1 (2 / a without momentum)
function fate(a, lr, mom) {
  const r = lr * a, lim = 2 * (1 + mom);
  if (r > lim) return 'diverges';
  if (r === lim) return 'swings for ever';
  return r > Math.pow(1 - Math.sqrt(mom), 2) ? 'converges, swinging' : 'converges';  // complex or negative roots
}
function panel(root, P) {
  const box = el('section', {class: 'medlin-panel', 'aria-label': P.title});
  const dim = P.curv.length, names = P.names, ctl = el('div', {class: 'medlin-ctls'});
  const figs = el('div', {class: 'medlin-figs'});
  const say = el('p', {class: 'medlin-say', role: 'status', 'aria-live': 'polite'});
  box.append(el('h4', {text: P.title}), el('p', {class: 'medlin-note', text: P.note}), ctl, figs, say);
  root.querySelector('.medlin-panels').append(box);
  const s1 = sv('svg', {class: 'medlin-plot', role: 'img', 'aria-label': dim === 1 ? 'The path on f' : 'The path over the contours of f'});
  const s2 = sv('svg', {class: 'medlin-plot', role: 'img', 'aria-label': dim === 1 ? 'The loss against the step' :
                        'The distance to the minimum along each direction against the step'});
  figs.append(s1, s2);
  const redraw = () => draw();
  const lr = lrControl({label: 'learning rate', min: P.lr_range[0], max: P.lr_range[1], value: P.lr, onchange: redraw});
  const mom = rangeControl({label: 'momentum', min: 0, max: 0.99, step: 0.01, value: P.mom, onchange: redraw});
  const steps = rangeControl({label: 'steps', min: 1, max: 100, step: 1, value: P.steps, onchange: redraw});
  const start = selectControl({label: 'start', value: '0', onchange: redraw, options: P.starts.map((s, i) =>
    [String(i), names.map((n, k) => n + ' = ' + s[k]).join(', ') + (i === 0 && P.post_start ? ' (the post\u2019s)' : '')])});
  [lr, mom, steps, start].forEach(c => ctl.append(c.wrap));
  lr.wrap.classList.add('medlin-wide');
  function draw() {
    const b = mom.value, w0 = P.starts[+start.value], ws = sgdPath(P.curv, P.centre, w0, lr.value, b, steps.value);
    Object.assign(box, {medlinPath: ws, medlinSettings: {lr: lr.value, mom: b, steps: steps.value, start: w0}});
    box.dataset.lr = lr.value; box.dataset.mom = b; box.dataset.steps = steps.value; box.dataset.start = start.value;
    const marks = [];
    P.curv.forEach((a, k) => {
      const n = dim > 1 ? ' (' + names[k] + ')' : '';
      marks.push({at: 2 / a, text: '2/' + a + n, cls: 'medlin-lim', title: '2 / curvature' + n + ' = ' + fmt(2 / a)});
      if (b > 0) marks.push({at: 2 * (1 + b) / a, text: '2(1+\u03b2)/' + a + n, cls: 'medlin-lim medlin-mom',
                             title: '2 (1 + momentum) / curvature' + n + ' = ' + fmt(2 * (1 + b) / a)});
    });
    lr.mark(marks);
    const fin = ws.filter(w => w.every(isFinite)), L = ws.map(w => loss(P.curv, P.centre, w));
    if (dim === 1) {
      const xs = fin.map(w => w[0]), c = P.centre[0], a = P.curv[0];
      const lo = Math.min(c - 9, ...xs), hi = Math.max(c + 9, ...xs), f = x => a / 2 * (x - c) * (x - c);
      const p = axes(s1, {width: 320, height: 220, x: [lo, hi], y: [0, Math.max(f(lo), f(hi))], xlabel: names[0],
                          ylabel: 'f(' + names[0] + ')'});
      line(p, Array.from({length: 121}, (_, i) => { const x = lo + (hi - lo) * i / 120; return [x, f(x)]; }),
           {class: 'medlin-curve'});
      line(p, fin.map(w => [w[0], f(w[0])]), {class: 'medlin-path'});
      dots(p, fin.map(w => [w[0], f(w[0])]), {class: 'medlin-dot'});
      dots(p, [[w0[0], f(w0[0])]], {class: 'medlin-start', r: 4});
    } else {
      const [cu, cv] = P.centre, [au, av] = P.curv, span = P.view;
      const p = axes(s1, {width: 320, height: 220, x: [cu - span[0], cu + span[0]], y: [cv - span[1], cv + span[1]],
                          xlabel: names[0], ylabel: names[1]});
      for (const lev of P.levels) {  // f = lev: an ellipse with half-axes sqrt(2 lev / a)
        const ru = Math.sqrt(2 * lev / au), rv = Math.sqrt(2 * lev / av);
        sv('ellipse', {cx: p.x(cu), cy: p.y(cv), rx: Math.abs(p.x(cu + ru) - p.x(cu)), ry: Math.abs(p.y(cv + rv) - p.y(cv)),
                       class: 'medlin-contour'}, p.g);
      }
      dots(p, [P.centre], {class: 'medlin-min', r: 3});
      line(p, fin, {class: 'medlin-path'}); dots(p, fin, {class: 'medlin-dot'}); dots(p, [w0], {class: 'medlin-start', r: 4});
    }
    const series = dim === 1 ? [L] : P.curv.map((_, k) => ws.map(w => Math.abs(w[k] - P.centre[k])));
    const pos = series.flat().filter(v => v > 0 && isFinite(v));
    const zero = series.flat().some(v => v === 0);  // a path that lands on the minimum: 0 goes on the floor, 1e-12
    const ylo = zero ? 1e-12 : Math.max(1e-12, Math.min(1, ...pos)), yhi = Math.max(10, ...pos);
    const q = axes(s2, {width: 320, height: 220, x: [0, steps.value], y: [ylo, yhi], logy: true, xlabel: 'step',
                        ylabel: dim === 1 ? 'f(' + names[0] + '), log scale' : '|distance|, log scale'});
    series.forEach((s, k) => {
      const pts = s.map((v, t) => [t, Math.max(v, ylo)]);
      line(q, pts, {class: 'medlin-series medlin-s' + k}); dots(q, pts, {class: 'medlin-sdot medlin-s' + k, r: 2});
      if (dim > 1) sv('text', {x: q.box[2] - 4, y: q.box[1] + 14 + 16 * k, 'text-anchor': 'end',
                               class: 'medlin-s' + k + ' medlin-legend', text: names[k] + ' \u2212 ' + P.centre[k]}, s2);
    });
    const last = ws[ws.length - 1], n = ws.length - 1;
    say.textContent = 'After ' + n + ' step' + (n === 1 ? '' : 's') + ': ' + names.map((m, k) => m + ' = ' + fix(last[k])).join(', ') +
      ', f = ' + fmt(L[n], 4) + '. ' + P.curv.map((a, k) => (dim > 1 ? 'Along ' + names[k] + ' (curvature ' + a + ') it ' :
      'It ') + fate(a, lr.value, b) + ' (limit ' + fmt(2 * (1 + b) / a) + ').').join(' ');
  }
  draw();
  return box;
}
unpack('sgd').forEach(([root, spec]) => {
  root.querySelector('.medlin-panels').replaceChildren();
  spec.panels.forEach(P => panel(root, P));
});
