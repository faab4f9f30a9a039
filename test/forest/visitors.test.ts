import { describe, expect, it } from 'vitest';
import { addTreeAttribution } from '../../src/forest/visitors/attribution.js';
import { scoreTree } from '../../src/forest/visitors/score.js';
import { ScriptedRandom, PointStore, RandomCutTree, boxOf, insertPoint, mulberry32, render } from './helpers.js';
import { TreeRandom } from '../../src/forest/random.js';

/** (x1<=0.5 (x0<=0.5 [0,0] [1,0]) [0,2]): see tree.test.ts. */
function shapeA() {
  const store = new PointStore(2, 16);
  const tree = new RandomCutTree(2, 8);
  const rng = new ScriptedRandom([0.5, 0.25, 0.5]);
  insertPoint(tree, store, rng, [0, 0]);
  insertPoint(tree, store, rng, [1, 0]);
  insertPoint(tree, store, rng, [0, 2]);
  expect(render(tree, store)).toBe('(x1<=0.5 (x0<=0.5 [0,0] [1,0]) [0,2])');
  return { store, tree };
}

function attribute(tree: RandomCutTree, store: PointStore, q: number[]) {
  const D = tree.dimensions;
  const high = new Float64Array(D);
  const low = new Float64Array(D);
  const score = addTreeAttribution(tree, store, Float64Array.from(q), new Float64Array(2 * D), high, low);
  return { score, high: Array.from(high), low: Array.from(low) };
}

const close = (a: number, b: number) => expect(a).toBeCloseTo(b, 14);

describe('score and attribution on a tiny tree, by hand', () => {
  it('query (3,0): leaf (1,0) at depth 2, then p = 2/3 at depth 1 and 2/5 at the root', () => {
    const { store, tree } = shapeA();
    // s = 1/3; depth 1: 2/3 * 1/2 + 1/3 * 1/3 = 4/9; root: 2/5 + 3/5 * 4/9 = 2/3
    const expected = (2 / 3) * Math.log2(3);
    close(scoreTree(tree, store, Float64Array.of(3, 0)), expected);
    const a = attribute(tree, store, [3, 0]);
    close(a.score, expected);
    close(a.high[0]!, expected);
    expect([a.high[1], a.low[0], a.low[1]]).toEqual([0, 0, 0]);
  });

  it('query (3,3): leaf (0,2) at depth 1, root p = 1/2; attribution splits 25/48 and 11/48', () => {
    const { store, tree } = shapeA();
    const expected = (3 / 4) * Math.log2(3);
    close(scoreTree(tree, store, Float64Array.of(3, 3)), expected);
    const a = attribute(tree, store, [3, 3]);
    close(a.high[0]!, (25 / 48) * Math.log2(3));
    close(a.high[1]!, (11 / 48) * Math.log2(3));
    expect(a.low).toEqual([0, 0]);
    close(a.high[0]! + a.high[1]!, a.score);
    expect(a.score).toBe(scoreTree(tree, store, Float64Array.of(3, 3)));
  });

  it('query (-1,-1): low attribution only', () => {
    const { store, tree } = shapeA();
    // leaf (0,0) at depth 2: n = 2, s = 1/3, low = [1/6, 1/6]
    // depth 1, box [0,1]x[0,0]: outside 2, range 2 + 1 = 3, p = 2/3, w = 1/2:
    //   s = 1/3 + 1/9 = 4/9; low_i = (1/3)/2 + 1/3 * 1/6 = 1/6 + 1/18 = 2/9
    // root, box [0,1]x[0,2]: outside 2, range 2 + 3 = 5, p = 2/5, w = 1:
    //   s = 2/5 + 3/5 * 4/9 = 2/3; low_i = 1/5 + 3/5 * 2/9 = 1/5 + 2/15 = 1/3
    const a = attribute(tree, store, [-1, -1]);
    close(a.score, (2 / 3) * Math.log2(3));
    close(a.low[0]!, (1 / 3) * Math.log2(3));
    close(a.low[1]!, (1 / 3) * Math.log2(3));
    expect(a.high).toEqual([0, 0]);
  });

  it('a query equal to a leaf: 1 / (d + log2 m), and an even split of the attribution', () => {
    const { store, tree } = shapeA();
    close(scoreTree(tree, store, Float64Array.of(0, 2)), 1 / (1 + 0) * Math.log2(3));
    insertPoint(tree, store, new ScriptedRandom([]), [0, 2]);
    // m = 2 at depth 1, M = 4: s = 1 / 2, score = 1/2 * 2 = 1
    expect(scoreTree(tree, store, Float64Array.of(0, 2))).toBe(1);
    const a = attribute(tree, store, [0, 2]);
    expect(a.score).toBe(1);
    expect(a.high).toEqual([0.25, 0.25]);
    expect(a.low).toEqual([0.25, 0.25]);
  });

  it('every sampled point equal to the query (leaf root of mass M): 1 / (M + 1)', () => {
    const store = new PointStore(1, 8);
    const tree = new RandomCutTree(1, 8);
    for (let i = 0; i < 4; i++) insertPoint(tree, store, new ScriptedRandom([]), [7]);
    expect(scoreTree(tree, store, Float64Array.of(7))).toBe((1 / 5) * 2);
    // a different value against a leaf root: s = 1, score = log2 M
    expect(scoreTree(tree, store, Float64Array.of(8))).toBe(2);
    const a = attribute(tree, store, [8]);
    expect(a).toEqual({ score: 2, high: [2], low: [0] });
  });

  it('a query inside the root box stops at the first ancestor that contains it', () => {
    const { store, tree } = shapeA();
    // (0.25, 0): descends x1<=0.5 then x0<=0.5 -> leaf (0,0) at depth 2, s = 1/3; the parent box
    // [0,1]x[0,0] contains it: p = 0, stop. Score 1/3 * log2 3.
    close(scoreTree(tree, store, Float64Array.of(0.25, 0)), Math.log2(3) / 3);
    const a = attribute(tree, store, [0.25, 0]);
    close(a.high[0]!, Math.log2(3) / 3);
  });
});

