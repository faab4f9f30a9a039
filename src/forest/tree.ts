/**
 * A random cut tree on typed arrays: descend, insert, delete, cached bounding boxes.
 * Only this file changes a tree; visitors read it.
 * @module
 */
import type { PointStore } from './point-store.js';
import type { TreeRandom } from './random.js';

/** Marks an empty tree's root. */
export const NO_ROOT = 0x7fffffff;

const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

/** The largest float64 strictly below `x` (x finite). */
export function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  scratchF64[0] = x;
  if (x > 0) {
    if (scratchU32[LO] === 0) scratchU32[HI]! -= 1;
    scratchU32[LO]! -= 1;
  } else {
    scratchU32[LO]! += 1;
    if (scratchU32[LO] === 0) scratchU32[HI]! += 1;
  }
  return scratchF64[0]!;
}

const scratchF32 = new Float32Array(1);
const scratchI32 = new Int32Array(scratchF32.buffer);

/**
 * The largest magnitude a coordinate may have: the largest finite float32, since bounding boxes are
 * stored in float32. The forest rejects records with a value beyond it (a RangeError).
 * @example
 * Math.abs(value) <= MAX_BOX_VALUE; // true for every value a forest accepts
 */
export const MAX_BOX_VALUE = 3.4028234663852886e38;

/**
 * The largest float32 at or below `x` (|x| <= MAX_BOX_VALUE): the value a box's minimum is stored as.
 * @example
 * roundDown32(0.1); // 0.09999999403953552
 */
export function roundDown32(x: number): number {
  const f = Math.fround(x);
  const a = Math.abs(f);
  if (!(a > 1.1754943508222875e-38)) return roundDown32Tiny(x, f);
  // The float32 below f, for normal f (a > 2^-126), by exact float64 arithmetic then one rounding;
  // with u the float32 spacing above a:
  // - f > 0: f - f 2^-24 lies in (f - u, f - u/2), so rounds to f - u; when f is a power of two it
  //   is exactly f - u/2, the float32 below f (the spacing halves below a power of two);
  // - f < 0: f - 1.25 a 2^-24 lies 0.625 u to 1.25 u below f, so rounds to f - u.
  SELECT[0] = f;
  SELECT[1] = Math.fround(f - a * 5.960464477539063e-8 - (a - f) * 7.450580596923828e-9);
  // f when f <= x, else the float32 below it, picked by index: a branch here is taken about half the
  // time at random and mispredicts (9-10 ns a call with a branch; 3-5 ns with the index, measured
  // by `node dist/bench/round.js`).
  return SELECT[Number(f > x)]!;
}

/** Two candidates of `roundDown32`, selected by index rather than by a branch. */
const SELECT = new Float64Array(2);

/** `roundDown32` for |f| <= 2^-126 (zero and subnormal float32), through the bit pattern. */
function roundDown32Tiny(x: number, f: number): number {
  if (f <= x) return f;
  scratchF32[0] = f;
  if (f > 0) scratchI32[0]! -= 1;
  else if (f < 0) scratchI32[0]! += 1;
  else scratchI32[0] = 0x80000001 | 0; // -0 above a tiny negative x: the smallest negative float32
  return scratchF32[0]!;
}

/**
 * The smallest float32 at or above `x` (|x| <= MAX_BOX_VALUE): the value a box's maximum is stored as.
 * @example
 * roundUp32(0.1); // 0.10000000149011612
 */
export function roundUp32(x: number): number {
  return -roundDown32(-x);
}

/**
 * `near(x)` bounds the distance from x to a float32 side that x rounds to: if `roundDown32(x) === lo`
 * then `x - lo <= near(x)` (x lies below the float32 after lo, whose spacing is at most
 * |lo| 2^-23 or 2^-149), and likewise above. So `x - lo > near(x)` rules a side out without rounding.
 */
function near(x: number): number {
  return Math.abs(x) * 2.384185791015625e-7 + 2.802596928649634e-45;
}

/**
 * Writes the box of one point as boxes hold it: `out[i] = roundDown32(point[i])`,
 * `out[D + i] = roundUp32(point[i])`.
 * @example
 * roundPointBox(Float64Array.of(0.1), out); // out = [0.09999999403953552, 0.10000000149011612]
 */
export function roundPointBox(point: Float64Array, out: Float64Array): void {
  const D = point.length;
  for (let i = 0; i < D; i++) {
    const x = point[i]!;
    out[i] = roundDown32(x);
    out[D + i] = roundUp32(x);
  }
}

