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
 *    extended by the query); stop when p = 0, else s = p / (k + 1) + (1 - p) s;
 * 3. return s * log2(M), M the tree's total mass.
 * @example
 * // a tree holding 148 copies of 20 and 108 of 80, queried at 20: 8 / (1 + log2 148)
 */
export function scoreTree(tree: RandomCutTree, store: PointStore, point: Float64Array): number {
  const D = tree.dimensions;
  const M = tree.totalMass;
  const depth = tree.descend(point, 0);
  const leaf = tree.lastLeaf;
  if (store.equals(tree.leafPoint[leaf]!, point)) return duplicateLeafScore(tree, depth, leaf) * log2Mass(M);
  let s = 1 / (depth + 1);
  let k = depth - 1;
  if (!tree.cachesAll) {
    // The lowest, lightest nodes have no cached box (kept out of line: rare with the default cache).
    s = climbUncached(tree, store, point, depth, s);
    k = uncachedStop;
  }
  const path = tree.path;
  const all = tree.cachesAll;
  const boxSlot = tree.boxSlot;
  const box = tree.boxes;
  // separationProbability inlined by hand: calling it here measured 4-5% slower on config C
  // (score only, alternating runs: 37,280 / 36,358 / 36,159 inline, 35,699 / 34,496 / 34,001 call).
  for (; k >= 0; k--) {
    const bo = (all ? path[k]! : boxSlot[path[k]!]!) * 2 * D;
    const ho = bo + D;
    let outside = 0;
    let rangeSum = 0;
    for (let i = 0; i < D; i++) {
      const lo = box[bo + i]!;
      const hi = box[ho + i]!;
      const x = point[i]!;
      if (x < lo) {
        outside += lo - x;
        rangeSum += hi - x;
      } else if (x > hi) {
        outside += x - hi;
        rangeSum += x - lo;
      } else rangeSum += hi - lo;
    }
    if (outside === 0) break;
    const p = outside / rangeSum;
    s = p / (k + 1) + (1 - p) * s;
  }
  return s * log2Mass(M);
}

/** Where `climbUncached` stopped: the level of the first cached node, or -1 (contained, or the root done). */
let uncachedStop = -1;

/**
 * The score climb over the lowest path nodes that have no cached box, growing each box from its
 * points; returns s and sets `uncachedStop`.
 */
function climbUncached(tree: RandomCutTree, store: PointStore, point: Float64Array, depth: number, s: number): number {
  const path = tree.path;
  const boxSlot = tree.boxSlot;
  const run = tree.run;
  const D = tree.dimensions;
  let k = depth - 1;
  for (; k >= 0 && boxSlot[path[k]!]! < 0; k--) {
    tree.extendRun(k, depth, store.data, store.start);
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
 * @example
 * separationProbability(Float64Array.of(0, 1), 0, Float64Array.of(3), 1); // 2 / 3
 */
export function separationProbability(box: Float64Array, bo: number, point: Float64Array, D: number): number {
  const ho = bo + D;
  let outside = 0;
  let rangeSum = 0;
  for (let i = 0; i < D; i++) {
    const lo = box[bo + i]!;
    const hi = box[ho + i]!;
    const x = point[i]!;
    if (x < lo) {
      outside += lo - x;
      rangeSum += hi - x;
    } else if (x > hi) {
      outside += x - hi;
      rangeSum += x - lo;
    } else rangeSum += hi - lo;
  }
  return outside === 0 ? 0 : outside / rangeSum;
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
