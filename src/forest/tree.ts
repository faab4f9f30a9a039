/**
 * A random cut tree on typed arrays: descend, insert, delete, cached bounding boxes.
 * Only this file changes a tree; visitors read it.
 * @module
 */
import type { BoxPool } from './box-pool.js';
import type { PointStore } from './point-store.js';
import { TreeStorage } from './tree-storage.js';
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

/**
 * True when a tree of `capacity` leaves with this box cache mass caches no box: no subtree can hold
 * `max(3, boxCacheMass)` points. Such a tree needs a storage without box slots or masses
 * (`TreeStorage`'s `keepsBoxes` false); the one rule for the tree, the forest and the restore.
 * @example
 * cachesNoBox(257, 256); // true: the one-coordinate default
 * cachesNoBox(3, 256); // false
 */
export function cachesNoBox(boxCacheMass: number, capacity: number): boolean {
  return Math.max(3, boxCacheMass) > capacity;
}

/** The largest capacity (leaves) that the Int16 storage allows. */
const MAX_CAPACITY = 16384;

/**
 * Scratch shared by every tree of the thread (a tree method never runs inside another): the path of
 * the last descent, and the stack of subtree walks (at most one entry per leaf, plus one).
 */
const SHARED_PATH = new Int16Array(MAX_CAPACITY);
const WALK_STACK = new Int16Array(MAX_CAPACITY + 2);

/** Float scratch of one dimension count, shared by the trees with that many dimensions. */
interface BoxScratch {
  /** The running box of `extendRun`. */
  run: Float64Array;
  /** Children's boxes in `delete` (a two-point child's unrounded). */
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
 * - A node of two points (`mass[n] === 2`: two leaves of one point each, a "cherry") is the
 *   exception: its box is the exact (float64) box of its two points, computed from them whenever it
 *   is needed, never cached. A third of the internal nodes are cherries, and a query that reaches a
 *   leaf meets one as the leaf's parent two times in three: its two points are the leaf's (just read
 *   for the duplicate test) and the sibling's, so the box costs one more point read, not a third
 *   of the box memory.
 * - One coordinate (`dimensions === 1`): every cut is on coordinate 0 and `cutDim` is empty (read
 *   `cutDimension(n)`). A subtree's box then runs from its leftmost leaf's point to its rightmost
 *   leaf's (`foldSpines`).
 * - When `cachesNothing` (`boxCacheMass > capacity`), `boxSlot` and `mass` are empty and never
 *   read: every box is computed (`boxSlotOf(n)` is -1), a two-point node is recognised from its
 *   two children (`twoPoints`), and `massOf` sums a subtree's leaves.
 * - Box cache: node n has a cached box iff `mass[n] >= boxCacheMass` (at least 3); then
 *   `boxSlot[n] = j >= 0` and `pool.boxes[j * 2D + i]` / `pool.boxes[j * 2D + D + i]` are the min /
 *   max of coordinate i of n's box. Otherwise `boxSlot[n] = -1` and the box is computed from the
 *   subtree's points when needed (fewer than `boxCacheMass` leaves). Masses grow towards the root,
 *   so the uncached nodes on any path are the lowest ones. The pool may be shared with other trees.
 * - No two leaves hold equal points; `totalMass` is the root's mass (0 when `root === NO_ROOT`).
 * - Free lists, threaded through the arrays (last in, first out; the first index of a newly taken
 *   row is handed out first):
 *   free internal nodes through `left` (from `freeNodeHead`, -1 ends), free leaves through
 *   `leafPoint` (from `freeLeafHead`); free box slots are the pool's. They hold the free slots of
 *   the storage rows taken so far (`rowsUsed`); `reserve` takes the next row when either is empty,
 *   so memory grows with the tree, up to `capacity` leaves and `capacity - 1` nodes.
 * - `path[0 .. depth)` is scratch (shared by all trees): the internal nodes on the last descent,
 *   root first.
 *
 * Storage: the arrays are a `TreeStorage`'s, shared by a group of trees; this tree's nodes and
 * leaves are its own chunks of each row in them (one contiguous range from `nodeBase` / `leafBase`
 * when the capacity fits one row), and every reference it stores is an index in the group's
 * arrays, which never moves when rows are added (the array fields are then re-read:
 * `refreshArrays`; never hold one across `reserve` or `insert`). Node and leaf indexes, cut dimensions, masses and box
 * slots are Int16 (the storage holds at most 32,767 nodes and 32,768 leaves; capacity <= 16384 and
 * dimensions <= 32767, checked by the constructor); `leafPoint` holds point-store slots (up to
 * trees x sample size) and stays Int32; cut values are float64, boxes float32 (coordinates are at
 * most MAX_BOX_VALUE in magnitude, checked by the forest).
 */
export class RandomCutTree {
  readonly dimensions: number;
  readonly capacity: number;
  /** Internal nodes of at least this mass (3 or more) keep a cached box; lighter ones are computed on demand. */
  readonly boxCacheMass: number;
  /**
   * True when no node can reach `boxCacheMass` (it exceeds the capacity): the tree caches no box,
   * and its storage keeps no `boxSlot` nor `mass` (both empty; see `boxSlotOf`, `twoPoints`, `massOf`).
   */
  readonly cachesNothing: boolean;
  root = NO_ROOT;
  totalMass = 0;
  left: Int16Array;
  right: Int16Array;
  cutDim: Int16Array;
  cutValue: Float64Array;
  mass: Int16Array;
  /** Node n's slot in `pool`, or -1. */
  boxSlot: Int16Array;
  /** Where the cached boxes live (the storage's, shared; its array grows, so re-read it after an insert). */
  readonly pool: BoxPool;
  /** The arrays this tree's nodes and leaves live in (shared with the other trees of the group). */
  readonly storage: TreeStorage;
  /**
   * The first index of this tree's first row of internal nodes in the storage's arrays (its nodes
   * are `[nodeBase, nodeBase + capacity - 1)` when the capacity fits one row, see `TreeStorage`).
   */
  readonly nodeBase: number;
  /** The first index of this tree's first row of leaves (`[leafBase, leafBase + capacity)` in one row). */
  readonly leafBase: number;
  /** This tree's part (index) in its storage. */
  private readonly part: number;
  /** Rows of the storage threaded into this tree's free lists so far (its node and leaf room). */
  private rowsUsed = 0;
  leafPoint: Int32Array;
  leafMass: Int16Array;
  freeNodeHead: number;
  freeNodeCount: number;
  freeLeafHead: number;
  freeLeafCount: number;
  readonly path: Int16Array = SHARED_PATH;
  /** The leaf slot reached by the last `descend`. */
  lastLeaf = 0;
  /** The leaf that holds the point of the last `insert` (new, or an equal point's whose mass grew). */
  insertedLeaf = 0;
  /** The running box of `extendRun` (shared scratch, length 2D). */
  readonly run: Float64Array;
  private readonly scratch: BoxScratch;

