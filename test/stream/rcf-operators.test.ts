import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { RandomCutForest } from '../../src/forest/forest.js';
import {
  InvalidRowError,
  randomCutForest,
  randomCutForestWithExplanation,
} from '../../src/stream/index.js';
import { collect, deepFreeze, toAsync, untouchable } from './helpers.js';

const small = { numberOfTrees: 20, subSampleSize: 16, timeDecay: 200, seed: 42 } as const;

function series(n: number, seed = 'rows'): { t: string; host: string; a: number; b: number }[] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    t: `r${i}`,
    host: i % 2 === 0 ? 'x' : 'y',
    a: 10 + Math.sin(i / 5) + 0.1 * rng(),
    b: 100 + 5 * rng(),
  }));
}

type Explanation = Record<string, { DIRECTION?: string; STRENGTH?: string; ATTRIBUTION_SCORE: string }>;

describe('randomCutForest', () => {
  it('scores 0 during warm-up (subSampleSize + shingleSize - 1 rows), then positive scores', () => {
    for (const shingleSize of [1, 3]) {
      const out = [...randomCutForest(series(60), { ...small, shingleSize })];
      const warm = small.subSampleSize + shingleSize - 1;
      expect(out.slice(0, warm).every((r) => r.ANOMALY_SCORE === 0)).toBe(true);
      expect(out.slice(warm).every((r) => r.ANOMALY_SCORE > 0)).toBe(true);
    }
  });

  it('keeps every field, appends ANOMALY_SCORE, returns new objects and never mutates input', () => {
    const rows = deepFreeze(series(30));
    const copy = structuredClone(rows);
    const out = [...randomCutForest(rows, small)];
    expect(out).toHaveLength(30);
    out.forEach((row, i) => {
      expect(row).not.toBe(rows[i]);
      expect(Object.keys(row)).toEqual(['t', 'host', 'a', 'b', 'ANOMALY_SCORE']);
      expect({ ...row, ANOMALY_SCORE: undefined }).toEqual({ ...rows[i], ANOMALY_SCORE: undefined });
    });
    expect(rows).toEqual(copy);
  });

  it('scores the numeric (and bigint) columns of the first row, in key order, like a forest', () => {
    const rows = series(40).map(({ host, a, b }, i) => ({ host, a, n: BigInt(i), b }));
    const out = [...randomCutForest(rows, small)];
    const forest = new RandomCutForest({ dimensions: 3, ...small });
    const expected = rows.map((r) => forest.process([r.a, Number(r.n), r.b]));
    expect(out.map((r) => r.ANOMALY_SCORE)).toEqual(expected);
  });

  it('columns picks and orders the scored columns', () => {
    const rows = series(40);
    const out = [...randomCutForest(rows, { ...small, columns: ['b', 'a'] })];
    const forest = new RandomCutForest({ dimensions: 2, ...small });
    expect(out.map((r) => r.ANOMALY_SCORE)).toEqual(rows.map((r) => forest.process([r.b, r.a])));
  });

  it('same seed, same scores; another seed, other scores', () => {
    const rows = series(80);
    const s1 = [...randomCutForest(rows, small)].map((r) => r.ANOMALY_SCORE);
    const s2 = [...randomCutForest(rows, small)].map((r) => r.ANOMALY_SCORE);
    const s3 = [...randomCutForest(rows, { ...small, seed: 43 })].map((r) => r.ANOMALY_SCORE);
    expect(s1).toEqual(s2);
    expect(s1).not.toEqual(s3);
  });

  it('an invalid row raises InvalidRowError', () => {
    const rows: Record<string, unknown>[] = series(5);
    rows[3] = { ...rows[3], b: 'oops' };
    let error: unknown;
    try {
      [...randomCutForest(rows, small)];
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidRowError);
    expect(error).toMatchObject({ row: 4, column: 'b', value: 'oops', message: 'row 4: column "b" is not a finite number (got "oops")' });
    for (const bad of [null, NaN, Infinity, -1e39, 10n ** 40n, '12', true, undefined]) {
      if (bad === -1e39) {
        const r = series(3).map((x, i) => (i === 1 ? { ...x, a: bad } : x));
        expect(() => [...randomCutForest(r, small)]).toThrow('row 2: column "a" is outside +-3.4028234663852886e+38 (got -1e+39)');
      }
      const r = series(3).map((x, i) => (i === 1 ? { ...x, a: bad } : x));
      expect(() => [...randomCutForest(r, small)]).toThrow(InvalidRowError);
    }
  });

  it('invalidRows "skip": invalid rows pass through with null, untouched forest, not counted in warm-up', () => {
    const clean = series(40);
    const dirty: Record<string, unknown>[] = [];
    clean.forEach((row, i) => {
      dirty.push(row);
      if (i % 7 === 3) dirty.push({ ...row, a: 'n/a' });
      if (i % 11 === 5) dirty.push({ ...row, b: null });
      if (i === 20) dirty.push({ t: 'r0', host: 'z' });
    });
    const expected = [...randomCutForest(clean, small)].map((r) => r.ANOMALY_SCORE);
    const out = [...randomCutForest(dirty, { ...small, invalidRows: 'skip' })];
    expect(out).toHaveLength(dirty.length);
    expect(out.filter((r) => r.ANOMALY_SCORE !== null).map((r) => r.ANOMALY_SCORE)).toEqual(expected);
    expect(out.filter((r) => r.ANOMALY_SCORE === null)).toHaveLength(dirty.length - clean.length);
    expect(out.find((r) => r.a === 'n/a')).toMatchObject({ ANOMALY_SCORE: null });

    const ex = [...randomCutForestWithExplanation(dirty, { ...small, invalidRows: 'skip' })];
    expect(ex.filter((r) => r.ANOMALY_SCORE === null).every((r) => r.ANOMALY_EXPLANATION === null)).toBe(true);
    expect(ex.filter((r) => r.ANOMALY_SCORE !== null).map((r) => r.ANOMALY_SCORE)).toEqual(expected);
  });

  it('async in, async out', async () => {
    const rows = series(30);
    const out = randomCutForest(toAsync(rows), small);
    expect(Symbol.asyncIterator in out).toBe(true);
    expect((await collect(out)).map((r) => r.ANOMALY_SCORE)).toEqual([...randomCutForest(rows, small)].map((r) => r.ANOMALY_SCORE));
  });

  it('validates options at the call, with KDA ranges', () => {
    type O = Parameters<typeof randomCutForest>[1];
    const call = (o: unknown) => () => randomCutForest(untouchable, o as O);
    expect(call({ numberOfTrees: 0 })).toThrow('randomCutForest: option "numberOfTrees" must be an integer from 1 to 1000 (got 0)');
    expect(call({ numberOfTrees: 1001 })).toThrow(RangeError);
    expect(call({ numberOfTrees: '5' })).toThrow(TypeError);
    expect(call({ subSampleSize: 9 })).toThrow(RangeError);
    expect(call({ subSampleSize: 1001 })).toThrow(RangeError);
    expect(call({ subSampleSize: 500, timeDecay: 500 })).toThrow(/"subSampleSize" must be less than timeDecay/);
    expect(call({ timeDecay: 0 })).toThrow(RangeError);
    expect(call({ shingleSize: 31 })).toThrow(RangeError);
    expect(call({ shingleSize: 1.5 })).toThrow(RangeError);
    expect(call({ columns: [] })).toThrow(RangeError);
    expect(call({ columns: Array.from({ length: 31 }, (_, i) => `c${i}`) })).toThrow(RangeError);
    expect(call({ columns: 'a' })).toThrow(TypeError);
    expect(call({ columns: ['a', 'a'] })).toThrow(RangeError);
    expect(call({ invalidRows: 'drop' })).toThrow(RangeError);
    expect(call({ invalidRows: true })).toThrow(TypeError);
    expect(call({ seed: {} })).toThrow(TypeError);
    expect(call({ withDirectionality: 'yes' })).toThrow(TypeError);
    expect(call({ checkpoint: { every: 0, save: () => {} } })).toThrow(RangeError);
    expect(call({ checkpoint: { every: 5 } })).toThrow(TypeError);
    expect(call({ state: [1, 2] })).toThrow(TypeError);
    expect(call(5)).toThrow(TypeError);
    expect(() => randomCutForest('rows' as unknown as [], {})).toThrow(TypeError);
    const wide = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`c${i}`, i]));
    expect(() => [...randomCutForest([wide], small)]).toThrow(/31 numeric columns/);
  });
});

