/**
 * Aggregators for the window operators: `count`, `sum`, `avg`, `min`, `max`, `stddev`, `first`, `last`,
 * and custom reducers.
 *
 * As in SQL, the column aggregates ignore `null` (and missing) values; an aggregate over no values is
 * `null` (`count` is 0); `stddev` is the sample standard deviation and `null` for fewer than two values.
 * A value that is neither null nor a finite number (or bigint, converted) in `sum`, `avg`, `min`,
 * `max` or `stddev` raises an {@link InvalidRowError}. `first` and `last` take any non-null value.
 *
 * In sliding windows the built-in aggregators are incremental, O(1) amortised per row and without
 * rescans: `count` keeps counters; `sum`, `avg` and `stddev` keep a two-stack queue of partial moments
 * (count, compensated sum, mean, sum of squared deviations) merged with Chan's formula, so a row leaving
 * the window is never subtracted and no rounding error builds up; `min` and `max` keep monotonic
 * deques; `first` and `last` a queue of the non-null values.
 * @module
 */
import { Deque } from './collections.js';
import { describeValue, InvalidRowError } from './errors.js';
import { field } from './records.js';

declare const resultType: unique symbol;

/** The built-in aggregator kinds. */
export type AggregatorKind = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'stddev' | 'first' | 'last';

/**
 * A built-in aggregator, made by {@link count}, {@link sum}, {@link avg}, {@link min}, {@link max},
 * {@link stddev}, {@link first} or {@link last}. `T` is the type of its result.
 */
export interface Aggregator<T = unknown> {
  readonly kind: AggregatorKind;
  /** The aggregated column (`undefined` for `count()`). */
  readonly column: string | undefined;
  /** Phantom: the result type. Never set. */
  readonly [resultType]?: T;
}

/**
 * A custom aggregate: `init()` gives the state of an empty window, `add` folds a row in, `remove`
 * (optional) takes the oldest row out, `result` reads the state. States may be mutated and returned.
 * Without `remove`, a sliding window rebuilds the state from its rows when rows have left it.
 *
 * @example
 * ```ts
 * const distinctUsers: Reducer<Set<string>, { user: string }, number> = {
 *   init: () => new Set(),
 *   add: (set, row) => set.add(row.user),
 *   result: (set) => set.size,
 * };
 * ```
 */
export interface Reducer<S, R = Record<string, unknown>, T = unknown> {
  init(): S;
  add(state: S, row: R): S;
  remove?(state: S, row: R): S;
  result(state: S): T;
}

/** The `aggregate` option: output names mapped to aggregators or reducers. */
export type AggregateSpec<R = Record<string, unknown>> = {
  readonly [name: string]: Aggregator<unknown> | Reducer<unknown, R, unknown>;
};

/** The result type of one aggregator or reducer. */
export type AggregateResult<X> =
  X extends Aggregator<infer T> ? T : X extends { result(state: never): infer T } ? T : unknown;

/** The output fields an `aggregate` option adds. */
export type AggregateResults<A> = { -readonly [K in keyof A]: AggregateResult<A[K]> };

class BuiltinAggregator<T> implements Aggregator<T> {
  declare readonly [resultType]?: T;
  constructor(
    readonly kind: AggregatorKind,
    readonly column: string | undefined,
  ) {}
}

function make<T>(kind: AggregatorKind, column: unknown, optional = false): Aggregator<T> {
  if (column === undefined && optional) return new BuiltinAggregator<T>(kind, undefined);
  if (typeof column !== 'string') {
    throw new TypeError(`${kind}: column must be a column name (got ${describeValue(column)})`);
  }
  return new BuiltinAggregator<T>(kind, column);
}

/**
 * `COUNT(*)` with no column: the number of rows; `COUNT(column)`: the number of non-null values.
 *
 * @example
 * ```ts
 * [...tumblingWindows(rows, { size: 60_000, time: 't', aggregate: { rows: count(), clicks: count('click') } })];
 * ```
 */
export function count(column?: string): Aggregator<number> {
  return make<number>('count', column, true);
}

/**
 * `SUM(column)`: the sum of the non-null values (compensated summation), `null` if none.
 *
 * @example
 * ```ts
 * [...slidingWindows(rows, { rows: 2 }, { aggregate: { total: sum('bytes') } })];
 * ```
 */
export function sum(column: string): Aggregator<number | null> {
  return make<number | null>('sum', column);
}

/**
 * `AVG(column)`: the mean of the non-null values, `null` if none.
 *
 * @example
 * ```ts
 * [...tumblingWindows(rows, { size: 60_000, time: 't', aggregate: { meanLatency: avg('latency') } })];
 * ```
 */
