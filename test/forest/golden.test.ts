/**
 * Golden outputs of the forest, recorded before any performance work: SHA-256 of the Float64Array of
 * every process() score, and of a sample of attributions (score, high, low), for several fixed-seed
 * configurations. Any optimisation of the hot path must keep every one of these bit for bit.
 * Re-recorded once, on purpose, when boxes moved to float32 (rounded outwards): the four cases on
 * non-grid data changed (bench configs: mean score ratio 1.000000, largest relative change 0.26%);
 * the grid cases, whose values float32 holds exactly, did not. Re-recorded a second time when the
 * score climb moved to a branch-free form that sums the extended ranges as (box range sum) +
 * (distance outside): the same numbers up to rounding (largest relative change 6.8e-16 on the
 * bench configs, `bench/score-diff.ts`; visitors.test.ts checks against the plain formula); the
 * A-like and grid cases did not change. Re-recorded a third time when two-point nodes stopped
 * caching a float32 box and took the exact box of their two points instead (changes at float32
 * rounding level: largest relative change 9.8e-4 on the bench configs, mean ratio 1.000000); the
 * grid cases' scores did not change, the large-sample case's attributions did (new split).
 * The inputs use only exact integer arithmetic (no Math.sin / Math.log), so they are identical on
 * every machine. Print fresh hashes with `GOLDEN_PRINT=1 npx vitest run test/forest/golden.test.ts`.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RandomCutForest } from '../../src/forest/forest.js';
import { mulberry32 } from './helpers.js';
import type { RandomCutForestOptions } from '../../src/forest/options.js';
import { Sampler, samplerKey } from '../../src/forest/sampler.js';


/**
 * `rows` records of `dims` values: per column a triangle wave (period 40 + 13 j) plus uniform noise,
 * rare spikes; with `levels` > 0 every value is rounded to a grid of that many steps per unit, which
 * makes exact duplicates (leaf masses > 1) common.
 */
function makeData(rows: number, dims: number, seed: number, levels = 0): number[][] {
  const rnd = mulberry32(seed);
  const out: number[][] = [];
  for (let t = 0; t < rows; t++) {
    const rec: number[] = [];
    for (let j = 0; j < dims; j++) {
      const period = 40 + 13 * j;
      const phase = (t + 7 * j) % period;
      const tri = (2 * Math.abs(phase - period / 2)) / period - 0.5;
      let v = tri + 0.2 * (rnd() - 0.5);
      if (rnd() < 0.003) v += rnd() < 0.5 ? -3 - rnd() : 3 + rnd();
      if (levels > 0) v = Math.round(v * levels) / levels;
      rec.push(v);
    }
    out.push(rec);
  }
  return out;
}

interface GoldenCase {
  name: string;
  options: RandomCutForestOptions;
  rows: number;
  dataSeed: number;
  levels?: number;
  /** Attribution (before process) on every `attributionEvery`-th record. */
  attributionEvery: number;
  scores: string;
  attributions: string;
}

const CASES: GoldenCase[] = [
  {
    name: 'A-like: 1 value, no shingle, 30 trees, 256, decay 100000',
    options: { dimensions: 1, numberOfTrees: 30, subSampleSize: 256, timeDecay: 100_000, seed: 1 },
    rows: 20_000, dataSeed: 11, attributionEvery: 20,
    scores: '6a91381fe919dc371802ea9a47127f0719a98a0355848234319926676376d550',
    attributions: 'e7903d6c3eb62ba4ba0ff28e91f3c4dff23d864d0992280f52520b2e0c1da1dc',
  },
  {
    name: 'B-like: 1 value, shingle 8, 30 trees, 256, decay 2560',
    options: { dimensions: 1, shingleSize: 8, numberOfTrees: 30, subSampleSize: 256, timeDecay: 2560, seed: 'bee' },
    rows: 20_000, dataSeed: 22, attributionEvery: 20,
    scores: '3d172c5855433f91d4adf1650e2677e9d463161f927485231162e74a5376ae6b',
    attributions: '0b896bfa62875973ce42d1e5a5a4fdfe7b6dc80f084c81eeea3b701344f8bd82',
  },
  {
    name: 'C-like: 5 values, shingle 8 (40 dims), 10 trees, 64, decay 1000',
    options: { dimensions: 5, shingleSize: 8, numberOfTrees: 10, subSampleSize: 64, timeDecay: 1000, seed: 3 },
    rows: 10_000, dataSeed: 33, attributionEvery: 10,
    scores: '764bdd723354c8042a6a7295a46a318b4d5dcb12c884dc7a12a40d541fbdece1',
    attributions: 'b91753349ed1b21da923521d486dc40327d2c9483d9d815514f26aef3b6810ae',
  },
  {
    name: 'D-like: 10 values, no shingle, 30 trees, 256, decay 2560',
    options: { dimensions: 10, numberOfTrees: 30, subSampleSize: 256, timeDecay: 2560, seed: 4 },
    rows: 20_000, dataSeed: 44, attributionEvery: 20,
    scores: 'b9779db816117e322b48fc927888d8b0f7ddc5e460965549da739ecc6e766046',
    attributions: 'fb3b75c08464c5e58382f9e5df2a69731945545949ffce7208fb935bf752a3e1',
  },
  {
    name: 'duplicates: 2 values on a coarse grid, 20 trees, 32, decay 500, outputAfter 10',
    options: { dimensions: 2, numberOfTrees: 20, subSampleSize: 32, timeDecay: 500, outputAfter: 10, seed: 5 },
    rows: 10_000, dataSeed: 55, levels: 4, attributionEvery: 7,
    scores: 'fb30773289a35603e51cd94cfd388cfa680547f404f5c3cc27b7e96d270eb30e',
    attributions: '1a8fc61c641ad9c42d11e63e4b6b4a70a7a67e9c98aefe909d6a2addadf10f3c',
  },
  {
    name: 'large sample: 3 values, shingle 4, 6 trees, 1500, decay 6000, grid 64',
    options: { dimensions: 3, shingleSize: 4, numberOfTrees: 6, subSampleSize: 1500, timeDecay: 6000, seed: 'big' },
    rows: 8_000, dataSeed: 66, levels: 64, attributionEvery: 25,
    scores: 'da7345a116b9dcc3089d8384b0a37e887f26dec78ca13fa4e259f2b24228b6ef',
    attributions: '27468c8b502d485539fe0345d6bfd8c0313b118718c2e8312c902a7a1baa5354',
  },
];