/** The largest capacity (leaves) that the Int16 storage allows. */
const MAX_CAPACITY = 16384;

/**
 * Scratch shared by every tree of the thread (a tree method never runs inside another): the path of
 * the last descent, and the stack of subtree walks (at most one entry per leaf, plus one).
 */
const SHARED_PATH = new Int16Array(MAX_CAPACITY);
const WALK_STACK = new Int16Array(MAX_CAPACITY + 2);

/** `boxSlot` of every tree that caches all boxes (read by no one: empty and shared). */
const NO_BOX_SLOTS = new Int16Array(0);

/** Float scratch of one dimension count, shared by the trees with that many dimensions. */
interface BoxScratch {
  /** The running box of `extendRun`. */
  run: Float64Array;
  /** Children's boxes in `delete`. */
  childA: Float64Array;
  childB: Float64Array;
  /** `drawCut`'s extended ranges. */
  ranges: Float64Array;
  /** A subtree's box folded from its points (float32 values), before it goes into the pool (`settleBox`, `insert`). */
  fold: Float64Array;
  /** `delete`'s `near` of each coordinate of the deleted point. */
  near: Float64Array;
}
const scratchByDimensions = new Map<number, BoxScratch>();
function scratchFor(D: number): BoxScratch {
  let s = scratchByDimensions.get(D);
  if (!s) {
    s = {
      run: new Float64Array(2 * D),
      childA: new Float64Array(2 * D),
      childB: new Float64Array(2 * D),
      ranges: new Float64Array(D),
      fold: new Float64Array(2 * D),
      near: new Float64Array(D),
    };
    scratchByDimensions.set(D, s);
  }
  return s;
}

/**
 * One random cut tree over at most `capacity` leaves.
 *
 * Node references: a reference `r >= 0` is the internal node `r`; `r < 0` is the leaf slot `~r`.
 *
 * Invariants (for nodes in use):
 * - `left[n]`, `right[n]` are the children of internal node n; a point q goes left iff
 *   `q[cutDim[n]] <= cutValue[n]`, and every point under `left[n]` satisfies it, every point under
 *   `right[n]` does not.
 * - `mass[n]` is the number of sampled points (with multiplicity) under n; `leafMass[l] >= 1` is the
 *   multiplicity of leaf l's point, whose coordinates live in the point store at `leafPoint[l]`.
 * - Box of an internal node n: over the points under n, `roundDown32` of the min and `roundUp32` of
 *   the max of each coordinate: float32 values (the reference's precision, half the memory of
 *   float64), never narrower than the points. Rounding is monotone, so the rounded box of a union is
 *   the union of the rounded boxes: a box is the same whichever way it was built or updated. A leaf's
 *   box is its point, exact (so a cut drawn between a point and a leaf always separates them).
 * - Box cache: node n has a cached box iff `mass[n] >= boxCacheMass`; then `boxSlot[n] = j >= 0` and
 *   `boxes[j * 2D + i]` / `boxes[j * 2D + D + i]` are the min / max of coordinate i of n's box.
 *   Otherwise `boxSlot[n] = -1` and the box is computed from the subtree's points when needed (fewer
 *   than `boxCacheMass` leaves). Masses grow towards the root, so the uncached nodes on any path are
 *   the lowest ones. With `cachesAll`
 *   (`boxCacheMass <= 2`: every internal node holds 2 points or more) node n's box is slot n and
 *   `boxSlot` is empty, so the default path reads no slot.
 * - No two leaves hold equal points; `totalMass` is the root's mass (0 when `root === NO_ROOT`).
 * - Free lists, threaded through the arrays (last in, first out; slot 0 is handed out first):
 *   free internal nodes through `left` (from `freeNodeHead`, -1 ends), free leaves through
 *   `leafPoint` (from `freeLeafHead`), free box slots through `boxes[j * 2D]` (from `freeBoxHead`);
 *   box slots `>= boxSlotsUsed` were never used.
 * - `path[0 .. depth)` is scratch (shared by all trees): the internal nodes on the last descent,
 *   root first.
 *
 * Storage: node and leaf indexes, cut dimensions, masses and box slots are Int16 (capacity <= 16384
 * leaves and dimensions <= 32767, checked by the constructor); `leafPoint` holds point-store slots
 * (up to trees x sample size) and stays Int32; cut values are float64, boxes float32 (coordinates
 * are at most MAX_BOX_VALUE in magnitude, checked by the forest).
 */
