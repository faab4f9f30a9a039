import { it, expectTypeOf } from 'vitest';
import { count, sum, tumblingWindows, slidingWindows, type Reducer } from '../../src/stream/index.js';
it('infers output types from the aggregate option', () => {
  const rows = [{ t: 1, k: 'a', x: 2 }];
  const out = [...tumblingWindows(rows, { size: 5, time: 't', aggregate: { n: count(), s: sum('x'), c: { init: () => 0, add: (s: number) => s + 1, result: (s: number) => s * 2 } } })];
  expectTypeOf(out[0]!.n).toEqualTypeOf<number>();
  expectTypeOf(out[0]!.s).toEqualTypeOf<number | null>();
  expectTypeOf(out[0]!.c).toEqualTypeOf<number>();
  expectTypeOf(out[0]!.windowStart).toEqualTypeOf<number>();
  const r: Reducer<number, { x: number }, string> = { init: () => 0, add: (s, row) => s + row.x, result: (s) => String(s) };
  const sl = [...slidingWindows(rows, { rows: 2 }, { aggregate: { r, x: count() } })];
  expectTypeOf(sl[0]!.r).toEqualTypeOf<string>();
  expectTypeOf(sl[0]!.k).toEqualTypeOf<string>();
  expectTypeOf(sl[0]!.x).toEqualTypeOf<number>();
});
