import { describe, expect, it } from 'vitest';
import { BoxPool, MAX_POOL_SLOTS } from '../../src/forest/box-pool.js';
import { RandomCutForest } from '../../src/forest/forest.js';
import { PointStore } from '../../src/forest/point-store.js';
import { Sampler, SamplerStorage } from '../../src/forest/sampler.js';
import { TreeStorage, TreeStorages } from '../../src/forest/tree-storage.js';
import { pairSeparationProbability } from '../../src/forest/visitors/score.js';
import { RandomCutTree } from './helpers.js';

describe('pairSeparationProbability (the exact box of two points)', () => {
  it('is (distance outside) / (extended range sum), by hand', () => {
    // a = (0, 0), b = (1, 2): box [0, 1] x [0, 2]; x = (3, 1) is 2 outside along dimension 0,
    // the extended ranges are 3 and 2: p = 2 / 5. S = 3 + 2 + 1 + 1 = 7, W = 1 + 2 = 3.
    const data = Float64Array.of(0, 0, 1, 2);
    expect(pairSeparationProbability(data, 0, 2, Float64Array.of(3, 1), 2)).toBe(0.4);
    // below along both dimensions: outside 1 + 1, extended ranges 2 + 3: p = 2 / 5
    expect(pairSeparationProbability(data, 0, 2, Float64Array.of(-1, -1), 2)).toBe(0.4);
  });

  it('is 0 inside the box and on its sides', () => {
    const data = Float64Array.of(0, 0, 1, 2);
    expect(pairSeparationProbability(data, 0, 2, Float64Array.of(0.5, 1), 2)).toBe(0);
    expect(pairSeparationProbability(data, 0, 2, Float64Array.of(1, 0), 2)).toBe(0);
  });
});

describe('BoxPool', () => {
  it('hands out slots in order, reuses freed ones last in first out, and grows by a sixteenth (at least 64)', () => {
    const pool = new BoxPool(3, 1000, 64);
    const slots = Array.from({ length: 64 }, () => pool.alloc());
    expect(slots).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(pool.boxes.length).toBe(64 * 6);
    pool.boxes[63 * 6 + 5] = 42;
    expect(pool.alloc()).toBe(64); // full: grows to 128 slots, contents kept
    expect(pool.boxes.length).toBe(128 * 6);
    expect(pool.boxes[63 * 6 + 5]).toBe(42);
    pool.free(10);
    pool.free(20);
    expect(pool.size).toBe(63);
    expect(pool.alloc()).toBe(20);
    expect(pool.alloc()).toBe(10);
    expect(pool.freeCount).toBe(0);
  });

  it('never grows past maxSlots, and says so when a slot leaked', () => {
    const pool = new BoxPool(1, 100, 64);
    for (let i = 0; i < 100; i++) pool.alloc();
    expect(pool.boxes.length).toBe(200);
    expect(() => pool.alloc()).toThrow(/all 100 slots taken/);
    expect(() => new BoxPool(1, MAX_POOL_SLOTS + 1)).toThrow(RangeError);
  });
});