export class RandomCutTree {
  readonly dimensions: number;
  readonly capacity: number;
  /** Internal nodes of at least this mass keep a cached box; lighter ones are computed on demand. */
  readonly boxCacheMass: number;
  root = NO_ROOT;
  totalMass = 0;
  readonly left: Int16Array;
  readonly right: Int16Array;
  readonly cutDim: Int16Array;
  readonly cutValue: Float64Array;
  readonly mass: Int16Array;
  /** Whether every internal node has a cached box (`boxCacheMass <= 2`): then node n's box is slot n. */
  readonly cachesAll: boolean;
  /** Node n's box slot, or -1 (unused, length 0, when `cachesAll`). */
  readonly boxSlot: Int16Array;
  /** The box pool; grows (by half) when every slot is taken, so a reference must be re-read after an insert. */
  boxes: Float32Array;
  boxSlotsUsed = 0;
  freeBoxHead = -1;
  readonly leafPoint: Int32Array;
  readonly leafMass: Int16Array;
  freeNodeHead: number;
  freeNodeCount: number;
  freeLeafHead: number;
  freeLeafCount: number;
  readonly path: Int16Array = SHARED_PATH;
  /** The leaf slot reached by the last `descend`. */
  lastLeaf = 0;
  /** The running box of `extendRun` (shared scratch, length 2D). */
  readonly run: Float64Array;
  private readonly scratch: BoxScratch;

  /**
   * @param boxCacheMass internal nodes with at least this many points keep a cached box; 1 or 2 (the
   *   default: every internal node holds at least 2) caches every box, on the fast path.
   */
  constructor(dimensions: number, capacity: number, boxCacheMass = 1) {
    if (capacity > MAX_CAPACITY || dimensions > 32767) {
      throw new RangeError(`tree: capacity ${capacity} / dimensions ${dimensions} exceed the Int16 storage`);
    }
    this.dimensions = dimensions;
    this.capacity = capacity;
    this.boxCacheMass = Math.max(2, boxCacheMass);
    this.cachesAll = this.boxCacheMass <= 2; // every internal node holds at least 2 points
    const nodes = Math.max(1, capacity - 1);
    // Every fixed-size array is a view on one buffer: a typed array with its own ArrayBuffer costs
    // about 190 bytes of V8 heap, a view on a shared one about 80 (nine arrays a tree). Widest
    // elements first, so every view is aligned; the box pool first of all, at the buffer's own
    // (allocator) alignment as when it had its own buffer. Paired D update runs against separate
    // buffers: about 13% slower with the cut values first (3 pairs), within noise with the pool first
    // (median ratio 1.03 over 5 pairs). The pool of a partial cache grows: its own buffer.
    const poolBytes = this.cachesAll ? nodes * 2 * dimensions * 4 : 0;
    const slab = new ArrayBuffer(nodes * 8 + poolBytes + capacity * 4 + (4 * nodes + capacity + (this.cachesAll ? 0 : nodes)) * 2);
    let at = 0;
    const take = (bytes: number): number => {
      const offset = at;
      at += bytes;
      return offset;
    };
    // Nodes of mass >= m number about 2 capacity / m in a random tree: start a little above that.
    const slots = this.cachesAll ? nodes : Math.min(nodes, Math.ceil((2.5 * capacity) / this.boxCacheMass) + 4);
    this.boxes = this.cachesAll ? new Float32Array(slab, take(poolBytes), nodes * 2 * dimensions) : new Float32Array(slots * 2 * dimensions);
    this.cutValue = new Float64Array(slab, take(nodes * 8), nodes);
    this.leafPoint = new Int32Array(slab, take(capacity * 4), capacity);
    this.left = new Int16Array(slab, take(nodes * 2), nodes);
    this.right = new Int16Array(slab, take(nodes * 2), nodes);
    this.cutDim = new Int16Array(slab, take(nodes * 2), nodes);
    this.mass = new Int16Array(slab, take(nodes * 2), nodes);
    this.leafMass = new Int16Array(slab, take(capacity * 2), capacity);
    this.boxSlot = this.cachesAll ? NO_BOX_SLOTS : new Int16Array(slab, take(nodes * 2), nodes).fill(-1);
    for (let i = 0; i < nodes; i++) this.left[i] = i + 1 < nodes ? i + 1 : -1;
    for (let i = 0; i < capacity; i++) this.leafPoint[i] = i + 1 < capacity ? i + 1 : -1;
    this.freeNodeHead = 0;
    this.freeNodeCount = nodes;
    this.freeLeafHead = 0;
    this.freeLeafCount = capacity;
    this.scratch = scratchFor(dimensions);
    this.run = this.scratch.run;
  }

