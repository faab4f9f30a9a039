/**
 * Errors raised by the streaming operators.
 * @module
 */

/**
 * Describes a value for an error message: strings are quoted, bigints get an `n`, Dates show their
 * ISO time, other objects their JSON (shortened to 60 characters).
 *
 * @example
 * ```ts
 * describeValue("oops"); // '"oops"'
 * describeValue(NaN);    // 'NaN'
 * describeValue(12n);    // '12n'
 * ```
 */
export function describeValue(value: unknown): string {
  let text: string;
  switch (typeof value) {
    case 'string':
      text = JSON.stringify(value);
      break;
    case 'bigint':
      text = `${value}n`;
      break;
    case 'function':
      text = 'a function';
      break;
    case 'object':
      if (value === null) return 'null';
      if (value instanceof Date) {
        return Number.isNaN(value.getTime()) ? 'Invalid Date' : `Date(${value.toISOString()})`;
      }
      try {
        text = JSON.stringify(value) ?? Object.prototype.toString.call(value);
      } catch {
        text = Object.prototype.toString.call(value);
      }
      break;
    default:
      text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * A row the operator cannot use: a scored or aggregated value that is not a finite number, a missing or
 * unreadable time, or a row that is not an object.
 *
 * - `row`: the row's 1-based position in the source.
 * - `column`: the offending column, or `undefined` when the value came from a `time` function or the
 *   row itself is not an object.
 * - `value`: the offending value.
 *
 * @example
 * ```ts
 * const error = new InvalidRowError(281, 'a', 'oops');
 * error.message; // 'row 281: column "a" is not a finite number (got "oops")'
 * ```
 */
export class InvalidRowError extends Error {
  /** 1-based position of the row in the source. */
  readonly row: number;
  /** The offending column (`undefined` for a time function's result or a row that is not an object). */
  readonly column: string | undefined;
  /** The offending value. */
  readonly value: unknown;

  /**
   * @param row 1-based position of the row in the source.
   * @param column The offending column, if any.
   * @param value The offending value.
   * @param problem What is wrong, e.g. `"is not a finite number"` (the default) or `"is not a valid time"`.
   */
  constructor(row: number, column: string | undefined, value: unknown, problem = 'is not a finite number') {
    const subject = column === undefined ? 'value' : `column ${JSON.stringify(column)}`;
    super(`row ${row}: ${subject} ${problem} (got ${describeValue(value)})`);
    this.name = 'InvalidRowError';
    this.row = row;
    this.column = column;
    this.value = value;
  }
}

/** What a window operator tells `onLate` about a late row. */
export interface LateRowInfo {
  /** 1-based position of the row in the source. */
  readonly position: number;
  /** The row's time, epoch milliseconds. */
  readonly time: number;
  /** Why the row cannot be placed, e.g. `"its window [0, 5000) was closed at time 7000"`. */
  readonly reason: string;
}

/**
 * A row older than what its operator can still place (before its key's open window, in a window that
 * has already been emitted, or, in a sliding window, older than the latest time seen for its key),
 * raised when the operator has no `onLate` handler. Rows are never dropped silently.
 *
 * @example
 * ```ts
 * const error = new LateRowError(7, { t: 3 }, 3, 'the latest time of its key is 9');
 * error.message; // 'row 7: late row at time 3 (the latest time of its key is 9); pass onLate to handle late rows'
 * ```
 */
export class LateRowError extends Error {
  /** 1-based position of the row in the source. */
  readonly row: number;
  /** The late row itself. */
  readonly record: unknown;
  /** The late row's time, epoch milliseconds. */
  readonly time: number;
  /** Why the row cannot be placed. */
  readonly reason: string;

  constructor(row: number, record: unknown, time: number, reason: string) {
    super(`row ${row}: late row at time ${time} (${reason}); pass onLate to handle late rows`);
    this.name = 'LateRowError';
    this.row = row;
    this.record = record;
    this.time = time;
    this.reason = reason;
  }
}

/**
 * A forest operator's `checkpoint.save` failed (threw, or returned a promise that rejected). The
 * operator stops: rows up to and including the checkpointed row have been emitted, no later row is
 * read, and the save's own error is the `cause`.
 *
 * @example
 * ```ts
 * try {
 *   for await (const row of randomCutForest(rows, { checkpoint: { every: 1000, save } })) sink(row);
 * } catch (e) {
 *   if (e instanceof CheckpointSaveError) console.error(`checkpoint at row ${e.rowsSeen} failed`, e.cause);
 * }
 * ```
 */
export class CheckpointSaveError extends Error {
  /** Rows the failed checkpoint covered. */
  readonly rowsSeen: number;

  constructor(operator: string, rowsSeen: number, cause: unknown) {
    const why = cause instanceof Error ? cause.message : describeValue(cause);
    super(`${operator}: checkpoint.save failed for the state after row ${rowsSeen}: ${why}`, { cause });
    this.name = 'CheckpointSaveError';
    this.rowsSeen = rowsSeen;
  }
}