  /**
   * @param boxCacheMass internal nodes with at least this many points keep a cached box; values
   *   below 3 act as 3 (the default: every node but the two-point ones).
   * @param storage the group whose arrays and box pool the tree takes a part of (`TreeStorages`
   *   gives a forest's trees theirs); by default a storage of its own.
   */
  constructor(dimensions: number, capacity: number, boxCacheMass = 3, storage?: TreeStorage) {
    if (capacity > MAX_CAPACITY || dimensions > 32767) {
      throw new RangeError(`tree: capacity ${capacity} / dimensions ${dimensions} exceed the Int16 storage`);
    }
    this.dimensions = dimensions;
    this.capacity = capacity;
    this.boxCacheMass = Math.max(3, boxCacheMass);
    this.cachesNothing = cachesNoBox(boxCacheMass, capacity);
    this.storage = storage ?? new TreeStorage(dimensions, capacity, 1, !this.cachesNothing);
    if (this.storage.dimensions !== dimensions || this.storage.capacity !== capacity) {
      throw new RangeError(`tree: a storage for ${this.storage.dimensions} dimensions and capacity ${this.storage.capacity}, not ${dimensions} and ${capacity}`);
    }
    if (!this.cachesNothing && !this.storage.keepsBoxes) {
      throw new RangeError(`tree: box cache mass ${this.boxCacheMass} caches boxes, but the storage keeps none`);
    }
    const part = this.storage.join(this);
    this.part = part;
    this.nodeBase = this.storage.nodeStart(part, 0);
    this.leafBase = this.storage.leafStart(part, 0);
    this.cutValue = this.storage.cutValue;
    this.leafPoint = this.storage.leafPoint;
    this.left = this.storage.left;
    this.right = this.storage.right;
    this.cutDim = this.storage.cutDim;
    this.mass = this.storage.mass;
    this.boxSlot = this.storage.boxSlot;
    this.leafMass = this.storage.leafMass;
    this.pool = this.storage.pool;
    this.freeNodeHead = -1;
    this.freeNodeCount = 0;
    this.freeLeafHead = -1;
    this.freeLeafCount = 0;
    this.takeRow();
    this.scratch = scratchFor(dimensions);
    this.run = this.scratch.run;
  }