  /**
   * Follows the cuts from the root for the point at `coords[off .. off + D)`, filling `path` with
   * the internal nodes visited. Returns the depth of the leaf reached (its leaf
   * slot is `lastLeaf`). The tree must not be empty.
   */
  descend(coords: Float64Array, off: number): number {
    const path = this.path;
    const cutDim = this.cutDim;
    const cutValue = this.cutValue;
    const left = this.left;
    const right = this.right;
    let ref = this.root;
    let depth = 0;
    while (ref >= 0) {
      path[depth++] = ref;
      ref = coords[off + cutDim[ref]!]! <= cutValue[ref]! ? left[ref]! : right[ref]!;
    }
    this.lastLeaf = ~ref;
    return depth;
  }

  /** Mass of a node reference (internal or leaf). */
  massOf(ref: number): number {
    return ref >= 0 ? this.mass[ref]! : this.leafMass[~ref]!;
  }

  /** Takes a free internal node (one must be free). */
  allocNode(): number {
    const n = this.freeNodeHead;
    this.freeNodeHead = this.left[n]!;
    this.freeNodeCount--;
    if (!this.cachesAll) this.boxSlot[n] = -1;
    return n;
  }

  /** Takes a free leaf slot (one must be free). */
  allocLeaf(): number {
    const l = this.freeLeafHead;
    this.freeLeafHead = this.leafPoint[l]!;
    this.freeLeafCount--;
    return l;
  }

  private freeNode(n: number): void {
    if (!this.cachesAll && this.boxSlot[n]! >= 0) this.freeBox(n);
    this.left[n] = this.freeNodeHead;
    this.freeNodeHead = n;
    this.freeNodeCount++;
  }

  private freeLeaf(l: number): void {
    this.leafPoint[l] = this.freeLeafHead;
    this.freeLeafHead = l;
    this.freeLeafCount++;
  }

  /** Gives node n (uncached) a box slot and returns its offset in `boxes`. */
  private allocBox(n: number): number {
    const D2 = 2 * this.dimensions;
    if (this.cachesAll) return n * D2;
    let j = this.freeBoxHead;
    if (j >= 0) this.freeBoxHead = this.boxes[j * D2]!;
    else {
      if ((this.boxSlotsUsed + 1) * D2 > this.boxes.length) {
        const nodes = this.left.length;
        const slots = Math.min(nodes, Math.max(this.boxSlotsUsed + 8, Math.ceil(this.boxSlotsUsed * 1.5)));
        const grown = new Float32Array(slots * D2);
        grown.set(this.boxes);
        this.boxes = grown;
      }
      j = this.boxSlotsUsed++;
    }
    this.boxSlot[n] = j;
    return j * D2;
  }

  /** Returns node n's box slot to the pool (not with `cachesAll`, where no node ever leaves the cache). */
  private freeBox(n: number): void {
    const j = this.boxSlot[n]!;
    this.boxes[j * 2 * this.dimensions] = this.freeBoxHead;
    this.freeBoxHead = j;
    this.boxSlot[n] = -1;
  }

  /**
   * Folds the points under `ref` (a leaf, a cached node, or an uncached node walked down to its
   * leaves) into the box `out[oo .. oo + D)` (mins) / `out[oo + D .. oo + 2D)` (maxes), which holds
   * float32 values or infinities: a leaf's coordinate x lowers a min iff `roundDown32(x)` does, so
   * only coordinates that extend the box are rounded. The result is the rounded box of the union.
   */
  private foldSubtree(ref: number, out: Float64Array, oo: number, data: Float64Array, start: Int32Array): void {
    const D = this.dimensions;
    const D2 = 2 * D;
    const stack = WALK_STACK;
    const boxSlot = this.boxSlot;
    const boxes = this.boxes;
    const leafPoint = this.leafPoint;
    let top = 0;
    stack[top++] = ref;
    while (top > 0) {
      const r = stack[--top]!;
      if (r < 0) {
        const p = start[leafPoint[~r]!]!;
        for (let i = 0; i < D; i++) {
          const x = data[p + i]!;
          if (x < out[oo + i]!) out[oo + i] = roundDown32(x);
          if (x > out[oo + D + i]!) out[oo + D + i] = roundUp32(x);
        }
        continue;
      }
      const j = this.cachesAll ? r : boxSlot[r]!;
      if (j < 0) {
        stack[top++] = this.left[r]!;
        stack[top++] = this.right[r]!;
        continue;
      }
      const lo = j * D2;
      for (let i = 0; i < D; i++) {
        const a = boxes[lo + i]!;
        const b = boxes[lo + D + i]!;
        if (a < out[oo + i]!) out[oo + i] = a;
        if (b > out[oo + D + i]!) out[oo + D + i] = b;
      }
    }
  }

