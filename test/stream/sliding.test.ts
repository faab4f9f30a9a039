import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  avg,
  count,
  first,
  last,
  LateRowError,
  max,
  min,
  slidingWindows,
  stddev,
  sum,
  type Reducer,
} from '../../src/stream/index.js';
import { collect, deepFreeze, toAsync, untouchable } from './helpers.js';
import { ALL_AGGREGATES, bruteForce, type Kind } from './brute-force.js';

describe('slidingWindows', () => {
  it('RANGE 5 s counts over rows at t = 1, 2, 6, 7, 8, 8, 8 are 1, 2, 2, 2, 3, 4, 5', () => {
    const rows = [1, 2, 6, 7, 8, 8, 8].map((s) => ({ t: s * 1000 }));
    const out = [...slidingWindows(rows, { range: 5000 }, { time: 't', aggregate: { n: count() } })];
    expect(out.map((r) => r.n)).toEqual([1, 2, 2, 2, 3, 4, 5]);
    expect(out[0]).toEqual({ t: 1000, n: 1 });
  });

  it('ROWS n PRECEDING holds the current row and the n before it', () => {
    const rows = [1, 2, 3, 4, 5, 6].map((v) => ({ v }));
    const out = [...slidingWindows(rows, { rows: 3 }, { aggregate: { n: count(), s: sum('v'), lo: min('v') } })];
    expect(out.map((r) => [r.n, r.s, r.lo])).toEqual([
      [1, 1, 1],
      [2, 3, 1],
      [3, 6, 1],
      [4, 10, 1],
      [4, 14, 2],
      [4, 18, 3],
    ]);
    expect([...slidingWindows(rows, { rows: 0 }, { aggregate: { s: sum('v') } })].map((r) => r.s)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('PARTITION BY: one window per key; output keeps the row fields', () => {
    const rows = [
      { t: 1, k: 'a', v: 1 },
      { t: 2, k: 'b', v: 10 },
      { t: 3, k: 'a', v: 2 },
      { t: 4, k: 'b', v: 20 },
      { t: 7, k: 'a', v: 3 },
    ];
    const out = [...slidingWindows(rows, { range: 5 }, { time: 't', partitionBy: 'k', aggregate: { s: sum('v') } })];
    expect(out).toEqual([
      { t: 1, k: 'a', v: 1, s: 1 },
      { t: 2, k: 'b', v: 10, s: 10 },
      { t: 3, k: 'a', v: 2, s: 3 },
      { t: 4, k: 'b', v: 20, s: 30 },
      { t: 7, k: 'a', v: 3, s: 5 },
    ]);
  });

  it('aggregates win over row fields of the same name', () => {
    const out = [...slidingWindows([{ v: 2 }, { v: 3 }], { rows: 1 }, { aggregate: { v: sum('v') } })];
    expect(out).toEqual([{ v: 2 }, { v: 5 }]);
  });

  it('late rows: older than the latest time of their key', () => {
    const rows = [
      { t: 5, k: 'a' },
      { t: 3, k: 'b' }, // other key: fine
      { t: 4, k: 'a' }, // late
      { t: 5, k: 'a' }, // same time: fine
    ];
    const late: unknown[] = [];
    const out = [
      ...slidingWindows(rows, { range: 10 }, { time: 't', partitionBy: 'k', aggregate: { n: count() }, onLate: (r) => late.push(r) }),
    ];
    expect(out.map((r) => r.n)).toEqual([1, 1, 2]);
    expect(late).toEqual([{ t: 4, k: 'a' }]);
    expect(() => [...slidingWindows(rows, { range: 10 }, { time: 't', partitionBy: 'k', aggregate: { n: count() } })]).toThrow(
      LateRowError,
    );
    // ROWS frames check time order only with a time option
    expect([...slidingWindows(rows, { rows: 1 }, { aggregate: { n: count() } })]).toHaveLength(4);
    expect(() => [...slidingWindows(rows, { rows: 1 }, { time: 't', partitionBy: 'k', aggregate: { n: count() } })]).toThrow(
      /row 3: late row at time 4 \(it is older than the latest time of its key, 5\)/,
    );
  });

  it('custom reducers, with and without remove (remove gets the oldest row first)', () => {
    const removed: number[] = [];
    const withRemove: Reducer<number[], { v: number }, string> = {
      init: () => [],
      add: (s, row) => [...s, row.v],
      remove: (s, row) => {
        removed.push(row.v);
        expect(s[0]).toBe(row.v);
        return s.slice(1);
      },
      result: (s) => s.join(','),
    };
    let inits = 0;
    const withoutRemove: Reducer<number[], { v: number }, string> = {
      init: () => {
        inits++;
        return [];
      },
      add: (s, row) => [...s, row.v],
      result: (s) => s.join(','),
    };
    const rows = [1, 2, 3, 4].map((v) => ({ v }));
    const out = [...slidingWindows(rows, { rows: 1 }, { aggregate: { a: withRemove, b: withoutRemove } })];
    expect(out.map((r) => [r.a, r.b])).toEqual([
      ['1', '1'],
      ['1,2', '1,2'],
      ['2,3', '2,3'],
      ['3,4', '3,4'],
    ]);
    expect(removed).toEqual([1, 2]);
    expect(inits).toBe(3); // one per iteration start + a rebuild after each removal... and no more
  });

  it('uses arrival time without a time option (RANGE)', () => {
    const out = [...slidingWindows([{ v: 1 }, { v: 2 }], { range: 3_600_000 }, { aggregate: { s: sum('v') } })];
    expect(out.map((r) => r.s)).toEqual([1, 3]);
  });

  it('async in, async out', async () => {
    const rows = [1, 2, 3].map((v) => ({ v }));
    const out = slidingWindows(toAsync(rows), { rows: 1 }, { aggregate: { s: sum('v') } });
    expect((await collect(out)).map((r) => r.s)).toEqual([1, 3, 5]);
  });

  it('does not mutate input rows and returns new objects', () => {
    const rows = deepFreeze([{ t: 1, v: 1 }, { t: 2, v: 2 }]);
    const out = [...slidingWindows(rows, { range: 5 }, { time: 't', aggregate: { s: sum('v') } })];
    expect(out[0]).not.toBe(rows[0]);
    expect(rows).toEqual([{ t: 1, v: 1 }, { t: 2, v: 2 }]);
  });

  it('validates at the call', () => {
    type Frame = Parameters<typeof slidingWindows>[1];
    const agg = { aggregate: { n: count() } };
    expect(() => slidingWindows(untouchable, { range: 0 }, agg)).toThrow(RangeError);
    expect(() => slidingWindows(untouchable, { rows: -1 }, agg)).toThrow(/option "rows" must be an integer from 0 to 9007199254740990 \(got -1\)/);
    expect(() => slidingWindows(untouchable, { rows: 1.5 }, agg)).toThrow(RangeError);
    expect(() => slidingWindows(untouchable, { range: '5' } as unknown as Frame, agg)).toThrow(TypeError);
    expect(() => slidingWindows(untouchable, { range: 1, rows: 1 } as unknown as Frame, agg)).toThrow(TypeError);
    expect(() => slidingWindows(untouchable, {} as unknown as Frame, agg)).toThrow(TypeError);
    expect(() => slidingWindows(untouchable, { rows: 1 }, {} as typeof agg)).toThrow(TypeError);
    expect(() => slidingWindows('x' as unknown as [], { rows: 1 }, agg)).toThrow(TypeError);
  });
});

describe('slidingWindows aggregates agree with brute force on random data', () => {
  const kinds: Kind[] = ['count', 'countCol', 'sum', 'avg', 'min', 'max', 'stddev', 'first', 'last'];
  const aggregate = ALL_AGGREGATES;
  const value = fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 4, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
    { weight: 4, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
    { weight: 1, arbitrary: fc.double({ min: -1e12, max: 1e12, noNaN: true }) },
  );
  const rowsArb = fc.array(fc.record({ dt: fc.integer({ min: 0, max: 4 }), k: fc.constantFrom('a', 'b', 'c'), v: value }), {
    maxLength: 120,
  });

  function check(actual: Record<string, unknown>, expected: Record<Kind | 'scale', unknown>): void {
    for (const kind of kinds) {
      const a = actual[kind];
      const e = expected[kind];
      if (typeof e === 'number' && typeof a === 'number') {
        const scale = Math.max(1, Math.abs(e), expected.scale as number);
        expect(Math.abs(a - e), `${kind}: ${a} vs ${e}`).toBeLessThanOrEqual(1e-9 * scale);
      } else {
        expect(a, kind).toEqual(e);
      }
    }
  }

  it('RANGE frames, partitioned', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 1, max: 15 }), (spec, range) => {
        let t = 0;
        const rows = spec.map(({ dt, k, v }) => ({ t: (t += dt), k, v }));
        const out = [...slidingWindows(rows, { range }, { time: 't', partitionBy: 'k', aggregate })];
        expect(out).toHaveLength(rows.length);
        rows.forEach((row, i) => {
          const window = rows.slice(0, i + 1).filter((r) => r.k === row.k && r.t > row.t - range);
          check(out[i]!, bruteForce(window.map((r) => r.v)));
        });
      }),
      { numRuns: 150 },
    );
  });

  it('ROWS frames', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 0, max: 12 }), (spec, n) => {
        const rows = spec.map(({ k, v }) => ({ k, v }));
        const out = [...slidingWindows(rows, { rows: n }, { aggregate })];
        rows.forEach((_, i) => check(out[i]!, bruteForce(rows.slice(Math.max(0, i - n), i + 1).map((r) => r.v))));
      }),
      { numRuns: 150 },
    );
  });

  it('stays accurate over long streams with values of very different magnitudes', () => {
    const rows: { v: number }[] = [];
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 20_000; i++) rows.push({ v: i % 1000 === 0 ? 1e12 * rand() : rand() });
    const out = [...slidingWindows(rows, { rows: 49 }, { aggregate: { s: sum('v'), sd: stddev('v'), m: avg('v') } })];
    const rel = (a: unknown, e: unknown) => Math.abs((a as number) - (e as number)) / Math.max(1e-300, Math.abs(e as number));
    // windows holding a huge value, and windows just after it left (where subtracting it would lose everything)
    for (const i of [999, 1049, 1050, 1051, 5050, 19_999]) {
      const expected = bruteForce(rows.slice(i - 49, i + 1).map((r) => r.v));
      expect(rel(out[i]!.s, expected.sum)).toBeLessThan(1e-12);
      expect(rel(out[i]!.m, expected.avg)).toBeLessThan(1e-12);
      expect(rel(out[i]!.sd, expected.stddev)).toBeLessThan(1e-9);
    }
  });
});
