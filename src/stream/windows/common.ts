/**
 * Pieces shared by the window operators.
 * @module
 * @internal
 */
import type { AggregateResults, AggregateSpec, CompiledAggregate } from '../aggregates.js';
import { WindowAggregates } from '../aggregates.js';
import { InvalidRowError, LateRowError, type LateRowInfo } from '../errors.js';
import { newRecord } from '../records.js';
import type { Without } from '../source.js';
import type { TimeAccessor } from '../time.js';

/** Called with each late row instead of raising a {@link LateRowError}. */
export type OnLate<R> = (row: R, info: LateRowInfo) => void;

/** Options every window operator takes. */
export interface CommonWindowOptions<R, A extends AggregateSpec<R>> {
  /** The row's time: a column name or a function of the row. Default: arrival time (`Date.now()`). */
  time?: TimeAccessor<R>;
  /** Output names mapped to aggregators ({@link count}, {@link sum}, ...) or custom reducers. */
  aggregate: A;
  /** Receives late rows; without it a late row raises a {@link LateRowError}. */
  onLate?: OnLate<R>;
}

/**
 * The column names a `partitionBy` option names: the string itself, or the strings of a list.
 * @example
 * ```ts
 * type C = PartitionColumns<readonly ['host', 'page']>; // 'host' | 'page'
 * ```
 */
export type PartitionColumns<P> = P extends string ? P : P extends readonly (infer C)[] ? C & string : never;

/**
 * The partition columns of a window row, each typed as in the input row `R` (`unknown` for a column
 * `R` does not declare).
 * @example
 * ```ts
 * type F = PartitionFields<{ host: string; ms: number }, 'host'>; // { host: string }
 * ```
 */
export type PartitionFields<R, P> = { [K in PartitionColumns<P>]: K extends keyof R ? R[K] : unknown };

/**
 * An output row of a tumbling or stagger window: the window's bounds (epoch milliseconds), the
 * partition columns (typed from the input row `R` and the `partitionBy` option `P`), then the
 * aggregates (typed from the `aggregate` option `A`). `isUpdate` is present with a `watermark`:
 * `true` when a late row re-emits a window already emitted. No other field exists, so reading an
 * unknown one (`w.zzz`) is a compile error.
 * @example
 * ```ts
 * const rows = tumblingWindows(clicks, { size: 60_000, time: 't', partitionBy: 'page', aggregate: { n: count() } });
 * for (const w of rows) w.page; // typed as clicks' page column; w.n is a number
 * ```
 */
export type WindowRow<A, R = unknown, P = never> = {
  windowStart: number;
  windowEnd: number;
  isUpdate?: boolean;
} & PartitionFields<R, P> &
  AggregateResults<A>;

/** An output row of a sliding window: the input row's fields, then the aggregates (which win). */
export type SlidingRow<R, A> = Without<R, keyof A> & AggregateResults<A>;

/** Throws unless the input is an object. */
export function asRow(input: unknown, position: number): Record<string, unknown> {
  if (input === null || typeof input !== 'object') throw new InvalidRowError(position, undefined, input, 'is not an object');
  return input as Record<string, unknown>;
}

/** Hands a late row to `onLate` or raises a {@link LateRowError}. */
export function handleLate<R>(onLate: OnLate<R> | undefined, row: R, position: number, time: number, reason: string): void {
  if (onLate === undefined) throw new LateRowError(position, row, time, reason);
  onLate(row, { position, time, reason });
}

/** A window with a start, an end, a key and its aggregates. */
export interface KeyedWindow {
  key: string;
  /** Order in which the key first appeared. */
  rank: number;
  start: number;
  end: number;
  partition: Record<string, unknown>;
  aggregates: WindowAggregates;
}

/** Emission order: windowEnd, then windowStart, then key order. */
export function compareWindows(a: KeyedWindow, b: KeyedWindow): number {
  return a.end - b.end || a.start - b.start || a.rank - b.rank;
}

export function newWindow(
  key: string,
  rank: number,
  start: number,
  end: number,
  partition: Record<string, unknown>,
  aggregates: readonly CompiledAggregate[],
): KeyedWindow {
  return { key, rank, start, end, partition, aggregates: new WindowAggregates(aggregates, false) };
}

/** The output row of a closed window. */
export function windowOutput(window: KeyedWindow, isUpdate?: boolean): Record<string, unknown> {
  const out = newRecord();
  out.windowStart = window.start;
  out.windowEnd = window.end;
  if (isUpdate !== undefined) out.isUpdate = isUpdate;
  Object.assign(out, window.partition); // onto a null-prototype record: "__proto__" is a plain column
  return window.aggregates.writeResults(out);
}

/** `[start, end)` for messages. */
export function span(start: number, end: number): string {
  return `[${start}, ${end})`;
}