  /** Writes the box of internal node `ref` (as cached: rounded outwards to float32) into `out[0 .. 2D)`. */
  boxInto(ref: number, store: PointStore, out: Float64Array): void {
    const D = this.dimensions;
    for (let i = 0; i < D; i++) {
      out[i] = Infinity;
      out[D + i] = -Infinity;
    }
    this.foldSubtree(ref, out, 0, store.data, store.start);
  }

  /**
   * Sets the running box `run` to the box of `path[k]` of the last descent, given that it holds the
   * box of `path[k + 1]` (nothing is needed when k is the leaf's parent): folds in the other child.
   * Callers go up from the leaf's parent while the nodes are uncached.
   */
  extendRun(k: number, depth: number, data: Float64Array, start: Int32Array): void {
    const D = this.dimensions;
    const run = this.run;
    const n = this.path[k]!;
    const child = depth - 1 === k ? ~this.lastLeaf : this.path[k + 1]!;
    if (child < 0) {
      const a = start[this.leafPoint[~child]!]!;
      for (let i = 0; i < D; i++) {
        const y = data[a + i]!;
        run[i] = roundDown32(y);
        run[D + i] = roundUp32(y);
      }
    }
    this.foldSubtree(this.left[n] === child ? this.right[n]! : this.left[n]!, run, 0, data, start);
  }

  /**
   * Gives node n (children complete, mass set, no box slot yet) the box cache the invariant asks for:
   * a slot holding its (rounded) box when its mass is at least `boxCacheMass`, none otherwise.
   */
  settleBox(n: number, data: Float64Array, start: Int32Array): void {
    if (this.mass[n]! < this.boxCacheMass) return;
    const D = this.dimensions;
    const fold = this.scratch.fold;
    for (let i = 0; i < D; i++) {
      fold[i] = Infinity;
      fold[D + i] = -Infinity;
    }
    this.foldSubtree(this.left[n]!, fold, 0, data, start);
    this.foldSubtree(this.right[n]!, fold, 0, data, start);
    this.storeBox(this.allocBox(n), fold);
  }

  /** Copies the box `box[0 .. 2D)` (float32 values, as `foldSubtree` leaves them) into the pool at `bo`. */
  private storeBox(bo: number, box: Float64Array): void {
    const boxes = this.boxes;
    for (let i = 0; i < 2 * this.dimensions; i++) boxes[bo + i] = box[i]!;
  }

