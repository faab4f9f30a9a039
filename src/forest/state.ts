/**
 * The state of a forest as data: a plain JSON form (version 1) and the version-1 binary form, both
 * carrying a format version. `toBytes()` now writes binary version 3 (state-binary.ts, straight from
 * the forest's arrays); `stateToBytes` / `stateFromBytes` stay for reading (and, in tests, writing)
 * version-1 bytes. Restoring goes through one path that validates everything before any forest exists, so a
 * bad state is refused whole.
 *
 * What is saved: options (with the seed), counters, the shingle, the live points once each, and per
 * tree its random generator, its sampler (heap order kept) and its cut structure in preorder.
 * What is rebuilt: reference counts (from the samplers), masses and bounding boxes (the same: a box
 * is the float32 rounding of the minima and maxima of the same float64 values, however it is built).
 * Slot numbers are renumbered densely; no computation depends on them, so the restored forest
 * continues bit for bit.
 * @module
 */
import { crc32 } from './crc32.js';
import { RandomCutForest } from './forest.js';
import { defaultBoxCacheMinMass, resolveForestOptions, type ResolvedForestOptions } from './options.js';
import { PointStore } from './point-store.js';
import { TreeRandom } from './random.js';
import { Sampler, SamplerStorage } from './sampler.js';
import { ShingleBuffer } from './shingle.js';
import { MAX_BOX_VALUE, NO_ROOT, RandomCutTree, cachesNoBox } from './tree.js';
import { TreeStorages, type TreeStorage } from './tree-storage.js';

/**
 * Version of the JSON form and of the version-1 binary form (`toBytes()` writes version 3:
 * `BINARY_STATE_VERSION` in state-binary.ts; `fromBytes()` reads 1 and 3).
 * @example
 * forest.toJSON().version === STATE_VERSION; // true
 */
export const STATE_VERSION = 1;
const FORMAT = 'random-cut-forest';
const MAGIC = [0x52, 0x43, 0x46, 0x53]; // "RCFS"
// magic, u16 version, u16 boxCacheMinMass (0: the default; it only sets how much the
// restored forest caches, never a score), u32 body length
const HEADER_BYTES = 12;
const TRAILER_BYTES = 4; // crc32 of header + body

/**
 * Raised when a state cannot be restored; `check` names the check that failed.
 * @example
 * try {
 *   RandomCutForest.fromBytes(bytes);
 * } catch (e) {
 *   if (e instanceof StateError && e.check === 'checksum') console.error('corrupted checkpoint');
 * }
 */
export class StateError extends Error {
  /** Which check failed: "format", "version", "length", "checksum" or "content". */
  readonly check: 'format' | 'version' | 'length' | 'checksum' | 'content';
  constructor(check: StateError['check'], message: string) {
    super(`invalid forest state (${check}): ${message}`);
    this.name = 'StateError';
    this.check = check;
  }
}

/**
 * One tree's saved state.
 * @example
 * forest.toJSON().trees[0].keys.length; // the tree's sample size so far
 */
export interface TreeState {
  /** The tree's generator state: four unsigned 32-bit integers. */
  random: [number, number, number, number];
  /** Sampler keys in heap order. */
  keys: number[];
  /** Sampler entries in heap order: indexes into `ForestState.points` (point number, not offset). */
  samples: number[];
  /**
   * The tree in preorder: an internal node is `cutDimension + 1, cutValue`, a leaf is
   * `0, pointIndex, mass`. Empty for an empty tree.
   */
  nodes: number[];
}

/**
 * The JSON form of a forest (`forest.toJSON()`); every number is finite, so JSON keeps it exactly.
 * @example
 * const state: ForestState = JSON.parse(JSON.stringify(forest));
 * const again = RandomCutForest.fromJSON(state);
 */
export interface ForestState {
  format: 'random-cut-forest';
  version: number;
  options: {
    dimensions: number;
    shingleSize: number;
    numberOfTrees: number;
    subSampleSize: number;
    timeDecay: number;
    outputAfter: number;
    seed: string;
    /** Present when not the default (3). */
    boxCacheMinMass?: number;
  };
  pointsSeen: number;
  recordsSeen: number;
  shingle: { head: number; filled: number; values: number[] };
  /** Live points, `dimensions * shingleSize` values each, concatenated. */
  points: number[];
  trees: TreeState[];
}

