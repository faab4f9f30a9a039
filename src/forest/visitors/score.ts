/**
 * The anomaly score of one tree: KDA's "expected inverse depth", walked leaf to root.
 * @module
 */
import type { PointStore } from '../point-store.js';
import type { RandomCutTree } from '../tree.js';

/**
 * Scores `point` against one tree (not empty), on KDA's scale:
 * 1. descend to the leaf at depth d; if its point equals the query (m copies),
 *    s = 1 / (d + log2 m), or 1 / (M + 1) when that leaf is the root, and stop; else s = 1 / (d + 1);
 * 2. at each ancestor at depth k, p = (distance of the query outside the box) / (range sum of the box
 *    extended by the query); stop when p = 0, else s = p / (k + 1) + (1 - p) s (the leaf's parent,
 *    when it holds two points, has the exact box of the two: `pairSeparationProbability`);
 * 3. return s * log2(M), M the tree's total mass.
 * @example
 * // a tree holding 148 copies of 20 and 108 of 80, queried at 20: 8 / (1 + log2 148)
 */
export function scoreTree(tree: RandomCutTree, store: PointStore, point: Float64Array): number {
  const D = tree.dimensions;
  const M = tree.totalMass;
  // The choice `tree.descend` makes, made by the caller (see there).
  const depth = D === 1 ? tree.descend1(point[0]!) : tree.descendCuts(point, 0);
  const leaf = tree.lastLeaf;
  if (store.equals(tree.leafPoint[leaf]!, point)) return duplicateLeafScore(tree, depth, leaf) * log2Mass(M);
  let s = 1 / (depth + 1);
  let k = depth - 1;
  const path = tree.path;
  const boxSlot = tree.boxSlot;
  if (k >= 0 && tree.twoPoints(path[k]!)) {
    // The leaf's parent holds two points (two times in three): the exact box of the leaf's point
    // and its sibling's.
    const oa = store.offset(tree.leafPoint[leaf]!);
    const ob = tree.siblingPointOffset(path[k]!, leaf, store);
    const p = pairSeparationProbability(store.data, oa, ob, point, D);
    if (p === 0) return s * log2Mass(M);
    s = p / (k + 1) + (1 - p) * s;
    k--;
  }
  if (k >= 0 && (tree.cachesNothing || boxSlot[path[k]!]! < 0)) {
    // Lighter nodes without a cached box above it (only with a boxCacheMinMass above 3, as for one
    // coordinate by default): out of line.
    s = climbUncached(tree, store, point, k, s);
    k = uncachedStop;
  }
  const box = tree.pool.boxes;
  // separationProbability inlined by hand: calling it here measured 4-5% slower on config C
  // (score only, alternating runs: 37,280 / 36,358 / 36,159 inline, 35,699 / 34,496 / 34,001 call).
  // Branch-free, as there: the below / inside / above branch per coordinate was mispredicted often
  // enough that this form scores D 45% faster (bench/NOTES.md, item 14).
  for (; k >= 0; k--) {
    const bo = boxSlot[path[k]!]! * 2 * D;
    const ho = bo + D;
    let outside2 = 0;
    let width = 0;
    for (let i = 0; i < D; i++) {
      const lo = box[bo + i]!;
      const hi = box[ho + i]!;
      const x = point[i]!;
      const below = lo - x;
      const above = x - hi;
      outside2 += below + Math.abs(below) + (above + Math.abs(above));
      width += hi - lo;
    }
    if (outside2 === 0) break;
    const outside = 0.5 * outside2;
    const p = outside / (width + outside);
    s = p / (k + 1) + (1 - p) * s;
  }
  return s * log2Mass(M);
}

/** Where `climbUncached` stopped: the level of the first cached node, or -1 (contained, or the root done). */
let uncachedStop = -1;

/**
 * The score climb over the path nodes from level `from` up that have no cached box, growing each
 * box from its points; returns s and sets `uncachedStop`.
 */
