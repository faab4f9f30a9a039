/**
 * Reading times from rows and aligning them to windows.
 * @module
 */
import { InvalidRowError } from './errors.js';
import { field } from './records.js';

/** Where a row's time comes from: a column name or a function of the row. */
export type TimeAccessor<R> = string | ((row: R) => unknown);

const DATE_TIME =
  /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * Reads a time as epoch milliseconds, or returns `undefined` when `value` is not a time.
 *
 * Accepted: a finite number (epoch milliseconds), a bigint (epoch milliseconds), a valid `Date`, or a
 * string in ISO 8601 form (`2018-11-01`, `2018-11-01T10:00:00Z`, `2018-11-01T10:00:00.5+01:00`) or
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` (as in NAB files and Kinesis JSON). A string without a zone is read
 * as UTC (unlike `Date.parse`, which reads it as local time). Fractions of a millisecond are kept.
 *
 * @example
 * ```ts
 * parseTime('2018-11-01 00:00:01.500000'); // 1541030401500
 * parseTime('2018-11-01T01:00:00+01:00');  // 1541030400000
 * parseTime(new Date(0));                   // 0
 * parseTime('yesterday');                   // undefined
 * ```
 */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) {
    const time = value.getTime();
    return Number.isNaN(time) ? undefined : time;
  }
  if (typeof value !== 'string') return undefined;
  const match = DATE_TIME.exec(value.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zulu, sign, zh, zm] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return undefined; // e.g. 02-30
  let time = date.getTime();
  if (fraction !== '') {
    time += Number(fraction.padEnd(3, '0').slice(0, 3));
    if (fraction.length > 3) time += Number(`0.${fraction.slice(3)}`);
  }
  if (zulu === undefined && sign !== undefined) {
    const offsetHours = Number(zh);
    const offsetMinutes = Number(zm);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
    time += sign === '+' ? -offset : offset;
  }
  return Number.isFinite(time) ? time : undefined;
}

/**
 * KDA's `STEP(time BY size)` and Flink's window alignment: rounds `time` down to the start of its
 * window of length `size`, windows being aligned to the epoch plus `offset`:
 * `time - ((time - offset) mod size)` with a non-negative modulo, so negative times work too.
 *
 * @param time Epoch milliseconds (or any number).
 * @param size Window length, > 0.
 * @param offset Alignment shift (default 0).
 * @example
 * ```ts
 * step(23, 5);      // 20, as STEP(23 BY 5)
 * step(-3, 5);      // -5
 * step(23, 5, 2);   // 22
 * ```
 */
export function step(time: number, size: number, offset = 0): number {
  const remainder = (time - offset) % size;
  const start = time - (remainder < 0 ? remainder + size : remainder);
  return start === 0 ? 0 : start; // no -0
}

/**
 * The time range the window operators support: a time `t` is accepted when `|t| + margin` stays within
 * `Number.MAX_SAFE_INTEGER` (2^53 - 1), `margin` being what the operator adds to or subtracts from a
 * time (window size, offset, out-of-orderness, allowed lateness), so that every window boundary it
 * computes is an exact, distinct number.
 * @example
 * ```ts
 * const limit: TimeLimit = { margin: 60_000, what: 'size (60000)' };
 * ```
 */
export interface TimeLimit {
  /** What the operator adds to or subtracts from a time, at most `Number.MAX_SAFE_INTEGER`. */
  margin: number;
  /** The margin's description for messages, e.g. `"size + |offset| (60000)"`. */
  what: string;
}

/**
 * Builds a function reading a row's time (epoch milliseconds) for the operators. With no accessor, the
 * arrival time `Date.now()` is used, never decreasing, like KDA's ROWTIME. An unreadable time, or one
 * outside the range `limit` allows (`|time| + limit.margin <= Number.MAX_SAFE_INTEGER`), raises an
 * {@link InvalidRowError} naming the row, the column and the range.
 * @example
 * ```ts
 * const read = timeReader<{ t: number }>('t', { margin: 5, what: 'size (5)' });
 * read({ t: 12 }, 1);          // 12
 * read({ t: 2 ** 53 }, 2);     // InvalidRowError: row 2: column "t" is outside the supported time range ...
 * ```
 * @internal
 */
export function timeReader<R>(accessor: TimeAccessor<R> | undefined, limit: TimeLimit): (row: R, position: number) => number {
  if (accessor === undefined) {
    let last = -Infinity;
    return () => {
      const now = Date.now();
      if (now > last) last = now;
      return last;
    };
  }
  const bound = Number.MAX_SAFE_INTEGER - limit.margin;
  const outside =
    `is outside the supported time range [-${bound}, ${bound}] ` +
    `(|time| + ${limit.what} must be at most Number.MAX_SAFE_INTEGER, ${Number.MAX_SAFE_INTEGER})`;
  if (typeof accessor === 'function') {
    return (row, position) => {
      const value = accessor(row);
      const time = parseTime(value);
      if (time === undefined) throw new InvalidRowError(position, undefined, value, 'returned by the time function is not a valid time');
      if (!(Math.abs(time) <= bound)) throw new InvalidRowError(position, undefined, value, `returned by the time function ${outside}`);
      return time;
    };
  }
  return (row, position) => {
    const value = field(row as object, accessor);
    const time = parseTime(value);
    if (time === undefined) throw new InvalidRowError(position, accessor, value, 'is not a valid time');
    if (!(Math.abs(time) <= bound)) throw new InvalidRowError(position, accessor, value, outside);
    return time;
  };
}

/**
 * Throws unless `[start, end)` is a window that contains `time` and has distinct bounds: with a tiny
 * window size at a large time, `start + size` can round back to `start` (giving `[t, t)` windows and
 * false late rows); such a row is refused instead.
 * @example
 * ```ts
 * checkWindowBounds(1e15, 1e15, 1e15 + 0.001, 'size 0.001', 7, 't', 1e15); // throws InvalidRowError
 * ```
 * @internal
 */
export function checkWindowBounds(
  time: number,
  start: number,
  end: number,
  what: string,
  position: number,
  column: string | undefined,
  value: unknown,
): void {
  if (start <= time && time < end) return;
  throw new InvalidRowError(
    position,
    column,
    value,
    `cannot be placed in a window of ${what}: at this magnitude the window's bounds [${start}, ${end}) do not ` +
      'contain it as distinct numbers (use a larger window or smaller times)',
  );
}