export function avg(column: string): Aggregator<number | null> {
  return make<number | null>('avg', column);
}

/**
 * `MIN(column)`: the smallest non-null value, `null` if none.
 *
 * @example
 * ```ts
 * [...slidingWindows(rows, { range: 5_000 }, { time: 't', aggregate: { low: min('price') } })];
 * ```
 */
export function min(column: string): Aggregator<number | null> {
  return make<number | null>('min', column);
}

/**
 * `MAX(column)`: the largest non-null value, `null` if none.
 *
 * @example
 * ```ts
 * [...slidingWindows(rows, { range: 5_000 }, { time: 't', aggregate: { high: max('price') } })];
 * ```
 */
export function max(column: string): Aggregator<number | null> {
  return make<number | null>('max', column);
}

/**
 * `STDDEV_SAMP(column)`: the sample standard deviation of the non-null values (divisor n - 1), `null`
 * for fewer than two values.
 *
 * @example
 * ```ts
 * [...tumblingWindows(rows, { size: 60_000, time: 't', aggregate: { spread: stddev('latency') } })];
 * ```
 */
export function stddev(column: string): Aggregator<number | null> {
  return make<number | null>('stddev', column);
}

/**
 * `FIRST_VALUE(column)` ignoring nulls: the column's first non-null value in the window, `null` if none.
 *
 * @example
 * ```ts
 * [...tumblingWindows(rows, { size: 60_000, time: 't', aggregate: { open: first('price'), close: last('price') } })];
 * ```
 */
export function first(column: string): Aggregator<unknown> {
  return make<unknown>('first', column);
}

/**
 * `LAST_VALUE(column)` ignoring nulls: the column's last non-null value in the window, `null` if none.
 *
 * @example
 * ```ts
 * [...tumblingWindows(rows, { size: 60_000, time: 't', aggregate: { close: last('price') } })];
 * ```
 */
export function last(column: string): Aggregator<unknown> {
  return make<unknown>('last', column);
}

// ---------------------------------------------------------------------------------------------------
// Internals: compiled aggregates and their accumulators.

/** @internal The state of one aggregate over one window. */
export interface Accumulator {
  /** Adds the newest row; `value` is what the aggregate's `read` returned for it. */
  add(value: unknown, row: object): void;
  /** Removes the oldest row (sliding windows only). */
  remove(row: object): void;
  result(): unknown;
}

/** @internal An aggregate ready to run. */
export interface CompiledAggregate {
  readonly name: string;
  /** Reads and validates the row's value (throws {@link InvalidRowError}). */
  read(row: object, position: number): unknown;
  /** A fresh accumulator; `sliding` accumulators support `remove`. */
  create(sliding: boolean): Accumulator;
}

function readAny(column: string): (row: object) => unknown {
  return (row) => {
    const value = field(row, column);
    return value === undefined ? null : value;
  };
}

function readNumber(column: string): (row: object, position: number) => number | null {
  return (row, position) => {
    const value = field(row, column);
    if (value === null || value === undefined) return null;
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return value;
    } else if (typeof value === 'bigint') {
      return Number(value);
    }
    throw new InvalidRowError(position, column, value);
  };
}

/** Partial moments of a set of numbers: count, compensated sum, mean, sum of squared deviations. */
interface Moments {
  n: number;
  s: number;
  c: number;
  mean: number;
  m2: number;
}

const emptyMoments = (): Moments => ({ n: 0, s: 0, c: 0, mean: 0, m2: 0 });

/** Adds `x` to `m` in place (Neumaier sum, Welford update). */
function addValue(m: Moments, x: number): void {
  const t = m.s + x;
  m.c += Math.abs(m.s) >= Math.abs(x) ? m.s - t + x : x - t + m.s;
  m.s = t;
  m.n++;
  const d = x - m.mean;
  m.mean += d / m.n;
  m.m2 += d * (x - m.mean);
}

/** Merges two disjoint sets' moments (Chan et al.) into `out`. */
function merge(a: Moments, b: Moments, out: Moments): Moments {
  if (a.n === 0) return Object.assign(out, b);
  if (b.n === 0) return Object.assign(out, a);
  const n = a.n + b.n;
  const delta = b.mean - a.mean;
  const t = a.s + b.s;
  const err = Math.abs(a.s) >= Math.abs(b.s) ? a.s - t + b.s : b.s - t + a.s;
  out.c = a.c + b.c + err;
  out.s = t;
  out.mean = a.mean + (delta * b.n) / n;
  out.m2 = a.m2 + b.m2 + ((delta * delta * a.n) / n) * b.n;
  out.n = n;
  return out;
}

