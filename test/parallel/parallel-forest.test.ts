/**
 * The parallel forest gives scores bit-identical to the single-threaded forest with the same seed,
 * whatever the number of workers and the batch sizes. The workers run the compiled code in dist/
 * (built by `npm test` before the tests run), the reference runs the sources.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RandomCutForest } from '../../src/forest/forest.js';
import type { RandomCutForestOptions } from '../../src/forest/options.js';
import { ParallelForest } from '../../src/parallel/parallel-forest.js';
import { mulberry32 } from '../forest/helpers.js';

const root = join(import.meta.dirname, '..', '..');

beforeAll(() => {
  // The workers load dist/src/parallel/worker.js, which `npm test` builds first. (Not rebuilt here:
  // rewriting dist/ while other test files spawn the CLI from it would race.)
  const worker = join(root, 'dist', 'src', 'parallel', 'worker.js');
  if (!existsSync(worker)) throw new Error(`${worker} is missing: run npm run build (npm test does) first`);
});

/** Noisy triangle waves with spikes and a coarse grid (duplicates), from integer arithmetic only. */
function data(rows: number, dims: number, seed: number): number[][] {
  const rnd = mulberry32(seed);
  const out: number[][] = [];
  for (let t = 0; t < rows; t++) {
    const rec: number[] = [];
    for (let j = 0; j < dims; j++) {
      const period = 30 + 7 * j;
      let v = Math.abs(((t + 3 * j) % period) - period / 2) / period + 0.1 * rnd();
      if (rnd() < 0.01) v += 3;
      rec.push(Math.round(v * 32) / 32);
    }
    out.push(rec);
  }
  return out;
}

function single(options: RandomCutForestOptions, rows: number[][]): Float64Array {
  const forest = new RandomCutForest(options);
  return Float64Array.from(rows, (r) => forest.process(r));
}

const opened: ParallelForest[] = [];
afterAll(async () => {
  await Promise.all(opened.map((f) => f.close()));
});

async function parallel(options: RandomCutForestOptions, workers: number, rows: number[][], batch: number): Promise<Float64Array> {
  const forest = await ParallelForest.create({ ...options, workers });
  opened.push(forest);
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i += batch) out.set(await forest.processBatch(rows.slice(i, i + batch)), i);
  await forest.close();
  return out;
}

describe('ParallelForest', () => {
  const cases: { name: string; options: RandomCutForestOptions; rows: number }[] = [
    { name: '1 value, 10 trees, 32 samples', options: { dimensions: 1, numberOfTrees: 10, subSampleSize: 32, timeDecay: 200, seed: 7 }, rows: 600 },
    { name: '2 values, shingle 4, 7 trees, 16 samples', options: { dimensions: 2, shingleSize: 4, numberOfTrees: 7, subSampleSize: 16, timeDecay: 100, seed: 'par' }, rows: 500 },
    { name: '3 values, 6 trees, 64 samples, boxCacheMinMass 8', options: { dimensions: 3, numberOfTrees: 6, subSampleSize: 64, timeDecay: 400, boxCacheMinMass: 8, seed: 'box' }, rows: 600 },
  ];
  for (const c of cases) {
    it(`${c.name}: bit-identical to the single-threaded forest with 1, 2 and 3 workers`, async () => {
      const rows = data(c.rows, c.options.dimensions, 99);
      const expected = single(c.options, rows);
      expect(expected.some((s) => s > 0)).toBe(true);
      for (const [workers, batch] of [[1, 1000], [2, 37], [3, 128]] as const) {
        const got = await parallel(c.options, workers, rows, batch);
        expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
      }
    });
  }

  it('scoreBatch, updateBatch and reset match score, update and a new forest', async () => {
    const options: RandomCutForestOptions = { dimensions: 3, numberOfTrees: 5, subSampleSize: 16, timeDecay: 100, seed: 3 };
    const rows = data(300, 3, 5);
    const ref = new RandomCutForest(options);
    const par = await ParallelForest.create({ ...options, workers: 2 });
    opened.push(par);
    await par.updateBatch(rows.slice(0, 200));
    for (const r of rows.slice(0, 200)) ref.update(r);
    const got = await par.scoreBatch(rows.slice(200));
    const expected = Float64Array.from(rows.slice(200), (r) => ref.score(r));
    expect(Array.from(got)).toEqual(Array.from(expected));
    expect(got.some((s) => s > 0)).toBe(true);
    // reset: a fresh forest with the same seed gives the same scores again
    await par.reset();
    const fresh = new RandomCutForest(options);
    const again = await par.processBatch(rows);
    expect(Array.from(again)).toEqual(rows.map((r) => fresh.process(r)));
  });

  it('rejects a bad record before learning anything, and bad options', async () => {
    const par = await ParallelForest.create({ dimensions: 2, numberOfTrees: 2, subSampleSize: 8, timeDecay: 50, seed: 1, workers: 2 });
    opened.push(par);
    await expect(par.processBatch([[1, 2], [3]])).rejects.toThrow(/record 1 must have 2 values/);
    await expect(par.processBatch([[1, Number.NaN]])).rejects.toThrow(/finite/);
    expect(Array.from(await par.processBatch([[1, 2]]))).toEqual([0]);
    await expect(ParallelForest.create({ dimensions: 1, workers: 0 })).rejects.toThrow(/workers/);
  });
});