// ---------------------------------------------------------------------------------------------
// forest -> state

/** Captures a forest's state (the JSON form). */
export function forestToState(forest: RandomCutForest): ForestState {
  const store = forest.store;
  const D = store.dimensions;
  // Dense renumbering of the live slots in store order, so that a restore, adding the points in
  // this order, stores overlapping shingles overlapping again.
  const live = new Set<number>();
  forest.samplers.forEach((sampler, t) => {
    const leafPoint = forest.trees[t]!.leafPoint;
    for (let i = 0; i < sampler.size; i++) live.add(leafPoint[sampler.leafAt(i)]!);
  });
  const slots = [...live].sort((a, b) => store.offset(a) - store.offset(b) || a - b);
  const dense = new Map<number, number>();
  const points: number[] = [];
  for (const slot of slots) {
    dense.set(slot, dense.size);
    const off = store.offset(slot);
    for (let k = 0; k < D; k++) points.push(store.data[off + k]!);
  }
  const denseOf = (slot: number): number => dense.get(slot)!;
  const trees: TreeState[] = [];
  for (let t = 0; t < forest.numberOfTrees; t++) {
    const sampler = forest.samplers[t]!;
    const tree = forest.trees[t]!;
    const keys = Array.from({ length: sampler.size }, (_, i) => sampler.keyAt(i));
    const samples = Array.from({ length: sampler.size }, (_, i) => denseOf(tree.leafPoint[sampler.leafAt(i)]!));
    const nodes: number[] = [];
    if (tree.root !== NO_ROOT) {
      const stack = [tree.root];
      while (stack.length > 0) {
        const ref = stack.pop()!;
        if (ref < 0) nodes.push(0, denseOf(tree.leafPoint[~ref]!), tree.leafMass[~ref]!);
        else {
          nodes.push(tree.cutDimension(ref) + 1, tree.cutValue[ref]!);
          stack.push(tree.right[ref]!, tree.left[ref]!);
        }
      }
    }
    const r = forest.randoms[t]!;
    trees.push({ random: r.getState(), keys, samples, nodes });
  }
  const sh = forest.shingle;
  return {
    format: FORMAT,
    version: STATE_VERSION,
    options: {
      dimensions: forest.dimensions,
      shingleSize: forest.shingleSize,
      numberOfTrees: forest.numberOfTrees,
      subSampleSize: forest.subSampleSize,
      timeDecay: forest.timeDecay,
      outputAfter: forest.outputAfter,
      seed: forest.seed,
      ...(forest.boxCacheMinMass !== defaultBoxCacheMinMass(forest.dimensions * forest.shingleSize, forest.subSampleSize)
        ? { boxCacheMinMass: forest.boxCacheMinMass }
        : {}),
    },
    pointsSeen: forest.pointsSeen,
    recordsSeen: forest.recordsSeen,
    shingle: { head: sh.head, filled: sh.filled, values: Array.from(sh.ring) },
    points,
    trees,
  };
}

// ---------------------------------------------------------------------------------------------
// state -> forest (validate everything, then build)

/**
 * Refuses a state's content: throws a `StateError` whose check is `content`.
 * @example
 * if (mass < 1) failContent(`tree ${t}: a leaf of mass ${mass}`);
 */
export function failContent(message: string): never {
  throw new StateError('content', message);
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function numberArray(x: unknown, what: string, maxLength: number): number[] {
  if (!Array.isArray(x)) failContent(`${what} must be an array`);
  if (x.length > maxLength) failContent(`${what} has ${x.length} entries, at most ${maxLength} allowed`);
  for (let i = 0; i < x.length; i++) {
    if (typeof x[i] !== 'number' || !Number.isFinite(x[i])) failContent(`${what}[${i}] is not a finite number`);
  }
  return x as number[];
}

/** Checks that every value is a coordinate the forest accepts (within the float32 range of its boxes). */
function coordinates(x: number[], what: string): number[] {
  for (let i = 0; i < x.length; i++) {
    if (!(Math.abs(x[i]!) <= MAX_BOX_VALUE)) failContent(`${what}[${i}] = ${x[i]} is outside +-${MAX_BOX_VALUE}`);
  }
  return x;
}

/**
 * `x` when it is an integer in [lo, hi]; otherwise refuses the state naming `what`.
 * @example
 * const trees = checkStateInteger(raw.numberOfTrees, 'numberOfTrees', 1, 1000);
 */
export function checkStateInteger(x: unknown, what: string, lo: number, hi: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < lo || x > hi) {
    failContent(`${what} must be an integer from ${lo} to ${hi}, got ${String(x)}`);
  }
  return x;
}

