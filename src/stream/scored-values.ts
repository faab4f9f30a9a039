/**
 * How the scoring operators read a row: which columns to score when none are given, and the scored
 * values themselves, checked. Shared by `randomCutForest`, `randomCutForestWithExplanation` and
 * `anomalyDetector`, which differ only in their limits.
 * @module
 * @internal
 */
import { InvalidRowError } from './errors.js';
import { field } from './records.js';

/**
 * The columns to score when the `columns` option is absent: the row's own keys whose value is a number
 * or a bigint, in key order, except `exclude` (the time column). An error for a row without any (with
 * `invalidRows: "skip"`, the next row decides); a `RangeError` when there are more than `max`
 * (`maxText` says it in the message, e.g. "KDA's 30").
 * @example
 * inferScoredColumns('randomCutForest', { t: 1, a: 2, b: 'x' }, 1, 30, 't'); // ['a']
 */
export function inferScoredColumns(
  operator: string,
  row: object,
  position: number,
  max: number,
  exclude?: string,
  maxText = String(max),
): string[] | InvalidRowError {
  const columns = Object.keys(row).filter((k) => {
    if (k === exclude) return false;
    const v = field(row, k);
    return typeof v === 'number' || typeof v === 'bigint';
  });
  if (columns.length === 0) {
    return new InvalidRowError(position, undefined, row, 'has no numeric column to score (pass the columns option)');
  }
  if (columns.length > max) {
    throw new RangeError(`${operator}: the first row has ${columns.length} numeric columns, more than ${maxText}: pass the columns option`);
  }
  return columns;
}

/**
 * Reads the scored values of `row` into `out` (numbers, or bigints converted), each finite and of
 * magnitude at most `limit`; returns the error for the first column that is not, writing no further.
 * @example
 * const values = new Float64Array(2);
 * readScoredValues({ a: 1, b: 2n }, ['a', 'b'], values, 1, 1e30); // undefined; values = [1, 2]
 */
export function readScoredValues(
  row: object,
  columns: readonly string[],
  out: Float64Array,
  position: number,
  limit: number,
): InvalidRowError | undefined {
  for (let j = 0; j < columns.length; j++) {
    const column = columns[j]!;
    const v = field(row, column);
    const x = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : NaN;
    if (Math.abs(x) <= limit) out[j] = x;
    else if (Number.isFinite(x)) return new InvalidRowError(position, column, v, `is outside +-${limit}`);
    else return new InvalidRowError(position, column, v);
  }
  return undefined;
}
