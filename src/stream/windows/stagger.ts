/**
 * Stagger windows: KDA's `WINDOWED BY STAGGER(PARTITION BY key RANGE INTERVAL ...)`.
 * @module
 */
import { compileAggregates, readValues, type AggregateSpec, type CompiledAggregate } from '../aggregates.js';
import { Heap } from '../collections.js';
import { KeyOrder, partitionKey, type PartitionKey } from '../partition.js';
import { assertSource, runOperator, type RowProcessor, type Source } from '../source.js';
import { checkWindowBounds, timeReader, type TimeAccessor } from '../time.js';
import { checkKnownOptions } from '../known-options.js';
import { checkColumns, checkFunction, checkNumber, checkObject, checkTime } from '../validate.js';
import {
  asRow,
  compareWindows,
  handleLate,
  newWindow,
  span,
  windowOutput,
  type CommonWindowOptions,
  type KeyedWindow,
  type OnLate,
  type WindowRow,
} from './common.js';

/** Options of {@link staggerWindows}. */
export interface StaggerOptions<R, A extends AggregateSpec<R>, P extends string | readonly string[] = string | readonly string[]>
  extends CommonWindowOptions<R, A> {
  /** Window length in milliseconds, > 0. */
  range: number;
  /** Partition column(s) (required, as in KDA): one window per key. */
  partitionBy: P;
}

const NAME = 'staggerWindows';
const STAGGER_OPTIONS = ['range', 'time', 'partitionBy', 'aggregate', 'onLate'] as const;

class Stagger<R> implements RowProcessor<R, Record<string, unknown>> {
  private position = 0;
  private maxTime = -Infinity;
  private readonly open = new Map<string, KeyedWindow>();
  private readonly lastEnd = new Map<string, number>();
  private readonly closing = new Heap<KeyedWindow>(compareWindows);
  private readonly keys = new KeyOrder();

  constructor(
    private readonly range: number,
    private readonly readTime: (row: R, position: number) => number,
    private readonly timeColumn: string | undefined,
    private readonly keyOf: (row: object, position: number) => PartitionKey,
    private readonly aggregates: readonly CompiledAggregate[],
    private readonly onLate: OnLate<R> | undefined,
  ) {}

  push(input: R): Record<string, unknown>[] {
    const position = ++this.position;
    const row = asRow(input, position);
    const time = this.readTime(input, position);
    checkWindowBounds(time, time, time + this.range, `range ${this.range}`, position, this.timeColumn, time);
    const { key, values } = this.keyOf(row, position);
    const open = this.open.get(key);
    let reason: string | undefined;
    if (open !== undefined && time < open.start) {
      reason = `before its key's open window ${span(open.start, open.end)}`;
    } else if (open === undefined) {
      const previousEnd = this.lastEnd.get(key);
      if (previousEnd !== undefined && time < previousEnd) {
        reason = `its key's window ending at ${previousEnd} is already closed`;
      } else if (time + this.range <= this.maxTime) {
        reason = `a window opened at its time would end at ${time + this.range}, but time has reached ${this.maxTime}`;
      }
    }
    if (reason !== undefined) {
      handleLate(this.onLate, input, position, time, reason);
      return [];
    }
    const rowValues = readValues(this.aggregates, row, position);
    const out: Record<string, unknown>[] = [];
    if (time > this.maxTime) this.maxTime = time;
    for (let w = this.closing.peek(); w !== undefined && w.end <= time; w = this.closing.peek()) {
      this.closing.pop();
      this.open.delete(w.key);
      this.lastEnd.set(w.key, w.end);
      out.push(windowOutput(w));
    }
    let window = this.open.get(key);
    if (window === undefined) {
      window = newWindow(key, this.keys.rank(key), time, time + this.range, values, this.aggregates);
      this.open.set(key, window);
      this.closing.push(window);
    }
    window.aggregates.add(rowValues, row);
    return out;
  }