/**
 * Builds one tree from its preorder, checking structure, cuts and masses, in time linear in the
 * state (no recursion, so no depth overflows the stack): an explicit stack of the internal nodes
 * waiting for a child; a node is complete (mass and box settled, in postorder, from its children's
 * cached boxes) when its right child is. Returns the tree and its leaves, in preorder.
 */
function buildTree(
  nodes: number[],
  D: number,
  capacity: number,
  store: PointStore,
  pointCount: number,
  t: number,
  boxCacheMinMass: number,
  storage: TreeStorage,
): { tree: RandomCutTree; leaves: number[] } {
  const tree = new RandomCutTree(D, capacity, boxCacheMinMass, storage);
  const leaves: number[] = [];
  if (nodes.length === 0) return { tree, leaves };
  // Internal nodes whose children are not all read yet, root first; `hasLeft[i]`: open[i]'s left child is set.
  const open: number[] = [];
  const hasLeft: boolean[] = [];
  let pos = 0;
  let root = NO_ROOT;
  read: for (;;) {
    if (pos >= nodes.length) failContent(`tree ${t}: preorder ends early`);
    const tag = nodes[pos++]!;
    if (tag !== 0) {
      const dim = checkStateInteger(tag, `tree ${t} cut dimension + 1`, 1, D) - 1;
      if (pos >= nodes.length) failContent(`tree ${t}: node truncated`);
      const value = nodes[pos++]!;
      if (open.length >= capacity - 1) failContent(`tree ${t}: deeper than ${capacity - 1} internal nodes`);
      tree.reserve();
      if (tree.freeNodeCount === 0) failContent(`tree ${t}: more than ${capacity - 1} internal nodes`);
      const n = tree.allocNode();
      tree.setCut(n, dim, value);
      open.push(n);
      hasLeft.push(false);
      continue;
    }
    if (pos + 2 > nodes.length) failContent(`tree ${t}: leaf truncated`);
    const point = checkStateInteger(nodes[pos++], `tree ${t} leaf point`, 0, pointCount - 1);
    const mass = checkStateInteger(nodes[pos++], `tree ${t} leaf mass`, 1, capacity);
    if (leaves.length === capacity) failContent(`tree ${t}: more than ${capacity} leaves`);
    tree.reserve();
    const leaf = tree.allocLeaf();
    tree.leafPoint[leaf] = point;
    tree.leafMass[leaf] = mass;
    leaves.push(leaf);
    // A complete subtree: hang it under the innermost open node; a right child completes its parent.
    let child = ~leaf;
    for (;;) {
      if (open.length === 0) {
        root = child;
        break read;
      }
      const i = open.length - 1;
      const parent = open[i]!;
      if (!hasLeft[i]) {
        tree.left[parent] = child;
        hasLeft[i] = true;
        break;
      }
      tree.right[parent] = child;
      open.pop();
      hasLeft.pop();
      // Children are complete: rebuild this node's mass and box (from the children's, O(D)).
      if (!tree.cachesNothing) tree.mass[parent] = tree.massOf(tree.left[parent]!) + tree.massOf(tree.right[parent]!);
      tree.settleBox(parent, store);
      child = parent;
    }
  }
  tree.root = root;
  if (pos !== nodes.length) failContent(`tree ${t}: ${nodes.length - pos} values after the preorder`);
  checkCuts(tree, store, t);
  tree.totalMass = massOfTree(tree, leaves);
  return { tree, leaves };
}

/** The tree's total mass: the sum of its leaves' masses (linear, also when no internal mass is kept). */
function massOfTree(tree: RandomCutTree, leaves: number[]): number {
  let sum = 0;
  for (const leaf of leaves) sum += tree.leafMass[leaf]!;
  return sum;
}