  /**
   * Inserts the point `point` (already stored in `slot` of `store`); `pointBox` is its box as boxes
   * hold it (`roundPointBox`, computed once for all the trees). Returns the store slot that the
   * tree now holds for it: `slot`, or the slot of an equal point already in the tree (whose leaf
   * mass grew by one).
   */
  insert(point: Float64Array, pointBox: Float64Array, slot: number, store: PointStore, rng: TreeRandom): number {
    if (this.root === NO_ROOT) {
      const leaf = this.allocLeaf();
      this.leafPoint[leaf] = slot;
      this.leafMass[leaf] = 1;
      this.root = ~leaf;
      this.totalMass = 1;
      return slot;
    }
    const D = this.dimensions;
    const D2 = 2 * D;
    const data = store.data;
    const start = store.start;
    const depth = this.descend(point, 0);
    const leaf = this.lastLeaf;
    const leafSlot = this.leafPoint[leaf]!;
    const path = this.path;
    const mass = this.mass;
    const m = this.boxCacheMass;
    if (store.equals(leafSlot, point)) {
      this.leafMass[leaf]!++;
      for (let k = 0; k < depth; k++) {
        const n = path[k]!;
        if (++mass[n]! === m) this.settleBox(n, data, start); // crossed into the cache (at most one node)
      }
      this.totalMass++;
      return leafSlot;
    }

    // Climb from the leaf, drawing a cut for (subtree box, point) at each level; the highest
    // separating cut wins. The leaf's box is its point, which any cut of their union separates.
    const all = this.cachesAll;
    const boxSlot = this.boxSlot;
    const boxes = this.boxes;
    const run = this.run;
    const leafOff = start[leafSlot]!;
    this.drawLeafCut(data, leafOff, point, rng);
    let cutD = this.cutD;
    let cutV = this.cutV;
    let sibling = ~leaf; // the subtree the new node goes above
    let siblingLevel = depth; // its index in path (depth for the leaf)
    // Ancestors at levels <= containedLevel have boxes that already contain the point.
    let containedLevel = -1;
    for (let k = depth - 1; k >= 0; k--) {
      const n = path[k]!;
      const j = all ? n : boxSlot[n]!;
      let b: Float32Array | Float64Array = boxes;
      let bo = j * D2;
      if (j < 0) {
        this.extendRun(k, depth, data, start); // an uncached node: its box from its points
        b = run;
        bo = 0;
      }
      if (!this.drawCut(b, bo, point, rng)) {
        containedLevel = k; // the box contains the point: stop climbing
        break;
      }
      const d = this.cutD;
      const v = this.cutV;
      const x = point[d]!;
      // Separates: the point on one side, the whole box on the other.
      if ((x <= v && b[bo + d]! > v) || (x > v && b[bo + D + d]! <= v)) {
        sibling = n;
        siblingLevel = k;
        cutD = d;
        cutV = v;
      }
    }

    // New leaf and new internal node above `sibling`.
    const newLeaf = this.allocLeaf();
    this.leafPoint[newLeaf] = slot;
    this.leafMass[newLeaf] = 1;
    const node = this.allocNode();
    this.cutDim[node] = cutD;
    this.cutValue[node] = cutV;
    if (point[cutD]! <= cutV) {
      this.left[node] = ~newLeaf;
      this.right[node] = sibling;
    } else {
      this.left[node] = sibling;
      this.right[node] = ~newLeaf;
    }
    const nodeMass = this.massOf(sibling) + 1;
    mass[node] = nodeMass;
    if (siblingLevel === 0) this.root = node;
    else {
      const parent = path[siblingLevel - 1]!;
      if (this.left[parent] === sibling) this.left[parent] = node;
      else this.right[parent] = node;
    }
    // Masses grow strictly towards the root, so at most one node of the chain reaches m now.
    let crossed = -1;
    for (let k = 0; k < siblingLevel; k++) {
      const n = path[k]!;
      if (++mass[n]! === m) crossed = n;
    }
    if (nodeMass >= m) {
      // The new node's box: the sibling's (a leaf's is its point; a cached node's in the pool;
      // an uncached node's is folded from its points) extended by the point, rounded outwards
      // (a no-op on the float32 values of a cached box).
      const no = this.allocBox(node);
      const pool = this.boxes; // the allocation may have grown it
      const sj = sibling >= 0 ? (all ? sibling : boxSlot[sibling]!) : -1;
      if (sibling < 0) {
        for (let i = 0; i < D; i++) {
          const x = point[i]!;
          const y = data[leafOff + i]!;
          if (x < y) {
            pool[no + i] = pointBox[i]!;
            pool[no + D + i] = roundUp32(y);
          } else {
            pool[no + i] = roundDown32(y);
            pool[no + D + i] = pointBox[D + i]!;
          }
        }
      } else if (sj >= 0) {
        const so = sj * D2;
        for (let i = 0; i < D; i++) {
          const x = point[i]!;
          const lo = pool[so + i]!;
          const hi = pool[so + D + i]!;
          pool[no + i] = x < lo ? pointBox[i]! : lo;
          pool[no + D + i] = x > hi ? pointBox[D + i]! : hi;
        }
      } else {
        const fold = this.scratch.fold;
        for (let i = 0; i < D2; i++) fold[i] = pointBox[i]!;
        this.foldSubtree(sibling, fold, 0, data, start);
        this.storeBox(no, fold);
      }
    }
    // Extending a box that contains the point changes nothing: only levels below containedLevel.
    const pool = this.boxes;
    for (let k = containedLevel + 1; k < siblingLevel; k++) {
      const j = all ? path[k]! : boxSlot[path[k]!]!;
      if (j < 0) continue;
      const bo = j * D2;
      for (let i = 0; i < D; i++) {
        const x = point[i]!;
        if (x < pool[bo + i]!) pool[bo + i] = pointBox[i]!;
        if (x > pool[bo + D + i]!) pool[bo + D + i] = pointBox[D + i]!;
      }
    }
    if (crossed >= 0) this.settleBox(crossed, data, start);
    this.totalMass++;
    return slot;
  }

