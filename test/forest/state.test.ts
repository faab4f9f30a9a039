import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { RandomCutForest, StateError, STATE_VERSION, defaultBoxCacheMinMass, type RandomCutForestOptions } from '../../src/index.js';
import { crc32 } from '../../src/forest/crc32.js';
import { checkPools, checkTree } from './helpers.js';

function stream(seed: string, n: number, dims: number, grid: number): number[][] {
  const rnd = seedrandom(seed);
  return Array.from({ length: n }, (_, t) =>
    Array.from({ length: dims }, (_, j) => {
      const v = Math.sin(t / (7 + j)) + 0.3 * rnd() + (rnd() < 0.01 ? 4 : 0);
      return grid > 0 ? Math.round(v * grid) / grid : v; // a grid makes duplicate points
    }),
  );
}

/** Scores, then attributions, of the rest of the stream: everything a continuation can show. */
function continuation(forest: RandomCutForest, rest: number[][]): number[] {
  const out: number[] = [];
  rest.forEach((r, i) => {
    if (i % 5 === 0) {
      const a = forest.attribution(r);
      out.push(a.score, ...a.high, ...a.low);
    }
    out.push(forest.process(r));
  });
  return out;
}

const small: RandomCutForestOptions = { dimensions: 2, shingleSize: 2, numberOfTrees: 5, subSampleSize: 16, timeDecay: 100, seed: 'fuzz' };

function smallBytes(): { forest: RandomCutForest; bytes: Uint8Array } {
  const forest = new RandomCutForest(small);
  for (const r of stream('fz', 300, 2, 4)) forest.process(r);
  return { forest, bytes: forest.toBytes() };
}

function withCrc(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out, 0, out.length - 4), true);
  return out;
}

describe('forest state: restore continues bit for bit', () => {
  it('property: any options, stream and checkpoint position; JSON and binary forms', () => {
    fc.assert(
      fc.property(
        fc.record({
          dims: fc.integer({ min: 1, max: 3 }),
          shingle: fc.integer({ min: 1, max: 4 }),
          trees: fc.integer({ min: 1, max: 6 }),
          sample: fc.integer({ min: 2, max: 40 }),
          decayFactor: fc.integer({ min: 2, max: 20 }),
          outputAfter: fc.integer({ min: 1, max: 50 }),
          grid: fc.constantFrom(0, 2, 8),
          rows: fc.integer({ min: 0, max: 400 }),
          cut: fc.double({ min: 0, max: 1, noNaN: true }),
          seed: fc.string({ maxLength: 6 }),
          boxCache: fc.constantFrom(undefined, 1, 3, 8),
        }),
        (c) => {
          const options = {
            dimensions: c.dims, shingleSize: c.shingle, numberOfTrees: c.trees, subSampleSize: c.sample,
            timeDecay: c.sample * c.decayFactor, outputAfter: c.outputAfter, seed: c.seed,
            ...(c.boxCache === undefined ? {} : { boxCacheMinMass: c.boxCache }),
          };
          const data = stream(c.seed, c.rows, c.dims, c.grid);
          const at = Math.floor(c.cut * c.rows);
          const original = new RandomCutForest(options);
          for (const r of data.slice(0, at)) original.process(r);
          const fromBytes = RandomCutForest.fromBytes(original.toBytes());
          const fromJson = RandomCutForest.fromJSON(JSON.parse(JSON.stringify(original)));
          for (const f of [fromBytes, fromJson]) {
            expect(f.totalUpdates).toBe(original.totalUpdates);
            expect(f.recordsProcessed).toBe(original.recordsProcessed);
            expect(f.seed).toBe(original.seed);
            expect(f.boxCacheMinMass).toBe(c.boxCache ?? defaultBoxCacheMinMass(c.dims * c.shingle, c.sample));
            f.trees.forEach((t) => checkTree(t, f.store, false));
            checkPools(f.trees);
          }
          const rest = data.slice(at);
          const expected = continuation(original, rest);
          expect(continuation(fromBytes, rest)).toEqual(expected);
          expect(continuation(fromJson, rest)).toEqual(expected);
        },
      ),
      { numRuns: 60, seed: 1234 },
    );
  });

  it('the box cache default depends on the coordinates, and only a value other than the default is saved', () => {
    const oneD = new RandomCutForest({ dimensions: 1, subSampleSize: 64, timeDecay: 1000, numberOfTrees: 2, seed: 1 });
    expect(oneD.boxCacheMinMass).toBe(65); // one coordinate: no box cached
    expect(oneD.trees.every((t) => t.cachesNothing)).toBe(true);
    expect(new RandomCutForest({ dimensions: 1, shingleSize: 2, seed: 1 }).boxCacheMinMass).toBe(3);
    expect(new RandomCutForest({ dimensions: 2, seed: 1 }).boxCacheMinMass).toBe(3);
    for (let i = 0; i < 200; i++) oneD.process([i % 17]);
    expect(oneD.toJSON().options.boxCacheMinMass).toBeUndefined();
    expect(RandomCutForest.fromBytes(oneD.toBytes()).boxCacheMinMass).toBe(65);
    const cached = new RandomCutForest({ dimensions: 1, boxCacheMinMass: 3, seed: 1 });
    expect(cached.toJSON().options.boxCacheMinMass).toBe(3);
    expect(RandomCutForest.fromJSON(cached.toJSON()).boxCacheMinMass).toBe(3);
  });

  it('a restored forest saves to the same bytes again', () => {
    const { bytes } = smallBytes();
    expect(RandomCutForest.fromBytes(bytes).toBytes()).toEqual(bytes);
  });

  it('KDA-sized forest: binary smaller than the forest in memory', () => {
    const forest = new RandomCutForest({ dimensions: 1, seed: 1 });
    for (const r of stream('big', 3000, 1, 0)) forest.process(r);
    const bytes = forest.toBytes();
    expect(bytes.length).toBeLessThan(forest.byteLength);
    const again = RandomCutForest.fromBytes(bytes);
    const rest = stream('big2', 300, 1, 0);
    expect(continuation(again, rest)).toEqual(continuation(forest, rest));
  });
});

