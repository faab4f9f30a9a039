import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { treeRandoms } from '../../src/forest/random.js';
import { nextDown } from '../../src/forest/tree.js';
import { scoreTree } from '../../src/forest/visitors/score.js';
import { ScriptedRandom, PointStore, RandomCutTree, boxOf, checkTree, deletePoint, insertPoint, render } from './helpers.js';

/**
 * Shape A, built with scripted cuts (see the algorithm doc's bottom-up insert):
 * (0,0); (1,0) with r = 0.5 -> cut x0 <= 0.5; (0,2): leaf-level r = 0.25 -> x1 <= 0.5, then at the
 * root (box [0,1]x[0,0] + (0,2), range sum 3) r = 0.5 -> b = 1.5 -> dimension 1 at 0.5, which
 * separates, so the new node goes above the root.
 */
function shapeA() {
  const store = new PointStore(2, 16);
  const tree = new RandomCutTree(2, 8);
  const rng = new ScriptedRandom([0.5, 0.25, 0.5]);
  const a = insertPoint(tree, store, rng, [0, 0]);
  const b = insertPoint(tree, store, rng, [1, 0]);
  const c = insertPoint(tree, store, rng, [0, 2]);
  expect(rng.remaining).toBe(0);
  return { store, tree, a, b, c };
}

describe('RandomCutTree: scripted shapes', () => {
  it('a single point is a leaf root; a second one is split at the scripted fraction', () => {
    const store = new PointStore(2, 16);
    const tree = new RandomCutTree(2, 8);
    const rng = new ScriptedRandom([0.5]);
    insertPoint(tree, store, rng, [0, 0]);
    expect(render(tree, store)).toBe('[0,0]');
    insertPoint(tree, store, rng, [1, 0]);
    expect(render(tree, store)).toBe('(x0<=0.5 [0,0] [1,0])');
    expect(tree.totalMass).toBe(2);
    checkTree(tree, store);
  });

  it('a separating cut higher up wins: the new node goes above the root', () => {
    const { store, tree } = shapeA();
    expect(render(tree, store)).toBe('(x1<=0.5 (x0<=0.5 [0,0] [1,0]) [0,2])');
    expect(boxOf(tree, tree.root)).toEqual([[0, 0], [1, 2]]);
    checkTree(tree, store);
  });

  it('a non-separating cut higher up keeps the leaf-level cut', () => {
    const store = new PointStore(2, 16);
    const tree = new RandomCutTree(2, 8);
    // at the root: b = 0.1 * 3 = 0.3 falls in dimension 0 inside the box: no separation
    const rng = new ScriptedRandom([0.5, 0.25, 0.1]);
    insertPoint(tree, store, rng, [0, 0]);
    insertPoint(tree, store, rng, [1, 0]);
    insertPoint(tree, store, rng, [0, 2]);
    expect(render(tree, store)).toBe('(x0<=0.5 (x1<=0.5 [0,0] [0,2]) [1,0])');
    checkTree(tree, store);
  });

  it('stops climbing (and draws nothing) once a box contains the point', () => {
    const { store, tree } = shapeA();
    // (0,1) reaches leaf (0,2) at depth 1 under the root, whose box [0,1]x[0,2] contains it:
    // one draw at the leaf level only.
    const rng = new ScriptedRandom([0.5]);
    insertPoint(tree, store, rng, [0, 1]);
    expect(rng.remaining).toBe(0);
    expect(render(tree, store)).toBe('(x1<=0.5 (x0<=0.5 [0,0] [1,0]) (x1<=1.5 [0,1] [0,2]))');
    checkTree(tree, store);
  });

  it('an equal point raises the leaf mass and the ancestors, boxes unchanged, no draw', () => {
    const { store, tree, c } = shapeA();
    const rng = new ScriptedRandom([]);
    const held = insertPoint(tree, store, rng, [0, 2]);
    expect(held).toBe(c);
    expect(store.references(c)).toBe(2);
    expect(render(tree, store)).toBe('(x1<=0.5 (x0<=0.5 [0,0] [1,0]) [0,2]*2)');
    expect(tree.mass[tree.root]).toBe(4);
    checkTree(tree, store);
  });

  it('cuts stay strictly below the top of the range, even when r * R rounds up to it', () => {
    const store = new PointStore(1, 4);
    const tree = new RandomCutTree(1, 4);
    insertPoint(tree, store, new ScriptedRandom([]), [0]);
    insertPoint(tree, store, new ScriptedRandom([1 - 2 ** -53]), [1]);
    expect(tree.cutValue[tree.root]).toBeLessThan(1);
    expect(render(tree, store)).toBe('(x0<=0.9999999999999999 [0] [1])');
    expect(nextDown(1)).toBe(1 - 2 ** -53);
    expect(nextDown(-1)).toBe(-1 - 2 ** -52);
    expect(nextDown(0)).toBe(-Number.MIN_VALUE);
    checkTree(tree, store);
  });
});

