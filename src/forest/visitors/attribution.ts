/**
 * Attribution of one tree's score to each dimension and direction (KDA's explanation, a "DiVector"),
 * walked leaf to root along the same recursion as the score.
 * @module
 */
import type { PointStore } from '../point-store.js';
import type { RandomCutTree } from '../tree.js';
import { duplicateLeafScore, log2Mass, pairSeparationProbability } from './score.js';

/**
 * Adds one tree's attribution of `point`, scaled by log2(M), into `high` and `low` (length D each),
 * and returns the tree's score, computed with exactly the arithmetic of `scoreTree`.
 * `work` is scratch of length 2D. With gapHigh_i = max(0, q_i - max_i), gapLow_i = max(0, min_i - q_i)
 * and N the range sum of the box extended by q (computed as in `separationProbability`, branch-free):
 * - leaf that is not q: high_i = gapHigh_i / N / (d + 1) against the leaf point (likewise low_i);
 *   leaf equal to q: each of the 2D entries gets s / (2D);
 * - ancestor at depth k with p > 0: high_i = (gapHigh_i / N) / (k + 1) + (1 - p) high_i; for the
 *   leaf's two-point parent (exact box of its two points) gapHigh_i / N is taken as
 *   gapHigh_i / (sum of the gaps) x p, with p from `pairSeparationProbability` as in the score.
 * The entries sum to the score.
 * @example
 * // one dimension, leaf 0 at depth 1 under a root with box [0, 1], query 2:
 * // high[0] = (1 / 2) / 1 + (1 - 1/2) * (1 / 2) * ... see test/forest/visitors.test.ts
 */
export function addTreeAttribution(
  tree: RandomCutTree,
  store: PointStore,
  point: Float64Array,
  work: Float64Array,
  high: Float64Array,
  low: Float64Array,
): number {
  const D = tree.dimensions;
  const M = tree.totalMass;
  const depth = D === 1 ? tree.descend1(point[0]!) : tree.descendCuts(point, 0);
  const leaf = tree.lastLeaf;
  const leafSlot = tree.leafPoint[leaf]!;
  const scale = log2Mass(M);
  if (store.equals(leafSlot, point)) {
    const s = duplicateLeafScore(tree, depth, leaf);
    const share = (s / (2 * D)) * scale;
    for (let i = 0; i < D; i++) {
      high[i]! += share;
      low[i]! += share;
    }
    return s * scale;
  }
  // work[0..D) = high, work[D..2D) = low, for this tree before scaling.
  const data = store.data;
  const leafOff = store.offset(leafSlot);
  let s = 1 / (depth + 1);
  {
    let n = 0;
    for (let i = 0; i < D; i++) n += Math.abs(point[i]! - data[leafOff + i]!);
    for (let i = 0; i < D; i++) {
      const x = point[i]!;
      const y = data[leafOff + i]!;
      work[i] = x > y ? (s * (x - y)) / n : 0;
      work[D + i] = x < y ? (s * (y - x)) / n : 0;
    }
  }
  const path = tree.path;
  const boxSlot = tree.boxSlot;
  const none = tree.cachesNothing;
  const boxes = tree.pool.boxes;
  const run = tree.run;
  const D2 = 2 * D;
  let k = depth - 1;
  if (k >= 0 && tree.twoPoints(path[k]!)) {
    // The leaf's parent holds two points: the exact box of the two, p as the score computes it;
    // the gaps beside the box, per dimension, share it.
    const ob = tree.siblingPointOffset(path[k]!, leaf, store);
    const p = pairSeparationProbability(data, leafOff, ob, point, D);
    if (p > 0) {
      let outside = 0;
      for (let i = 0; i < D; i++) {
        const x = point[i]!;
        const a = data[leafOff + i]!;
        const b = data[ob + i]!;
        outside += Math.max(0, Math.min(a, b) - x) + Math.max(0, x - Math.max(a, b));
      }
      const q = 1 - p;
      const w = 1 / (k + 1);
      s = p / (k + 1) + q * s; // exactly as scoreTree
      // Each gap's share of p is gap / outside (the gaps sum to the distance outside); outside is 0
      // only when p > 0 came from rounding alone (p about 1e-16): then no share.
      const f = outside > 0 ? (p / outside) * w : 0;
      for (let i = 0; i < D; i++) {
        const x = point[i]!;
        const a = data[leafOff + i]!;
        const b = data[ob + i]!;
        work[i] = Math.max(0, x - Math.max(a, b)) * f + q * work[i]!;
        work[D + i] = Math.max(0, Math.min(a, b) - x) * f + q * work[D + i]!;
      }
      k--;
    } else k = -1;
  }
  for (let fresh = true; k >= 0; k--) {
    // The node's box: cached, or (for the lowest, lightest nodes) grown from its points.
    const n = path[k]!;
    const j = none ? -1 : boxSlot[n]!;
    let box: Float32Array | Float64Array = boxes;
    let bo = j * D2;
    if (j < 0) {
      tree.extendRun(k, fresh, store);
      fresh = false;
      box = run;
      bo = 0;
    }
    // The branch-free sums of `separationProbability`, written out because both the distance outside
    // and the range sum are needed here (and must round exactly as in `scoreTree`).
    let outside2 = 0;
    let width = 0;
    for (let i = 0; i < D; i++) {
      const lo = box[bo + i]!;
      const hi = box[bo + D + i]!;
      const x = point[i]!;
      const below = lo - x;
      const above = x - hi;
      outside2 += below + Math.abs(below) + (above + Math.abs(above));
      width += hi - lo;
    }
    if (outside2 === 0) break;
    const outside = 0.5 * outside2;
    const rangeSum = width + outside;
    const p = outside / rangeSum;
    const q = 1 - p;
    const w = 1 / (k + 1);
    s = p / (k + 1) + q * s; // exactly as scoreTree (q is 1 - p), so the two scores agree to the bit
    for (let i = 0; i < D; i++) {
      const below = box[bo + i]! - point[i]!;
      const above = point[i]! - box[bo + D + i]!;
      // 0.5 (a + |a|) is max(a, 0) exactly, without a branch.
      work[i] = ((0.5 * (above + Math.abs(above))) / rangeSum) * w + q * work[i]!;
      work[D + i] = ((0.5 * (below + Math.abs(below))) / rangeSum) * w + q * work[D + i]!;
    }
  }
  for (let i = 0; i < D; i++) {
    high[i]! += work[i]! * scale;
    low[i]! += work[D + i]! * scale;
  }
  return s * scale;
}