/**
 * @internal Checks that the cuts separate the children (also used by state-binary.ts): every leaf's point, followed down from the root,
 * reaches that leaf (which also rules out two leaves with equal points). Equivalently, a leaf's
 * point lies at or below every cut it is left of and above every cut it is right of; one walk keeps,
 * per coordinate, the tightest of those bounds on the current path (with undo on the way back), so
 * a leaf is checked against the coordinates cut on its path only: in all, at most the work of
 * descending from the root to every leaf, and for a deep chain cut on a few coordinates, linear.
 */
export function checkCuts(tree: RandomCutTree, store: PointStore, t: number): void {
  const D = tree.dimensions;
  if (D === 1) {
    checkCuts1(tree, store, t);
    return;
  }
  const above = new Float64Array(D).fill(-Infinity); // the point must be > above[d]
  const atMost = new Float64Array(D).fill(Infinity); // and <= atMost[d]
  const uses = new Int32Array(D); // cuts on coordinate d along the path
  const active = new Int32Array(D); // coordinates with uses > 0, in any order: active[0 .. nActive)
  let nActive = 0;
  const where = new Int32Array(D); // position of d in active
  const data = store.data;
  const left = tree.left;
  const right = tree.right;
  const cutValue = tree.cutValue;
  // Frames: a node ref and its phase (0: go left, 1: go right, 2: leave); the bound replaced on the
  // way down. At most one frame per internal node on the path, plus the leaf.
  const cap = tree.capacity + 1;
  const refs = new Int32Array(cap);
  const phases = new Uint8Array(cap);
  const saved = new Float64Array(cap);
  let top = 0;
  refs[top] = tree.root;
  phases[top] = 0;
  top++;
  while (top > 0) {
    const f = top - 1;
    const ref = refs[f]!;
    if (ref < 0) {
      const off = store.offset(tree.leafPoint[~ref]!);
      for (let i = 0; i < nActive; i++) {
        const d = active[i]!;
        const x = data[off + d]!;
        if (!(x > above[d]! && x <= atMost[d]!)) failContent(`tree ${t}: a cut does not separate its children`);
      }
      top--;
      continue;
    }
    const d = tree.cutDimension(ref);
    const v = cutValue[ref]!;
    const phase = phases[f]!;
    if (phase === 0) {
      phases[f] = 1;
      saved[f] = atMost[d]!;
      if (v < atMost[d]!) atMost[d] = v;
      if (uses[d]++ === 0) {
        where[d] = nActive;
        active[nActive++] = d;
      }
      refs[top] = left[ref]!;
      phases[top] = 0;
      top++;
    } else if (phase === 1) {
      phases[f] = 2;
      atMost[d] = saved[f]!;
      saved[f] = above[d]!;
      if (v > above[d]!) above[d] = v;
      refs[top] = right[ref]!;
      phases[top] = 0;
      top++;
    } else {
      above[d] = saved[f]!;
      if (--uses[d] === 0) {
        const last = active[--nActive]!;
        if (last !== d) {
          active[where[d]!] = last;
          where[last] = where[d]!;
        }
      }
      top--;
    }
  }
}

/**
 * `checkCuts` for one coordinate: every leaf's point reaches its leaf iff, in order (left subtree,
 * cut, right subtree), the values alternate leaf <= cut < leaf <= cut < ... (a leaf left of a cut
 * lies at or below it through the chain, one right of it above it; and each link is such a pair).
 * One in-order walk with an explicit stack.
 */
function checkCuts1(tree: RandomCutTree, store: PointStore, t: number): void {
  const data = store.data;
  const left = tree.left;
  const right = tree.right;
  const cutValue = tree.cutValue;
  const stack: number[] = [];
  let last = -Infinity; // the last value in order
  let lastIsCut = true; // so the first leaf only needs > -Infinity
  let ref = tree.root;
  for (;;) {
    while (ref >= 0) {
      stack.push(ref);
      ref = left[ref]!;
    }
    const x = data[store.offset(tree.leafPoint[~ref]!)]!;
    if (!(lastIsCut ? x > last : false)) failContent(`tree ${t}: a cut does not separate its children`);
    last = x;
    lastIsCut = false;
    if (stack.length === 0) return;
    const n = stack.pop()!;
    const c = cutValue[n]!;
    if (!(last <= c)) failContent(`tree ${t}: a cut does not separate its children`);
    last = c;
    lastIsCut = true;
    ref = right[n]!;
  }
}

