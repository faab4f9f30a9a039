/**
 * Sources and the sync / async wrapping shared by every streaming operator.
 *
 * Every operator is written once, as a {@link RowProcessor} that takes rows one at a time, and wrapped
 * by {@link runOperator}: a sync iterable in gives a sync iterable out, an async iterable (or one that
 * is both) gives an async iterable out.
 * @module
 */

/** Anything the operators accept as input: an `Iterable` or an `AsyncIterable` (async wins if both). */
export type Source<T> = Iterable<T> | AsyncIterable<T>;

/**
 * Whether `value` is an async iterable (has a `Symbol.asyncIterator` method).
 *
 * @example
 * ```ts
 * isAsyncIterable([1, 2]);                         // false
 * isAsyncIterable((async function* () {})());      // true
 * ```
 */
export function isAsyncIterable<T>(value: unknown): value is AsyncIterable<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Whether `value` is a sync iterable other than a string.
 *
 * @example
 * ```ts
 * isIterable([1, 2]); // true
 * isIterable('ab');   // false: a string is not a source
 * ```
 */
export function isIterable<T>(value: unknown): value is Iterable<T> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

/**
 * Throws a `TypeError` unless `source` is an iterable or async iterable; a string is rejected.
 *
 * @param operator Name of the calling operator, for the message.
 * @example
 * ```ts
 * assertSource('shingles', [1, 2, 3]); // ok
 * assertSource('shingles', 'abc');     // TypeError: shingles: source must be an Iterable or AsyncIterable of rows, not a string
 * ```
 */
export function assertSource(operator: string, source: unknown): asserts source is Source<unknown> {
  if (typeof source === 'string') {
    throw new TypeError(`${operator}: source must be an Iterable or AsyncIterable of rows, not a string`);
  }
  if (!isAsyncIterable(source) && !isIterable(source)) {
    throw new TypeError(
      `${operator}: source must be an Iterable or AsyncIterable of rows (got ${source === null ? 'null' : typeof source})`,
    );
  }
}

/**
 * The core of an operator: a state machine fed one input at a time. `push` returns the outputs the
 * input releases (possibly none); `end` returns what the end of the input releases.
 */
export interface RowProcessor<In, Out> {
  push(input: In): Out[];
  end(): Out[];
}

function* runSync<In, Out>(source: Iterable<In>, processor: RowProcessor<In, Out>): Generator<Out, void, undefined> {
  for (const input of source) yield* processor.push(input);
  yield* processor.end();
}

async function* runAsync<In, Out>(
  source: AsyncIterable<In>,
  processor: RowProcessor<In, Out>,
): AsyncGenerator<Out, void, undefined> {
  for await (const input of source) yield* processor.push(input);
  yield* processor.end();
}

/**
 * Wraps a processor factory into an iterable of the same kind as `source`. The result can be iterated
 * again (each iteration creates a fresh processor and iterates `source` again). Breaking out of the
 * loop closes the source's iterator.
 *
 * @example
 * ```ts
 * const doubled = runOperator([1, 2], () => ({ push: (x: number) => [2 * x], end: () => [] }));
 * [...(doubled as Iterable<number>)]; // [2, 4]
 * ```
 */
export function runOperator<In, Out>(source: AsyncIterable<In>, create: () => RowProcessor<In, Out>): AsyncIterable<Out>;
export function runOperator<In, Out>(source: Iterable<In>, create: () => RowProcessor<In, Out>): Iterable<Out>;
export function runOperator<In, Out>(
  source: Source<In>,
  create: () => RowProcessor<In, Out>,
): Iterable<Out> | AsyncIterable<Out>;
export function runOperator<In, Out>(
  source: Source<In>,
  create: () => RowProcessor<In, Out>,
): Iterable<Out> | AsyncIterable<Out> {
  if (isAsyncIterable<In>(source)) {
    return { [Symbol.asyncIterator]: () => runAsync(source, create()) };
  }
  const sync = source as Iterable<In>;
  return { [Symbol.iterator]: () => runSync(sync, create()) };
}

/**
 * `R` without the keys `K`, keeping both its named properties and its index signature (unlike `Omit`,
 * which drops named properties of a type with an index signature).
 * @example
 * ```ts
 * type Row = Without<{ a: number; ANOMALY_SCORE: string }, 'ANOMALY_SCORE'>; // { a: number }
 * ```
 */
export type Without<R, K extends PropertyKey> = { [P in keyof R as P extends K ? never : P]: R[P] };
