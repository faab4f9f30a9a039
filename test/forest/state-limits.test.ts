/**
 * Restoring follows the state's content (item 13): an empty state at the documented maxima restores
 * to a small forest whose memory grows with the points learnt; a failed allocation is a StateError;
 * counters that contradict the trees are refused by name; and a deep chain-shaped tree restores in
 * time linear in the state, without recursion.
 */
import { describe, expect, it } from 'vitest';
import { RandomCutForest, StateError, type ForestState } from '../../src/index.js';
import { mulberry32 } from './helpers.js';

/** The state of an empty forest at the documented maxima (75 kB of JSON). */
function emptyMaxState(): ForestState {
  const D = 10_000; // dimensions 1000 x shingleSize 10: the most coordinates a point may have
  return {
    format: 'random-cut-forest',
    version: 1,
    options: { dimensions: 1000, shingleSize: 10, numberOfTrees: 1000, subSampleSize: 4096, timeDecay: 100_000, outputAfter: 4096, seed: 'max' },
    pointsSeen: 0,
    recordsSeen: 0,
    shingle: { head: 0, filled: 0, values: new Array<number>(D).fill(0) },
    points: [],
    trees: Array.from({ length: 1000 }, (_, t) => ({ random: [1, 2, 3, 4 + t] as [number, number, number, number], keys: [], samples: [], nodes: [] })),
  };
}

/** A state whose one tree is a chain of `n` leaves: each cut splits off the smallest point. */
function chainState(n: number, dims: number, boxCacheMinMass?: number, trees = 1): ForestState {
  // Point i: coordinate 0 is i, the others (i mod 5); the cut on coordinate 0 at i + 0.5 splits
  // point i (left) from the points above it (right).
  const points: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) points.push(j === 0 ? i : i % 5);
  const nodes: number[] = [];
  for (let i = 0; i < n - 1; i++) nodes.push(1, i + 0.5, 0, i, 1);
  nodes.push(0, n - 1, 1);
  const keys = Array.from({ length: n }, (_, i) => -i); // a max-heap: decreasing
  const samples = Array.from({ length: n }, (_, i) => i);
  return {
    format: 'random-cut-forest',
    version: 1,
    options: {
      dimensions: dims,
      shingleSize: 1,
      numberOfTrees: trees,
      subSampleSize: 4096,
      timeDecay: 100_000,
      outputAfter: 1,
      seed: 'chain',
      ...(boxCacheMinMass === undefined ? {} : { boxCacheMinMass }),
    },
    pointsSeen: n,
    recordsSeen: n,
    shingle: { head: 0, filled: 1, values: points.slice((n - 1) * dims) },
    points,
    trees: Array.from({ length: trees }, (_, t) => ({ random: [1, 2, 3, 4 + t] as [number, number, number, number], keys, samples, nodes })),
  };
}

describe('restoring follows the content, not the declared sizes', () => {
  it('an empty forest at the documented maxima restores small, and grows with what it learns', () => {
    const before = process.memoryUsage().arrayBuffers;
    const forest = RandomCutForest.fromJSON(emptyMaxState());
    // 1000 trees of 4096 samples and 10,000 coordinates: once 746 MB of arrays; now a row of 256
    // nodes and leaves per tree, samplers of 16, small box pools.
    expect(forest.byteLength).toBeLessThan(40 * 2 ** 20);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
    const empty = forest.byteLength;
    const record = new Array<number>(1000).fill(0);
    for (let i = 0; i < 12; i++) {
      record[i] = 1;
      forest.update(record);
    }
    expect(forest.totalUpdates).toBe(3);
    expect(forest.byteLength).toBeGreaterThan(empty); // boxes of the 3-point nodes: it grows with use
  });

  it('a new forest at the maxima allocates as little as the restored one', () => {
    const forest = new RandomCutForest({ dimensions: 1000, shingleSize: 10, numberOfTrees: 1000, subSampleSize: 4096, seed: 1 });
    expect(forest.byteLength).toBeLessThan(40 * 2 ** 20);
  });

  it('an allocation that fails while restoring is a StateError, not a RangeError', () => {
    const realF64 = globalThis.Float64Array;
    const state = chainState(2000, 3);
    // Any typed array over 1,000 elements fails, as under a memory limit.
    class Failing extends realF64 {
      constructor(...args: unknown[]) {
        if (typeof args[0] === 'number' && args[0] > 1000) throw new RangeError('Array buffer allocation failed');
        super(...(args as []));
      }
    }
    globalThis.Float64Array = Failing as unknown as Float64ArrayConstructor;
    let error: unknown;
    try {
      RandomCutForest.fromJSON(state);
    } catch (e) {
      error = e;
    } finally {
      globalThis.Float64Array = realF64;
    }
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).check).toBe('content');
    expect((error as Error).message).toMatch(/cannot build the forest it describes \(RangeError: Array buffer allocation failed\)/);
  });
});