describe('RandomCutTree: deletes', () => {
  it('a leaf with a leaf sibling: the sibling takes the parent place, boxes shrink', () => {
    const { store, tree, b } = shapeA();
    deletePoint(tree, store, b);
    expect(render(tree, store)).toBe('(x1<=0.5 [0,0] [0,2])');
    expect(boxOf(tree, tree.root, store)).toEqual([[0, 0], [0, 2]]); // two points: the exact box, not cached
    expect(tree.totalMass).toBe(2);
    checkTree(tree, store);
  });

  it('a leaf with a subtree sibling: the subtree becomes the root', () => {
    const { store, tree, c } = shapeA();
    deletePoint(tree, store, c);
    expect(render(tree, store)).toBe('(x0<=0.5 [0,0] [1,0])');
    expect(boxOf(tree, tree.root, store)).toEqual([[0, 0], [1, 0]]);
    checkTree(tree, store);
  });

  it('a leaf of mass > 1 loses one unit and keeps its place', () => {
    const { store, tree, c } = shapeA();
    insertPoint(tree, store, new ScriptedRandom([]), [0, 2]);
    deletePoint(tree, store, c);
    expect(render(tree, store)).toBe('(x1<=0.5 (x0<=0.5 [0,0] [1,0]) [0,2])');
    expect(tree.mass[tree.root]).toBe(3);
    expect(store.references(c)).toBe(1);
    checkTree(tree, store);
  });

  it('the last point leaves an empty tree and frees its slots', () => {
    const store = new PointStore(1, 4);
    const tree = new RandomCutTree(1, 4);
    const a = insertPoint(tree, store, new ScriptedRandom([]), [3]);
    deletePoint(tree, store, a);
    expect(render(tree, store)).toBe('empty');
    expect(store.size).toBe(0);
    checkTree(tree, store);
  });

  /**
   * Random inserts and deletes on a tree with the given box cache mass; returns every step's scores.
   * `coordinate` maps a draw in 0..4 to a coordinate (default: a grid that float32 holds exactly).
   */
  function randomWalk(boxCacheMass: number, coordinate = (k: number, half: boolean): number => k * (half ? 0.5 : 1), D = 3): number[] {
    const cap = 32;
    const store = new PointStore(D, 1024);
    const tree = new RandomCutTree(D, cap, boxCacheMass);
    const [rng] = treeRandoms('invariants', 1);
    const draw = seedrandom('data');
    const held: number[] = [];
    const scores: number[] = [];
    const queries = [Float64Array.of(0, 0, 0), Float64Array.of(2, 1, 0.5), Float64Array.of(9, -3, 4)].map((q) => q.subarray(0, D));
    for (let step = 0; step < 3000; step++) {
      if (held.length === cap || (held.length > 0 && draw() < 0.45)) {
        const at = Math.floor(draw() * held.length);
        const slot = held.splice(at, 1)[0]!;
        deletePoint(tree, store, slot);
      } else {
        // a few repeated values and coordinates, to exercise duplicates and boundary deletes
        const p = Array.from({ length: D }, () => coordinate(Math.floor(draw() * 5), draw() >= 0.5));
        held.push(insertPoint(tree, store, rng!, p));
      }
      const slots = checkTree(tree, store);
      expect(slots.sort((x, y) => x - y)).toEqual([...held].sort((x, y) => x - y));
      if (tree.totalMass > 0) for (const q of queries) scores.push(scoreTree(tree, store, q));
    }
    return scores;
  }

  it('random inserts and deletes keep every invariant (rounded boxes, box cache, masses, sides, free lists), and a partial box cache changes no cut and no score', () => {
    const all = randomWalk(1);
    expect(all.length).toBeGreaterThan(5000);
    for (const mass of [3, 5, 8, 33]) expect(randomWalk(mass)).toEqual(all);
  });

  it('one coordinate: boxes read from the outermost leaves (any box cache, or none, the default) give the same cuts and scores', () => {
    for (const coordinate of [(k: number, half: boolean) => k * (half ? 0.5 : 1), (k: number, half: boolean) => 1e8 + k / 1000 + (half ? 1e-9 : 0)]) {
      const all = randomWalk(1, coordinate, 1);
      expect(all.length).toBeGreaterThan(5000);
      // 33 is above the capacity (32): no box is ever cached, as a one-coordinate forest's default.
      for (const mass of [4, 8, 33]) expect(randomWalk(mass, coordinate, 1)).toEqual(all);
    }
    expect(new RandomCutTree(1, 32, 33).cachesNothing).toBe(true);
    expect(new RandomCutTree(1, 32, 32).cachesNothing).toBe(false);
  });

  it('the same with values that float32 cannot hold (1e8 + k / 1000, spread far below the float32 spacing of 8 there, and tenths): boxes are rounded outwards, cuts still separate', () => {
    for (const coordinate of [
      (k: number, half: boolean) => 1e8 + k / 1000 + (half ? 1e-9 : 0),
      (k: number, half: boolean) => (half ? -k / 10 : k / 10),
    ]) {
      const all = randomWalk(1, coordinate);
      expect(all.length).toBeGreaterThan(5000);
      expect(all.every((s) => Number.isFinite(s) && s >= 0)).toBe(true);
      for (const mass of [3, 8]) expect(randomWalk(mass, coordinate)).toEqual(all);
    }
  });
});
