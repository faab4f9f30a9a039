import { describe, expect, it } from 'vitest';
import {
  avg,
  count,
  LateRowError,
  max,
  sum,
  tumblingWindows,
  type LateRowInfo,
} from '../../src/stream/index.js';
import { collect, deepFreeze, toAsync, tracked, untouchable, utc } from './helpers.js';

const n = { n: count() };

describe('tumblingWindows (KDA rules)', () => {
  it('aligns windows as STEP: STEP(23 BY 5) = 20', () => {
    const out = [...tumblingWindows([{ t: 21 }, { t: 23 }, { t: 25 }], { size: 5, time: 't', aggregate: n })];
    expect(out).toEqual([
      { windowStart: 20, windowEnd: 25, n: 2 },
      { windowStart: 25, windowEnd: 30, n: 1 },
    ]);
  });

  it('aligns negative times to the epoch and to the offset', () => {
    const rows = [-11, -10, -6, -5, -1, 0, 4].map((t) => ({ t }));
    expect([...tumblingWindows(rows, { size: 5, time: 't', aggregate: n })]).toEqual([
      { windowStart: -15, windowEnd: -10, n: 1 },
      { windowStart: -10, windowEnd: -5, n: 2 },
      { windowStart: -5, windowEnd: 0, n: 2 },
      { windowStart: 0, windowEnd: 5, n: 2 },
    ]);
    expect([...tumblingWindows(rows, { size: 5, offset: 2, time: 't', aggregate: n })]).toEqual([
      { windowStart: -13, windowEnd: -8, n: 2 },
      { windowStart: -8, windowEnd: -3, n: 2 },
      { windowStart: -3, windowEnd: 2, n: 2 },
      { windowStart: 2, windowEnd: 7, n: 1 },
    ]);
  });

  it('FLOOR(ROWTIME TO DAY): a day is emitted only when a row of a later day arrives', () => {
    const rows = [
      { at: '2018-11-01 09:00:00', v: 1 },
      { at: '2018-11-01 17:00:00', v: 2 },
      { at: '2018-11-02 08:00:00', v: 3 },
      { at: '2018-11-03 08:00:00', v: 4 },
      { at: '2018-11-03 23:59:59.999', v: 5 },
    ];
    const day = 86_400_000;
    const { source, read } = tracked(rows);
    const it = tumblingWindows(source, { size: day, time: 'at', aggregate: { n: count(), total: sum('v') } })[
      Symbol.iterator
    ]();
    expect(it.next().value).toEqual({ windowStart: utc('2018-11-01'), windowEnd: utc('2018-11-02'), n: 2, total: 3 });
    expect(read()).toBe(3); // closed by the first row of 11-02
    expect(it.next().value).toEqual({ windowStart: utc('2018-11-02'), windowEnd: utc('2018-11-03'), n: 1, total: 3 });
    expect(read()).toBe(4);
    // 11-03 stays open until a later row or the end of the source
    expect(it.next().value).toEqual({ windowStart: utc('2018-11-03'), windowEnd: utc('2018-11-04'), n: 2, total: 9 });
    expect(read()).toBe(5);
    expect(it.next().done).toBe(true);

    const withNextDay = [...rows, { at: '2018-11-04 00:00:00', v: 6 }];
    const t2 = tracked(withNextDay);
    const it2 = tumblingWindows(t2.source, { size: day, time: 'at', aggregate: n })[Symbol.iterator]();
    it2.next();
    it2.next();
    expect(it2.next().value).toMatchObject({ windowStart: utc('2018-11-03'), n: 2 });
    expect(t2.read()).toBe(6);
  });

  it('partitions: output carries the partition columns; time is global', () => {
    const rows = [
      { t: 0, page: 'a', ms: 10 },
      { t: 1, page: 'b', ms: 20 },
      { t: 2, page: 'a', ms: 30 },
      { t: 12, page: 'b', ms: 40 }, // closes both [0, 10) windows
      { t: 13, page: 'c', ms: 50 },
    ];
    expect([...tumblingWindows(rows, { size: 10, time: 't', partitionBy: 'page', aggregate: { n: count(), ms: avg('ms') } })]).toEqual([
      { windowStart: 0, windowEnd: 10, page: 'a', n: 2, ms: 20 },
      { windowStart: 0, windowEnd: 10, page: 'b', n: 1, ms: 20 },
      { windowStart: 10, windowEnd: 20, page: 'b', n: 1, ms: 40 },
      { windowStart: 10, windowEnd: 20, page: 'c', n: 1, ms: 50 },
    ]);
  });

  it('emits windows closed by the same row by windowEnd, windowStart, then key first appearance', () => {
    const rows = [
      { t: 0, k: 'z' },
      { t: 1, k: 'y' },
      { t: 5, k: 'x' }, // closes nothing (size 10)
      { t: 11, k: 'x' }, // new window for x in [10, 20)
      { t: 12, k: 'y' },
      { t: 3, k: 'w', late: true },
      { t: 40, k: 'q' },
    ];
    const late: unknown[] = [];
    const out = [...tumblingWindows(rows, { size: 10, time: 't', partitionBy: 'k', aggregate: n, onLate: (r) => late.push(r) })];
    expect(out.map((r) => [r.windowStart, r.k])).toEqual([
      [0, 'z'],
      [0, 'y'],
      [0, 'x'],
      [10, 'y'],
      [10, 'x'],
      [40, 'q'],
    ]);
    expect(late).toEqual([{ t: 3, k: 'w', late: true }]);
  });

  it('keys compare by value: Dates by their time, several columns, missing column = undefined', () => {
    const rows = [
      { t: 0, d: new Date(5), k: 1 },
      { t: 1, d: new Date(5), k: 1 },
      { t: 2, d: new Date(5), k: '1' },
      { t: 3, k: 1 },
      { t: 4, k: 1, d: undefined },
    ];
    const out = [...tumblingWindows(rows, { size: 10, time: 't', partitionBy: ['d', 'k'], aggregate: n })];
    expect(out.map((r) => r.n)).toEqual([2, 1, 2]);
    expect(out[0]!.d).toEqual(new Date(5));
    expect(out[1]!.k).toBe('1');
    expect(out[2]).toEqual({ windowStart: 0, windowEnd: 10, d: undefined, k: 1, n: 2 });
  });

  it('late rows go to onLate, or raise LateRowError; never dropped silently', () => {
    const rows = [{ t: 0 }, { t: 7 }, { t: 12 }, { t: 4 }, { t: 13 }];
    const seen: [unknown, LateRowInfo][] = [];
    const out = [...tumblingWindows(rows, { size: 5, time: 't', aggregate: n, onLate: (row, info) => seen.push([row, info]) })];
    expect(out.map((r) => [r.windowStart, r.n])).toEqual([
      [0, 1],
      [5, 1],
      [10, 2],
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toEqual({ t: 4 });
    expect(seen[0]![1]).toMatchObject({ position: 4, time: 4 });

    const error = (() => {
      try {
        [...tumblingWindows(rows, { size: 5, time: 't', aggregate: n })];
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(LateRowError);
    expect(error).toMatchObject({ row: 4, time: 4, record: { t: 4 } });
    expect((error as Error).message).toMatch(/^row 4: late row at time 4 \(.*\); pass onLate/);
  });

  it('a row out of order within its still open window is not late', () => {
    const rows = [{ t: 3 }, { t: 1 }, { t: 4 }, { t: 0 }, { t: 5 }];
    expect([...tumblingWindows(rows, { size: 5, time: 't', aggregate: n })].map((r) => r.n)).toEqual([4, 1]);
  });

  it('a late row before its key\'s open window is late', () => {
    const rows = [{ t: 12, k: 'a' }, { t: 3, k: 'a' }];
    expect(() => [...tumblingWindows(rows, { size: 5, time: 't', partitionBy: 'k', aggregate: n })]).toThrow(
      /before its key's open window \[10, 15\)/,
    );
  });

  it('uses arrival time without a time option', () => {
    const out = [...tumblingWindows([{ a: 1 }, { a: 2 }], { size: 3_600_000, aggregate: { s: sum('a') } })];
    const total = out.reduce((acc, r) => acc + (r.s ?? 0), 0);
    expect(total).toBe(3);
    expect(out[0]!.windowStart).toBeLessThanOrEqual(Date.now());
  });

  it('aggregate names win over partition columns', () => {
    const out = [...tumblingWindows([{ t: 1, k: 'a', v: 3 }], { size: 5, time: 't', partitionBy: 'k', aggregate: { k: max('v') } })];
    expect(out).toEqual([{ windowStart: 0, windowEnd: 5, k: 3 }]);
  });

  it('async in, async out (async wins when a source is both)', async () => {
    const rows = [{ t: 1 }, { t: 6 }];
    const out = tumblingWindows(toAsync(rows), { size: 5, time: 't', aggregate: n });
    expect(Symbol.asyncIterator in out).toBe(true);
    expect(await collect(out)).toEqual([...tumblingWindows(rows, { size: 5, time: 't', aggregate: n })]);

    const both = { [Symbol.iterator]: () => [][Symbol.iterator](), [Symbol.asyncIterator]: () => toAsync(rows) };
    const out2 = tumblingWindows(both as AsyncIterable<{ t: number }>, { size: 5, time: 't', aggregate: n });
    expect(await collect(out2)).toHaveLength(2);
  });

  it('does not mutate input rows', () => {
    const rows = deepFreeze([
      { t: 1, k: 'a', v: 1 },
      { t: 7, k: 'a', v: 2 },
    ]);
    const copy = structuredClone(rows);
    [...tumblingWindows(rows, { size: 5, time: 't', partitionBy: 'k', aggregate: { s: sum('v') } })];
    expect(rows).toEqual(copy);
  });

  it('validates options at the call, before reading any row', () => {
    const call = (o: unknown) => () => tumblingWindows(untouchable, o as Parameters<typeof tumblingWindows>[1]);
    expect(call({ size: 0, aggregate: n })).toThrow(RangeError);
    expect(call({ size: -5, aggregate: n })).toThrow(/tumblingWindows: option "size" must be a finite number greater than 0 and at most 9007199254740991 \(got -5\)/);
    expect(call({ size: Infinity, aggregate: n })).toThrow(RangeError);
    expect(call({ size: '60s', aggregate: n })).toThrow(TypeError);
    expect(call({ size: 5 })).toThrow(/option "aggregate" is required/);
    expect(call({ size: 5, aggregate: { x: 3 } })).toThrow(/option "aggregate.x" must be an aggregator/);
    expect(call({ size: 5, aggregate: n, offset: NaN })).toThrow(RangeError);
    expect(call({ size: 5, aggregate: n, time: 3 })).toThrow(TypeError);
    expect(call({ size: 5, aggregate: n, partitionBy: 3 })).toThrow(TypeError);
    expect(call({ size: 5, aggregate: n, onLate: 'x' })).toThrow(TypeError);
    expect(call({ size: 5, aggregate: n, watermark: { outOfOrderness: -1 } })).toThrow(
      /option "watermark.outOfOrderness" must be a finite number from 0 to 9007199254740991 \(got -1\)/,
    );
    expect(call({ size: 5, aggregate: n, watermark: { outOfOrderness: 1, allowedLateness: -1 } })).toThrow(RangeError);
    expect(call({ size: 5, aggregate: n, watermark: 5 })).toThrow(TypeError);
    expect(() => tumblingWindows('rows' as unknown as [], { size: 5, aggregate: n })).toThrow(TypeError);
    expect(() => tumblingWindows([], undefined as unknown as Parameters<typeof tumblingWindows>[1])).toThrow(TypeError);
  });

  it('raises InvalidRowError for a bad time or a bad row', () => {
    expect(() => [...tumblingWindows([{ t: 1 }, { t: 'soon' }], { size: 5, time: 't', aggregate: n })]).toThrow(
      'row 2: column "t" is not a valid time (got "soon")',
    );
    expect(() => [...tumblingWindows([{ t: 1 }, {}], { size: 5, time: 't', aggregate: n })]).toThrow(
      'row 2: column "t" is not a valid time (got undefined)',
    );
    expect(() => [...tumblingWindows([{ t: 1 }], { size: 5, time: () => NaN, aggregate: n })]).toThrow(
      'row 1: value returned by the time function is not a valid time (got NaN)',
    );
    expect(() => [...tumblingWindows([5 as unknown as object], { size: 5, time: 't', aggregate: n })]).toThrow(
      'row 1: value is not an object (got 5)',
    );
  });
});

describe('tumblingWindows with a watermark (Flink rules)', () => {
  const opts = { size: 10, time: 't', aggregate: { n: count(), s: sum('v') } } as const;

  it('fires a window when the watermark reaches windowEnd - 1; end of source fires the rest', () => {
    const rows = [
      { t: 1, v: 1 },
      { t: 9, v: 2 },
      { t: 12, v: 3 }, // watermark 12 - 2 - 1 = 9 = end - 1: fires [0, 10)
      { t: 8, v: 4 }, // late (allowedLateness 0)
      { t: 15, v: 5 },
    ];
    const late: unknown[] = [];
    const { source, read } = tracked(rows);
    const it = tumblingWindows(source, { ...opts, watermark: { outOfOrderness: 2 }, onLate: (r) => late.push(r) })[
      Symbol.iterator
    ]();
    expect(it.next().value).toEqual({ windowStart: 0, windowEnd: 10, isUpdate: false, n: 2, s: 3 });
    expect(read()).toBe(3);
    expect(it.next().value).toEqual({ windowStart: 10, windowEnd: 20, isUpdate: false, n: 2, s: 8 });
    expect(it.next().done).toBe(true);
    expect(late).toEqual([{ t: 8, v: 4 }]);
  });

  it('out-of-order rows within outOfOrderness are placed before the window fires', () => {
    const rows = [{ t: 1, v: 1 }, { t: 11, v: 2 }, { t: 9, v: 3 }, { t: 13, v: 4 }];
    const out = [...tumblingWindows(rows, { ...opts, watermark: { outOfOrderness: 3 } })];
    expect(out).toEqual([
      { windowStart: 0, windowEnd: 10, isUpdate: false, n: 2, s: 4 },
      { windowStart: 10, windowEnd: 20, isUpdate: false, n: 2, s: 6 },
    ]);
  });

  it('allowedLateness: late rows update and re-emit the window with isUpdate: true, then are late', () => {
    const rows = [
      { t: 1, v: 1 },
      { t: 10, v: 2 }, // watermark 9: fires [0, 10)
      { t: 5, v: 3 }, // within lateness: update
      { t: 14, v: 4 }, // watermark 13: 9 + 5 = 14 > 13, still kept
      { t: 6, v: 5 }, // update again
      { t: 15, v: 6 }, // watermark 14 >= 14: [0, 10) is cleaned up
      { t: 7, v: 7 }, // late
    ];
    const late: unknown[] = [];
    const out = [
      ...tumblingWindows(rows, { ...opts, watermark: { outOfOrderness: 0, allowedLateness: 5 }, onLate: (r) => late.push(r) }),
    ];
    expect(out).toEqual([
      { windowStart: 0, windowEnd: 10, isUpdate: false, n: 1, s: 1 },
      { windowStart: 0, windowEnd: 10, isUpdate: true, n: 2, s: 4 },
      { windowStart: 0, windowEnd: 10, isUpdate: true, n: 3, s: 9 },
      { windowStart: 10, windowEnd: 20, isUpdate: false, n: 3, s: 12 },
    ]);
    expect(late).toEqual([{ t: 7, v: 7 }]);
  });

  it('a first row for an already passed window within the allowed lateness fires it at once', () => {
    const rows = [
      { t: 25, k: 'a', v: 1 }, // watermark 24
      { t: 15, k: 'b', v: 2 }, // window [10, 20): 19 <= 24 fired at once; 19 + 10 > 24 so not late
    ];
    const out = [
      ...tumblingWindows(rows, { ...opts, partitionBy: 'k', watermark: { outOfOrderness: 0, allowedLateness: 10 } }),
    ];
    expect(out).toEqual([
      { windowStart: 10, windowEnd: 20, isUpdate: false, k: 'b', n: 1, s: 2 },
      { windowStart: 20, windowEnd: 30, isUpdate: false, k: 'a', n: 1, s: 1 },
    ]);
  });

  it('keeps several windows per key open and fires them in order', () => {
    const rows = [
      { t: 1, k: 'a', v: 1 },
      { t: 11, k: 'b', v: 1 },
      { t: 21, k: 'a', v: 1 },
      { t: 5, k: 'b', v: 1 },
      { t: 40, k: 'a', v: 1 }, // watermark 9: fires [0, 10) a and b, [10, 20) b, [20, 30) a
    ];
    const out = [...tumblingWindows(rows, { ...opts, partitionBy: 'k', watermark: { outOfOrderness: 30 } })];
    expect(out.map((r) => [r.windowStart, r.k])).toEqual([
      [0, 'a'],
      [0, 'b'],
      [10, 'b'],
      [20, 'a'],
      [40, 'a'],
    ]);
  });

  it('raises LateRowError without onLate', () => {
    const rows = [{ t: 30, v: 1 }, { t: 5, v: 1 }];
    expect(() => [...tumblingWindows(rows, { ...opts, watermark: { outOfOrderness: 0 } })]).toThrow(LateRowError);
  });
});