function sha256(arrays: Float64Array[]): string {
  const h = createHash('sha256');
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex');
}

function run(c: GoldenCase): { scores: string; attributions: string } {
  const forest = new RandomCutForest(c.options);
  const data = makeData(c.rows, c.options.dimensions, c.dataSeed, c.levels ?? 0);
  const scores = new Float64Array(c.rows);
  const attr: Float64Array[] = [];
  for (let t = 0; t < c.rows; t++) {
    const rec = data[t]!;
    if (t % c.attributionEvery === 0) {
      const a = forest.attribution(rec);
      attr.push(Float64Array.of(a.score), a.high, a.low);
    }
    scores[t] = forest.process(rec);
  }
  return { scores: sha256([scores]), attributions: sha256(attr) };
}

describe('golden outputs (bit-identical across optimisations)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const got = run(c);
      if (process.env.GOLDEN_PRINT) console.log(JSON.stringify({ name: c.name, ...got }));
      expect(got.scores).toBe(c.scores);
      expect(got.attributions).toBe(c.attributions);
    });
  }
});

describe('a partial box cache (boxCacheMinMass) gives the same outputs, bit for bit', () => {
  const cases: [string, number][] = [
    // One coordinate caches no box by default; 3 is every box but two-point nodes', as elsewhere.
    ['A-like: 1 value, no shingle, 30 trees, 256, decay 100000', 3],
    ['C-like: 5 values, shingle 8 (40 dims), 10 trees, 64, decay 1000', 8],
    ['duplicates: 2 values on a coarse grid, 20 trees, 32, decay 500, outputAfter 10', 4],
    ['large sample: 3 values, shingle 4, 6 trees, 1500, decay 6000, grid 64', 16],
  ];
  for (const [name, boxCacheMinMass] of cases) {
    it(`${name}, boxCacheMinMass ${boxCacheMinMass}`, () => {
      const c = CASES.find((x) => x.name === name)!;
      const got = run({ ...c, options: { ...c.options, boxCacheMinMass } });
      expect(got.scores).toBe(c.scores);
      expect(got.attributions).toBe(c.attributions);
    });
  }
});

describe('optimised paths agree with the plain ones', () => {
  it('Sampler.surelyRejects only rejects draws whose key is >= the largest key held', () => {
    const rnd = mulberry32(7);
    let checked = 0;
    let shortcuts = 0;
    for (let trial = 0; trial < 2000; trial++) {
      const lambda = [1e-5, 1 / 2560, 1 / 300, 0.5, 1][trial % 5]!;
      const sampler = new Sampler(4);
      const t0 = Math.floor(rnd() * 2_000_000);
      for (let j = 0; j < 4; j++) sampler.push(samplerKey(lambda, t0 - j, rnd() || 0.5), j);
      for (let step = 0; step < 200; step++) {
        const t = t0 + step;
        // Draws spread over (0, 1) and draws packed around the acceptance threshold.
        const star = Math.exp(-Math.exp(sampler.maxKey + lambda * t));
        const u = step % 2 === 0 ? rnd() || 0.25 : Math.min(1 - 2 ** -32, Math.max(2 ** -32, star + (rnd() - 0.5) * 1e-7));
        const plainRejects = samplerKey(lambda, t, u) >= sampler.maxKey;
        if (sampler.surelyRejects(lambda, t, u)) {
          shortcuts++;
          expect(plainRejects).toBe(true);
        }
        checked++;
      }
    }
    expect(checked).toBe(400_000);
    expect(shortcuts).toBeGreaterThan(10_000);
  });
});