/** The exponentially weighted mean and deviation of xs (last = most recent, weight 1). */
function decayedStats(xs: number[], timeDecay: number): { mean: number; sd: number } {
  const n = xs.length;
  let w = 0;
  let m = 0;
  xs.forEach((x, i) => {
    const weight = Math.exp(-(n - 1 - i) / timeDecay);
    w += weight;
    m += weight * x;
  });
  const mean = m / w;
  const v = xs.reduce((acc, x, i) => acc + Math.exp(-(n - 1 - i) / timeDecay) * (x - mean) ** 2, 0) / w;
  return { mean, sd: Math.sqrt(v) };
}

describe('randomCutForestWithExplanation', () => {
  const FORMAT_DIR = /^\{"a":\{"DIRECTION":"(HIGH|LOW)","STRENGTH":"\d+\.\d{4}","ATTRIBUTION_SCORE":"\d+\.\d{4}"\},"b":\{"DIRECTION":"(HIGH|LOW)","STRENGTH":"\d+\.\d{4}","ATTRIBUTION_SCORE":"\d+\.\d{4}"\}\}$/;

  it("KDA's JSON format: no spaces, 4 decimals, keys in column order", () => {
    const out = [...randomCutForestWithExplanation(series(60), { ...small, withDirectionality: true })];
    for (const row of out) expect(row.ANOMALY_EXPLANATION).toMatch(FORMAT_DIR);
    const plain = [...randomCutForestWithExplanation(series(60), { ...small, columns: ['b', 'a'] })];
    for (const row of plain) {
      expect(row.ANOMALY_EXPLANATION).toMatch(/^\{"b":\{"ATTRIBUTION_SCORE":"\d+\.\d{4}"\},"a":\{"ATTRIBUTION_SCORE":"\d+\.\d{4}"\}\}$/);
    }
    expect(Object.keys(out[50]!)).toEqual(['t', 'host', 'a', 'b', 'ANOMALY_SCORE', 'ANOMALY_EXPLANATION']);
  });

  it('warm-up rows: score 0, LOW, 0.0000, 0.0000', () => {
    const out = [...randomCutForestWithExplanation(series(30), { ...small, shingleSize: 2, withDirectionality: true })];
    for (const row of out.slice(0, small.subSampleSize + 1)) {
      expect(row.ANOMALY_SCORE).toBe(0);
      expect(row.ANOMALY_EXPLANATION).toBe(
        '{"a":{"DIRECTION":"LOW","STRENGTH":"0.0000","ATTRIBUTION_SCORE":"0.0000"},"b":{"DIRECTION":"LOW","STRENGTH":"0.0000","ATTRIBUTION_SCORE":"0.0000"}}',
      );
    }
    expect(out[small.subSampleSize + 1]!.ANOMALY_SCORE).toBeGreaterThan(0);
  });

  it('scores are the same as randomCutForest with the same seed', () => {
    for (const shingleSize of [1, 4]) {
      const rows = series(120);
      const a = [...randomCutForest(rows, { ...small, shingleSize })].map((r) => r.ANOMALY_SCORE);
      const b = [...randomCutForestWithExplanation(rows, { ...small, shingleSize, withDirectionality: true })].map((r) => r.ANOMALY_SCORE);
      expect(b).toEqual(a);
    }
  });

  it('column attributions sum to ANOMALY_SCORE (to rounding), with and without shingling', () => {
    for (const shingleSize of [1, 3]) {
      const out = [...randomCutForestWithExplanation(series(150), { ...small, shingleSize, withDirectionality: true })];
      for (const row of out) {
        const e = JSON.parse(row.ANOMALY_EXPLANATION) as Explanation;
        const total = Object.values(e).reduce((acc, c) => acc + Number(c.ATTRIBUTION_SCORE), 0);
        expect(Math.abs(total - row.ANOMALY_SCORE)).toBeLessThanOrEqual(2 * 0.00005 + 1e-9);
      }
    }
  });

  it('a spike is explained: HIGH for the column that jumped, most of the attribution, large STRENGTH', () => {
    const rows = series(200);
    rows.push({ t: 'r200', host: 'x', a: 10, b: 160 });
    rows.push({ t: 'r201', host: 'x', a: 2, b: 102 });
    const out = [...randomCutForestWithExplanation(rows, { ...small, withDirectionality: true })];
    const spike = JSON.parse(out[200]!.ANOMALY_EXPLANATION) as Explanation;
    expect(spike.b!.DIRECTION).toBe('HIGH');
    expect(Number(spike.b!.ATTRIBUTION_SCORE)).toBeGreaterThan(Number(spike.a!.ATTRIBUTION_SCORE));
    expect(Number(spike.b!.STRENGTH)).toBeGreaterThan(10);
    const dip = JSON.parse(out[201]!.ANOMALY_EXPLANATION) as Explanation;
    expect(dip.a!.DIRECTION).toBe('LOW');
    expect(Number(dip.a!.STRENGTH)).toBeGreaterThan(5);
    expect(out[200]!.ANOMALY_SCORE).toBeGreaterThan(Math.max(...out.slice(20, 200).map((r) => r.ANOMALY_SCORE)));
  });

  it("STRENGTH is the value's distance from its decayed mean, in decayed standard deviations, on DIRECTION's side", () => {
    const timeDecay = 50;
    const rows = series(150, 'strength');
    const out = [...randomCutForestWithExplanation(rows, { ...small, subSampleSize: 10, timeDecay, withDirectionality: true })];
    let checked = 0;
    out.forEach((row, i) => {
      if (row.ANOMALY_SCORE === 0) return;
      const e = JSON.parse(row.ANOMALY_EXPLANATION) as Explanation;
      for (const column of ['a', 'b'] as const) {
        const { mean, sd } = decayedStats(rows.slice(0, i).map((r) => r[column]), timeDecay);
        const z = (rows[i]![column] - mean) / sd;
        const expected = Math.max(0, e[column]!.DIRECTION === 'HIGH' ? z : -z);
        expect(Math.abs(Number(e[column]!.STRENGTH) - expected), `row ${i} ${column}`).toBeLessThanOrEqual(0.00005 + 1e-7 * expected);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(200);
  });
});

describe('checkpoints', () => {
  it('resuming from a checkpoint gives the same rows as an uninterrupted run', async () => {
    const rows = series(160);
    const options = { ...small, shingleSize: 2, withDirectionality: true };
    const saved: [Uint8Array, number][] = [];
    const full = [...randomCutForestWithExplanation(rows, { ...options, checkpoint: { every: 50, save: (b, n) => void saved.push([b, n]) } })];
    expect(saved.map(([, n]) => n)).toEqual([50, 100, 150]);
    const [bytes, seen] = saved[1]!;
    const resumed = [...randomCutForestWithExplanation(rows.slice(seen), { withDirectionality: true, state: bytes, resumeFrom: 'position' })];
    expect(resumed).toEqual(full.slice(seen));

    // async: save is awaited, rowsSeen counts from the first run
    const again: number[] = [];
    await collect(
      randomCutForestWithExplanation(toAsync(rows.slice(seen)), {
        withDirectionality: true,
        state: bytes,
        resumeFrom: 'position',
        checkpoint: { every: 25, save: async (_b, n) => void again.push(n) },
      }),
    );
    expect(again).toEqual([125, 150]);
  });

  it('accepts a bare forest state and checks options against it', () => {
    const rows = series(60);
    const forest = new RandomCutForest({ dimensions: 2, ...small });
    for (const r of rows.slice(0, 30)) forest.process([r.a, r.b]);
    const direct = rows.slice(30).map((r) => forest.process([r.a, r.b]));
    const replay = new RandomCutForest({ dimensions: 2, ...small });
    for (const r of rows.slice(0, 30)) replay.process([r.a, r.b]);
    const out = [...randomCutForest(rows.slice(30), { columns: ['a', 'b'], state: replay.toBytes() })];
    expect(out.map((r) => r.ANOMALY_SCORE)).toEqual(direct);
    expect(() => randomCutForest(rows, { numberOfTrees: 50, state: replay.toBytes() })).toThrow(/differs from the state's/);
    expect(() => randomCutForest(rows, { columns: ['a'], state: replay.toBytes() })).toThrow(RangeError);
  });
});
