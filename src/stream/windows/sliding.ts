/**
 * Sliding windows: KDA's `WINDOW w AS (RANGE INTERVAL ... PRECEDING)` and `(ROWS n PRECEDING)`.
 * @module
 */
import { compileAggregates, readValues, WindowAggregates, type AggregateSpec, type CompiledAggregate } from '../aggregates.js';
import { Deque } from '../collections.js';
import { describeValue, InvalidRowError } from '../errors.js';
import { checkKnownOptions } from '../known-options.js';
import { partitionKey, type PartitionKey } from '../partition.js';
import { copyRecord } from '../records.js';
import { assertSource, runOperator, type RowProcessor, type Source } from '../source.js';
import { timeReader, type TimeAccessor } from '../time.js';
import { checkColumns, checkFunction, checkNumber, checkObject, checkTime } from '../validate.js';
import { asRow, handleLate, type CommonWindowOptions, type OnLate, type SlidingRow } from './common.js';

/** The frame of {@link slidingWindows}: `{ range }` (milliseconds) or `{ rows }` (rows before the current one). */
export type SlidingFrame = { range: number; rows?: undefined } | { rows: number; range?: undefined };

/** Options of {@link slidingWindows}. */
export interface SlidingOptions<R, A extends AggregateSpec<R>> extends CommonWindowOptions<R, A> {
  /** Partition column(s): one window per key (`PARTITION BY`). */
  partitionBy?: string | readonly string[];
}

const NAME = 'slidingWindows';
const FRAME_OPTIONS = ['range', 'rows'] as const;
const SLIDING_OPTIONS = ['time', 'partitionBy', 'aggregate', 'onLate'] as const;

interface Partition {
  entries: Deque<{ row: object; time: number }>;
  aggregates: WindowAggregates;
  lastTime: number;
}

class Sliding<R> implements RowProcessor<R, Record<string, unknown>> {
  private position = 0;
  private readonly partitions = new Map<string, Partition>();

  constructor(
    private readonly range: number | undefined,
    private readonly rows: number | undefined,
    private readonly readTime: ((row: R, position: number) => number) | undefined,
    private readonly timeColumn: string | undefined,
    private readonly keyOf: (row: object, position: number) => PartitionKey,
    private readonly aggregates: readonly CompiledAggregate[],
    private readonly onLate: OnLate<R> | undefined,
  ) {}

  push(input: R): Record<string, unknown>[] {
    const position = ++this.position;
    const row = asRow(input, position);
    const time = this.readTime === undefined ? 0 : this.readTime(input, position);
    const { key } = this.keyOf(row, position);
    let partition = this.partitions.get(key);
    if (partition !== undefined && time < partition.lastTime) {
      handleLate(this.onLate, input, position, time, `it is older than the latest time of its key, ${partition.lastTime}`);
      return [];
    }
    const values = readValues(this.aggregates, row, position);
    if (partition === undefined) {
      partition = { entries: new Deque(), aggregates: new WindowAggregates(this.aggregates, true), lastTime: time };
      this.partitions.set(key, partition);
    }
    const { entries, aggregates } = partition;
    if (this.range !== undefined) {
      const expired = time - this.range;
      if (!(expired < time)) {
        throw new InvalidRowError(
          position,
          this.timeColumn,
          time,
          `cannot anchor a window of range ${this.range}: at this magnitude time - range equals the time (use a larger range or smaller times)`,
        );
      }
      for (let e = entries.front(); e !== undefined && e.time <= expired; e = entries.front()) {
        entries.shift();
        aggregates.remove(e.row);
      }
    }
    entries.push({ row, time });
    aggregates.add(values, row);
    if (this.rows !== undefined) {
      while (entries.length > this.rows + 1) aggregates.remove((entries.shift() as { row: object }).row);
    }
    partition.lastTime = time;
    return [aggregates.writeResults(copyRecord(row))];
  }

  end(): Record<string, unknown>[] {
    this.partitions.clear();
    return [];
  }
}