describe('TreeStorage', () => {
  it('holds as many trees as Int16 indexes reach, and TreeStorages groups them', () => {
    expect(TreeStorage.treesPerStorage(256)).toBe(128); // 128 x 255 = 32,640 nodes, 32,768 leaves
    expect(TreeStorage.treesPerStorage(4096)).toBe(8);
    expect(TreeStorage.treesPerStorage(16384)).toBe(2);
    const storages = new TreeStorages(2, 256, 300);
    const got = Array.from({ length: 300 }, () => storages.next());
    expect(new Set(got).size).toBe(3);
    expect(got.filter((s) => s === got[0]).length).toBe(128);
    expect(got[299]!.trees).toBe(44); // the last group is sized to the trees left
    expect(() => storages.next()).toThrow(/more trees than announced/);
    expect(() => new TreeStorage(2, 256, 129)).toThrow(RangeError);
  });

  it('gives each tree its own index ranges, so trees of one storage do not disturb each other', () => {
    const storage = new TreeStorage(1, 8, 3);
    const trees = [0, 1, 2].map(() => new RandomCutTree(1, 8, 3, storage));
    expect(trees.map((t) => [t.nodeBase, t.leafBase])).toEqual([[0, 0], [7, 8], [14, 16]]);
    expect(trees[1]!.freeNodeHead).toBe(7);
    expect(trees[2]!.freeLeafHead).toBe(16);
    expect(() => new RandomCutTree(1, 8, 3, storage)).toThrow(/all 3 parts taken/);
    expect(() => new RandomCutTree(2, 8, 3, new TreeStorage(1, 8, 1))).toThrow(RangeError);
  });

  it('stores no cut dimension for one coordinate, and no box slot nor internal mass for trees that cache no box', () => {
    const sizes = (s: TreeStorage) => [s.cutDim.length, s.boxSlot.length, s.mass.length];
    expect(sizes(new TreeStorage(2, 8, 3))).toEqual([21, 21, 21]);
    expect(sizes(new TreeStorage(1, 8, 3))).toEqual([0, 21, 21]);
    expect(sizes(new TreeStorage(1, 8, 3, false))).toEqual([0, 0, 0]);
    // 21 internal nodes and 24 leaves: 8 + 2 x 5 bytes a node, 4 + 2 a leaf, less 2 a node for each array left out
    const buffer = (s: TreeStorage) => s.cutValue.buffer.byteLength;
    expect([buffer(new TreeStorage(2, 8, 3)), buffer(new TreeStorage(1, 8, 3)), buffer(new TreeStorage(1, 8, 3, false))]).toEqual([522, 480, 396]);
    // a tree that may cache boxes needs a storage that keeps box slots
    expect(() => new RandomCutTree(1, 8, 3, new TreeStorage(1, 8, 1, false))).toThrow(/caches boxes, but the storage keeps none/);
    const tree = new RandomCutTree(1, 8, 9, new TreeStorage(1, 8, 1, false));
    expect(tree.cachesNothing).toBe(true);
    // the default one-coordinate forest: no cut dimensions, box slots nor masses, an empty pool
    const forest = new RandomCutForest({ dimensions: 1, numberOfTrees: 4, subSampleSize: 16, timeDecay: 100, seed: 2 });
    for (let t = 0; t < 300; t++) forest.process([Math.sin(t / 5)]);
    const storage = forest.trees[0]!.storage;
    expect(sizes(storage)).toEqual([0, 0, 0]);
    // one rule (cachesNoBox) for the tree and its storage: a sample of 2 caches nothing, even at 1
    const tiny = new RandomCutForest({ dimensions: 2, numberOfTrees: 2, subSampleSize: 2, timeDecay: 10, boxCacheMinMass: 1, seed: 3 });
    expect(tiny.trees.map((t) => [t.cachesNothing, t.storage.keepsBoxes])).toEqual([[true, false], [true, false]]);
    for (let t = 0; t < 50; t++) tiny.process([t % 7, t % 3]);
    expect(RandomCutForest.fromBytes(tiny.toBytes()).trees[0]!.storage.keepsBoxes).toBe(false);
    // masses are summed from the leaves, and two-point nodes recognised from their children
    for (const tree of forest.trees) expect(tree.massOf(tree.root)).toBe(tree.totalMass);
    expect(storage.pool.byteLength).toBe(0);
  });

  it('a forest whose trees span two storages is repeatable and scores', () => {
    const rows = Array.from({ length: 400 }, (_, t) => [Math.sin(t / 7) + (t % 53 === 0 ? 4 : 0)]);
    const options = { dimensions: 1, numberOfTrees: 300, subSampleSize: 200, timeDecay: 1000, seed: 5 };
    const forest = new RandomCutForest(options);
    expect(new Set(forest.trees.map((t) => t.storage)).size).toBe(2); // 163 trees of 200 per storage
    const scores = rows.map((r) => forest.process(r));
    const again = new RandomCutForest(options);
    expect(rows.map((r) => again.process(r))).toEqual(scores);
    expect(scores.slice(200).every((s) => s > 0)).toBe(true);
    // the spikes (rows 212, 265, 318, 371) score above every other row after the warm-up
    const others = scores.slice(200).filter((_, i) => (200 + i) % 53 !== 0);
    for (const t of [212, 265, 318, 371]) expect(scores[t]!).toBeGreaterThan(Math.max(...others));
  });
});