/**
 * Validates a state (the JSON form) and builds the forest it describes. Memory follows the state's
 * content, not its declared sizes (the arrays grow as points, nodes and samples are added), and any
 * failure to allocate becomes a StateError.
 *
 * What must hold besides the shapes (each refused as a StateError naming the field):
 * - `pointsSeen = max(0, recordsSeen - (shingleSize - 1))`; `shingle.filled = min(shingleSize,
 *   recordsSeen)`; `shingle.head = recordsSeen mod shingleSize`;
 * - every sampler holds exactly `min(pointsSeen, subSampleSize)` entries (a sampler takes every point
 *   until it is full, and then swaps one for one), so `pointsSeen = 0` means empty samplers;
 * - at most `pointsSeen` distinct points, each sampled by some tree;
 * - keys in max-heap order; a tree holds exactly its sampler's points, with multiplicity, each in
 *   one leaf; its cuts separate its children (so no point twice).
 * @throws StateError naming the check that failed; nothing is half-restored.
 * @example
 * const forest = forestFromState(JSON.parse(text)); // RandomCutForest.fromJSON does this
 */
export function forestFromState(state: unknown): RandomCutForest {
  try {
    return restore(state);
  } catch (e) {
    if (e instanceof StateError) throw e;
    // A typed array the state asks for could not be allocated (RangeError), or memory ran out.
    const err = e as Error;
    throw new StateError('content', `cannot build the forest it describes (${err.name}: ${err.message})`);
  }
}

