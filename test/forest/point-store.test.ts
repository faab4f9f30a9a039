import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { PointStore } from '../../src/forest/point-store.js';
import { RandomCutForest } from '../../src/forest/forest.js';

/** The shingle of `size` records of `width` values ending at record t of a deterministic stream. */
function shingleAt(t: number, width: number, size: number): Float64Array {
  const p = new Float64Array(width * size);
  for (let r = 0; r < size; r++) for (let c = 0; c < width; c++) p[r * width + c] = Math.sin(t - size + 1 + r + c * 0.3);
  return p;
}

describe('PointStore: slot layout (no shingle)', () => {
  it('stores each point at slot * D and reuses freed slots last in, first out', () => {
    const store = new PointStore(2, 16, 4);
    const a = store.add(Float64Array.of(1, 2));
    const b = store.add(Float64Array.of(3, 4));
    store.incRef(a);
    store.incRef(b);
    expect([a, b]).toEqual([0, 1]);
    expect(store.offset(b)).toBe(2);
    expect(store.start.length).toBe(0); // the slot layout keeps no offsets
    store.decRef(a);
    expect(store.size).toBe(1);
    const c = store.add(Float64Array.of(5, 6));
    expect(c).toBe(a);
    expect(Array.from(store.pointAt(c))).toEqual([5, 6]);
    expect(Array.from(store.pointAt(b))).toEqual([3, 4]);
    store.decRef(b);
    expect(() => store.decRef(b)).toThrow(/released more often/);
  });

  it('threads its free list through the free slots values: several frees come back last in, first out', () => {
    const store = new PointStore(1, 16, 8);
    const slots = [10, 20, 30, 40, 50].map((v) => store.add(Float64Array.of(v)));
    for (const s of slots) store.incRef(s);
    for (const s of [slots[1]!, slots[3]!, slots[0]!]) store.decRef(s);
    expect(store.size).toBe(2);
    expect([store.add(Float64Array.of(1)), store.add(Float64Array.of(2)), store.add(Float64Array.of(3))]).toEqual([
      slots[0],
      slots[3],
      slots[1],
    ]);
    expect(store.add(Float64Array.of(4))).toBe(5); // the list is empty: a new slot
    expect([0, 1, 2, 3, 4, 5].map((s) => store.pointAt(s)[0])).toEqual([1, 3, 30, 2, 50, 4]);
  });
});

describe('PointStore: reference counts', () => {
  it('count past 16 bits (a constant stream held by every entry of 300 trees of 256), and free at exactly zero', () => {
    const store = new PointStore(1, 100_000);
    const slot = store.add(Float64Array.of(7));
    const other = store.add(Float64Array.of(8));
    store.incRef(other);
    const n = 300 * 256;
    for (let i = 0; i < n; i++) store.incRef(slot);
    expect(store.references(slot)).toBe(n);
    expect(store.refCount.BYTES_PER_ELEMENT).toBe(2);
    for (let i = 0; i < n - 1; i++) store.decRef(slot);
    expect(store.references(slot)).toBe(1);
    expect(store.size).toBe(2); // still held: 65,536 x k counts are not zero
    store.decRef(slot);
    expect(store.size).toBe(1);
    expect(() => store.decRef(slot)).toThrow(/released more often than taken/);
    expect(store.references(other)).toBe(1);
  });

  it('a forest of 300 trees of 256 on a constant stream holds one point 76,800 times, and counts each copy it lets go', () => {
    const forest = new RandomCutForest({ dimensions: 1, numberOfTrees: 300, subSampleSize: 256, timeDecay: 300, seed: 9 });
    for (let t = 0; t < 300; t++) forest.update([5]);
    expect(forest.store.size).toBe(1);
    expect(forest.store.references(forest.trees[0]!.leafPoint[~forest.trees[0]!.root]!)).toBe(300 * 256);
    const slot = forest.trees[0]!.leafPoint[~forest.trees[0]!.root]!;
    // New values evict the constant point tree by tree: its count falls back below 65,536 and
    // always equals the copies the trees hold.
    const copies = () => {
      let m = 0;
      for (const tree of forest.trees) {
        const stack = [tree.root];
        while (stack.length > 0) {
          const r = stack.pop()!;
          if (r >= 0) stack.push(tree.left[r]!, tree.right[r]!);
          else if (tree.leafPoint[~r] === slot) m += tree.leafMass[~r]!;
        }
      }
      return m;
    };
    for (let t = 0; t < 600; t++) {
      forest.update([t + 10]);
      if (t % 50 === 0) expect(forest.store.references(slot)).toBe(copies());
    }
    expect(forest.store.references(slot)).toBeLessThan(65_536);
    expect(forest.store.references(slot)).toBe(copies());
  });
});