function climbUncached(tree: RandomCutTree, store: PointStore, point: Float64Array, from: number, s: number): number {
  const path = tree.path;
  const boxSlot = tree.boxSlot;
  const none = tree.cachesNothing;
  const run = tree.run;
  const D = tree.dimensions;
  let k = from;
  for (; k >= 0 && (none || boxSlot[path[k]!]! < 0); k--) {
    tree.extendRun(k, k === from, store);
    const p = separationProbability(run, 0, point, D);
    if (p === 0) {
      uncachedStop = -1;
      return s;
    }
    s = p / (k + 1) + (1 - p) * s;
  }
  uncachedStop = k;
  return s;
}

/**
 * The probability that a random cut of the box `box[bo .. bo + 2D)` (mins, then maxes) extended by
 * `point` separates the point: (distance of the point outside the box) / (range sum of the extended
 * box); 0 when the box contains the point.
 *
 * Computed without a branch per coordinate: `a + |a|` is exactly `2 max(a, 0)`, so `outside2` is
 * exactly twice the distance outside, and the extended range sum is taken as (the box's range sum)
 * + (the distance outside), equal to the sum of `max(hi, x) - min(lo, x)` up to rounding. The score
 * and attribution climbs use the same arithmetic, so their scores agree bit for bit.
 * @example
 * separationProbability(Float64Array.of(0, 1), 0, Float64Array.of(3), 1); // 2 / 3
 */
export function separationProbability(box: Float64Array, bo: number, point: Float64Array, D: number): number {
  const ho = bo + D;
  let outside2 = 0;
  let width = 0;
  for (let i = 0; i < D; i++) {
    const lo = box[bo + i]!;
    const hi = box[ho + i]!;
    const x = point[i]!;
    const below = lo - x;
    const above = x - hi;
    outside2 += below + Math.abs(below) + (above + Math.abs(above));
    width += hi - lo;
  }
  if (outside2 === 0) return 0;
  const outside = 0.5 * outside2;
  return outside / (width + outside);
}

/**
 * `separationProbability` for the exact box of the two points `data[oa .. oa + D)` and
 * `data[ob .. ob + D)`, without forming the box: with S = sum of |a_i - x_i| + |b_i - x_i| and
 * W = sum of |a_i - b_i| (the box's range sum), S - W is twice the distance of x outside the box
 * (coordinate by coordinate, |a - x| + |b - x| - |a - b| is 0 between a and b, twice the distance
 * beyond), so p = (S - W) / (S + W); 0 when S <= W (contained, up to rounding). The score and
 * attribution climbs use this arithmetic.
 * @example
 * pairSeparationProbability(Float64Array.of(0, 1), 0, 1, Float64Array.of(3), 1); // 2 / 3
 */
export function pairSeparationProbability(data: Float64Array, oa: number, ob: number, point: Float64Array, D: number): number {
  let sum = 0;
  let width = 0;
  for (let i = 0; i < D; i++) {
    const x = point[i]!;
    const a = data[oa + i]!;
    const b = data[ob + i]!;
    sum += Math.abs(a - x) + Math.abs(b - x);
    width += Math.abs(a - b);
  }
  return sum <= width ? 0 : (sum - width) / (sum + width);
}

/**
 * The unscaled score when the query equals the point of `leaf` (m copies) at `depth`: 1 / (d + log2 m),
 * or 1 / (M + 1) when that leaf is the root (every sampled point is the query).
 * @example
 * // 148 copies of the query at depth 1: 1 / (1 + log2 148)
 */
export function duplicateLeafScore(tree: RandomCutTree, depth: number, leaf: number): number {
  return depth === 0 ? 1 / (tree.totalMass + 1) : 1 / (depth + Math.log2(tree.leafMass[leaf]!));
}

let lastMass = -1;
let lastLog2 = 0;

/**
 * Math.log2(M), remembered for the last M: every tree of a full forest has the same total mass, so
 * this skips almost every logarithm (same value: it is Math.log2's own result).
 */
export function log2Mass(M: number): number {
  if (M !== lastMass) {
    lastLog2 = Math.log2(M);
    lastMass = M;
  }
  return lastLog2;
}