function restore(state: unknown): RandomCutForest {
  if (!isObject(state) || state.format !== FORMAT) {
    throw new StateError('format', `expected an object with format "${FORMAT}"`);
  }
  if (state.version !== STATE_VERSION) {
    throw new StateError('version', `unknown format version ${String(state.version)} (this library reads ${STATE_VERSION})`);
  }
  if (!isObject(state.options)) failContent('options missing');
  let o: ResolvedForestOptions;
  try {
    const opts = state.options;
    if (typeof opts.seed !== 'string') failContent('options.seed must be a string');
    o = resolveForestOptions(opts as never);
  } catch (e) {
    if (e instanceof StateError) throw e;
    failContent(`options: ${(e as Error).message}`);
  }
  const D = o.dimensions * o.shingleSize;
  const k = o.shingleSize;
  const recordsSeen = checkStateInteger(state.recordsSeen, 'recordsSeen', 0, Number.MAX_SAFE_INTEGER);
  const pointsSeen = checkStateInteger(state.pointsSeen, 'pointsSeen', 0, Number.MAX_SAFE_INTEGER);
  if (pointsSeen !== Math.max(0, recordsSeen - (k - 1))) failContent('pointsSeen does not match recordsSeen and the shingle size');
  if (!isObject(state.shingle)) failContent('shingle missing');
  const head = checkStateInteger(state.shingle.head, 'shingle.head', 0, k - 1);
  const filled = checkStateInteger(state.shingle.filled, 'shingle.filled', 0, k);
  if (filled !== Math.min(k, recordsSeen)) failContent('shingle.filled does not match recordsSeen');
  if (head !== recordsSeen % k) failContent('shingle.head does not match recordsSeen');
  const ring = coordinates(numberArray(state.shingle.values, 'shingle.values', D), 'shingle.values');
  if (ring.length !== D) failContent(`shingle.values must have ${D} values`);

  const maxPoints = o.numberOfTrees * o.subSampleSize;
  const points = coordinates(numberArray(state.points, 'points', maxPoints * D), 'points');
  if (points.length % D !== 0) failContent(`points length ${points.length} is not a multiple of ${D}`);
  const pointCount = points.length / D;
  if (pointCount > pointsSeen) failContent(`points holds ${pointCount} points but pointsSeen is ${pointsSeen}`);
  const sampleSize = Math.min(pointsSeen, o.subSampleSize); // every sampler's size
  const store = new PointStore(D, maxPoints + 1, Math.max(256, pointCount), o.dimensions);
  const point = new Float64Array(D);
  for (let p = 0; p < pointCount; p++) {
    for (let k = 0; k < D; k++) point[k] = points[p * D + k]!;
    store.add(point); // slot p: a fresh store hands out slots in order
  }

  if (!Array.isArray(state.trees) || state.trees.length !== o.numberOfTrees) {
    failContent(`trees must be an array of ${o.numberOfTrees}`);
  }
  const trees: RandomCutTree[] = [];
  const samplers: Sampler[] = [];
  const randoms: TreeRandom[] = [];
  const randomStates = new Int32Array(4 * o.numberOfTrees); // one array for every generator, as treeRandoms
  const storages = new TreeStorages(D, o.subSampleSize, o.numberOfTrees, !cachesNoBox(o.boxCacheMinMass, o.subSampleSize));
  // Room for the samplers' size now (they all hold `sampleSize`); it grows as they fill.
  const samplerStorage = new SamplerStorage(o.subSampleSize, o.numberOfTrees, Math.max(16, sampleSize));
  for (let t = 0; t < o.numberOfTrees; t++) {
    const ts: unknown = state.trees[t];
    if (!isObject(ts)) failContent(`tree ${t} is not an object`);
    const rs = numberArray(ts.random, `tree ${t} random`, 4);
    if (rs.length !== 4) failContent(`tree ${t} random must have 4 values`);
    for (const w of rs) checkStateInteger(w, `tree ${t} random word`, 0, 0xffffffff);
    randoms.push(new TreeRandom(rs[0]!, rs[1]!, rs[2]!, rs[3]!, randomStates, 4 * t));
    const keys = numberArray(ts.keys, `tree ${t} keys`, o.subSampleSize);
    const samples = numberArray(ts.samples, `tree ${t} samples`, o.subSampleSize);
    if (keys.length !== samples.length) failContent(`tree ${t}: ${keys.length} keys but ${samples.length} samples`);
    if (keys.length !== sampleSize) {
      failContent(`tree ${t} samples: ${keys.length} entries, but pointsSeen ${pointsSeen} and subSampleSize ${o.subSampleSize} make every sampler hold ${sampleSize}`);
    }
    for (let i = 0; i < keys.length; i++) {
      if (i > 0 && !(keys[(i - 1) >> 1]! >= keys[i]!)) failContent(`tree ${t}: sampler keys are not a max-heap`);
      store.incRef(checkStateInteger(samples[i], `tree ${t} sample`, 0, pointCount - 1));
    }
    const nodes = numberArray(ts.nodes, `tree ${t} nodes`, 3 * o.subSampleSize + 2 * o.subSampleSize);
    const { tree, leaves } = buildTree(nodes, D, o.subSampleSize, store, pointCount, t, o.boxCacheMinMass, storages.next());
    // The tree holds exactly the sampler's points, with multiplicity (buildTree checked the cuts,
    // which rules out two leaves of equal points).
    const held = new Map<number, number>();
    for (const p of samples) held.set(p, (held.get(p) ?? 0) + 1);
    const leafOf = new Map<number, number>();
    for (const leaf of leaves) {
      const p = tree.leafPoint[leaf]!;
      if (held.get(p) !== tree.leafMass[leaf]) failContent(`tree ${t}: leaf masses do not match its sampler`);
      if (leafOf.has(p)) failContent(`tree ${t}: the same point in two leaves`);
      leafOf.set(p, leaf);
    }
    // Sampler entries refer to the tree's leaves (every sample has one: the masses matched).
    const sampler = new Sampler(o.subSampleSize, samplerStorage);
    if (leaves.length !== held.size || tree.totalMass !== keys.length) failContent(`tree ${t}: leaves do not match its sampler`);
    for (let i = 0; i < keys.length; i++) sampler.appendRaw(keys[i]!, leafOf.get(samples[i]!)!);
    samplers.push(sampler);
    trees.push(tree);
  }
  for (let p = 0; p < pointCount; p++) if (store.references(p) === 0) failContent(`point ${p} is not sampled by any tree`);

  const shingle = new ShingleBuffer(o.dimensions, k);
  shingle.ring.set(ring);
  shingle.head = head;
  shingle.filled = filled;
  // The resolved options, but a default box cache as the default (one coordinate: subSampleSize + 1,
  // which the option's own range does not reach).
  const { boxCacheMinMass, ...rest } = o;
  const options = state.options.boxCacheMinMass === undefined ? rest : { ...rest, boxCacheMinMass };
  return new RandomCutForest(options, { store, trees, samplers, randoms, shingle, pointsSeen, recordsSeen });
}

