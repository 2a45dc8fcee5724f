// Helpers shared by the explorables (medlin/explore.py inlines this file before sgd.js or train.js, inside one
// function, so that nothing leaks into the page). Plain JavaScript, no library, no request to any host.
const NS = 'http://www.w3.org/2000/svg';
function el(tag, attrs, ...kids) {  // an HTML element with attributes and children (strings become text)
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'text') e.textContent = v; else if (v !== false && v != null) e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
}
function sv(tag, attrs, parent) {  // an SVG element, appended to parent if given
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
  if (parent) parent.append(e);
  return e;
}
let ids = 0;
const uid = s => 'medlin-' + s + '-' + (++ids) + '-' + Math.random().toString(36).slice(2, 7);
function fmt(v, d) {  // a number for a label: d significant digits, exponent when very large or small
  if (!isFinite(v)) return v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(Math.max(0, (d || 3) - 1)).replace('e+', 'e');
  return String(Number(v.toPrecision(d || 3)));
}
function niceTicks(lo, hi, n) {  // about n round numbers between lo and hi
  const span = hi - lo, step0 = span / Math.max(1, n), p = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 5, 10].map(m => m * p).find(s => s >= step0) || step0;
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}
// A plot in an SVG: axes with ticks and labels, and scales x(v), y(v); logy plots log10 of positive values
function axes(svg, o) {
  const W = o.width, H = o.height, L = o.left || 50, R = o.right || 8, T = o.top || 8, B = o.bottom || 34;
  svg.replaceChildren(); svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  const [x0, x1] = o.x, [y0, y1] = o.logy ? o.y.map(Math.log10) : o.y;
  const x = v => L + (v - x0) / (x1 - x0 || 1) * (W - L - R);
  const y = v => { const u = o.logy ? Math.log10(v) : v; return H - B - (u - y0) / (y1 - y0 || 1) * (H - T - B); };
  const g = sv('g', {class: 'medlin-axes'}, svg);
  sv('line', {x1: L, y1: H - B, x2: W - R, y2: H - B}, g); sv('line', {x1: L, y1: T, x2: L, y2: H - B}, g);
  for (const t of o.xticks || niceTicks(x0, x1, 5)) {
    sv('line', {x1: x(t), x2: x(t), y1: H - B, y2: H - B + 4}, g);
    sv('text', {x: x(t), y: H - B + 15, 'text-anchor': 'middle', text: fmt(t, 2)}, g);
  }
  const yt = o.logy ? niceTicks(Math.floor(y0), Math.ceil(y1), 4).filter(t => t >= y0 - 1e-9 && t <= y1 + 1e-9 && Number.isInteger(t))
                    : niceTicks(y0, y1, 4);
  for (const t of yt) {
    const v = o.logy ? Math.pow(10, t) : t;
    sv('line', {x1: L - 4, x2: L, y1: y(v), y2: y(v)}, g);
    sv('text', {x: L - 6, y: y(v) + 4, 'text-anchor': 'end', text: o.logy ? '1e' + t : fmt(t, 2)}, g);
  }
  if (o.xlabel) sv('text', {x: (L + W - R) / 2, y: H - 4, 'text-anchor': 'middle', text: o.xlabel}, g);
  if (o.ylabel) sv('text', {x: 10, y: (T + H - B) / 2, 'text-anchor': 'middle',
                            transform: 'rotate(-90 10 ' + (T + H - B) / 2 + ')', text: o.ylabel}, g);
  const clip = uid('clip');
  sv('rect', {x: L, y: T, width: W - L - R, height: H - T - B}, sv('clipPath', {id: clip}, svg));
  const inner = sv('g', {'clip-path': 'url(#' + clip + ')'}, svg);
  return {x, y, g: inner, box: [L, T, W - R, H - B]};
}
const clampPx = v => Math.max(-1e5, Math.min(1e5, v)).toFixed(1);  // far outside the plot: clipped, in SVG's number syntax
function line(p, pts, attrs) {  // a polyline through finite points [[x, y], ...] in data units
  const d = pts.filter(([a, b]) => isFinite(p.x(a)) && isFinite(p.y(b)))
               .map(([a, b]) => clampPx(p.x(a)) + ',' + clampPx(p.y(b))).join(' ');
  return sv('polyline', Object.assign({points: d, fill: 'none'}, attrs), p.g);
}
function dots(p, pts, attrs) {
  for (const [a, b] of pts) if (isFinite(p.x(a)) && isFinite(p.y(b)))
    sv('circle', Object.assign({cx: clampPx(p.x(a)), cy: clampPx(p.y(b)), r: 2.5}, attrs), p.g);
}
// the markup waits, inert, in a script element that every Markdown reader passes through as it is
function unpack(kind) {
  document.querySelectorAll('script.medlin-explore-markup[data-kind="' + kind + '"]:not([data-done])').forEach(s => {
    s.setAttribute('data-done', ''); s.insertAdjacentHTML('afterend', s.textContent); });
  return [...document.querySelectorAll('.medlin-' + kind + ':not([data-ready])')].map(root => {
    root.setAttribute('data-ready', '');
    const nojs = root.querySelector('.medlin-nojs'); if (nojs) nojs.remove();
    return [root, JSON.parse(root.querySelector('.medlin-spec').textContent)];
  });
}
// A slider for a learning rate on a log scale, with a number box for an exact value and marks under its track
function lrControl(o) {  // o: {label, min, max, value, onchange}
  const id = uid('lr'), P = 400, lo = Math.log10(o.min), hi = Math.log10(o.max);
  const pos = v => Math.round((Math.log10(v) - lo) / (hi - lo) * P);
  const val = p => Number(Math.pow(10, lo + (hi - lo) * p / P).toPrecision(3));
  const range = el('input', {type: 'range', id, min: 0, max: P, step: 1, value: pos(o.value)});
  const num = el('input', {type: 'number', min: o.min, max: o.max, step: 'any', value: o.value,
                           'aria-label': o.label + ', exact value', class: 'medlin-num'});
  const marks = el('div', {class: 'medlin-marks', 'aria-hidden': 'true'});
  const wrap = el('div', {class: 'medlin-ctl medlin-lr'}, el('label', {for: id, text: o.label}),
                  el('div', {class: 'medlin-track'}, range, marks), num);
  let value = o.value;
  const set = (v, from) => {
    if (!(v > 0) || !isFinite(v)) return;
    value = v; range.setAttribute('aria-valuetext', String(v));
    if (from !== 'range') range.value = pos(Math.min(o.max, Math.max(o.min, v)));
    if (from !== 'num') num.value = String(v);
    o.onchange(v);
  };
  range.addEventListener('input', () => set(val(+range.value), 'range'));
  num.addEventListener('change', () => set(Number(num.value), 'num'));
  range.setAttribute('aria-valuetext', String(value));
  return {wrap, get value() { return value; }, set,
    mark(list) {  // [{at, text, cls}]: a labelled tick under the track at each learning rate
      marks.replaceChildren(...list.filter(m => m.at >= o.min && m.at <= o.max).map(m => {
        const f = (Math.log10(m.at) - lo) / (hi - lo);
        return el('span', {class: 'medlin-mark ' + (m.cls || ''), style: 'left:calc(8px + ' + f.toFixed(4) +
                  ' * (100% - 16px))', title: m.title || m.text}, el('span', {text: m.text}));
      }));
      range.setAttribute('aria-description', list.map(m => m.title || m.text).join('; '));
    }};
}
function rangeControl(o) {  // a plain slider with its value shown: {label, min, max, step, value, onchange}
  const id = uid('r'), out = el('output', {for: id, text: String(o.value)});
  const range = el('input', {type: 'range', id, min: o.min, max: o.max, step: o.step, value: o.value});
  const wrap = el('div', {class: 'medlin-ctl'}, el('label', {for: id, text: o.label}), range, out);
  range.addEventListener('input', () => { out.textContent = range.value; o.onchange(Number(range.value)); });
  return {wrap, get value() { return Number(range.value); },
          set(v) { range.value = v; out.textContent = range.value; o.onchange(Number(range.value)); }};
}
function selectControl(o) {  // {label, options: [[value, text]], value, onchange}
  const id = uid('s');
  const s = el('select', {id}, ...o.options.map(([v, t]) => el('option', {value: v, text: t})));
  s.value = o.value;
  s.addEventListener('change', () => o.onchange(s.value));
  return {wrap: el('div', {class: 'medlin-ctl'}, el('label', {for: id, text: o.label}), s), select: s,
          get value() { return s.value; }};
}