/**
 * The score written as the algorithm states it, with nothing folded or branch-free: descend by the
 * cuts, then at each ancestor p = (distance outside the box) / (sum of max(hi, x) - min(lo, x)).
 * The visitors compute the extended range sum as (box range sum) + (distance outside), which is
 * the same number up to rounding.
 */
function plainScore(tree: RandomCutTree, store: PointStore, q: number[]): number {
  const path: number[] = [];
  let ref = tree.root;
  while (ref >= 0) {
    path.push(ref);
    ref = q[tree.cutDimension(ref)]! <= tree.cutValue[ref]! ? tree.left[ref]! : tree.right[ref]! ;
  }
  const leafPoint = Array.from(store.pointAt(tree.leafPoint[~ref]!));
  const M = tree.totalMass;
  if (leafPoint.every((v, i) => v === q[i])) {
    const m = tree.leafMass[~ref]!;
    return (path.length === 0 ? 1 / (M + 1) : 1 / (path.length + Math.log2(m))) * Math.log2(M);
  }
  let s = 1 / (path.length + 1);
  for (let k = path.length - 1; k >= 0; k--) {
    const [lo, hi] = boxOf(tree, path[k]!, store);
    let outside = 0;
    let extended = 0;
    q.forEach((x, i) => {
      outside += Math.max(lo[i]! - x, 0) + Math.max(x - hi[i]!, 0);
      extended += Math.max(hi[i]!, x) - Math.min(lo[i]!, x);
    });
    if (outside === 0) break;
    const p = outside / extended;
    s = p / (k + 1) + (1 - p) * s;
  }
  return s * Math.log2(M);
}

describe('score and attribution against the plain formula, on random trees', () => {
  it('agree to 1e-13 relative on 2,000 queries over 6-dimensional trees, and the attribution sums to the score', () => {
    const uniform = mulberry32(7);
    const D = 6;
    const store = new PointStore(D, 512);
    const tree = new RandomCutTree(D, 200);
    const rng = new TreeRandom(11, 22, 33, 44);
    for (let n = 0; n < 200; n++) insertPoint(tree, store, rng, Array.from({ length: D }, () => Math.round(uniform() * 1000) / 7));
    let worst = 0;
    for (let t = 0; t < 2000; t++) {
      // Half the queries inside the data's range, half spread beyond it; a few equal to a sampled point.
      const spread = t % 2 === 0 ? 150 : 400;
      const q = t % 97 === 0 ? Array.from(store.pointAt(tree.leafPoint[t % 200]!)) : Array.from({ length: D }, () => uniform() * spread - (spread - 143) / 2);
      const want = plainScore(tree, store, q);
      const got = scoreTree(tree, store, Float64Array.from(q));
      worst = Math.max(worst, Math.abs(got - want) / want);
      const a = attribute(tree, store, q);
      expect(a.score).toBe(got);
      const sum = a.high.reduce((x, y) => x + y, 0) + a.low.reduce((x, y) => x + y, 0);
      expect(Math.abs(sum - got) / got).toBeLessThan(1e-12);
    }
    expect(worst).toBeLessThan(1e-13);
  });
});
