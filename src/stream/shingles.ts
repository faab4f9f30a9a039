/**
 * Shingling: the last `size` items of a stream as one array.
 * @module
 */
import { assertSource, runOperator, type RowProcessor, type Source } from './source.js';
import { checkNumber } from './validate.js';

class Shingler<T> implements RowProcessor<T, T[]> {
  private readonly ring: T[] = [];
  private next = 0;

  constructor(private readonly size: number) {}

  push(item: T): T[][] {
    const { ring, size } = this;
    if (ring.length < size) ring.push(item);
    else ring[this.next] = item;
    this.next = (this.next + 1) % size;
    if (ring.length < size) return [];
    const shingle = new Array<T>(size);
    for (let i = 0; i < size; i++) shingle[i] = ring[(this.next + i) % size] as T;
    return [shingle];
  }

  end(): T[][] {
    return [];
  }
}

/**
 * Shingles: once `size` items have arrived, yields for each new item a new array of the last `size`
 * items, oldest first (the input RANDOM_CUT_FOREST sees with `shingleSize`). Sync in, sync out; async
 * in, async out.
 *
 * @param size Number of items per shingle, an integer >= 1.
 * @throws TypeError for a source that is not iterable (or a string); RangeError for a bad `size`.
 * @example
 * ```ts
 * [...shingles([1, 2, 3, 4], 3)]; // [[1, 2, 3], [2, 3, 4]]
 * ```
 */
export function shingles<T>(source: AsyncIterable<T>, size: number): AsyncIterable<T[]>;
export function shingles<T>(source: Iterable<T>, size: number): Iterable<T[]>;
export function shingles<T>(source: Source<T>, size: number): Iterable<T[]> | AsyncIterable<T[]>;
export function shingles<T>(source: Source<T>, size: number): Iterable<T[]> | AsyncIterable<T[]> {
  assertSource('shingles', source);
  const checked = checkNumber('shingles', 'size', size, { min: 1, integer: true });
  return runOperator(source, () => new Shingler<T>(checked));
}