describe('PointStore: tape layout (shingled points)', () => {
  it('a shingle that continues the previous one adds only its last record', () => {
    const store = new PointStore(6, 64, 8, 2); // 3 records of 2 values
    const slots = [];
    for (let t = 2; t < 10; t++) {
      const s = store.add(shingleAt(t, 2, 3));
      store.incRef(s);
      slots.push(s);
    }
    expect(store.end).toBe(6 + 7 * 2);
    for (let i = 0; i < slots.length; i++) expect(Array.from(store.pointAt(slots[i]!))).toEqual(Array.from(shingleAt(i + 2, 2, 3)));
    // A point that does not continue the tape is stored whole.
    const odd = store.add(Float64Array.of(9, 9, 9, 9, 9, 9));
    expect(store.offset(odd)).toBe(20);
    expect(store.end).toBe(26);
  });

  it('random frees and compactions keep every live point intact, and memory bounded', () => {
    // Like a forest's sample: every recent shingle alive, and random survivors from further back.
    const width = 3;
    const size = 4;
    const recent = 600;
    const store = new PointStore(width * size, 2001, 16, width);
    const live = new Map<number, number>(); // slot -> record index of its shingle
    const bySlotAge: number[] = []; // slots of the recent window, oldest first
    const recentSet = new Set<number>();
    const draw = seedrandom('tape');
    let maxLength = 0;
    for (let t = 0; t < 20000; t++) {
      const slot = store.add(shingleAt(t, width, size));
      store.incRef(slot);
      live.set(slot, t);
      bySlotAge.push(slot);
      recentSet.add(slot);
      if (bySlotAge.length > recent) {
        // the oldest recent point survives with probability 0.3, until 400 survivors are kept
        const old = bySlotAge.shift()!;
        recentSet.delete(old);
        const survivors = live.size - bySlotAge.length;
        if (survivors >= 400 || draw() >= 0.3) {
          store.decRef(old);
          live.delete(old);
        }
        if (survivors >= 400) {
          // and a random survivor goes, to make holes everywhere
          const keys = [...live.keys()].filter((s) => !recentSet.has(s));
          const victim = keys[Math.floor(draw() * keys.length)]!;
          store.decRef(victim);
          live.delete(victim);
        }
      }
      maxLength = Math.max(maxLength, store.data.length);
      if (t % 997 === 0) {
        for (const [s, r] of live) expect(Array.from(store.pointAt(s))).toEqual(Array.from(shingleAt(r, width, size)));
      }
    }
    for (const [s, r] of live) expect(Array.from(store.pointAt(s))).toEqual(Array.from(shingleAt(r, width, size)));
    expect(store.size).toBe(live.size);
    // Whole shingles would take about 1000 x 12 values; here the recent ones share their records.
    expect(live.size).toBeGreaterThan(900);
    expect(maxLength).toBeLessThan(live.size * width * size * 0.75);
  });

  it('a saved and restored forest stores its shingles overlapping again, and continues identically', () => {
    const forest = new RandomCutForest({ dimensions: 2, shingleSize: 8, numberOfTrees: 20, subSampleSize: 64, timeDecay: 640, seed: 3 });
    const draw = seedrandom('restore');
    const record = (): number[] => [Math.sin(draw() * 6), draw()];
    for (let i = 0; i < 3000; i++) forest.update(record());
    const restored = RandomCutForest.fromBytes(forest.toBytes());
    expect(restored.store.size).toBe(forest.store.size);
    // The restored tape holds the live points overlapping: no bigger than the original's tape (which
    // also holds garbage), and well below whole shingles.
    expect(restored.store.end).toBeLessThanOrEqual(forest.store.end);
    expect(restored.store.end).toBeLessThan(restored.store.size * 16 * 0.6);
    for (let i = 0; i < 500; i++) {
      const r = record();
      expect(restored.process(r)).toBe(forest.process(r));
    }
  });
});