  end(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (let w = this.closing.pop(); w !== undefined; w = this.closing.pop()) out.push(windowOutput(w));
    this.open.clear();
    return out;
  }
}

/**
 * Stagger windows, as KDA's `WINDOWED BY STAGGER(PARTITION BY key RANGE INTERVAL 'range')`: a window
 * per key opens at that key's first row and covers `[windowStart, windowStart + range)`; rows of that
 * key arriving in between join it. Time is global: the first row of any key whose time is at or past
 * windowEnd closes it, and the end of the source closes all. Output rows
 * `{ windowStart, windowEnd, ...partition columns, ...aggregates }`, windows closed together ordered by
 * windowEnd, then windowStart, then the order in which their keys first appeared.
 *
 * Late rows (before their key's open window, inside their key's already closed window, or so old that
 * their window would already be over) go to `onLate(row, info)` or raise a {@link LateRowError}.
 *
 * @throws TypeError / RangeError at the call for bad options; {@link InvalidRowError} for a bad row.
 * @example
 * ```ts
 * const rows = [
 *   { at: '2018-11-01 11:00:20', minute: '11:00' }, { at: '2018-11-01 11:00:30', minute: '11:00' },
 *   { at: '2018-11-01 11:00:45', minute: '11:00' }, { at: '2018-11-01 11:01:15', minute: '11:01' },
 * ];
 * [...staggerWindows(rows, { range: 60_000, partitionBy: 'minute', time: 'at', aggregate: { n: count() } })];
 * // [{ windowStart: <11:00:20>, windowEnd: <11:01:20>, minute: '11:00', n: 3 },
 * //  { windowStart: <11:01:15>, windowEnd: <11:02:15>, minute: '11:01', n: 1 }]
 * ```
 */
export function staggerWindows<
  R extends object,
  const A extends AggregateSpec<R>,
  const P extends string | readonly string[] = never,
>(
  source: AsyncIterable<R>,
  options: StaggerOptions<R, A, P>,
): AsyncIterable<WindowRow<A, R, P>>;
export function staggerWindows<
  R extends object,
  const A extends AggregateSpec<R>,
  const P extends string | readonly string[] = never,
>(
  source: Iterable<R>,
  options: StaggerOptions<R, A, P>,
): Iterable<WindowRow<A, R, P>>;
export function staggerWindows<
  R extends object,
  const A extends AggregateSpec<R>,
  const P extends string | readonly string[] = never,
>(
  source: Source<R>,
  options: StaggerOptions<R, A, P>,
): Iterable<WindowRow<A, R, P>> | AsyncIterable<WindowRow<A, R, P>>;
export function staggerWindows<
  R extends object,
  const A extends AggregateSpec<R>,
  const P extends string | readonly string[] = never,
>(
  source: Source<R>,
  options: StaggerOptions<R, A, P>,
): Iterable<WindowRow<A, R, P>> | AsyncIterable<WindowRow<A, R, P>> {
  assertSource(NAME, source);
  const o = checkObject(NAME, 'options', options);
  checkKnownOptions(NAME, o, STAGGER_OPTIONS);
  const range = checkNumber(NAME, 'range', o.range, { min: 0, exclusiveMin: true, max: Number.MAX_SAFE_INTEGER });
  const time = checkTime<TimeAccessor<R>>(NAME, o.time);
  const readTime = timeReader(time, { margin: range, what: `range (${range})` });
  const timeColumn = typeof time === 'string' ? time : undefined;
  const keyOf = partitionKey(checkColumns(NAME, 'partitionBy', o.partitionBy, true));
  const aggregates = compileAggregates(NAME, o.aggregate);
  const onLate = checkFunction<OnLate<R>>(NAME, 'onLate', o.onLate);
  return runOperator(source, () => new Stagger(range, readTime, timeColumn, keyOf, aggregates, onLate)) as
    | Iterable<WindowRow<A, R, P>>
    | AsyncIterable<WindowRow<A, R, P>>;
}
