/** Test helpers for the forest internals: scripted randomness, tree rendering and invariant checks. */
import type { BoxPool } from '../../src/forest/box-pool.js';
import { PointStore } from '../../src/forest/point-store.js';
import { TreeRandom } from '../../src/forest/random.js';
import { NO_ROOT, RandomCutTree, roundDown32, roundPointBox, roundUp32 } from '../../src/forest/tree.js';

/** A random source that returns the scripted values in order (and throws when they run out). */
export class ScriptedRandom extends TreeRandom {
  private readonly values: number[];
  constructor(values: number[]) {
    super(1, 2, 3, 4);
    this.values = [...values];
  }
  override nextDouble(): number {
    const v = this.values.shift();
    if (v === undefined) throw new Error('scripted random: no value left');
    return v;
  }
  get remaining(): number {
    return this.values.length;
  }
}

/** Adds `coords` to the store, inserts it in the tree and takes the reference a sampler would. */
export function insertPoint(tree: RandomCutTree, store: PointStore, rng: TreeRandom, coords: number[]): number {
  const point = Float64Array.from(coords);
  const slot = store.add(point);
  const pointBox = new Float64Array(2 * point.length);
  roundPointBox(point, pointBox);
  const held = tree.insert(point, pointBox, slot, store, rng);
  store.incRef(held);
  store.releaseIfUnused(slot);
  return held;
}

/** Deletes one copy of the point in `slot` and drops the sampler's reference. */
export function deletePoint(tree: RandomCutTree, store: PointStore, slot: number): void {
  tree.delete(slot, store);
  store.decRef(slot);
}

/** Renders a tree: `(x<dim><=<value> left right)` for internal nodes, `[coords]` or `[coords]*m` for leaves. */
export function render(tree: RandomCutTree, store: PointStore): string {
  if (tree.root === NO_ROOT) return 'empty';
  const D = tree.dimensions;
  const walk = (ref: number): string => {
    if (ref < 0) {
      const leaf = ~ref;
      const coords = Array.from(store.pointAt(tree.leafPoint[leaf]!)).join(',');
      const m = tree.leafMass[leaf]!;
      return m > 1 ? `[${coords}]*${m}` : `[${coords}]`;
    }
    return `(x${tree.cutDimension(ref)}<=${tree.cutValue[ref]} ${walk(tree.left[ref]!)} ${walk(tree.right[ref]!)})`;
  };
  return walk(tree.root);
}

/**
 * The box of internal node n as [min[], max[]], as the climbs use it: its cached box, the exact box
 * of its two points (a two-point node), or the rounded box computed from its points.
 */
export function boxOf(tree: RandomCutTree, n: number, store?: PointStore): [number[], number[]] {
  const D = tree.dimensions;
  const j = tree.boxSlotOf(n);
  let b: Float32Array | Float64Array;
  if (j >= 0) b = tree.pool.boxes.subarray(j * 2 * D, (j + 1) * 2 * D);
  else {
    if (!store) throw new Error(`node ${n} has no cached box: pass the store`);
    b = new Float64Array(2 * D);
    if (tree.twoPoints(n)) {
      const a = store.pointAt(tree.leafPoint[~tree.left[n]!]!);
      const c = store.pointAt(tree.leafPoint[~tree.right[n]!]!);
      for (let i = 0; i < D; i++) {
        b[i] = Math.min(a[i]!, c[i]!);
        b[D + i] = Math.max(a[i]!, c[i]!);
      }
    } else tree.boxInto(n, store, b);
  }
  return [Array.from(b.subarray(0, D)), Array.from(b.subarray(D))];
}

/**
 * Checks every structural invariant of a tree and returns the list of stored slots (with
 * multiplicity). Throws with a description of the first violation.
 */