describe('SamplerStorage and Sampler', () => {
  it('keeps each sampler in its own range of the shared arrays', () => {
    const storage = new SamplerStorage(4, 2);
    const s0 = new Sampler(4, storage);
    const s1 = new Sampler(4, storage);
    expect([s0.base, s1.base]).toEqual([0, 4]);
    for (let i = 0; i < 4; i++) {
      s0.push(i, 100 + i);
      s1.push(10 - i, 200 + i);
    }
    expect(s0.maxKey).toBe(3);
    expect(s0.topLeaf).toBe(103);
    expect(s1.maxKey).toBe(10);
    expect(s1.topLeaf).toBe(200);
    expect(() => new Sampler(4, storage)).toThrow(/all 2 parts taken/);
    expect(() => new Sampler(8, new SamplerStorage(4, 1))).toThrow(RangeError);
  });
});

describe('PointStore slot growth', () => {
  it('grows by a sixteenth (at least 64 slots), so the slack stays under 1/16 + 64', () => {
    const store = new PointStore(2, 100_000, 256);
    const p = new Float64Array(2);
    const lengths: number[] = [];
    for (let i = 0; i < 5000; i++) {
      p[0] = i;
      const before = store.slotCapacity;
      store.add(p);
      if (store.slotCapacity !== before) lengths.push(store.slotCapacity);
    }
    expect(lengths[0]).toBe(320);
    for (let k = 1; k < lengths.length; k++) {
      expect(lengths[k]).toBe(Math.max(lengths[k - 1]! + 64, Math.ceil(lengths[k - 1]! * 1.0625)));
    }
    expect(store.slotCapacity).toBeLessThanOrEqual(Math.max(5000 + 64, Math.ceil(5000 * 1.0625)));
    expect(store.data.length).toBe(store.slotCapacity * 2);
  });
});

describe('growth with use (memory follows the content)', () => {
  it('TreeStorage starts with one row and doubles its rows as trees need them; indexes never move', () => {
    const storage = new TreeStorage(2, 1000, 3); // 4 rows of 256 at most
    expect([storage.rows, storage.maxRows, storage.nodeChunk, storage.leafChunk]).toEqual([1, 4, 256, 256]);
    expect(storage.left.length).toBe(3 * 256);
    const trees = [0, 1, 2].map(() => new RandomCutTree(2, 1000, 3, storage));
    expect(trees.map((t) => t.freeLeafCount)).toEqual([256, 256, 256]);
    const tree = trees[1]!;
    for (let i = 0; i < 256; i++) tree.allocLeaf();
    tree.leafPoint[tree.leafBase] = 12345; // a value at a fixed index must survive the growth
    tree.reserve(); // no free leaf: takes row 1, the storage doubles to 2 rows
    expect([storage.rows, tree.freeLeafCount, tree.leafPoint === storage.leafPoint]).toEqual([2, 256, true]);
    expect(tree.leafPoint[tree.leafBase]).toBe(12345);
    expect(trees[0]!.left).toBe(storage.left); // every member re-read the new arrays
    expect(tree.freeLeafHead).toBe(storage.leafStart(1, 1));
    for (let i = 0; i < 256; i++) tree.allocLeaf();
    tree.reserve(); // row 2: the storage doubles to 4 (its most)
    expect(storage.rows).toBe(4);
    for (let i = 0; i < 256; i++) tree.allocLeaf();
    tree.reserve();
    expect(tree.freeLeafCount).toBe(1000 - 768); // the last row holds the rest of the capacity
    for (let i = 0; i < 232; i++) tree.allocLeaf();
    tree.reserve(); // at capacity: nothing more to take
    expect(tree.freeLeafCount).toBe(0);
  });

  it('SamplerStorage doubles every sampler\'s room as they fill, keeping their heaps', () => {
    const storage = new SamplerStorage(100, 3);
    const samplers = [0, 1, 2].map(() => new Sampler(100, storage));
    expect(storage.stride).toBe(16);
    for (let i = 0; i < 100; i++) for (const [s, sampler] of samplers.entries()) sampler.push(i * 3 + s, i);
    expect(storage.stride).toBe(100);
    expect(storage.byteLength).toBe(100 * 3 * 10);
    for (const [s, sampler] of samplers.entries()) {
      expect(sampler.isFull).toBe(true);
      expect(sampler.maxKey).toBe(99 * 3 + s);
      for (let i = 1; i < sampler.size; i++) expect(sampler.keyAt((i - 1) >> 1)).toBeGreaterThanOrEqual(sampler.keyAt(i));
    }
  });
});