/**
 * A FIFO of numbers (or nulls) with O(1) amortised push, shift and moments, by the two-stack method:
 * new values go on the back stack with a running aggregate; when the front is empty, the back is moved
 * over, computing suffix aggregates once per value. Nothing is ever subtracted.
 */
class MomentsQueue {
  private backValues: (number | null)[] = [];
  private back = emptyMoments();
  private front: Moments[] = [];
  private frontLength = 0;
  private readonly scratch = emptyMoments();

  push(x: number | null): void {
    this.backValues.push(x);
    if (x !== null) addValue(this.back, x);
  }

  shift(): void {
    if (this.frontLength === 0) this.flip();
    if (this.frontLength > 0) this.frontLength--;
  }

  moments(): Moments {
    if (this.frontLength === 0) return this.back;
    return merge(this.front[this.frontLength - 1] as Moments, this.back, this.scratch);
  }

  private flip(): void {
    const values = this.backValues;
    const k = values.length;
    while (this.front.length < k) this.front.push(emptyMoments());
    let previous: Moments | undefined;
    for (let j = 0; j < k; j++) {
      const slot = this.front[j] as Moments;
      if (previous === undefined) Object.assign(slot, emptyMoments());
      else Object.assign(slot, previous);
      const x = values[k - 1 - j] as number | null;
      if (x !== null) addValue(slot, x);
      previous = slot;
    }
    this.frontLength = k;
    this.backValues = [];
    this.back = emptyMoments();
  }
}

type MomentsKind = 'sum' | 'avg' | 'stddev';

function momentsResult(kind: MomentsKind, m: Moments): number | null {
  switch (kind) {
    case 'sum':
      return m.n === 0 ? null : m.s + m.c;
    case 'avg':
      return m.n === 0 ? null : (m.s + m.c) / m.n;
    case 'stddev':
      return m.n < 2 ? null : Math.sqrt(Math.max(0, m.m2) / (m.n - 1));
  }
}

function momentsAccumulator(kind: MomentsKind, sliding: boolean): Accumulator {
  if (!sliding) {
    const m = emptyMoments();
    return {
      add: (value) => {
        if (value !== null) addValue(m, value as number);
      },
      remove: () => {
        throw new Error('remove on a non-sliding accumulator');
      },
      result: () => momentsResult(kind, m),
    };
  }
  const queue = new MomentsQueue();
  return {
    add: (value) => queue.push(value as number | null),
    remove: () => queue.shift(),
    result: () => momentsResult(kind, queue.moments()),
  };
}

function countAccumulator(ofColumn: boolean, sliding: boolean): Accumulator {
  let n = 0;
  const present = sliding && ofColumn ? new Deque<boolean>() : undefined;
  return {
    add: (value) => {
      const counts = !ofColumn || value !== null;
      if (counts) n++;
      present?.push(counts);
    },
    remove: () => {
      if (present === undefined ? true : present.shift() === true) n--;
    },
    result: () => n,
  };
}

interface Entry {
  seq: number;
  value: unknown;
}

function extremeAccumulator(isMin: boolean, sliding: boolean): Accumulator {
  if (!sliding) {
    let best: number | null = null;
    return {
      add: (value) => {
        const x = value as number | null;
        if (x !== null && (best === null || (isMin ? x < best : x > best))) best = x;
      },
      remove: () => {
        throw new Error('remove on a non-sliding accumulator');
      },
      result: () => best,
    };
  }
  // Monotonic deque: values strictly improving from back to front; front is the extreme.
  const deque = new Deque<Entry>();
  let added = 0;
  let removed = 0;
  return {
    add: (value) => {
      const seq = added++;
      const x = value as number | null;
      if (x === null) return;
      for (let back = deque.back(); back !== undefined; back = deque.back()) {
        const y = back.value as number;
        if (isMin ? y >= x : y <= x) deque.pop();
        else break;
      }
      deque.push({ seq, value: x });
    },
    remove: () => {
      const seq = removed++;
      if (deque.front()?.seq === seq) deque.shift();
    },
    result: () => deque.front()?.value ?? null,
  };
}

function firstLastAccumulator(isFirst: boolean, sliding: boolean): Accumulator {
  if (!sliding) {
    let value: unknown = null;
    return {
      add: (v) => {
        if (v !== null && (!isFirst || value === null)) value = v;
      },
      remove: () => {
        throw new Error('remove on a non-sliding accumulator');
      },
      result: () => value,
    };
  }
  const queue = new Deque<Entry>();
  let added = 0;
  let removed = 0;
  return {
    add: (value) => {
      const seq = added++;
      if (value !== null) queue.push({ seq, value });
    },
    remove: () => {
      const seq = removed++;
      if (queue.front()?.seq === seq) queue.shift();
    },
    result: () => (isFirst ? queue.front() : queue.back())?.value ?? null,
  };
}

