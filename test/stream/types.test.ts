import { it, expectTypeOf } from 'vitest';
import { avg, count, max, sum, staggerWindows, tumblingWindows, slidingWindows, type Reducer } from '../../src/stream/index.js';
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

it('window rows are typed from the aggregate spec and the partition columns: unknown fields do not compile', () => {
  const rows = [{ t: 1, host: 'a', page: 2, value: 3 }];
  const [w] = [...tumblingWindows(rows, { size: 5, time: 't', partitionBy: 'host', aggregate: { avg_value: avg('value'), n: count() } })];
  expectTypeOf(w!.avg_value).toEqualTypeOf<number | null>();
  expectTypeOf(w!.n).toEqualTypeOf<number>();
  expectTypeOf(w!.host).toEqualTypeOf<string>();
  // @ts-expect-error: no such field
  void w!.zzz;
  // @ts-expect-error: value is not a partition column nor an aggregate
  void w!.value;
  const [u] = [...tumblingWindows(rows, { size: 5, time: 't', aggregate: { n: count() } })];
  // @ts-expect-error: no partitionBy, so no host
  void u!.host;
  const [s] = [...staggerWindows(rows, { range: 5, time: 't', partitionBy: ['host', 'page'], aggregate: { top: max('value') } })];
  expectTypeOf(s!.host).toEqualTypeOf<string>();
  expectTypeOf(s!.page).toEqualTypeOf<number>();
  expectTypeOf(s!.top).toEqualTypeOf<number | null>();
  // @ts-expect-error: no such field
  void s!.zzz;
});