describe('counters must agree with the trees', () => {
  function learnt(): ForestState {
    const f = new RandomCutForest({ dimensions: 2, numberOfTrees: 3, subSampleSize: 16, timeDecay: 100, seed: 4 });
    const rnd = mulberry32(1);
    for (let i = 0; i < 40; i++) f.update([Math.round(rnd() * 8), Math.round(rnd() * 8)]);
    return JSON.parse(JSON.stringify(f)) as ForestState;
  }

  it.each<[string, (s: ForestState) => void, RegExp]>([
    ['pointsSeen 0 with full samples', (s) => ((s.pointsSeen = 0), (s.recordsSeen = 0), (s.shingle.filled = 0)), /points holds \d+ points but pointsSeen is 0|tree 0 samples: 16 entries, but pointsSeen 0/],
    ['samples larger than pointsSeen', (s) => ((s.pointsSeen = 10), (s.recordsSeen = 10)), /tree 0 samples: 16 entries, but pointsSeen 10 and subSampleSize 16 make every sampler hold 10|points holds/],
    ['a sampler short of the sample size', (s) => {
      const t = s.trees[1]!;
      t.keys.pop();
      t.samples.pop();
    }, /tree 1 samples: 15 entries, but pointsSeen 40 and subSampleSize 16 make every sampler hold 16/],
    ['more points than pointsSeen', (s) => ((s.pointsSeen = 3), (s.recordsSeen = 3)), /points holds \d+ points but pointsSeen is 3/],
  ])('%s is a StateError naming the field', (_, mutate, message) => {
    const s = learnt();
    mutate(s);
    let error: unknown;
    try {
      RandomCutForest.fromJSON(s);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).message).toMatch(message);
  });

  it('an unknown option in a state is a StateError naming it', () => {
    const s = learnt() as unknown as { options: Record<string, unknown> };
    s.options.numTrees = 3;
    expect(() => RandomCutForest.fromJSON(s)).toThrow(StateError);
    expect(() => RandomCutForest.fromJSON(s)).toThrow(/unknown option "numTrees"/);
  });

  it('a one-coordinate forest of the largest sample restores (its default box cache is subSampleSize + 1)', () => {
    const f = new RandomCutForest({ dimensions: 1, subSampleSize: 4096, numberOfTrees: 1, timeDecay: 10_000, seed: 1 });
    for (let i = 0; i < 50; i++) f.update([i % 7]);
    const again = RandomCutForest.fromJSON(JSON.parse(JSON.stringify(f)));
    expect(again.boxCacheMinMass).toBe(4097);
    expect(again.score([3])).toBe(f.score([3]));
  });
});

describe('restore time is linear in the state', () => {
  const time = (state: ForestState): number => {
    const text = JSON.stringify(state);
    const t0 = performance.now();
    const f = RandomCutForest.fromJSON(JSON.parse(text));
    const ms = performance.now() - t0;
    expect(f.trees[0]!.totalMass).toBe(state.trees[0]!.keys.length);
    return ms;
  };

  it('chains of depth 4095 (one and three coordinates, every box cache) restore fast; no stack overflow', () => {
    for (const [dims, cache] of [[1, undefined], [1, 3], [3, undefined], [3, 4096], [3, 40]] as const) {
      const ms = time(chainState(4096, dims, cache));
      expect(ms, `dims ${dims} boxCacheMinMass ${cache}`).toBeLessThan(2000);
    }
  });

  it('80 chain-shaped trees of depth 4095 restore in roughly linear time (not 80 x depth^2)', () => {
    // Checking each leaf by a descent from the root took 60 ms a tree here: 5 s for these 80.
    const small = time(chainState(1024, 1, 3, 80));
    const large = time(chainState(4096, 1, 3, 80));
    // 4x the state: linear is ~4x, quadratic ~16x; loose bounds for a noisy machine
    expect(large).toBeLessThan(Math.max(1500, 10 * small));
    expect(large).toBeLessThan(2500);
  });
});
