import { describe, expect, it } from 'vitest';
import {
  count,
  InvalidRowError,
  RandomCutForest,
  randomCutForest,
  randomCutForestWithExplanation,
  slidingWindows,
  staggerWindows,
  sum,
  tumblingWindows,
} from '../../src/index.js';

/** A row with an own property for every key (JSON.parse defines "__proto__" as a plain property). */
const row = (fields: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
};
const fromJson = (text: string) => JSON.parse(text) as Record<string, unknown>;

type Rows = Record<string, unknown>[];
/** The three window operators, partitioned by `column`, counting rows and summing v. */
const windowOps: [string, (rows: Rows, column: string | string[]) => Record<string, unknown>[]][] = [
  ['tumblingWindows', (rows, column) => [...tumblingWindows(rows, { size: 10, time: 't', partitionBy: column, aggregate: { n: count(), s: sum('v') } })]],
  ['staggerWindows', (rows, column) => [...staggerWindows(rows, { range: 10, time: 't', partitionBy: column, aggregate: { n: count(), s: sum('v') } })]],
  ['slidingWindows', (rows, column) => [...slidingWindows(rows, { range: 10 }, { time: 't', partitionBy: column, aggregate: { n: count(), s: sum('v') } })]],
];

describe('"__proto__" and other Object.prototype names are ordinary columns', () => {
  for (const [name, op] of windowOps) {
    for (const column of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      it(`${name}: partitionBy ${JSON.stringify(column)} keeps the column and separates its keys`, () => {
        const rows = [row({ t: 1, [column]: 'x', v: 1 }), row({ t: 2, [column]: 'y', v: 2 }), row({ t: 3, [column]: 'x', v: 4 })];
        const out = op(rows, column);
        for (const r of out) {
          expect(Object.getPrototypeOf(r)).toBe(null);
          expect(Object.keys(r)).toContain(column);
        }
        const last = new Map(out.map((r) => [r[column], r]));
        expect([...last.keys()].sort()).toEqual(['x', 'y']);
        expect(last.get('x')).toMatchObject({ n: 2, s: 5 });
        expect(last.get('y')).toMatchObject({ n: 1, s: 2 });
      });
    }

    for (const column of ['__proto__', 'constructor', 'toString']) {
      it(`${name}: a row without an own ${JSON.stringify(column)} has the key undefined (not what Object.prototype holds)`, () => {
        const out = op([{ t: 1, v: 1 }, row({ t: 2, [column]: 'x', v: 2 })], column);
        expect(out.map((r) => r[column])).toEqual([undefined, 'x']);
      });
    }
  }

  it('time column, aggregated column and aggregate name "__proto__"', () => {
    const rows = [fromJson('{"__proto__": 1, "k": "a"}'), fromJson('{"__proto__": 12, "k": "a"}')];
    const spec = Object.defineProperty({}, '__proto__', { value: sum('__proto__'), enumerable: true }) as Record<string, ReturnType<typeof sum>>;
    const out = [...tumblingWindows(rows, { size: 10, time: '__proto__', aggregate: spec })];
    expect(out.map((r) => [r.windowStart, r['__proto__']])).toEqual([[0, 1], [10, 12]]);
    expect(out.every((r) => Object.getPrototypeOf(r) === null)).toBe(true);
    const sliding = [...slidingWindows(rows, { rows: 1 }, { aggregate: { total: sum('__proto__') } })];
    expect(sliding.map((r) => [r.total, r['__proto__']])).toEqual([[1, 1], [13, 12]]);
  });

  it('the forest operators score a numeric column named "__proto__" and return null-prototype rows', () => {
    const rows = Array.from({ length: 40 }, (_, i) => fromJson(`{"__proto__": ${Math.sin(i)}, "b": ${i % 5}, "tag": "r${i}"}`));
    const options = { numberOfTrees: 5, subSampleSize: 10, timeDecay: 100, seed: 1 };
    const forest = new RandomCutForest({ dimensions: 2, ...options });
    const expected = rows.map((r) => forest.process([r['__proto__'] as number, r.b as number]));
    for (const columns of [undefined, ['__proto__', 'b']]) {
      const out = [...randomCutForest(rows, { ...options, ...(columns ? { columns } : {}) })];
      expect(out.map((r) => r.ANOMALY_SCORE)).toEqual(expected);
      expect(out.every((r) => Object.getPrototypeOf(r) === null && Object.keys(r)[0] === '__proto__')).toBe(true);
    }
    const explained = [...randomCutForestWithExplanation(rows, options)];
    expect(Object.keys(JSON.parse(explained[30]!.ANOMALY_EXPLANATION) as object)).toEqual(['__proto__', 'b']);
    // a row without an own "__proto__" is missing that column, not holding Object.prototype
    expect(() => [...randomCutForest([{ b: 1 }], { ...options, columns: ['__proto__', 'b'] })]).toThrow(
      'row 1: column "__proto__" is not a finite number (got undefined)',
    );
    const skipped = [...randomCutForest([1 as unknown as object], { ...options, columns: ['a'], invalidRows: 'skip' })];
    expect(Object.getPrototypeOf(skipped[0])).toBe(null);
  });
});

describe('partition keys must be primitives', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const bad: [string, unknown][] = [
    ['a plain object', { a: 1 }],
    ['another plain object', { b: 2 }],
    ['an object holding a bigint', { n: 1n }],
    ['a cyclic object', cyclic],
    ['an array', [1, 2]],
    ['a Map', new Map([[1, 2]])],
    ['a Set', new Set([1])],
    ['a symbol', Symbol('k')],
    ['a function', () => 1],
    ['an Invalid Date', new Date(NaN)],
  ];
  for (const [name, op] of windowOps) {
    for (const [label, value] of bad) {
      it(`${name}: ${label} is an InvalidRowError naming the row and the column`, () => {
        const rows = [row({ t: 1, k: 'ok', v: 1 }), row({ t: 2, k: value, v: 1 })];
        let error: unknown;
        try {
          op(rows, ['k']);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(InvalidRowError);
        expect(error).toMatchObject({ row: 2, column: 'k' });
        expect((error as Error).message).toMatch(/^row 2: column "k" is not a valid partition key: it must be a string, number, boolean, bigint, null, undefined or a valid Date/);
      });
    }

    it(`${name}: primitives compare as Map keys; "1", 1 and 1n, null and undefined are distinct`, () => {
      const keys: unknown[] = ['1', 1, 1n, null, undefined, true, 'true', NaN, NaN, 0, -0, new Date(5), new Date(5)];
      const rows = keys.map((k, i) => row({ t: 1 + i / 100, k, v: 1 }));
      const out = op(rows, 'k');
      const groups = new Map<string, number>();
      for (const r of out) groups.set(String(typeof r.k) + String(r.k instanceof Date ? r.k.getTime() : r.k), r.n as number);
      expect(groups.size).toBe(10);
      expect(groups.get('numberNaN')).toBe(2);
      expect(groups.get('number0')).toBe(2);
      expect(groups.get('object5')).toBe(2);
      expect(groups.get('undefinedundefined')).toBe(1);
      expect(groups.get('objectnull')).toBe(1);
    });
  }
});
