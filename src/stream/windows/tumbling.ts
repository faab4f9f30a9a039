/**
 * Tumbling windows: KDA's `GROUP BY STEP(ROWTIME BY INTERVAL ...)` / `FLOOR(ROWTIME TO ...)`, and
 * Flink's event-time tumbling windows with a watermark.
 * @module
 */
import { compileAggregates, readValues, type AggregateSpec, type CompiledAggregate } from '../aggregates.js';
import { Heap } from '../collections.js';
import { KeyOrder, partitionKey, type PartitionKey } from '../partition.js';
import { assertSource, runOperator, type RowProcessor, type Source } from '../source.js';
import { checkWindowBounds, step, timeReader, type TimeAccessor } from '../time.js';
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

/** Flink-style event time for {@link tumblingWindows}. */
export interface WatermarkOptions {
  /** How far (ms) rows may arrive out of order: watermark = max time seen - outOfOrderness - 1. */
  outOfOrderness: number;
  /** How long (ms) after a window fired late rows still update it (re-emitted with `isUpdate: true`). Default 0. */
  allowedLateness?: number;
}

/** Options of {@link tumblingWindows}. */
export interface TumblingOptions<R, A extends AggregateSpec<R>, P extends string | readonly string[] = string | readonly string[]>
  extends CommonWindowOptions<R, A> {
  /** Window length in milliseconds, > 0. */
  size: number;
  /** Alignment: windows start at epoch + offset + k * size (default 0). */
  offset?: number;
  /** Partition column(s): one window per key. Output rows carry them. */
  partitionBy?: P;
  /** Switches to Flink's event-time rules. */
  watermark?: WatermarkOptions;
}

const NAME = 'tumblingWindows';
const TUMBLING_OPTIONS = ['size', 'offset', 'time', 'partitionBy', 'aggregate', 'onLate', 'watermark'] as const;
const WATERMARK_OPTIONS = ['outOfOrderness', 'allowedLateness'] as const;

interface Config<R> {
  size: number;
  offset: number;
  /** The time column (for messages), if the time comes from one. */
  timeColumn: string | undefined;
  readTime: (row: R, position: number) => number;
  keyOf: (row: object, position: number) => PartitionKey;
  aggregates: CompiledAggregate[];
  onLate: OnLate<R> | undefined;
}

/** A row read and placed: its time, partition key and the tumbling window its time falls in. */
function placeRow<R>(config: Config<R>, input: R, position: number) {
  const row = asRow(input, position);
  const time = config.readTime(input, position);
  const { key, values } = config.keyOf(row, position);
  let start = step(time, config.size, config.offset);
  let end = start + config.size;
  if (time >= end) {
    // A fractional size's floating remainder can land one window short (step(5, 0.001) is 4.999).
    start = end;
    end = start + config.size;
  }
  checkWindowBounds(time, start, end, `size ${config.size}`, position, config.timeColumn, time);
  return { row, time, key, values, start, end };
}

/** KDA's rule: time is global; the first row at or past a window's end closes it. */
class KdaTumbling<R> implements RowProcessor<R, Record<string, unknown>> {
  private position = 0;
  private maxTime = -Infinity;
  private readonly open = new Map<string, KeyedWindow>();
  private readonly closing = new Heap<KeyedWindow>(compareWindows);
  private readonly keys = new KeyOrder();

  constructor(private readonly config: Config<R>) {}

