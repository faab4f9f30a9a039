/**
 * A two-panel SVG chart: a series on top, its anomaly score below on the same time axis, labelled
 * windows shaded across both, and numbered markers on chosen events. Pure: returns a string.
 * @module
 */

/** A shaded time range. */
export interface ChartWindow {
  start: number;
  end: number;
  name?: string;
}

/** A numbered marker on the score panel. */
export interface ChartMarker {
  time: number;
  score: number;
  label: string;
}

/** What to draw. Times are epoch milliseconds. */
export interface AnomalyChartInput {
  title: string;
  /** A second, smaller line under the title (a legend). */
  subtitle?: string;
  times: ArrayLike<number>;
  values: ArrayLike<number>;
  scores: ArrayLike<number>;
  valueLabel?: string;
  scoreLabel?: string;
  windows?: ChartWindow[];
  markers?: ChartMarker[];
  width?: number;
  height?: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const fmt = (x: number) => (Math.round(x * 10) / 10).toString();

/**
 * Per pixel column, the min and max of `ys` over the rows that fall in it, as a polyline path
 * (keeps spikes visible however long the series, and the file small).
 */
function envelopePath(
  times: ArrayLike<number>,
  ys: ArrayLike<number>,
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  const cols = new Map<number, [number, number, number]>(); // column -> [first, min, max]
  for (let i = 0; i < times.length; i++) {
    const c = Math.round(x(times[i]!));
    const v = ys[i]!;
    const e = cols.get(c);
    if (e === undefined) cols.set(c, [v, v, v]);
    else {
      if (v < e[1]) e[1] = v;
      if (v > e[2]) e[2] = v;
    }
  }
  const parts: string[] = [];
  for (const [c, [, lo, hi]] of [...cols].sort((a, b) => a[0] - b[0])) {
    parts.push(`${parts.length === 0 ? 'M' : 'L'}${c} ${fmt(y(lo))}`);
    if (hi !== lo) parts.push(`L${c} ${fmt(y(hi))}`);
  }
  return parts.join(' ');
}

/** Round numbers for an axis from 0 (or min) to max. */
function ticks(lo: number, hi: number, n: number): number[] {
  const span = hi - lo || 1;
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const stepSize = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / stepSize) * stepSize; v <= hi + 1e-9; v += stepSize) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * Renders the chart as a standalone SVG document.
 * @example
 * writeFileSync('chart.svg', anomalyChart({ title: 'nyc_taxi', times, values, scores, windows }));
 */
export function anomalyChart(input: AnomalyChartInput): string {
  const { times, values, scores } = input;
  const n = times.length;
  if (values.length !== n || scores.length !== n) {
    throw new RangeError(`times, values and scores must have the same length, got ${n}, ${values.length}, ${scores.length}`);
  }
  if (n < 2) throw new RangeError(`a chart needs at least 2 rows, got ${n}`);
  const W = input.width ?? 1200;
  const H = input.height ?? 560;
  const left = 70;
  // Room right of the plot for a whole marker (radius 7) on the last row, and its stroke.
  const right = W - 30;
  const top1 = 70;
  const bottom1 = 270;
  const top2 = 310;
  const bottom2 = H - 50;
  const t0 = times[0]!;
  const t1 = times[n - 1]!;
  const x = (t: number) => left + ((t - t0) / (t1 - t0 || 1)) * (right - left);
  let vmin = Infinity;
  let vmax = -Infinity;
  let smax = 0;
  for (let i = 0; i < n; i++) {
    vmin = Math.min(vmin, values[i]!);
    vmax = Math.max(vmax, values[i]!);
    smax = Math.max(smax, scores[i]!);
  }
  if (vmin === vmax) vmax = vmin + 1;
  smax = smax > 0 ? smax * 1.1 : 1;
  const yv = (v: number) => bottom1 - ((v - vmin) / (vmax - vmin)) * (bottom1 - top1);
  const ys = (s: number) => bottom2 - (s / smax) * (bottom2 - top2);
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${left}" y="22" font-size="16" font-weight="bold">${escapeXml(input.title)}</text>`);
  if (input.subtitle) out.push(`<text x="${left}" y="40" font-size="12" fill="#555">${escapeXml(input.subtitle)}</text>`);
  // labelled windows
  (input.windows ?? []).forEach((w, k) => {
    const a = Math.max(left, x(w.start));
    const b = Math.min(right, x(w.end));
    if (b <= a) return;
    out.push(`<g class="window"><rect x="${fmt(a)}" y="${top1}" width="${fmt(b - a)}" height="${bottom2 - top1}" fill="#f4a6a6" fill-opacity="0.35"/>`);
    // alternate label rows so that neighbouring windows' names do not overlap
    const ly = top1 - 4 - (k % 2) * 11;
    // near the right edge, end the label at the window's end so that it stays inside the chart
    const [lx, anchor] = (a + b) / 2 > right - 70 ? [b, 'end'] : [(a + b) / 2, 'middle'];
    if (w.name) out.push(`<text x="${fmt(lx)}" y="${ly}" text-anchor="${anchor}" font-size="10" fill="#a33">${escapeXml(w.name)}</text>`);
    out.push(`</g>`);
  });
  // axes and grid
  const axis = (yTop: number, yBottom: number, tickValues: number[], y: (v: number) => number, label: string) => {
    out.push(`<line x1="${left}" y1="${yBottom}" x2="${right}" y2="${yBottom}" stroke="#333"/>`);
    out.push(`<line x1="${left}" y1="${yTop}" x2="${left}" y2="${yBottom}" stroke="#333"/>`);
    for (const v of tickValues) {
      const yy = fmt(y(v));
      out.push(`<line x1="${left}" y1="${yy}" x2="${right}" y2="${yy}" stroke="#ddd"/>`);
      out.push(`<text x="${left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${escapeXml(String(v))}</text>`);
    }
    out.push(`<text transform="translate(16 ${(yTop + yBottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(label)}</text>`);
  };
  axis(top1, bottom1, ticks(vmin, vmax, 5).filter((v) => v >= vmin && v <= vmax), yv, input.valueLabel ?? 'value');
  axis(top2, bottom2, ticks(0, smax, 4).filter((v) => v <= smax), ys, input.scoreLabel ?? 'anomaly score');
  // month ticks on the time axis
  const d = new Date(t0);
  let m = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  while (m <= t1) {
    const xx = fmt(x(m));
    const md = new Date(m);
    out.push(`<line x1="${xx}" y1="${bottom2}" x2="${xx}" y2="${bottom2 + 5}" stroke="#333"/>`);
    out.push(`<text x="${xx}" y="${bottom2 + 18}" text-anchor="middle">${MONTHS[md.getUTCMonth()]} ${md.getUTCFullYear()}</text>`);
    m = Date.UTC(md.getUTCFullYear(), md.getUTCMonth() + 1, 1);
  }
  out.push(`<path d="${envelopePath(times, values, x, yv)}" fill="none" stroke="#1f5fa8" stroke-width="1"/>`);
  out.push(`<path d="${envelopePath(times, scores, x, ys)}" fill="none" stroke="#c0392b" stroke-width="1"/>`);
  for (const mk of input.markers ?? []) {
    const cx = fmt(x(mk.time));
    const cy = fmt(ys(mk.score));
    out.push(`<g class="marker"><circle cx="${cx}" cy="${cy}" r="7" fill="white" stroke="#c0392b"/>`);
    out.push(`<text x="${cx}" y="${cy}" text-anchor="middle" dominant-baseline="central" font-size="9">${escapeXml(mk.label)}</text></g>`);
  }
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