describe('forest state: bad state is refused whole', () => {
  it('every truncation fails the length check', () => {
    const { bytes } = smallBytes();
    for (let n = 0; n < bytes.length; n += 7) {
      expect(() => RandomCutForest.fromBytes(bytes.subarray(0, n))).toThrow(StateError);
    }
    try {
      RandomCutForest.fromBytes(bytes.subarray(0, bytes.length - 1));
      expect.unreachable();
    } catch (e) {
      expect((e as StateError).check).toBe('length');
      expect((e as Error).message).toMatch(/invalid forest state \(length\): expected \d+ bytes, got \d+/);
    }
  });

  it('every flipped byte is caught (checksum, or magic/length for the header)', () => {
    const { bytes } = smallBytes();
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i]! ^= 1 << i % 8;
      let error: unknown;
      try {
        RandomCutForest.fromBytes(bad);
      } catch (e) {
        error = e;
      }
      expect(error, `byte ${i}`).toBeInstanceOf(StateError);
    }
  });

  it('an unknown format version is refused by name', () => {
    const { forest, bytes } = smallBytes();
    const bad = bytes.slice();
    new DataView(bad.buffer).setUint16(4, STATE_VERSION + 1, true);
    expect(() => RandomCutForest.fromBytes(withCrc(bad))).toThrow(/\(version\): unknown format version 2/);
    expect(() => RandomCutForest.fromJSON({ ...forest.toJSON(), version: 99 })).toThrow(/unknown format version 99/);
    expect(() => RandomCutForest.fromJSON({ hello: 1 })).toThrow(/\(format\)/);
    expect(() => RandomCutForest.fromBytes(new Uint8Array(40))).toThrow(/bad magic/);
  });

  it('fuzz: random mutations with a recomputed checksum either fail validation or give a working forest', () => {
    const { bytes } = smallBytes();
    const rnd = seedrandom('mutations');
    let refused = 0;
    for (let n = 0; n < 3000; n++) {
      const bad = bytes.slice();
      const edits = 1 + Math.floor(rnd() * 4);
      for (let e = 0; e < edits; e++) bad[12 + Math.floor(rnd() * (bad.length - 16))] = Math.floor(rnd() * 256);
      let forest: RandomCutForest | undefined;
      try {
        forest = RandomCutForest.fromBytes(withCrc(bad));
      } catch (e) {
        expect(e).toBeInstanceOf(StateError);
        refused++;
        continue;
      }
      // Accepted: a consistent forest (e.g. a key or coordinate changed within its bounds).
      forest.trees.forEach((t) => checkTree(t, forest!.store, false));
      checkPools(forest.trees);
      for (const r of stream('after', 20, 2, 4)) expect(Number.isFinite(forest.process(r))).toBe(true);
    }
    expect(refused).toBeGreaterThan(1000);
  });

  it('JSON with inconsistent content is refused with the failing check', () => {
    const { forest } = smallBytes();
    const state = forest.toJSON();
    const broken = (mutate: (s: ReturnType<typeof forest.toJSON>) => void) => {
      const s = JSON.parse(JSON.stringify(state));
      mutate(s);
      return () => RandomCutForest.fromJSON(s);
    };
    expect(broken((s) => (s.trees[0].keys[0] = -1e9))).toThrow(/not a max-heap/);
    expect(broken((s) => s.trees[1].nodes.pop())).toThrow(/tree 1/);
    expect(broken((s) => ((s.points as unknown[])[0] = 'x'))).toThrow(/points\[0\] is not a finite number/);
    expect(broken((s) => (s.trees[0].nodes[1] = 1e30))).toThrow(/tree 0: a cut does not separate its children/);
    expect(broken((s) => (s.points[1] = -1e39))).toThrow(/points\[1\] = -1e\+39 is outside \+-3\.4028234663852886e\+38/);
    expect(broken((s) => (s.shingle.values[0] = 1e39))).toThrow(/shingle\.values\[0\] = 1e\+39 is outside/);
    expect(broken((s) => (s.pointsSeen += 1))).toThrow(/pointsSeen/);
    expect(broken((s) => (s.options.numberOfTrees = 0))).toThrow(/options: option numberOfTrees/);
    expect(broken((s) => s.trees.pop())).toThrow(/trees must be an array of 5/);
  });
});
