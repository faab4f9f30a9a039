import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { RandomCutForest } from '../../src/index.js';
import { checkPools, checkTree } from './helpers.js';

function series(seed: string, n: number, dims: number): number[][] {
  const rnd = seedrandom(seed);
  return Array.from({ length: n }, (_, t) =>
    Array.from({ length: dims }, (_, j) => Math.sin(t / (10 + j)) + 0.1 * rnd() + (rnd() < 0.005 ? 3 : 0)),
  );
}

describe('RandomCutForest options', () => {
  it('fills in KDA defaults', () => {
    const f = new RandomCutForest({ dimensions: 3, seed: 1 });
    expect([f.numberOfTrees, f.subSampleSize, f.timeDecay, f.shingleSize, f.outputAfter]).toEqual([100, 256, 100000, 1, 256]);
    expect(f.seed).toBe('1');
  });

  it.each([
    [{ dimensions: 0 }, RangeError, /option dimensions must be an integer from 1 to 1000, got 0/],
    [{ dimensions: 1.5 }, RangeError, /dimensions.*got 1.5/],
    [{ dimensions: '2' }, TypeError, /option dimensions must be a number, got string "2"/],
    [{ dimensions: 1, numberOfTrees: 0 }, RangeError, /numberOfTrees must be an integer from 1 to 1000, got 0/],
    [{ dimensions: 1, numberOfTrees: 1001 }, RangeError, /numberOfTrees.*got 1001/],
    [{ dimensions: 1, subSampleSize: 1 }, RangeError, /subSampleSize must be an integer from 2 to 4096, got 1/],
    [{ dimensions: 1, subSampleSize: 300, timeDecay: 300 }, RangeError, /timeDecay must be greater than subSampleSize \(300\), got 300/],
    [{ dimensions: 1, timeDecay: NaN }, RangeError, /timeDecay must be a number from 1 to 2147483647, got NaN/],
    [{ dimensions: 1, timeDecay: 2 ** 31 }, RangeError, /timeDecay/],
    [{ dimensions: 1, shingleSize: 0 }, RangeError, /shingleSize must be an integer from 1 to 256, got 0/],
    [{ dimensions: 1, outputAfter: 0 }, RangeError, /outputAfter must be an integer from 1/],
    [{ dimensions: 1, boxCacheMinMass: 0 }, RangeError, /option boxCacheMinMass must be an integer from 1 to 4096, got 0/],
    [{ dimensions: 1, boxCacheMinMass: 2.5 }, RangeError, /boxCacheMinMass.*got 2.5/],
    [{ dimensions: 1, seed: NaN }, RangeError, /seed must be a finite number or a string, got NaN/],
    [{ dimensions: 1, seed: {} }, TypeError, /seed must be a number or a string/],
  ])('rejects %j', (options, type, message) => {
    expect(() => new RandomCutForest(options as never)).toThrow(type);
    expect(() => new RandomCutForest(options as never)).toThrow(message);
  });

  it.each([
    [{ dimensions: 1, numTrees: 5 }, 'numTrees', 'numberOfTrees'],
    [{ dimensions: 1, sampleSize: 64 }, 'sampleSize', 'subSampleSize'],
    [{ dimension: 1 }, 'dimension', 'dimensions'],
    [{ dimensions: 1, shingle_size: 4 }, 'shingle_size', 'shingleSize'],
    [{ dimensions: 1, timedecay: 500 }, 'timedecay', 'timeDecay'],
    [{ dimensions: 1, outputafter: 5 }, 'outputafter', 'outputAfter'],
    [{ dimensions: 1, Seed: 1 }, 'Seed', 'seed'],
    [{ dimensions: 1, boxCacheMass: 3 }, 'boxCacheMass', 'boxCacheMinMass'],
    [{ dimensions: 1, numberOfTrees: 5, numTrees: undefined }, 'numTrees', 'numberOfTrees'],
  ])('refuses the unknown option in %j, naming it and the closest valid one', (options, unknown, closest) => {
    expect(() => new RandomCutForest(options as never)).toThrow(TypeError);
    expect(() => new RandomCutForest(options as never)).toThrow(`unknown option "${unknown}" (did you mean "${closest}"?)`);
  });

  it("accepts KDA's whole ranges", () => {
    expect(() => new RandomCutForest({ dimensions: 30, numberOfTrees: 1000, subSampleSize: 1000, timeDecay: 2147483647, shingleSize: 30 })).not.toThrow();
    expect(() => new RandomCutForest({ dimensions: 1, numberOfTrees: 1, subSampleSize: 10, timeDecay: 11 })).not.toThrow();
  });
});