function reducerAccumulator(reducer: Reducer<unknown, object, unknown>, sliding: boolean): Accumulator {
  let state = reducer.init();
  if (!sliding || reducer.remove !== undefined) {
    return {
      add: (_value, row) => {
        state = reducer.add(state, row);
      },
      remove: (row) => {
        state = (reducer.remove as NonNullable<typeof reducer.remove>).call(reducer, state, row);
      },
      result: () => reducer.result(state),
    };
  }
  // No remove: keep the rows and rebuild the state when rows have left the window.
  const rows = new Deque<object>();
  let stale = false;
  return {
    add: (_value, row) => {
      rows.push(row);
      if (!stale) state = reducer.add(state, row);
    },
    remove: () => {
      rows.shift();
      stale = true;
    },
    result: () => {
      if (stale) {
        state = reducer.init();
        for (let i = 0; i < rows.length; i++) state = reducer.add(state, rows.at(i) as object);
        stale = false;
      }
      return reducer.result(state);
    },
  };
}

function isReducer(value: unknown): value is Reducer<unknown, object, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.init === 'function' &&
    typeof r.add === 'function' &&
    typeof r.result === 'function' &&
    (r.remove === undefined || typeof r.remove === 'function')
  );
}

/**
 * Validates and compiles the `aggregate` option.
 * @internal
 */
export function compileAggregates(operator: string, spec: unknown): CompiledAggregate[] {
  if (spec === undefined) {
    throw new TypeError(`${operator}: option "aggregate" is required: an object mapping output names to aggregators`);
  }
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new TypeError(
      `${operator}: option "aggregate" must be an object mapping output names to aggregators (got ${describeValue(spec)})`,
    );
  }
  return Object.entries(spec).map(([name, aggregator]): CompiledAggregate => {
    if (aggregator instanceof BuiltinAggregator) {
      const kind = aggregator.kind;
      const column = aggregator.column;
      switch (kind) {
        case 'count':
          return column === undefined
            ? { name, read: () => null, create: (sliding) => countAccumulator(false, sliding) }
            : { name, read: readAny(column), create: (sliding) => countAccumulator(true, sliding) };
        case 'sum':
        case 'avg':
        case 'stddev':
          return { name, read: readNumber(column as string), create: (sliding) => momentsAccumulator(kind, sliding) };
        case 'min':
        case 'max':
          return { name, read: readNumber(column as string), create: (sliding) => extremeAccumulator(kind === 'min', sliding) };
        case 'first':
        case 'last':
          return { name, read: readAny(column as string), create: (sliding) => firstLastAccumulator(kind === 'first', sliding) };
      }
    }
    if (isReducer(aggregator)) {
      return { name, read: () => null, create: (sliding) => reducerAccumulator(aggregator, sliding) };
    }
    throw new TypeError(
      `${operator}: option "aggregate.${name}" must be an aggregator (count, sum, avg, min, max, stddev, first, last) ` +
        `or a reducer { init, add, remove?, result } (got ${describeValue(aggregator)})`,
    );
  });
}

/**
 * The accumulators of one window, reading each row's values before changing any state so that an
 * invalid row leaves the window untouched.
 * @internal
 */
export class WindowAggregates {
  private readonly accumulators: Accumulator[];

  constructor(
    private readonly aggregates: readonly CompiledAggregate[],
    sliding: boolean,
  ) {
    this.accumulators = aggregates.map((a) => a.create(sliding));
  }

  /** Reads and validates the row's values (throws {@link InvalidRowError}); changes nothing. */
  read(row: object, position: number): unknown[] {
    return this.aggregates.map((a) => a.read(row, position));
  }

  add(values: readonly unknown[], row: object): void {
    for (let i = 0; i < this.accumulators.length; i++) (this.accumulators[i] as Accumulator).add(values[i], row);
  }

  /** Removes the oldest row. */
  remove(row: object): void {
    for (const accumulator of this.accumulators) accumulator.remove(row);
  }

  /** Writes the results into `out`, after its existing fields. */
  writeResults(out: Record<string, unknown>): Record<string, unknown> {
    for (let i = 0; i < this.accumulators.length; i++) {
      out[(this.aggregates[i] as CompiledAggregate).name] = (this.accumulators[i] as Accumulator).result();
    }
    return out;
  }
}

/**
 * Reads a row's values for all aggregates without an accumulator (for validation before state changes).
 * @internal
 */
export function readValues(aggregates: readonly CompiledAggregate[], row: object, position: number): unknown[] {
  return aggregates.map((a) => a.read(row, position));
}