// ---------------------------------------------------------------------------------------------
// binary form

class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(x: number): void {
    this.ensure(1);
    this.view.setUint8(this.length, x);
    this.length += 1;
  }
  u16(x: number): void {
    this.ensure(2);
    this.view.setUint16(this.length, x, true);
    this.length += 2;
  }
  u32(x: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, x, true);
    this.length += 4;
  }
  f64(x: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, x, true);
    this.length += 8;
  }
  uint(x: number, width: number): void {
    if (width === 1) this.u8(x);
    else if (width === 2) this.u16(x);
    else this.u32(x);
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  setU32(at: number, x: number): void {
    this.view.setUint32(at, x, true);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

class ByteReader {
  private readonly view: DataView;
  pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly end: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }
  private need(n: number): void {
    if (this.pos + n > this.end) failContent('the body ends early');
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.pos++);
  }
  u16(): number {
    this.need(2);
    const x = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return x;
  }
  u32(): number {
    this.need(4);
    const x = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }
  f64(): number {
    this.need(8);
    const x = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return x;
  }
  uint(width: number): number {
    return width === 1 ? this.u8() : width === 2 ? this.u16() : this.u32();
  }
  f64s(n: number): number[] {
    this.need(8 * n);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.f64();
    return out;
  }
  utf8(n: number): string {
    this.need(n);
    let s: string;
    try {
      s = new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(this.pos, this.pos + n));
    } catch {
      failContent('the seed is not valid UTF-8');
    }
    this.pos += n;
    return s;
  }
}

/**
 * Bytes needed for an unsigned integer up to `max` (1, 2 or 4): the index widths of both binary forms.
 * @example
 * indexWidthFor(300); // 2
 */
export function indexWidthFor(max: number): number {
  return max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
}

/**
 * Encodes a state in the binary form: header (magic "RCFS", u16 version, u16 flags, u32 body
 * length), body, CRC-32 of header and body. Index widths depend on the sample size and point count.
 */
export function stateToBytes(state: ForestState): Uint8Array {
  const w = new ByteWriter();
  MAGIC.forEach((b) => w.u8(b));
  w.u16(state.version);
  w.u16(state.options.boxCacheMinMass ?? 0);
  w.u32(0); // body length, patched below
  const o = state.options;
  const D = o.dimensions * o.shingleSize;
  w.u32(o.dimensions);
  w.u32(o.shingleSize);
  w.u32(o.numberOfTrees);
  w.u32(o.subSampleSize);
  w.f64(o.timeDecay);
  w.u32(o.outputAfter);
  const seed = new TextEncoder().encode(o.seed);
  w.u32(seed.length);
  w.bytes(seed);
  w.f64(state.pointsSeen);
  w.f64(state.recordsSeen);
  w.u32(state.shingle.head);
  w.u32(state.shingle.filled);
  for (const v of state.shingle.values) w.f64(v);
  const pointCount = state.points.length / D;
  w.u32(pointCount);
  for (const v of state.points) w.f64(v);
  const pw = indexWidthFor(pointCount);
  const sw = indexWidthFor(o.subSampleSize);
  const dw = indexWidthFor(D + 1);
  const ew = indexWidthFor(2 * o.subSampleSize);
  for (const t of state.trees) {
    for (const r of t.random) w.u32(r);
    w.uint(t.keys.length, sw);
    for (const k of t.keys) w.f64(k);
    for (const s of t.samples) w.uint(s, pw);
    const nodes = t.nodes;
    let entries = 0;
    for (let i = 0; i < nodes.length; i += nodes[i] === 0 ? 3 : 2) entries++;
    w.uint(entries, ew); // a tree has at most 2 * sample - 1 entries (leaves and internal nodes)
    for (let i = 0; i < nodes.length; ) {
      const tag = nodes[i]!;
      w.uint(tag, dw);
      if (tag === 0) {
        w.uint(nodes[i + 1]!, pw);
        w.uint(nodes[i + 2]!, sw);
        i += 3;
      } else {
        w.f64(nodes[i + 1]!);
        i += 2;
      }
    }
  }
  const bodyLength = w.length - HEADER_BYTES;
  w.setU32(8, bodyLength);
  const bytes = w.result();
  const out = new Uint8Array(bytes.length + TRAILER_BYTES);
  out.set(bytes);
  new DataView(out.buffer).setUint32(bytes.length, crc32(bytes), true);
  return out;
}