  /**
   * Draws a random cut of the box at `boxes[bo .. bo + 2D)` extended by `point`: a dimension with
   * probability proportional to its extended range, a value uniform within it, strictly below the
   * range's top. Sets `cutD` / `cutV` and returns true; returns false, drawing nothing, when the box
   * already contains the point. The ranges are computed branch-free, as the score's
   * `separationProbability` does (C update about 10% faster than a below / inside / above branch).
   */
  drawCut(boxes: Float64Array | Float32Array, bo: number, point: Float64Array, rng: TreeRandom): boolean {
    const D = this.dimensions;
    const ranges = this.scratch.ranges;
    let extension2 = 0;
    let rangeSum = 0;
    for (let i = 0; i < D; i++) {
      const lo = boxes[bo + i]!;
      const hi = boxes[bo + D + i]!;
      const x = point[i]!;
      const below = lo - x;
      const above = x - hi;
      const ext2 = below + Math.abs(below) + (above + Math.abs(above));
      extension2 += ext2;
      const range = hi - lo + 0.5 * ext2;
      rangeSum += range;
      ranges[i] = range; // max(hi, x) - min(lo, x), the extended range (up to rounding)
    }
    if (extension2 === 0) return false;
    let b = rng.nextDouble() * rangeSum;
    let last = -1;
    for (let i = 0; i < D; i++) {
      const range = ranges[i]!;
      if (range > 0) {
        last = i;
        if (b < range) {
          const x = point[i]!;
          const lo = Math.min(boxes[bo + i]!, x);
          const hi = Math.max(boxes[bo + D + i]!, x);
          this.cutD = i;
          this.cutV = lo + b < hi ? lo + b : nextDown(hi);
          return true;
        }
        b -= range;
      }
    }
    // Rounding left b at or past the total: cut just below the top of the last non-empty range.
    this.cutD = last;
    this.cutV = nextDown(Math.max(boxes[bo + D + last]!, point[last]!));
    return true;
  }

  /**
   * `drawCut` for a leaf, whose box is its point `data[o .. o + D)` (not equal to `point`), with the
   * same arithmetic. Kept apart so that `drawCut` only ever reads the float32 pool and stays
   * monomorphic on the default path: fed both array types, it was no longer inlined and took 22% of
   * config C's update profile (`node --cpu-prof dist/bench/micro.js C update 1`), against 4% before.
   * The dimension-choosing loop is the same as `drawCut`'s on purpose: shared as a method (returning
   * the dimension, the offset in a field), it made C update about 5% slower (ratios 0.96 / 0.91 /
   * 0.95 / 0.96 in 4 alternating pairs of `node <build>/bench/micro.js C update 3`).
   */
  drawLeafCut(data: Float64Array, o: number, point: Float64Array, rng: TreeRandom): void {
    const D = this.dimensions;
    const ranges = this.scratch.ranges;
    let rangeSum = 0;
    for (let i = 0; i < D; i++) {
      const y = data[o + i]!;
      const x = point[i]!;
      const range = Math.abs(x - y);
      rangeSum += range;
      ranges[i] = range;
    }
    let b = rng.nextDouble() * rangeSum;
    let last = -1;
    for (let i = 0; i < D; i++) {
      const range = ranges[i]!;
      if (range > 0) {
        last = i;
        if (b < range) {
          const x = point[i]!;
          const y = data[o + i]!;
          const lo = Math.min(y, x);
          const hi = Math.max(y, x);
          this.cutD = i;
          this.cutV = lo + b < hi ? lo + b : nextDown(hi);
          return;
        }
        b -= range;
      }
    }
    this.cutD = last;
    this.cutV = nextDown(Math.max(data[o + last]!, point[last]!));
  }

  /** The cut drawn by the last successful `drawCut` or `drawLeafCut`. */
  cutD = 0;
  cutV = 0;