  /** Re-reads the storage's arrays after it has grown (called by the storage). */
  refreshArrays(): void {
    const s = this.storage;
    this.cutValue = s.cutValue;
    this.leafPoint = s.leafPoint;
    this.left = s.left;
    this.right = s.right;
    this.cutDim = s.cutDim;
    this.mass = s.mass;
    this.boxSlot = s.boxSlot;
    this.leafMass = s.leafMass;
  }

  /**
   * Makes sure a node and a leaf are free (an insert of a new point takes one of each), taking the
   * tree's next row of the storage when either list is empty and the capacity allows. Called at the
   * start of `insert` and by a restore before each allocation: it may replace the arrays, so no
   * caller may hold one across it. One predictable branch when there is room.
   * @example
   * tree.reserve();
   * const leaf = tree.allocLeaf();
   */
  reserve(): void {
    if (this.freeLeafCount === 0 || this.freeNodeCount === 0) this.takeRow();
  }

  /**
   * Threads the storage's row `rowsUsed` (grown if need be) into the free lists: its nodes and
   * leaves in index order, ahead of any still free, so the first of the row is handed out first.
   */
  private takeRow(): void {
    const s = this.storage;
    const r = this.rowsUsed;
    if (r >= s.maxRows) return; // all the capacity is threaded already
    if (r >= s.rows) s.growRows(r + 1);
    const nodeStart = s.nodeStart(this.part, r);
    const nodeEnd = nodeStart + Math.min(s.nodeChunk, s.nodesPerTree - r * s.nodeChunk);
    const leafStart = s.leafStart(this.part, r);
    const leafEnd = leafStart + Math.min(s.leafChunk, s.capacity - r * s.leafChunk);
    const left = this.left;
    const leafPoint = this.leafPoint;
    // Free lists: node i links to i + 1, the row's last to the old head (-1 ends).
    if (nodeEnd > nodeStart) {
      for (let i = nodeStart; i < nodeEnd; i++) left[i] = i + 1 < nodeEnd ? i + 1 : this.freeNodeHead;
      this.freeNodeHead = nodeStart;
      this.freeNodeCount += nodeEnd - nodeStart;
    }
    for (let i = leafStart; i < leafEnd; i++) leafPoint[i] = i + 1 < leafEnd ? i + 1 : this.freeLeafHead;
    this.freeLeafHead = leafStart;
    this.freeLeafCount += leafEnd - leafStart;
    this.rowsUsed = r + 1;
  }

  /**
   * Follows the cuts from the root for the point at `coords[off .. off + D)`, filling `path` with
   * the internal nodes visited. Returns the depth of the leaf reached (its leaf
   * slot is `lastLeaf`). The tree must not be empty.
   */
  descend(coords: Float64Array, off: number): number {
    // The hot callers (score, attribution, insert, delete) make this choice themselves: through
    // this wrapper, B score measured 0.96-0.975 and D process 0.94 of the build before
    // one-coordinate trees, and about 1.0 without it (bench/NOTES.md, item 26).
    return this.dimensions === 1 ? this.descend1(coords[off]!) : this.descendCuts(coords, off);
  }

