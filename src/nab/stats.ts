/**
 * Small statistics used to compare two detectors' score series.
 * @module
 */

function checkPair(x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) {
    throw new RangeError(`x and y must have the same length, got ${x.length} and ${y.length}`);
  }
}

/**
 * Pearson's correlation coefficient; NaN when a series is constant or shorter than 2.
 * @example
 * pearson([1, 2, 3], [2, 4, 7]); // 0.993...
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPair(x, y);
  const n = x.length;
  if (n < 2) return Number.NaN;
  let mx = 0;
  let my = 0;
  let xConstant = true;
  let yConstant = true;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
    if (x[i] !== x[0]) xConstant = false;
    if (y[i] !== y[0]) yConstant = false;
  }
  // Tested exactly: rounding in the mean would otherwise give a constant series a tiny variance.
  if (xConstant || yConstant) return Number.NaN;
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Ranks (1-based), ties sharing their average rank.
 * @example
 * ranks([10, 30, 20, 20]); // Float64Array [1, 4, 2.5, 2.5]
 */
export function ranks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => x[a]! - x[b]!);
  const r = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && x[order[j]!] === x[order[i]!]) j++;
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) r[order[k]!] = rank;
    i = j;
  }
  return r;
}

/**
 * Spearman's rank correlation (Pearson on average ranks); NaN when a series is constant.
 * @example
 * spearman([1, 2, 3, 4], [1, 8, 27, 64]); // 1
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPair(x, y);
  return pearson(ranks(x), ranks(y));
}

/**
 * Arithmetic mean; NaN for an empty series.
 * @example
 * mean([1, 2, 6]); // 3
 */
export function mean(x: ArrayLike<number>): number {
  if (x.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/**
 * Median of the values that are not NaN; NaN when there are none.
 * @example
 * median([3, 1, NaN, 2]); // 2
 */
export function median(values: readonly number[]): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}