describe('RandomCutForest records', () => {
  it.each([
    [[1], RangeError, /record must have 2 values \(dimensions\), got 1/],
    [[1, NaN], RangeError, /record\[1\] must be a finite number within \+-3\.4028234663852886e\+38 \(float32 boxes\), got NaN/],
    [[Infinity, 1], RangeError, /record\[0\] must be a finite number within .*, got Infinity/],
    [[1, -1e39], RangeError, /record\[1\] must be a finite number within .*, got -1e\+39/],
    [[3.5e38, 1], RangeError, /record\[0\] must be a finite number within .*, got 3\.5e\+38/],
    [[1, '2'], TypeError, /record\[1\] must be a number, got string 2/],
    [null, TypeError, /record must be an array of 2 numbers/],
  ])('rejects %j and stays unchanged', (bad, type, message) => {
    const data = series('records', 400, 2);
    const a = new RandomCutForest({ dimensions: 2, seed: 9, numberOfTrees: 20 });
    const b = new RandomCutForest({ dimensions: 2, seed: 9, numberOfTrees: 20 });
    for (let i = 0; i < data.length; i++) {
      if (i === 300) {
        for (const op of ['process', 'update', 'score', 'attribution'] as const) {
          expect(() => a[op](bad as never)).toThrow(type);
          expect(() => a[op](bad as never)).toThrow(message);
        }
      }
      expect(a.process(data[i]!)).toBe(b.process(data[i]!));
    }
    expect(a.totalUpdates).toBe(400);
  });

  it('accepts any ArrayLike (typed arrays too)', () => {
    const a = new RandomCutForest({ dimensions: 2, seed: 1, numberOfTrees: 5, subSampleSize: 10, timeDecay: 100 });
    const b = new RandomCutForest({ dimensions: 2, seed: 1, numberOfTrees: 5, subSampleSize: 10, timeDecay: 100 });
    for (const p of series('al', 50, 2)) expect(a.process(Float32Array.from(p))).toBe(b.process(Array.from(Float32Array.from(p))));
  });
});

describe('RandomCutForest behaviour', () => {
  it('scores 0 during warm-up, then non-zero; isReady and totalUpdates follow', () => {
    const f = new RandomCutForest({ dimensions: 1, seed: 1, numberOfTrees: 10 });
    const data = series('warm', 300, 1);
    for (let i = 0; i < 256; i++) {
      expect(f.isReady).toBe(false);
      expect(f.process(data[i]!)).toBe(0);
    }
    expect(f.isReady).toBe(true);
    expect(f.totalUpdates).toBe(256);
    expect(f.process(data[256]!)).toBeGreaterThan(0);
  });

  it('with shingling, the first outputAfter + shingleSize - 1 records score 0', () => {
    const f = new RandomCutForest({ dimensions: 1, shingleSize: 4, seed: 1, numberOfTrees: 10, outputAfter: 20 });
    const scores = series('sh', 40, 1).map((r) => f.process(r));
    expect(scores.slice(0, 23).every((s) => s === 0)).toBe(true);
    expect(scores[23]).toBeGreaterThan(0);
    expect(f.totalUpdates).toBe(37);
    expect(f.recordsProcessed).toBe(40);
  });

  it('same seed, same input: bit-identical scores and attributions; another seed differs', () => {
    const data = series('det', 1500, 3);
    const run = (seed: number | string) => {
      const f = new RandomCutForest({ dimensions: 3, seed, numberOfTrees: 30, subSampleSize: 64, timeDecay: 640 });
      const out: number[] = [];
      for (const r of data) {
        const a = f.attribution(r);
        out.push(f.process(r), ...a.high, ...a.low);
        expect(a.score).toBe(out[out.length - 7]);
      }
      return out;
    };
    const first = run(42);
    expect(run('42')).toEqual(first);
    expect(run(43)).not.toEqual(first);
  });

  it('attribution sums to the score; score() and process() agree and score() learns nothing', () => {
    const f = new RandomCutForest({ dimensions: 2, shingleSize: 3, seed: 5, numberOfTrees: 20, subSampleSize: 32, timeDecay: 320 });
    for (const r of series('attr', 600, 2)) {
      const a = f.attribution(r);
      expect(a.high.length).toBe(6);
      const sum = a.high.reduce((x, y) => x + y, 0) + a.low.reduce((x, y) => x + y, 0);
      expect(sum).toBeCloseTo(a.score, 12);
      const s = f.score(r);
      expect(f.score(r)).toBe(s);
      expect(f.process(r)).toBe(s);
    }
  });

  it('internal and external shingling give identical scores', () => {
    const k = 4;
    const d = 2;
    const data = series('shingle', 800, d);
    const internal = new RandomCutForest({ dimensions: d, shingleSize: k, seed: 11, numberOfTrees: 25, subSampleSize: 64, timeDecay: 1000 });
    const external = new RandomCutForest({ dimensions: d * k, seed: 11, numberOfTrees: 25, subSampleSize: 64, timeDecay: 1000 });
    for (let i = 0; i < data.length; i++) {
      const s = internal.process(data[i]!);
      if (i < k - 1) {
        expect(s).toBe(0);
        continue;
      }
      const shingle = data.slice(i - k + 1, i + 1).flat();
      const ea = external.attribution(shingle);
      expect(s).toBe(external.process(shingle));
      expect(ea.score).toBe(s);
    }
  });

  it('keeps every tree consistent with its sampler and the point store counts', () => {
    const f = new RandomCutForest({ dimensions: 2, seed: 3, numberOfTrees: 8, subSampleSize: 16, timeDecay: 64 });
    const rnd = seedrandom('store');
    for (let i = 0; i < 2000; i++) {
      // repeated values exercise duplicate leaves
      f.update([Math.floor(rnd() * 4), Math.floor(rnd() * 3)]);
    }
    const refs = new Map<number, number>();
    for (let t = 0; t < f.numberOfTrees; t++) {
      const slots = checkTree(f.trees[t]!, f.store, false).sort((a, b) => a - b);
      const sampler = f.samplers[t]!;
      const sampled = Array.from({ length: sampler.size }, (_, i) => f.trees[t]!.leafPoint[sampler.leafAt(i)]!).sort((a, b) => a - b);
      expect(slots).toEqual(sampled);
      for (const s of sampled) refs.set(s, (refs.get(s) ?? 0) + 1);
    }
    checkPools(f.trees);
    for (const [slot, count] of refs) expect(f.store.references(slot)).toBe(count);
    expect(f.store.size).toBe(refs.size);
  });
});
