import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  avg,
  count,
  first,
  InvalidRowError,
  last,
  max,
  min,
  stddev,
  sum,
  tumblingWindows,
  type Reducer,
} from '../../src/stream/index.js';
import { ALL_AGGREGATES, bruteForce, type Kind } from './brute-force.js';

const aggregate = ALL_AGGREGATES;

describe('aggregators', () => {
  it('ignore nulls and missing values; over no values they are null (count is 0)', () => {
    const rows = [{ t: 0, v: null }, { t: 1 }];
    expect([...tumblingWindows(rows, { size: 10, time: 't', aggregate })]).toEqual([
      { windowStart: 0, windowEnd: 10, count: 2, countCol: 0, sum: null, avg: null, min: null, max: null, stddev: null, first: null, last: null },
    ]);
  });

  it('stddev is the sample standard deviation, null for one value', () => {
    const one = [...tumblingWindows([{ t: 0, v: 3 }], { size: 10, time: 't', aggregate: { sd: stddev('v') } })];
    expect(one[0]!.sd).toBeNull();
    const four = [2, 4, 4, 4, 5, 5, 7, 9].map((v) => ({ t: 0, v }));
    expect([...tumblingWindows(four, { size: 10, time: 't', aggregate: { sd: stddev('v') } })][0]!.sd).toBeCloseTo(
      Math.sqrt(32 / 7),
      12,
    );
  });

  it('bigints are numbers; first/last take any non-null value', () => {
    const rows = [{ t: 0, v: 2n, s: null }, { t: 1, v: 3, s: 'x' }, { t: 2, v: null, s: 'y' }];
    const out = [...tumblingWindows(rows, { size: 10, time: 't', aggregate: { total: sum('v'), f: first('s'), l: last('s'), lv: last('v') } })];
    expect(out[0]).toMatchObject({ total: 5, f: 'x', l: 'y', lv: 3 });
  });

  it('a non-null, non-numeric value in a numeric aggregate is an InvalidRowError', () => {
    for (const bad of ['oops', '12', true, NaN, Infinity, {}]) {
      const rows = [{ t: 0, a: 1 }, { t: 1, a: bad }];
      let error: unknown;
      try {
        [...tumblingWindows(rows, { size: 10, time: 't', aggregate: { m: max('a') } })];
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidRowError);
      expect(error).toMatchObject({ row: 2, column: 'a', value: bad });
    }
    expect(() => [...tumblingWindows([{ t: 0, a: 'oops' }], { size: 10, time: 't', aggregate: { m: avg('a') } })]).toThrow(
      'row 1: column "a" is not a finite number (got "oops")',
    );
    // count and first / last accept anything
    expect([...tumblingWindows([{ t: 0, a: 'oops' }], { size: 10, time: 't', aggregate: { c: count('a'), f: first('a') } })]).toEqual([
      { windowStart: 0, windowEnd: 10, c: 1, f: 'oops' },
    ]);
  });

  it('aggregator factories check their column', () => {
    expect(() => sum(3 as unknown as string)).toThrow(TypeError);
    expect(() => count(null as unknown as string)).toThrow(TypeError);
  });

  it('custom reducers in tumbling windows', () => {
    const distinct: Reducer<Set<unknown>, { u: string }, number> = {
      init: () => new Set(),
      add: (s, row) => s.add(row.u),
      result: (s) => s.size,
    };
    const rows = [{ t: 0, u: 'a' }, { t: 1, u: 'b' }, { t: 2, u: 'a' }, { t: 11, u: 'c' }];
    expect([...tumblingWindows(rows, { size: 10, time: 't', aggregate: { users: distinct } })].map((r) => r.users)).toEqual([2, 1]);
  });

  it('tumbling aggregates agree with brute force on random data', () => {
    const value = fc.oneof(
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 4, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
      { weight: 4, arbitrary: fc.double({ min: -1e9, max: 1e9, noNaN: true }) },
    );
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: 0, max: 5 }), k: fc.constantFrom('a', 'b'), v: value }), { maxLength: 100 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: -30, max: 30 }),
        (spec, size, offset) => {
          let t = -50;
          const rows = spec.map(({ dt, k, v }) => ({ t: (t += dt), k, v }));
          const out = [...tumblingWindows(rows, { size, offset, time: 't', partitionBy: 'k', aggregate })];
          // expected: group by (window, key), ordered by window then key first appearance
          const order: string[] = [...new Set(rows.map((r) => r.k))];
          const groups = new Map<string, (number | null)[]>();
          for (const r of rows) {
            const start = r.t - ((((r.t - offset) % size) + size) % size);
            const id = `${start}|${r.k}`;
            groups.set(id, [...(groups.get(id) ?? []), r.v]);
          }
          const ids = [...groups.keys()].sort((x, y) => {
            const [sx, kx] = x.split('|');
            const [sy, ky] = y.split('|');
            return Number(sx) - Number(sy) || order.indexOf(kx!) - order.indexOf(ky!);
          });
          expect(out.map((r) => `${r.windowStart}|${r.k}`)).toEqual(ids);
          ids.forEach((id, i) => {
            const expected = bruteForce(groups.get(id)!);
            for (const kind of Object.keys(aggregate) as Kind[]) {
              const a = out[i]![kind];
              const e = expected[kind];
              if (typeof e === 'number') expect(Math.abs((a as number) - e)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected.scale as number));
              else expect(a).toEqual(e);
            }
            expect(out[i]!.windowEnd - out[i]!.windowStart).toBe(size);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
