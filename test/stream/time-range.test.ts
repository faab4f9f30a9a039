import { describe, expect, it } from 'vitest';
import { count, InvalidRowError, slidingWindows, staggerWindows, tumblingWindows } from '../../src/index.js';
import { untouchable } from './helpers.js';

const MAX = Number.MAX_SAFE_INTEGER;
const aggregate = { n: count() };
type Row = { t: unknown };
const tumbling = (rows: Row[], o: object = {}) => [...tumblingWindows(rows, { size: 1000, time: 't', aggregate, ...o })];
const stagger = (rows: Row[], o: object = {}) => [...staggerWindows(rows, { range: 1000, time: 't', partitionBy: 'k', aggregate, ...o })];
const sliding = (rows: Row[], o: object = {}) => [...slidingWindows(rows, { range: 1000 }, { time: 't', aggregate, ...o })];

function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('times outside the representable range are refused, never placed in [t, t) windows or called late', () => {
  const operators: [string, (rows: Row[], o?: object) => unknown[], number][] = [
    ['tumblingWindows', tumbling, 1000],
    ['staggerWindows', stagger, 1000],
    ['slidingWindows', sliding, 1000],
  ];
  for (const [name, op, margin] of operators) {
    it(`${name}: |t| + margin beyond Number.MAX_SAFE_INTEGER is an InvalidRowError naming the row, column, value and range`, () => {
      for (const t of [2 ** 53, 2 ** 53 * 1000, -(2 ** 60), MAX - margin + 1, Number.MAX_VALUE, 2n ** 60n, 9007199254740993n]) {
        const e = errorOf(() => op([{ t: 0 }, { t }]));
        expect(e, String(t)).toBeInstanceOf(InvalidRowError);
        expect(e).toMatchObject({ row: 2, column: 't', value: t });
        expect((e as Error).message).toContain(`is outside the supported time range [-${MAX - margin}, ${MAX - margin}]`);
        expect((e as Error).message).toContain('must be at most Number.MAX_SAFE_INTEGER');
      }
    });

    it(`${name}: the largest accepted times give proper windows`, () => {
      const top = MAX - margin;
      const out = op([{ t: -top }, { t: top - 1 }, { t: top }]) as Record<string, number>[];
      expect(out.length).toBeGreaterThan(0);
      for (const w of out) if ('windowStart' in w) expect(w.windowEnd - w.windowStart).toBe(margin);
    });

    it(`${name}: a window too small for the time's magnitude is refused (no [t, t) window)`, () => {
      const tiny = name === 'slidingWindows' ? { range: 0.001 } : name === 'staggerWindows' ? { range: 0.001 } : { size: 0.001 };
      const run = () =>
        name === 'slidingWindows'
          ? [...slidingWindows([{ t: 1e15 }], { range: 0.001 }, { time: 't', aggregate })]
          : op([{ t: 1e15 }], tiny);
      const e = errorOf(run);
      expect(e).toBeInstanceOf(InvalidRowError);
      expect((e as Error).message).toMatch(/^row 1: column "t" cannot (be placed in|anchor) a window/);
      // the same window size is fine at ordinary magnitudes
      const ok = name === 'slidingWindows' ? [...slidingWindows([{ t: 5 }], { range: 0.001 }, { time: 't', aggregate })] : op([{ t: 5 }], tiny);
      expect(ok).toHaveLength(1);
    });
  }

  it('a time function returning an out-of-range time names the function', () => {
    const e = errorOf(() => [...tumblingWindows([{ x: 1 }], { size: 10, time: () => 2 ** 53, aggregate })]);
    expect(e).toBeInstanceOf(InvalidRowError);
    expect((e as Error).message).toMatch(/^row 1: value returned by the time function is outside the supported time range/);
  });

  it('the margin counts offset, out-of-orderness and allowed lateness', () => {
    const o = { size: 10, offset: -5, watermark: { outOfOrderness: 100, allowedLateness: 50 } };
    const margin = 10 + 5 + 100 + 50 + 1;
    expect(tumbling([{ t: MAX - margin }], o)).toHaveLength(1);
    expect(errorOf(() => tumbling([{ t: MAX - margin + 1 }], o))).toBeInstanceOf(InvalidRowError);
    expect((errorOf(() => tumbling([{ t: MAX }], o)) as Error).message).toContain(
      `|time| + size + |offset| + watermark.outOfOrderness + watermark.allowedLateness + 1 (${margin})`,
    );
  });
});

describe('window sizes and options too big to compute with are refused at the call', () => {
  it('sizes, ranges, offsets, watermark options, rows', () => {
    const tw = (o: object) => () => tumblingWindows(untouchable, { size: 10, aggregate, ...o });
    expect(tw({ size: 2 ** 53 })).toThrow('tumblingWindows: option "size" must be a finite number greater than 0 and at most 9007199254740991 (got 9007199254740992)');
    expect(tw({ size: 1e300 })).toThrow(RangeError);
    expect(tw({ offset: -(2 ** 60) })).toThrow(/option "offset" must be a finite number from -9007199254740991 to 9007199254740991/);
    expect(tw({ size: MAX, offset: 1 })).toThrow(
      'tumblingWindows: options size + |offset| must be at most Number.MAX_SAFE_INTEGER (got 9007199254740992)',
    );
    expect(tw({ watermark: { outOfOrderness: 1e300 } })).toThrow(RangeError);
    expect(tw({ size: MAX - 10, watermark: { outOfOrderness: 5, allowedLateness: 5 } })).toThrow(
      /options size \+ \|offset\| \+ watermark.outOfOrderness \+ watermark.allowedLateness \+ 1 must be at most/,
    );
    expect(() => staggerWindows(untouchable, { range: 2 ** 53, partitionBy: 'k', aggregate })).toThrow(RangeError);
    expect(() => slidingWindows(untouchable, { range: 2 ** 53 }, { aggregate })).toThrow(RangeError);
    expect(() => slidingWindows(untouchable, { rows: 2 ** 53 }, { aggregate })).toThrow(RangeError);
  });
});