/**
 * Sliding windows, as KDA's `WINDOW w AS (PARTITION BY key RANGE INTERVAL 'range' PRECEDING)` or
 * `(ROWS n PRECEDING)`: one output per input row, the row's fields plus the aggregates (which win on a
 * name collision) over
 * - `{ range }`: the rows of its partition that have arrived so far with time in `(t - range, t]`
 *   (rows with the same time included), or
 * - `{ rows }`: the current row and the `rows` rows of its partition before it (`rows: 3` holds 4 rows).
 *
 * Nothing is emitted when a row merely leaves the window. Incremental: O(1) amortised per row for
 * count / sum / avg / stddev, monotonic deques for min / max, no rescans; a custom reducer without
 * `remove` is rebuilt from the window's rows when rows have left it. A row older than the latest time
 * of its key (when a time is read: always for `range`, for `rows` only with a `time` option) is late:
 * it goes to `onLate(row, info)` or raises a {@link LateRowError}.
 *
 * @throws TypeError / RangeError at the call for bad options; {@link InvalidRowError} for a bad row.
 * @example
 * ```ts
 * // SELECT STREAM t, COUNT(*) OVER (RANGE INTERVAL '5' SECOND PRECEDING)
 * const rows = [1, 2, 6, 7, 8, 8, 8].map((s) => ({ t: s * 1000 }));
 * [...slidingWindows(rows, { range: 5000 }, { time: 't', aggregate: { n: count() } })].map((r) => r.n);
 * // [1, 2, 2, 2, 3, 4, 5]
 * ```
 */
export function slidingWindows<R extends object, const A extends AggregateSpec<R>>(
  source: AsyncIterable<R>,
  frame: SlidingFrame,
  options: SlidingOptions<R, A>,
): AsyncIterable<SlidingRow<R, A>>;
export function slidingWindows<R extends object, const A extends AggregateSpec<R>>(
  source: Iterable<R>,
  frame: SlidingFrame,
  options: SlidingOptions<R, A>,
): Iterable<SlidingRow<R, A>>;
export function slidingWindows<R extends object, const A extends AggregateSpec<R>>(
  source: Source<R>,
  frame: SlidingFrame,
  options: SlidingOptions<R, A>,
): Iterable<SlidingRow<R, A>> | AsyncIterable<SlidingRow<R, A>>;
export function slidingWindows<R extends object, const A extends AggregateSpec<R>>(
  source: Source<R>,
  frame: SlidingFrame,
  options: SlidingOptions<R, A>,
): Iterable<SlidingRow<R, A>> | AsyncIterable<SlidingRow<R, A>> {
  assertSource(NAME, source);
  const f = checkObject(NAME, 'frame', frame);
  checkKnownOptions(NAME, f, FRAME_OPTIONS, 'frame.');
  if ((f.range === undefined) === (f.rows === undefined)) {
    throw new TypeError(`${NAME}: frame must have exactly one of "range" (milliseconds) or "rows" (got ${describeValue(frame)})`);
  }
  const range = f.range === undefined ? undefined : checkNumber(NAME, 'range', f.range, { min: 0, exclusiveMin: true, max: Number.MAX_SAFE_INTEGER });
  const rows = f.rows === undefined ? undefined : checkNumber(NAME, 'rows', f.rows, { min: 0, integer: true, max: Number.MAX_SAFE_INTEGER - 1 });
  const o = checkObject(NAME, 'options', options);
  checkKnownOptions(NAME, o, SLIDING_OPTIONS);
  const time = checkTime<TimeAccessor<R>>(NAME, o.time);
  const limit = { margin: range ?? 0, what: range === undefined ? '0' : `range (${range})` };
  const readTime = range !== undefined || time !== undefined ? timeReader(time, limit) : undefined;
  const timeColumn = typeof time === 'string' ? time : undefined;
  const keyOf = partitionKey(checkColumns(NAME, 'partitionBy', o.partitionBy, false));
  const aggregates = compileAggregates(NAME, o.aggregate);
  const onLate = checkFunction<OnLate<R>>(NAME, 'onLate', o.onLate);
  return runOperator(source, () => new Sliding(range, rows, readTime, timeColumn, keyOf, aggregates, onLate)) as
    | Iterable<SlidingRow<R, A>>
    | AsyncIterable<SlidingRow<R, A>>;
}