  /** `descend` for a tree of two or more coordinates (reads `cutDim`). */
  descendCuts(coords: Float64Array, off: number): number {
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

  /** `descend` for a one-coordinate tree, which stores no cut dimension. */
  descend1(x: number): number {
    const path = this.path;
    const cutValue = this.cutValue;
    const left = this.left;
    const right = this.right;
    let ref = this.root;
    let depth = 0;
    while (ref >= 0) {
      path[depth++] = ref;
      ref = x <= cutValue[ref]! ? left[ref]! : right[ref]!;
    }
    this.lastLeaf = ~ref;
    return depth;
  }

  /** The coordinate internal node n cuts (0 for a one-coordinate tree, which stores none). */
  cutDimension(n: number): number {
    return this.dimensions === 1 ? 0 : this.cutDim[n]!;
  }

  /** Node n's box slot in `pool`, or -1 when it has none (always, when `cachesNothing`). */
  boxSlotOf(n: number): number {
    return this.cachesNothing ? -1 : this.boxSlot[n]!;
  }

  /** Sets internal node n's cut (the dimension is not stored for a one-coordinate tree). */
  setCut(n: number, dimension: number, value: number): void {
    if (this.dimensions > 1) this.cutDim[n] = dimension;
    this.cutValue[n] = value;
  }

  /**
   * Mass of a node reference (internal or leaf). When the tree caches no box it stores no internal
   * masses, and an internal node's mass is summed over its leaves (a walk of the subtree).
   */
  massOf(ref: number): number {
    if (ref < 0) return this.leafMass[~ref]!;
    if (!this.cachesNothing) return this.mass[ref]!;
    let sum = 0;
    const stack = WALK_STACK;
    let top = 0;
    stack[top++] = ref;
    while (top > 0) {
      const r = stack[--top]!;
      if (r < 0) sum += this.leafMass[~r]!;
      else {
        stack[top++] = this.left[r]!;
        stack[top++] = this.right[r]!;
      }
    }
    return sum;
  }

  /**
   * True when internal node n holds exactly two points (two leaves of mass 1: a "cherry", whose
   * box is the exact box of its two points). Read from `mass`, or, when the tree stores no
   * masses (`cachesNothing`), from its children: both leaves, each of mass 1.
   */
  twoPoints(n: number): boolean {
    if (!this.cachesNothing) return this.mass[n] === 2;
    const l = this.left[n]!;
    const r = this.right[n]!;
    return (l & r) < 0 && this.leafMass[~l] === 1 && this.leafMass[~r] === 1;
  }

  /** Takes a free internal node (one must be free). */
  allocNode(): number {
    const n = this.freeNodeHead;
    this.freeNodeHead = this.left[n]!;
    this.freeNodeCount--;
    if (!this.cachesNothing) this.boxSlot[n] = -1;
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
    if (!this.cachesNothing && this.boxSlot[n]! >= 0) this.freeBox(n);
    this.left[n] = this.freeNodeHead;
    this.freeNodeHead = n;
    this.freeNodeCount++;
  }

  private freeLeaf(l: number): void {
    this.leafPoint[l] = this.freeLeafHead;
    this.freeLeafHead = l;
    this.freeLeafCount++;
  }

  /** Gives node n (uncached) a box slot and returns its offset in `pool.boxes` (which may have grown). */
  private allocBox(n: number): number {
    const j = this.pool.alloc();
    this.boxSlot[n] = j;
    return j * 2 * this.dimensions;
  }

  /** Returns node n's box slot to the pool. */
  private freeBox(n: number): void {
    this.pool.free(this.boxSlot[n]!);
    this.boxSlot[n] = -1;
  }

  /**
   * Folds the points under `ref` (a leaf, a cached node, or an uncached node walked down to its
   * leaves) into the box `out[oo .. oo + D)` (mins) / `out[oo + D .. oo + 2D)` (maxes), which holds
   * float32 values or infinities: a leaf's coordinate x lowers a min iff `roundDown32(x)` does, so
   * only coordinates that extend the box are rounded. The result is the rounded box of the union.
   */
  private foldSubtree(ref: number, out: Float64Array, oo: number, store: PointStore): void {
    const D = this.dimensions;
    if (D === 1) {
      this.foldSpines(ref, out, oo, store);
      return;
    }
    const data = store.data;
    const D2 = 2 * D;
    const stack = WALK_STACK;
    const boxSlot = this.boxSlot;
    const none = this.cachesNothing;
    const boxes = this.pool.boxes;
    const leafPoint = this.leafPoint;
    let top = 0;
    stack[top++] = ref;
    while (top > 0) {
      const r = stack[--top]!;
      if (r < 0) {
        const p = store.offset(leafPoint[~r]!);
        for (let i = 0; i < D; i++) {
          const x = data[p + i]!;
          if (x < out[oo + i]!) out[oo + i] = roundDown32(x);
          if (x > out[oo + D + i]!) out[oo + D + i] = roundUp32(x);
        }
        continue;
      }
      const j = none ? -1 : boxSlot[r]!;
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

  /**
   * `foldSubtree` for one-dimensional trees, in O(height) rather than O(leaves): every cut is on the
   * one coordinate, so the points under a left child all lie at or below the cut and those under a
   * right child above it. The subtree's smallest point is therefore its leftmost leaf's and its
   * largest its rightmost leaf's: follow the left (right) children down to a leaf, or to a cached
   * node, whose box min (max) is the answer. Same result as walking every leaf, bit for bit.
   */
  private foldSpines(ref: number, out: Float64Array, oo: number, store: PointStore): void {
    this.foldLeftSpine(ref, out, oo, store);
    this.foldRightSpine(ref, out, oo, store);
  }

  /** The min half of `foldSpines`: lowers `out[oo]` to the subtree's rounded minimum. */
  private foldLeftSpine(ref: number, out: Float64Array, oo: number, store: PointStore): void {
    const boxSlot = this.boxSlot;
    const left = this.left;
    let r = ref;
    if (this.cachesNothing) while (r >= 0) r = left[r]!;
    else while (r >= 0 && boxSlot[r]! < 0) r = left[r]!;
    if (r < 0) {
      const x = store.data[store.offset(this.leafPoint[~r]!)]!;
      if (x < out[oo]!) out[oo] = roundDown32(x);
    } else {
      const a = this.pool.boxes[boxSlot[r]! * 2]!;
      if (a < out[oo]!) out[oo] = a;
    }
  }

  /** The max half of `foldSpines`: raises `out[oo + 1]` to the subtree's rounded maximum. */
  private foldRightSpine(ref: number, out: Float64Array, oo: number, store: PointStore): void {
    const boxSlot = this.boxSlot;
    const right = this.right;
    let r = ref;
    if (this.cachesNothing) while (r >= 0) r = right[r]!;
    else while (r >= 0 && boxSlot[r]! < 0) r = right[r]!;
    if (r < 0) {
      const x = store.data[store.offset(this.leafPoint[~r]!)]!;
      if (x > out[oo + 1]!) out[oo + 1] = roundUp32(x);
    } else {
      const b = this.pool.boxes[boxSlot[r]! * 2 + 1]!;
      if (b > out[oo + 1]!) out[oo + 1] = b;
    }
  }

  /** Writes the box of internal node `ref` (as cached: rounded outwards to float32) into `out[0 .. 2D)`. */
  boxInto(ref: number, store: PointStore, out: Float64Array): void {
    this.foldInto(ref, store, out);
  }

  /**
   * Sets the running box `run` to the (rounded) box of the uncached node `path[k]` of the last
   * descent: when `fresh`, from all its points; otherwise `run` holds the box of `path[k + 1]` and
   * only the other child is folded in. Callers go up from the lowest uncached node above the
   * leaf's two-point parent (whose exact box they take from its two points), so only with a
   * `boxCacheMass` above 3.
   */
  extendRun(k: number, fresh: boolean, store: PointStore): void {
    const run = this.run;
    const n = this.path[k]!;
    if (fresh) {
      this.foldInto(n, store, run);
      return;
    }
    const child = this.path[k + 1]!;
    if (this.dimensions === 1) {
      // One coordinate: a right sibling lies wholly above the run's box, so only its maximum can
      // extend it (a left sibling: only its minimum).
      if (this.left[n] === child) this.foldRightSpine(this.right[n]!, run, 0, store);
      else this.foldLeftSpine(this.left[n]!, run, 0, store);
      return;
    }
    this.foldSubtree(this.left[n] === child ? this.right[n]! : this.left[n]!, run, 0, store);
  }

  /**
   * The store offset of the point of the other leaf under `n`, the two-point parent of leaf `leaf`.
   * @example
   * // after descend(q) reached leaf l at depth d, with mass[path[d - 1]] === 2:
   * // tree.siblingPointOffset(tree.path[d - 1], l, store)
   */
  siblingPointOffset(n: number, leaf: number, store: PointStore): number {
    // The other child, without a branch (which one the query reached is a coin flip for the predictor).
    const other = this.left[n]! + this.right[n]! - ~leaf;
    return store.offset(this.leafPoint[~other]!);
  }

  /**
   * Gives node n (children complete, mass set, no box slot yet) the box cache the invariant asks for:
   * a slot holding its (rounded) box when its mass is at least `boxCacheMass`, none otherwise.
   */
  settleBox(n: number, store: PointStore): void {
    if (this.cachesNothing || this.mass[n]! < this.boxCacheMass) return;
    const D = this.dimensions;
    const fold = this.scratch.fold;
    for (let i = 0; i < D; i++) {
      fold[i] = Infinity;
      fold[D + i] = -Infinity;
    }
    this.foldSubtree(this.left[n]!, fold, 0, store);
    this.foldSubtree(this.right[n]!, fold, 0, store);
    this.storeBox(this.allocBox(n), fold);
  }

  /** Copies the box `box[0 .. 2D)` (float32 values, as `foldSubtree` leaves them) into the pool at `bo`. */
  private storeBox(bo: number, box: Float64Array): void {
    const boxes = this.pool.boxes;
    for (let i = 0; i < 2 * this.dimensions; i++) boxes[bo + i] = box[i]!;
  }

  /**
   * Inserts the point `point` (already stored in `slot` of `store`); `pointBox` is its box as boxes
   * hold it (`roundPointBox`, computed once for all the trees). Returns the store slot that the
   * tree now holds for it: `slot`, or the slot of an equal point already in the tree (whose leaf
   * mass grew by one).
   */
  insert(point: Float64Array, pointBox: Float64Array, slot: number, store: PointStore, rng: TreeRandom): number {
    this.reserve(); // before any array is read into a local: it may grow them
    if (this.root === NO_ROOT) {
      const leaf = this.allocLeaf();
      this.leafPoint[leaf] = slot;
      this.leafMass[leaf] = 1;
      this.root = ~leaf;
      this.totalMass = 1;
      this.insertedLeaf = leaf;
      return slot;
    }
    const D = this.dimensions;
    const D2 = 2 * D;
    const data = store.data;
    const depth = D === 1 ? this.descend1(point[0]!) : this.descendCuts(point, 0);
    const leaf = this.lastLeaf;
    const leafSlot = this.leafPoint[leaf]!;
    const path = this.path;
    const mass = this.mass;
    const m = this.boxCacheMass;
    if (store.equals(leafSlot, point)) {
      this.leafMass[leaf]!++;
      if (!this.cachesNothing) for (let k = 0; k < depth; k++) {
        const n = path[k]!;
        if (++mass[n]! === m) this.settleBox(n, store); // crossed into the cache (at most one node)
      }
      this.totalMass++;
      this.insertedLeaf = leaf;
      return leafSlot;
    }

    // Climb from the leaf, drawing a cut for (subtree box, point) at each level; the highest
    // separating cut wins. The leaf's box is its point, which any cut of their union separates.
    const boxSlot = this.boxSlot;
    const none = this.cachesNothing;
    const boxes = this.pool.boxes;
    const run = this.run;
    const leafOff = store.offset(leafSlot);
    this.drawLeafCut(data, leafOff, point, rng);
    let cutD = this.cutD;
    let cutV = this.cutV;
    let sibling = ~leaf; // the subtree the new node goes above
    let siblingLevel = depth; // its index in path (depth for the leaf)
    // Ancestors at levels <= containedLevel have boxes that already contain the point.
    let containedLevel = -1;
    let k = depth - 1;
    if (k >= 0 && this.twoPoints(path[k]!)) {
      // The leaf's parent holds two points: its exact box is theirs.
      const n = path[k]!;
      const otherOff = this.siblingPointOffset(n, leaf, store);
      if (this.drawPairCut(data, leafOff, otherOff, point, rng)) {
        const d = this.cutD;
        const v = this.cutV;
        const x = point[d]!;
        const a = data[leafOff + d]!;
        const b = data[otherOff + d]!;
        if ((x <= v && (a < b ? a : b) > v) || (x > v && (a < b ? b : a) <= v)) {
          sibling = n;
          siblingLevel = k;
          cutD = d;
          cutV = v;
        }
        k--;
      } else {
        containedLevel = k;
        k = -1;
      }
    }
    let fresh = true; // `run` holds no box yet
    for (; k >= 0; k--) {
      const n = path[k]!;
      const j = none ? -1 : boxSlot[n]!;
      let b: Float32Array | Float64Array = boxes;
      let bo = j * D2;
      if (j < 0) {
        this.extendRun(k, fresh, store); // an uncached node: its box from its points
        fresh = false;
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
    this.insertedLeaf = newLeaf;
    const node = this.allocNode();
    if (D > 1) this.cutDim[node] = cutD;
    this.cutValue[node] = cutV;
    if (point[cutD]! <= cutV) {
      this.left[node] = ~newLeaf;
      this.right[node] = sibling;
    } else {
      this.left[node] = sibling;
      this.right[node] = ~newLeaf;
    }
    if (siblingLevel === 0) this.root = node;
    else {
      const parent = path[siblingLevel - 1]!;
      if (this.left[parent] === sibling) this.left[parent] = node;
      else this.right[parent] = node;
    }
    this.totalMass++;
    // A tree that caches no box keeps no internal masses (nor needs them: `twoPoints`) and no boxes.
    if (none) return slot;
    const nodeMass = this.massOf(sibling) + 1;
    mass[node] = nodeMass;
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
      const pool = this.pool.boxes; // the allocation may have grown it
      const sj = sibling >= 0 ? boxSlot[sibling]! : -1;
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
        this.foldSubtree(sibling, fold, 0, store);
        this.storeBox(no, fold);
      }
    }
    // Extending a box that contains the point changes nothing: only levels below containedLevel.
    const pool = this.pool.boxes;
    for (let k = containedLevel + 1; k < siblingLevel; k++) {
      const j = boxSlot[path[k]!]!;
      if (j < 0) continue;
      const bo = j * D2;
      for (let i = 0; i < D; i++) {
        const x = point[i]!;
        if (x < pool[bo + i]!) pool[bo + i] = pointBox[i]!;
        if (x > pool[bo + D + i]!) pool[bo + D + i] = pointBox[D + i]!;
      }
    }
    if (crossed >= 0) this.settleBox(crossed, store);
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

  /**
   * `drawCut` for a two-point node, whose box is the exact box of its points `data[oa .. oa + D)` and
   * `data[ob .. ob + D)` (never cached), with the same arithmetic; returns false, drawing nothing,
   * when that box contains `point`. The third copy of the dimension-choosing loop, for the reasons
   * given at `drawLeafCut`; `drawLeafCut(o)` as `drawPairCut(o, o)` gives the same bits but made
   * D update 5-17% slower (3 alternating pairs of `node <build>/bench/micro.js D update 3`).
   */
  drawPairCut(data: Float64Array, oa: number, ob: number, point: Float64Array, rng: TreeRandom): boolean {
    const D = this.dimensions;
    const ranges = this.scratch.ranges;
    let extension2 = 0;
    let rangeSum = 0;
    for (let i = 0; i < D; i++) {
      const a = data[oa + i]!;
      const b = data[ob + i]!;
      const lo = Math.min(a, b);
      const hi = Math.max(a, b);
      const x = point[i]!;
      const below = lo - x;
      const above = x - hi;
      const ext2 = below + Math.abs(below) + (above + Math.abs(above));
      extension2 += ext2;
      const range = hi - lo + 0.5 * ext2;
      rangeSum += range;
      ranges[i] = range;
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
          const lo = Math.min(data[oa + i]!, data[ob + i]!, x);
          const hi = Math.max(data[oa + i]!, data[ob + i]!, x);
          this.cutD = i;
          this.cutV = lo + b < hi ? lo + b : nextDown(hi);
          return true;
        }
        b -= range;
      }
    }
    this.cutD = last;
    this.cutV = nextDown(Math.max(data[oa + last]!, data[ob + last]!, point[last]!));
    return true;
  }

  /** The cut drawn by the last successful `drawCut`, `drawLeafCut` or `drawPairCut`. */
  cutD = 0;
  cutV = 0;

  /**
   * Removes one copy of the point stored in `slot` (which the tree must hold). A leaf of mass > 1
   * loses one unit; otherwise the leaf and its parent go and the sibling takes the parent's place.
   */
  delete(slot: number, store: PointStore): void {
    const D = this.dimensions;
    const data = store.data;
    const off = store.offset(slot);
    const depth = D === 1 ? this.descend1(data[off]!) : this.descendCuts(data, off);
    const leaf = this.lastLeaf;
    const leafSlot = this.leafPoint[leaf]!;
    if (leafSlot !== slot) {
      const lo = store.offset(leafSlot);
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
      if (!this.cachesNothing) for (let k = 0; k < depth; k++) {
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
    if (this.cachesNothing) return; // no mass to lower, no box to shrink
    for (let k = 0; k < depth - 1; k++) {
      const n = path[k]!;
      if (mass[n]!-- === m) this.freeBox(n);
    }
    // Boxes shrink only where the deleted point's rounded value lay on the boundary: recompute just
    // those sides (min of the children's mins, max of their maxes, rounded; every other side is
    // attained by a point that stays), and stop at the first cached ancestor whose box did not change
    // (nor can any above it). Uncached ancestors (the lowest ones) have nothing to update.
    const boxSlot = this.boxSlot;
    const boxes = this.pool.boxes;
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
      const j = boxSlot[n]!;
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
      // The children's boxes as (array, offsets of the mins, offsets of the maxes), two of each so
      // that a two-point node needs no box: a leaf's is its point (exact, in the store), a two-point
      // node's the min / max of its two points (exact), a cached node's in the pool, another
      // uncached one's folded (rounded) in scratch. The side is rounded after the min / max, so
      // every kind gives the rounded box of the union.
      const l = left[n]!;
      const r = right[n]!;
      let la: Float32Array | Float64Array = boxes;
      let lMin = 0;
      let lMax = 0;
      let lOther = 0; // the second offset's distance from the first
      if (l < 0) {
        la = data;
        lMin = lMax = store.offset(leafPoint[~l]!);
      } else if (boxSlot[l]! >= 0) {
        lMin = boxSlot[l]! * D2;
        lMax = lMin + D;
      } else if (mass[l] === 2) {
        la = data;
        lMin = lMax = store.offset(leafPoint[~left[l]!]!);
        lOther = store.offset(leafPoint[~right[l]!]!) - lMin;
      } else {
        la = childA;
        this.foldInto(l, store, childA);
        lMax = D;
      }
      let ra: Float32Array | Float64Array = boxes;
      let rMin = 0;
      let rMax = 0;
      let rOther = 0;
      if (r < 0) {
        ra = data;
        rMin = rMax = store.offset(leafPoint[~r]!);
      } else if (boxSlot[r]! >= 0) {
        rMin = boxSlot[r]! * D2;
        rMax = rMin + D;
      } else if (mass[r] === 2) {
        ra = data;
        rMin = rMax = store.offset(leafPoint[~left[r]!]!);
        rOther = store.offset(leafPoint[~right[r]!]!) - rMin;
      } else {
        ra = childB;
        this.foldInto(r, store, childB);
        rMax = D;
      }
      let changed = false;
      for (let i = 0; i < D; i++) {
        const x = data[off + i]!;
        const lo = boxes[bo + i]!;
        if (x - lo <= tol[i]! && roundDown32(x) === lo) {
          const a = Math.min(la[lMin + i]!, la[lMin + lOther + i]!);
          const b = Math.min(ra[rMin + i]!, ra[rMin + rOther + i]!);
          const v = roundDown32(b < a ? b : a);
          boxes[bo + i] = v;
          if (v !== lo) changed = true;
        }
        const hi = boxes[bo + D + i]!;
        if (hi - x <= tol[i]! && roundUp32(x) === hi) {
          const a = Math.max(la[lMax + i]!, la[lMax + lOther + i]!);
          const b = Math.max(ra[rMax + i]!, ra[rMax + rOther + i]!);
          const v = roundUp32(b > a ? b : a);
          boxes[bo + D + i] = v;
          if (v !== hi) changed = true;
        }
      }
      if (!changed) break;
    }
  }

  /** Writes the rounded box of internal node n, folded from its subtree, into `out[0 .. 2D)`. */
  private foldInto(n: number, store: PointStore, out: Float64Array): void {
    const D = this.dimensions;
    for (let i = 0; i < D; i++) {
      out[i] = Infinity;
      out[D + i] = -Infinity;
    }
    this.foldSubtree(n, out, 0, store);
  }

  /** Bytes of the tree's part of its storage's node and leaf arrays (neither the scratch nor the pool). */
  get byteLength(): number {
    return this.storage.cutValue.buffer.byteLength / this.storage.trees;
  }
}