  push(input: R): Record<string, unknown>[] {
    const { aggregates } = this.config;
    const position = ++this.position;
    const { row, time, key, values, start, end } = placeRow(this.config, input, position);
    if (end <= this.maxTime) {
      const open = this.open.get(key);
      const reason =
        open !== undefined
          ? `before its key's open window ${span(open.start, open.end)}`
          : `its window ${span(start, end)} was closed when time reached ${this.maxTime}`;
      handleLate(this.config.onLate, input, position, time, reason);
      return [];
    }
    const rowValues = readValues(aggregates, row, position);
    const out: Record<string, unknown>[] = [];
    if (time > this.maxTime) this.maxTime = time;
    for (let w = this.closing.peek(); w !== undefined && w.end <= time; w = this.closing.peek()) {
      this.closing.pop();
      this.open.delete(w.key);
      out.push(windowOutput(w));
    }
    let window = this.open.get(key);
    if (window === undefined) {
      window = newWindow(key, this.keys.rank(key), start, end, values, aggregates);
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

interface FlinkWindow extends KeyedWindow {
  id: string;
  fired: boolean;
}

/** Flink's rules: a global watermark fires windows; allowed lateness re-fires them. */
class WatermarkTumbling<R> implements RowProcessor<R, Record<string, unknown>> {
  private position = 0;
  private maxTime = -Infinity;
  private watermark = -Infinity;
  private readonly windows = new Map<string, FlinkWindow>();
  private readonly pending = new Heap<FlinkWindow>(compareWindows);
  private readonly retained = new Heap<FlinkWindow>(compareWindows);
  private readonly keys = new KeyOrder();

  constructor(
    private readonly config: Config<R>,
    private readonly outOfOrderness: number,
    private readonly allowedLateness: number,
  ) {}

  push(input: R): Record<string, unknown>[] {
    const { aggregates } = this.config;
    const position = ++this.position;
    const { row, time, key, values, start, end } = placeRow(this.config, input, position);
    if (end - 1 + this.allowedLateness <= this.watermark) {
      handleLate(
        this.config.onLate,
        input,
        position,
        time,
        `the watermark ${this.watermark} has passed the end of its window ${span(start, end)}` +
          (this.allowedLateness > 0 ? ` plus the allowed lateness ${this.allowedLateness}` : ''),
      );
      return [];
    }
    const rowValues = readValues(aggregates, row, position);
    const out: Record<string, unknown>[] = [];
    const id = `${start}|${key}`;
    let window = this.windows.get(id);
    if (window === undefined) {
      window = { ...newWindow(key, this.keys.rank(key), start, end, values, aggregates), id, fired: false };
      this.windows.set(id, window);
      window.aggregates.add(rowValues, row);
      if (end - 1 <= this.watermark) {
        // A first row for a window the watermark has passed, within the allowed lateness: fire at once.
        window.fired = true;
        out.push(windowOutput(window, false));
        this.retained.push(window);
      } else {
        this.pending.push(window);
      }
    } else {
      window.aggregates.add(rowValues, row);
      if (window.fired) out.push(windowOutput(window, true));
    }
    if (time > this.maxTime) {
      this.maxTime = time;
      const watermark = time - this.outOfOrderness - 1;
      if (watermark > this.watermark) this.watermark = watermark;
    }
    for (let w = this.pending.peek(); w !== undefined && w.end - 1 <= this.watermark; w = this.pending.peek()) {
      this.pending.pop();
      w.fired = true;
      out.push(windowOutput(w, false));
      this.retained.push(w);
    }
    for (
      let w = this.retained.peek();
      w !== undefined && w.end - 1 + this.allowedLateness <= this.watermark;
      w = this.retained.peek()
    ) {
      this.retained.pop();
      this.windows.delete(w.id);
    }
    return out;
  }

  end(): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (let w = this.pending.pop(); w !== undefined; w = this.pending.pop()) out.push(windowOutput(w, false));
    this.windows.clear();
    return out;
  }
}

/**
 * Tumbling windows, as KDA's `GROUP BY STEP(ROWTIME BY INTERVAL 'size')` (or `FLOOR(ROWTIME TO ...)`)
 * and Flink's tumbling event-time windows: `[windowStart, windowStart + size)` aligned to the epoch plus
 * `offset` (`windowStart = STEP(time BY size)`, negative times too), one window per `partitionBy` key.
 *
 * Without `watermark` (KDA): time is global. The first row whose time is at or past a window's end
 * closes that window, whatever its key; the end of the source closes all. A row whose window has
 * already closed (its end is at or before the latest time seen) is late.
 *
 * With `watermark: { outOfOrderness, allowedLateness = 0 }` (Flink): watermark = max time seen -
 * outOfOrderness - 1; a window fires (`isUpdate: false`) when the watermark reaches windowEnd - 1; a row
 * is late when the watermark before it has reached windowEnd - 1 + allowedLateness; a row within the
 * allowed lateness updates its fired window and re-emits it with `isUpdate: true`. The end of the
 * source fires every open window.
 *
 * Output rows `{ windowStart, windowEnd, [isUpdate], ...partition columns, ...aggregates }` (epoch
 * milliseconds); windows closed together are emitted by windowEnd, then windowStart, then the order in
 * which their keys first appeared. Late rows go to `onLate(row, info)` or raise a {@link LateRowError}.
 * Sync source in, sync iterable out; async in, async out.
 *
 * @throws TypeError / RangeError at the call for bad options; {@link InvalidRowError} for a bad row.
 * @example
 * ```ts
 * // SELECT STEP(ROWTIME BY INTERVAL '1' MINUTE), page, COUNT(*), AVG(ms) ... GROUP BY page, STEP(...)
 * const perMinute = tumblingWindows(clicks, {
 *   size: 60_000, time: 'at', partitionBy: 'page',
 *   aggregate: { clicks: count(), meanMs: avg('ms') },
 * });
 * for (const w of perMinute) console.log(w.windowStart, w.page, w.clicks, w.meanMs);
 * ```
 */
export function tumblingWindows<
  R extends object,
  const A extends AggregateSpec<R>,
  const P extends string | readonly string[] = never,
>(
  source: AsyncIterable<R>,
  options: TumblingOptions<R, A, P>,
): AsyncIterable<WindowRow<A, R, P>>;
export function tumblingWindows<
  R extends object,
  const A extends AggregateSpec<R>,
  const P extends string | readonly string[] = never,
>(
  source: Iterable<R>,
  options: TumblingOptions<R, A, P>,
): Iterable<WindowRow<A, R, P>>;
export function tumblingWindows<
  R extends object,
  const A extends AggregateSpec<R>,
  const P extends string | readonly string[] = never,
>(
  source: Source<R>,
  options: TumblingOptions<R, A, P>,
): Iterable<WindowRow<A, R, P>> | AsyncIterable<WindowRow<A, R, P>>;
export function tumblingWindows<
  R extends object,
  const A extends AggregateSpec<R>,
  const P extends string | readonly string[] = never,
>(
  source: Source<R>,
  options: TumblingOptions<R, A, P>,
): Iterable<WindowRow<A, R, P>> | AsyncIterable<WindowRow<A, R, P>> {
  assertSource(NAME, source);
  const o = checkObject(NAME, 'options', options);
  checkKnownOptions(NAME, o, TUMBLING_OPTIONS);
  const size = checkNumber(NAME, 'size', o.size, { min: 0, exclusiveMin: true, max: Number.MAX_SAFE_INTEGER });
  const offset = checkNumber(NAME, 'offset', o.offset, { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }, 0);
  let outOfOrderness = 0;
  let allowedLateness = 0;
  const watermark = o.watermark !== undefined;
  if (watermark) {
    const w = checkObject(NAME, 'option "watermark"', o.watermark);
    checkKnownOptions(NAME, w, WATERMARK_OPTIONS, 'watermark.');
    const rule = { min: 0, max: Number.MAX_SAFE_INTEGER };
    outOfOrderness = checkNumber(NAME, 'watermark.outOfOrderness', w.outOfOrderness, rule);
    allowedLateness = checkNumber(NAME, 'watermark.allowedLateness', w.allowedLateness, rule, 0);
  }
  // Every boundary the operator computes stays within |time| + margin.
  const margin = size + Math.abs(offset) + (watermark ? outOfOrderness + allowedLateness + 1 : 0);
  const what = watermark
    ? `size + |offset| + watermark.outOfOrderness + watermark.allowedLateness + 1 (${margin})`
    : `size + |offset| (${margin})`;
  if (!(margin <= Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`${NAME}: options ${what.replace(/ \(.*/, '')} must be at most Number.MAX_SAFE_INTEGER (got ${margin})`);
  }
  const time = checkTime<TimeAccessor<R>>(NAME, o.time);
  const config: Config<R> = {
    size,
    offset,
    timeColumn: typeof time === 'string' ? time : undefined,
    readTime: timeReader(time, { margin, what }),
    keyOf: partitionKey(checkColumns(NAME, 'partitionBy', o.partitionBy, false)),
    aggregates: compileAggregates(NAME, o.aggregate),
    onLate: checkFunction<OnLate<R>>(NAME, 'onLate', o.onLate),
  };
  const create: () => RowProcessor<R, Record<string, unknown>> = watermark
    ? () => new WatermarkTumbling(config, outOfOrderness, allowedLateness)
    : () => new KdaTumbling(config);
  return runOperator(source, create) as Iterable<WindowRow<A, R, P>> | AsyncIterable<WindowRow<A, R, P>>;
}