/**
 * Decodes the binary form into a state (the JSON form), checking magic, version, length and
 * checksum first. Structural checks happen in `forestFromState`.
 * @throws StateError naming the check that failed.
 */
export function stateFromBytes(bytes: Uint8Array): ForestState {
  if (!(bytes instanceof Uint8Array)) throw new StateError('format', 'expected a Uint8Array');
  if (bytes.length < HEADER_BYTES + TRAILER_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new StateError('format', 'not a forest state (bad magic bytes)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  const boxCacheMinMass = view.getUint16(6, true);
  const bodyLength = view.getUint32(8, true);
  const expected = HEADER_BYTES + bodyLength + TRAILER_BYTES;
  if (bytes.length !== expected) {
    throw new StateError('length', `expected ${expected} bytes, got ${bytes.length} (truncated or padded)`);
  }
  const crcAt = HEADER_BYTES + bodyLength;
  if (crc32(bytes, 0, crcAt) !== view.getUint32(crcAt, true)) {
    throw new StateError('checksum', 'the CRC-32 does not match (corrupted bytes)');
  }
  if (version !== STATE_VERSION) {
    throw new StateError('version', `unknown format version ${version} (this library reads ${STATE_VERSION})`);
  }
  const r = new ByteReader(bytes, HEADER_BYTES, crcAt);
  const dimensions = r.u32();
  const shingleSize = r.u32();
  const numberOfTrees = r.u32();
  const subSampleSize = r.u32();
  const timeDecay = r.f64();
  const outputAfter = r.u32();
  const seed = r.utf8(r.u32());
  const options = {
    dimensions,
    shingleSize,
    numberOfTrees,
    subSampleSize,
    timeDecay,
    outputAfter,
    seed,
    ...(boxCacheMinMass > 0 ? { boxCacheMinMass } : {}),
  };
  // Validate sizes before reading arrays whose lengths they imply.
  try {
    resolveForestOptions(options);
  } catch (e) {
    failContent(`options: ${(e as Error).message}`);
  }
  const D = dimensions * shingleSize;
  const pointsSeen = r.f64();
  const recordsSeen = r.f64();
  const head = r.u32();
  const filled = r.u32();
  const values = r.f64s(D);
  const pointCount = r.u32();
  if (pointCount > numberOfTrees * subSampleSize) failContent(`${pointCount} points, more than trees x sample size`);
  const points = r.f64s(pointCount * D);
  const pw = indexWidthFor(pointCount);
  const sw = indexWidthFor(subSampleSize);
  const dw = indexWidthFor(D + 1);
  const ew = indexWidthFor(2 * subSampleSize);
  const trees: TreeState[] = [];
  for (let t = 0; t < numberOfTrees; t++) {
    const random: [number, number, number, number] = [r.u32(), r.u32(), r.u32(), r.u32()];
    const size = r.uint(sw);
    if (size > subSampleSize) failContent(`tree ${t}: sampler size ${size} above ${subSampleSize}`);
    const keys = r.f64s(size);
    const samples: number[] = [];
    for (let i = 0; i < size; i++) samples.push(r.uint(pw));
    const entries = r.uint(ew);
    if (entries > 2 * subSampleSize - 1) failContent(`tree ${t}: ${entries} nodes for a sample of ${subSampleSize}`);
    const nodes: number[] = [];
    for (let i = 0; i < entries; i++) {
      const tag = r.uint(dw);
      if (tag === 0) nodes.push(0, r.uint(pw), r.uint(sw));
      else nodes.push(tag, r.f64());
    }
    trees.push({ random, keys, samples, nodes });
  }
  if (r.pos !== crcAt) failContent(`${crcAt - r.pos} bytes left after the last tree`);
  return {
    format: FORMAT,
    version,
    options,
    pointsSeen,
    recordsSeen,
    shingle: { head, filled, values },
    points,
    trees,
  };
}
