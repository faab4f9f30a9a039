import { describe, expect, it } from 'vitest';
import { count, LateRowError, staggerWindows, sum } from '../../src/stream/index.js';
import { collect, deepFreeze, toAsync, tracked, untouchable, utc } from './helpers.js';

describe('staggerWindows', () => {
  it('the KDA example: one-minute stagger per key', () => {
    const rows = [
      { at: '2018-11-01 11:00:20', key: '11:00' },
      { at: '2018-11-01 11:00:30', key: '11:00' },
      { at: '2018-11-01 11:00:45', key: '11:00' },
      { at: '2018-11-01 11:01:15', key: '11:01' },
    ];
    const out = [...staggerWindows(rows, { range: 60_000, partitionBy: 'key', time: 'at', aggregate: { n: count() } })];
    expect(out).toEqual([
      { windowStart: utc('2018-11-01 11:00:20'), windowEnd: utc('2018-11-01 11:01:20'), key: '11:00', n: 3 },
      { windowStart: utc('2018-11-01 11:01:15'), windowEnd: utc('2018-11-01 11:02:15'), key: '11:01', n: 1 },
    ]);
  });

  it('time is global: a row of any key at or past windowEnd closes it', () => {
    const rows = [
      { t: 0, k: 'a', v: 1 },
      { t: 5, k: 'b', v: 2 },
      { t: 9, k: 'a', v: 3 },
      { t: 10, k: 'c', v: 4 }, // closes a's [0, 10)
      { t: 11, k: 'a', v: 5 }, // opens a's [11, 21)
      { t: 30, k: 'c', v: 6 }, // closes b [5, 15), c [10, 20), a [11, 21); opens c [30, 40)
    ];
    const { source, read } = tracked(rows);
    const it = staggerWindows(source, { range: 10, partitionBy: 'k', time: 't', aggregate: { s: sum('v') } })[Symbol.iterator]();
    expect(it.next().value).toEqual({ windowStart: 0, windowEnd: 10, k: 'a', s: 4 });
    expect(read()).toBe(4);
    const rest = [...{ [Symbol.iterator]: () => it }];
    expect(rest).toEqual([
      { windowStart: 5, windowEnd: 15, k: 'b', s: 2 },
      { windowStart: 10, windowEnd: 20, k: 'c', s: 4 },
      { windowStart: 11, windowEnd: 21, k: 'a', s: 5 },
      { windowStart: 30, windowEnd: 40, k: 'c', s: 6 },
    ]);
  });

  it('windows closed together with the same end and start follow key first appearance', () => {
    const rows = [
      { t: 0, k: 'x' },
      { t: 1, k: 'y' },
      { t: 2, k: 'z' },
      { t: 50, k: 'z' },
      { t: 50, k: 'y' },
      { t: 50, k: 'x' },
    ];
    const out = [...staggerWindows(rows, { range: 10, partitionBy: 'k', time: 't', aggregate: { n: count() } })];
    expect(out.map((r) => [r.windowStart, r.k])).toEqual([
      [0, 'x'],
      [1, 'y'],
      [2, 'z'],
      [50, 'x'],
      [50, 'y'],
      [50, 'z'],
    ]);
  });

  it('several partition columns', () => {
    const rows = [
      { t: 0, a: 1, b: 'p' },
      { t: 1, a: 1, b: 'q' },
      { t: 2, a: 1, b: 'p' },
    ];
    const out = [...staggerWindows(rows, { range: 10, partitionBy: ['a', 'b'], time: 't', aggregate: { n: count() } })];
    expect(out).toEqual([
      { windowStart: 0, windowEnd: 10, a: 1, b: 'p', n: 2 },
      { windowStart: 1, windowEnd: 11, a: 1, b: 'q', n: 1 },
    ]);
  });

  it('late rows: before the open window, inside a closed window, or already over', () => {
    const rows = [
      { t: 10, k: 'a' },
      { t: 5, k: 'a' }, // before a's open window [10, 20)
      { t: 25, k: 'b' }, // closes a
      { t: 15, k: 'a' }, // inside a's closed window
      { t: 14, k: 'c' }, // [14, 24) would end before 25
      { t: 20, k: 'a' }, // ok: opens [20, 30)
    ];
    const late: unknown[] = [];
    const out = [
      ...staggerWindows(rows, { range: 10, partitionBy: 'k', time: 't', aggregate: { n: count() }, onLate: (r) => late.push(r) }),
    ];
    expect(late).toEqual([rows[1], rows[3], rows[4]]);
    expect(out.map((r) => [r.windowStart, r.k, r.n])).toEqual([
      [10, 'a', 1],
      [20, 'a', 1],
      [25, 'b', 1],
    ]);
    expect(() => [...staggerWindows(rows, { range: 10, partitionBy: 'k', time: 't', aggregate: { n: count() } })]).toThrow(
      LateRowError,
    );
  });

  it('async in, async out; no mutation', async () => {
    const rows = deepFreeze([{ t: 0, k: 'a' }, { t: 1, k: 'a' }]);
    const out = await collect(staggerWindows(toAsync(rows), { range: 5, partitionBy: 'k', time: 't', aggregate: { n: count() } }));
    expect(out).toEqual([{ windowStart: 0, windowEnd: 5, k: 'a', n: 2 }]);
    expect(rows).toEqual([{ t: 0, k: 'a' }, { t: 1, k: 'a' }]);
  });

  it('validates at the call', () => {
    type O = Parameters<typeof staggerWindows>[1];
    const call = (o: unknown) => () => staggerWindows(untouchable, o as O);
    expect(call({ range: 10, aggregate: { n: count() } })).toThrow(/option "partitionBy" is required/);
    expect(call({ range: 10, partitionBy: [], aggregate: { n: count() } })).toThrow(RangeError);
    expect(call({ range: 0, partitionBy: 'k', aggregate: { n: count() } })).toThrow(
      'staggerWindows: option "range" must be a finite number greater than 0 and at most 9007199254740991 (got 0)',
    );
    expect(call({ range: '1m', partitionBy: 'k', aggregate: { n: count() } })).toThrow(TypeError);
  });
});