export function checkTree(tree: RandomCutTree, store: PointStore, ownPool = true): number[] {
  const D = tree.dimensions;
  const slots: number[] = [];
  if (tree.root === NO_ROOT) {
    if (tree.totalMass !== 0) throw new Error('empty tree with mass');
    return slots;
  }
  const seenPoints = new Set<string>();
  const boxSlots = new Set<number>();
  let internal = 0;
  let leaves = 0;
  // returns [mass, min[], max[]]
  const walk = (ref: number, lo: number[], hi: number[]): [number, number[], number[]] => {
    if (ref < 0) {
      leaves++;
      const leaf = ~ref;
      const p = Array.from(store.pointAt(tree.leafPoint[leaf]!));
      const key = p.join(',');
      if (seenPoints.has(key)) throw new Error(`duplicate leaf ${key}`);
      seenPoints.add(key);
      for (let i = 0; i < D; i++) {
        if (!(p[i]! > lo[i]! && p[i]! <= hi[i]!)) throw new Error(`leaf ${key} on the wrong side of a cut`);
      }
      const m = tree.leafMass[leaf]!;
      if (m < 1) throw new Error('leaf mass < 1');
      for (let k = 0; k < m; k++) slots.push(tree.leafPoint[leaf]!);
      return [m, p, p];
    }
    internal++;
    const d = tree.cutDimension(ref);
    const v = tree.cutValue[ref]!;
    const hiLeft = [...hi];
    hiLeft[d] = Math.min(hi[d]!, v);
    const loRight = [...lo];
    loRight[d] = Math.max(lo[d]!, v);
    const [ml, minL, maxL] = walk(tree.left[ref]!, lo, hiLeft);
    const [mr, minR, maxR] = walk(tree.right[ref]!, loRight, hi);
    const min = minL.map((x, i) => Math.min(x, minR[i]!));
    const max = maxL.map((x, i) => Math.max(x, maxR[i]!));
    if (tree.massOf(ref) !== ml + mr) throw new Error(`node ${ref}: mass ${tree.massOf(ref)} != ${ml + mr}`);
    if (tree.twoPoints(ref) !== (ml + mr === 2)) throw new Error(`node ${ref}: twoPoints wrong for mass ${ml + mr}`);
    const slot = tree.boxSlotOf(ref);
    if ((slot >= 0) !== (ml + mr >= tree.boxCacheMass)) {
      throw new Error(`node ${ref}: mass ${ml + mr} but box slot ${slot} (cache mass ${tree.boxCacheMass})`);
    }
    // Every node's box as the tree computes it (cached, folded from the subtree, or for one
    // coordinate read from the outermost leaves) is the exact box rounded outwards.
    const folded = new Float64Array(2 * D);
    tree.boxInto(ref, store, folded);
    for (let i = 0; i < D; i++) {
      if (folded[i] !== roundDown32(min[i]!) || folded[D + i] !== roundUp32(max[i]!)) {
        throw new Error(`node ${ref}: box [${folded.subarray(0, D)}]..[${folded.subarray(D)}] != rounded exact [${min}]..[${max}]`);
      }
    }
    if (slot >= 0) {
      if (boxSlots.has(slot)) throw new Error(`box slot ${slot} used twice`);
      boxSlots.add(slot);
      // The cached box is the exact box rounded outwards to float32 values.
      const [bmin, bmax] = boxOf(tree, ref);
      for (let i = 0; i < D; i++) {
        if (bmin[i] !== roundDown32(min[i]!) || bmax[i] !== roundUp32(max[i]!)) {
          throw new Error(`node ${ref}: cached box [${bmin}]..[${bmax}] != rounded exact [${min}]..[${max}]`);
        }
        if (!(bmin[i]! <= min[i]! && max[i]! <= bmax[i]! && Math.fround(bmin[i]!) === bmin[i] && Math.fround(bmax[i]!) === bmax[i])) {
          throw new Error(`node ${ref}: cached box [${bmin}]..[${bmax}] not float32 values around [${min}]..[${max}]`);
        }
      }
    }
    return [ml + mr, min, max];
  };
  const inf = new Array<number>(D).fill(Infinity);
  const [mass] = walk(tree.root, inf.map((x) => -x), inf);
  if (mass !== tree.totalMass) throw new Error(`total mass ${tree.totalMass} != ${mass}`);
  const nodes = Math.max(1, tree.capacity - 1);
  if (internal + tree.freeNodeCount !== nodes) throw new Error('internal node leak');
  if (leaves + tree.freeLeafCount !== tree.capacity) throw new Error('leaf slot leak');
  // The threaded free lists hold exactly the unused slots.
  let freeNodes = 0;
  for (let n = tree.freeNodeHead; n >= 0; n = tree.left[n]!) if (++freeNodes > nodes) throw new Error('free node list loops');
  if (freeNodes !== tree.freeNodeCount) throw new Error(`free node list holds ${freeNodes}, count says ${tree.freeNodeCount}`);
  let freeLeaves = 0;
  for (let l = tree.freeLeafHead; l >= 0; l = tree.leafPoint[l]!) if (++freeLeaves > tree.capacity) throw new Error('free leaf list loops');
  if (freeLeaves !== tree.freeLeafCount) throw new Error(`free leaf list holds ${freeLeaves}, count says ${tree.freeLeafCount}`);
  // Box slots: each used by one cached node is off the pool's free list; with a pool of its own,
  // every slot is either used or free.
  const pool = tree.pool;
  let freeBoxes = 0;
  for (let j = pool.freeHead; j >= 0; j = pool.boxes[j * 2 * D]!) {
    if (boxSlots.has(j) || ++freeBoxes > pool.used) throw new Error(`box slot ${j} both used and free`);
  }
  if (freeBoxes !== pool.freeCount) throw new Error(`pool free list holds ${freeBoxes}, count says ${pool.freeCount}`);
  for (const j of boxSlots) if (j >= pool.used) throw new Error(`box slot ${j} beyond the pool's ${pool.used}`);
  if (ownPool && boxSlots.size + freeBoxes !== pool.used) throw new Error('box slot leak');
  if (internal !== leaves - 1) throw new Error('not a full binary tree');
  return slots;
}

/**
 * Checks the box pools that `trees` share: no slot held by two nodes, and every slot of a pool
 * either held by a cached node of one of its trees or on its free list (no leak).
 */
export function checkPools(trees: RandomCutTree[]): void {
  const held = new Map<BoxPool, Set<number>>();
  for (const tree of trees) {
    let slots = held.get(tree.pool);
    if (!slots) held.set(tree.pool, (slots = new Set<number>()));
    const stack = tree.root === NO_ROOT ? [] : [tree.root];
    while (stack.length > 0) {
      const r = stack.pop()!;
      if (r < 0) continue;
      const j = tree.boxSlotOf(r);
      if (j >= 0) {
        if (slots.has(j)) throw new Error(`box slot ${j} held twice in one pool`);
        slots.add(j);
      }
      stack.push(tree.left[r]!, tree.right[r]!);
    }
  }
  for (const [pool, slots] of held) {
    if (slots.size + pool.freeCount !== pool.used) throw new Error(`box pool leak: ${slots.size} held + ${pool.freeCount} free != ${pool.used}`);
  }
}

/** A seeded standard normal generator (Box-Muller) over a [0, 1) source. */
export function normals(uniform: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** mulberry32: uniform in [0, 1) from 32-bit integer arithmetic only (identical on every machine). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export { PointStore, RandomCutTree };
