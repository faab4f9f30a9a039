import { describe, expect, it } from 'vitest';
import { shingles } from '../../src/stream/index.js';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

describe('shingles', () => {
  it('yields the last size items, oldest first, once size items have arrived', () => {
    expect([...shingles([1, 2, 3, 4, 5], 3)]).toEqual([
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 5],
    ]);
    expect([...shingles([1, 2], 3)]).toEqual([]);
    expect([...shingles([7, 8], 1)]).toEqual([[7], [8]]);
  });

  it('yields new arrays', () => {
    const out = [...shingles([1, 2, 3, 4], 2)];
    out[0]![0] = 99;
    expect(out).toEqual([
      [99, 2],
      [2, 3],
      [3, 4],
    ]);
  });

  it('is lazy and can be iterated again over a re-iterable source', () => {
    const s = shingles([1, 2, 3], 2);
    expect([...s]).toEqual([...s]);
  });

  it('async in, async out', async () => {
    async function* gen() {
      yield 'a';
      yield 'b';
      yield 'c';
    }
    const out = shingles(gen(), 2);
    expect(Symbol.asyncIterator in out).toBe(true);
    expect(await collect(out)).toEqual([
      ['a', 'b'],
      ['b', 'c'],
    ]);
  });

  it('validates at the call', () => {
    expect(() => shingles('abc' as unknown as string[], 2)).toThrow(TypeError);
    expect(() => shingles(42 as unknown as number[], 2)).toThrow(TypeError);
    expect(() => shingles([1], 0)).toThrow(RangeError);
    expect(() => shingles([1], 1.5)).toThrow(/option "size" must be an integer at least 1 \(got 1.5\)/);
    expect(() => shingles([1], '2' as unknown as number)).toThrow(TypeError);
  });
});
