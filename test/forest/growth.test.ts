/**
 * Memory follows the content (item 13): the point store, the trees' node arrays, the samplers and the
 * box pools grow with the points learnt, up to the declared maxima, instead of being allocated at
 * those maxima up front; and the scores are bit for bit those of the layout allocated up front. The
 * hashes below were recorded with the arrays allocated at their maxima (before growth existed), on
 * configurations whose sample sizes span several growth steps, with duplicates, shingles, one
 * coordinate, a cache of nothing, and a restore half way.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RandomCutForest } from '../../src/forest/forest.js';
import type { RandomCutForestOptions } from '../../src/forest/options.js';
import { mulberry32 } from './helpers.js';

function data(rows: number, dims: number, seed: number, levels: number): number[][] {
  const rnd = mulberry32(seed);
  return Array.from({ length: rows }, (_, t) =>
    Array.from({ length: dims }, (_, j) => {
      let v = Math.abs(((t + 5 * j) % (50 + 9 * j)) - 25) / 25 + 0.3 * rnd();
      if (rnd() < 0.004) v += 4;
      return levels > 0 ? Math.round(v * levels) / levels : v;
    }),
  );
}

function hash(scores: Float64Array): string {
  return createHash('sha256').update(new Uint8Array(scores.buffer)).digest('hex').slice(0, 32);
}

interface Case {
  name: string;
  options: RandomCutForestOptions;
  rows: number;
  levels: number;
  /** Restore through toJSON / fromJSON (JSON text) after this many records. */
  restoreAt?: number;
  expected: string;
}

const cases: Case[] = [
  { name: '2 values, 700 samples, grid (duplicates)', options: { dimensions: 2, numberOfTrees: 3, subSampleSize: 700, timeDecay: 3000, seed: 21 }, rows: 4000, levels: 8, expected: '1f1f34e5cd741fb0a4f9c0e6383ba05c' },
  { name: '1 value, 1100 samples, boxCacheMinMass 3', options: { dimensions: 1, numberOfTrees: 2, subSampleSize: 1100, timeDecay: 5000, seed: 22, boxCacheMinMass: 3 }, rows: 4000, levels: 0, expected: 'a7efb8dbf966a113667df70a43484c6c' },
  { name: '1 value, 2000 samples, default (no cache)', options: { dimensions: 1, numberOfTrees: 2, subSampleSize: 2000, timeDecay: 9000, seed: 23 }, rows: 5000, levels: 16, expected: '0eb9fde7bed2d16a6960521a38389386' },
  { name: '3 values x shingle 2, 600 samples, restored half way', options: { dimensions: 3, shingleSize: 2, numberOfTrees: 4, subSampleSize: 600, timeDecay: 2500, seed: 24 }, rows: 3000, levels: 0, restoreAt: 700, expected: '49767449518399c7e9b2fca046ec39f1' },
  { name: '4 values, 4096 samples, boxCacheMinMass 40, restored early', options: { dimensions: 4, numberOfTrees: 1, subSampleSize: 4096, timeDecay: 20000, seed: 25, boxCacheMinMass: 40 }, rows: 6000, levels: 4, restoreAt: 300, expected: '30694dffb968ecd6d657649d3192944a' },
];

describe('growing arrays keep the scores of the arrays allocated up front', () => {
  for (const c of cases) {
    it(c.name, () => {
      const rows = data(c.rows, c.options.dimensions, 7, c.levels);
      let forest = new RandomCutForest(c.options);
      const scores = new Float64Array(rows.length);
      rows.forEach((r, i) => {
        if (i === c.restoreAt) forest = RandomCutForest.fromJSON(JSON.parse(JSON.stringify(forest)));
        scores[i] = forest.process(r);
      });
      const got = hash(scores);
      if (process.env.GOLDEN_PRINT) console.log(JSON.stringify({ name: c.name, got }));
      expect(got).toBe(c.expected);
    });
  }
});