  /**
   * Removes one copy of the point stored in `slot` (which the tree must hold). A leaf of mass > 1
   * loses one unit; otherwise the leaf and its parent go and the sibling takes the parent's place.
   */
  delete(slot: number, store: PointStore): void {
    const D = this.dimensions;
    const data = store.data;
    const start = store.start;
    const off = start[slot]!;
    const depth = this.descend(data, off);
    const leaf = this.lastLeaf;
    const leafSlot = this.leafPoint[leaf]!;
    if (leafSlot !== slot) {
      const lo = start[leafSlot]!;
      for (let i = 0; i < D; i++) {
        if (data[lo + i] !== data[off + i]) throw new Error(`tree: point in slot ${slot} is not in the tree`);
      }
    }
    const path = this.path;
    const mass = this.mass;
    const m = this.boxCacheMass;
    this.totalMass--;
    if (this.leafMass[leaf]! > 1) {
      this.leafMass[leaf]!--;
      for (let k = 0; k < depth; k++) {
        const n = path[k]!;
        if (mass[n]!-- === m) this.freeBox(n); // fell below the cache's mass
      }
      return;
    }
    this.freeLeaf(leaf);
    if (depth === 0) {
      this.root = NO_ROOT;
      return;
    }
    const parent = path[depth - 1]!;
    const sibling = this.left[parent] === ~leaf ? this.right[parent]! : this.left[parent]!;
    this.freeNode(parent);
    if (depth === 1) this.root = sibling;
    else {
      const grand = path[depth - 2]!;
      if (this.left[grand] === parent) this.left[grand] = sibling;
      else this.right[grand] = sibling;
    }
    for (let k = 0; k < depth - 1; k++) {
      const n = path[k]!;
      if (mass[n]!-- === m) this.freeBox(n);
    }
    // Boxes shrink only where the deleted point's rounded value lay on the boundary: recompute just
    // those sides (min of the children's mins, max of their maxes, rounded; every other side is
    // attained by a point that stays), and stop at the first cached ancestor whose box did not change
    // (nor can any above it). Uncached ancestors (the lowest ones) have nothing to update.
    const all = this.cachesAll;
    const boxSlot = this.boxSlot;
    const boxes = this.boxes;
    const left = this.left;
    const right = this.right;
    const leafPoint = this.leafPoint;
    const D2 = 2 * D;
    const childA = this.scratch.childA;
    const childB = this.scratch.childB;
    const tol = this.scratch.near;
    for (let i = 0; i < D; i++) tol[i] = near(data[off + i]!);
    for (let k = depth - 2; k >= 0; k--) {
      const n = path[k]!;
      const j = all ? n : boxSlot[n]!;
      if (j < 0) continue;
      const bo = j * D2;
      let touches = false;
      for (let i = 0; i < D; i++) {
        const x = data[off + i]!;
        const lo = boxes[bo + i]!;
        const hi = boxes[bo + D + i]!;
        if ((x - lo <= tol[i]! && roundDown32(x) === lo) || (hi - x <= tol[i]! && roundUp32(x) === hi)) {
          touches = true;
          break;
        }
      }
      if (!touches) break;
      // The children's boxes as (array, offset of the mins, offset of the maxes): a leaf's is its
      // point (exact, in the store), a cached node's in the pool, an uncached one's folded in scratch.
      const l = left[n]!;
      const r = right[n]!;
      let la: Float32Array | Float64Array = boxes;
      let lMin = 0;
      let lMax = 0;
      if (l < 0) {
        la = data;
        lMin = lMax = start[leafPoint[~l]!]!;
      } else if (all || boxSlot[l]! >= 0) {
        lMin = (all ? l : boxSlot[l]!) * D2;
        lMax = lMin + D;
      } else {
        la = childA;
        this.boxInto(l, store, childA);
        lMax = D;
      }
      let ra: Float32Array | Float64Array = boxes;
      let rMin = 0;
      let rMax = 0;
      if (r < 0) {
        ra = data;
        rMin = rMax = start[leafPoint[~r]!]!;
      } else if (all || boxSlot[r]! >= 0) {
        rMin = (all ? r : boxSlot[r]!) * D2;
        rMax = rMin + D;
      } else {
        ra = childB;
        this.boxInto(r, store, childB);
        rMax = D;
      }
      let changed = false;
      for (let i = 0; i < D; i++) {
        const x = data[off + i]!;
        const lo = boxes[bo + i]!;
        if (x - lo <= tol[i]! && roundDown32(x) === lo) {
          const a = la[lMin + i]!;
          const b = ra[rMin + i]!;
          const v = roundDown32(b < a ? b : a);
          boxes[bo + i] = v;
          if (v !== lo) changed = true;
        }
        const hi = boxes[bo + D + i]!;
        if (hi - x <= tol[i]! && roundUp32(x) === hi) {
          const a = la[lMax + i]!;
          const b = ra[rMax + i]!;
          const v = roundUp32(b > a ? b : a);
          boxes[bo + D + i] = v;
          if (v !== hi) changed = true;
        }
      }
      if (!changed) break;
    }
  }

  /** Bytes held by the tree's own typed arrays (the shared scratch is not counted). */
  get byteLength(): number {
    return (
      this.left.byteLength + this.right.byteLength + this.cutDim.byteLength + this.cutValue.byteLength +
      this.mass.byteLength + this.boxSlot.byteLength + this.boxes.byteLength + this.leafPoint.byteLength +
      this.leafMass.byteLength
    );
  }
}
