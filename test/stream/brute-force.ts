/** Brute-force aggregates over a list of values (nulls ignored), for comparison with the operators. */
import { avg, count, first, last, max, min, stddev, sum } from '../../src/stream/index.js';

/** Every aggregator over column `v`, named by its {@link Kind}. */
export const ALL_AGGREGATES = {
  count: count(),
  countCol: count('v'),
  sum: sum('v'),
  avg: avg('v'),
  min: min('v'),
  max: max('v'),
  stddev: stddev('v'),
  first: first('v'),
  last: last('v'),
};

export type Kind = 'count' | 'countCol' | 'sum' | 'avg' | 'min' | 'max' | 'stddev' | 'first' | 'last';

export function bruteForce(values: (number | null)[]): Record<Kind | 'scale', unknown> {
  const xs = values.filter((v): v is number => v !== null);
  const n = xs.length;
  // exact-ish reference: sort by magnitude and use two-pass variance
  const total = [...xs].sort((a, b) => Math.abs(a) - Math.abs(b)).reduce((a, b) => a + b, 0);
  const mean = n === 0 ? 0 : total / n;
  const ss = xs.reduce((acc, x) => acc + (x - mean) ** 2, 0);
  return {
    count: values.length,
    countCol: n,
    sum: n === 0 ? null : total,
    avg: n === 0 ? null : mean,
    min: n === 0 ? null : Math.min(...xs),
    max: n === 0 ? null : Math.max(...xs),
    stddev: n < 2 ? null : Math.sqrt(ss / (n - 1)),
    first: n === 0 ? null : xs[0],
    last: n === 0 ? null : xs[n - 1],
    scale: xs.reduce((acc, x) => Math.max(acc, Math.abs(x)), 0),
  };
}
