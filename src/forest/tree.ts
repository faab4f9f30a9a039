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

/** The largest capacity (leaves) that the Int16 storage allows. */
const MAX_CAPACITY = 16384;

/**
 * The path of the last descent, shared by every tree of the thread: a tree method never runs
 * inside another one, and each caller reads the path right after its own descent.
 */
const SHARED_PATH = new Int16Array(MAX_CAPACITY);

/** Float scratch of one dimension count, shared by the trees with that many dimensions. */
interface TreeScratch {
  /** A leaf's point as a degenerate box, [min.., max..]. */
  leafBox: Float64Array;
  /** `drawCut`'s extended ranges. */
  ranges: Float64Array;
}
const scratchByDimensions = new Map<number, TreeScratch>();
function scratchFor(D: number): TreeScratch {
  let s = scratchByDimensions.get(D);
  if (!s) {
    s = { leafBox: new Float64Array(2 * D), ranges: new Float64Array(D) };
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
 * - `box[n * 2D + i]` / `box[n * 2D + D + i]` are the min / max over the points under n of
 *   coordinate i (the cached bounding box, exact: never wider than the points).
 * - No two leaves hold equal points; `totalMass` is the root's mass (0 when `root === NO_ROOT`).
 * - Free lists, threaded through the arrays (last in, first out; slot 0 is handed out first): free
 *   internal nodes through `left` (from `freeNodeHead`, -1 ends), free leaves through `leafPoint`
 *   (from `freeLeafHead`). No separate free stacks: that saves 1 kB a tree at sample size 256.
 * - `path[0 .. depth)` is scratch shared by all trees: the internal nodes on the last descent, root first.
 *
 * Storage: node and leaf indexes, cut dimensions and masses are Int16 (capacity <= 4096 leaves and
 * dimensions <= 10000 by the options' limits, so every value fits); `leafPoint` holds point-store
 * slots (up to trees x sample size) and stays Int32; cut values and boxes are float64.
 */
export class RandomCutTree {
  readonly dimensions: number;
  readonly capacity: number;
  root = NO_ROOT;
  totalMass = 0;
  readonly left: Int16Array;
  readonly right: Int16Array;
  readonly cutDim: Int16Array;
  readonly cutValue: Float64Array;
  readonly mass: Int16Array;
  readonly box: Float64Array;
  readonly leafPoint: Int32Array;
  readonly leafMass: Int16Array;
  freeNodeHead: number;
  freeNodeCount: number;
  freeLeafHead: number;
  freeLeafCount: number;
  readonly path: Int16Array = SHARED_PATH;
  /** Scratch: a leaf's point as a degenerate box, [min.., max..] (shared). */
  private readonly leafBox: Float64Array;
  /** Scratch of `drawCut`: the extended range of each dimension (shared). */
  private readonly ranges: Float64Array;

  constructor(dimensions: number, capacity: number) {
    if (capacity > MAX_CAPACITY || dimensions > 32767) {
      throw new RangeError(`tree: capacity ${capacity} / dimensions ${dimensions} exceed the Int16 storage`);
    }
    this.dimensions = dimensions;
    this.capacity = capacity;
    const nodes = Math.max(1, capacity - 1);
    this.left = new Int16Array(nodes);
    this.right = new Int16Array(nodes);
    this.cutDim = new Int16Array(nodes);
    this.cutValue = new Float64Array(nodes);
    this.mass = new Int16Array(nodes);
    this.box = new Float64Array(nodes * 2 * dimensions);
    this.leafPoint = new Int32Array(capacity);
    this.leafMass = new Int16Array(capacity);
    const scratch = scratchFor(dimensions);
    this.leafBox = scratch.leafBox;
    this.ranges = scratch.ranges;
    for (let i = 0; i < nodes; i++) this.left[i] = i + 1 < nodes ? i + 1 : -1;
    for (let i = 0; i < capacity; i++) this.leafPoint[i] = i + 1 < capacity ? i + 1 : -1;
    this.freeNodeHead = 0;
    this.freeNodeCount = nodes;
    this.freeLeafHead = 0;
    this.freeLeafCount = capacity;
  }

  /** Takes a free internal node (one must be free). */
  allocNode(): number {
    const n = this.freeNodeHead;
    this.freeNodeHead = this.left[n]!;
    this.freeNodeCount--;
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
    this.left[n] = this.freeNodeHead;
    this.freeNodeHead = n;
    this.freeNodeCount++;
  }

  private freeLeaf(l: number): void {
    this.leafPoint[l] = this.freeLeafHead;
    this.freeLeafHead = l;
    this.freeLeafCount++;
  }

  /**
   * Follows the cuts from the root for the point at `coords[off .. off + D)`, filling `path` with
   * the internal nodes visited. Returns the depth of the leaf reached (its leaf slot is
   * `this.lastLeaf`). The tree must not be empty.
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

  /** The leaf slot reached by the last `descend`. */
  lastLeaf = 0;

  /** Mass of a node reference (internal or leaf). */
  massOf(ref: number): number {
    return ref >= 0 ? this.mass[ref]! : this.leafMass[~ref]!;
  }

  /**
   * Inserts the point `point` (already stored in `slot` of `store`). Returns the store slot that the
   * tree now holds for it: `slot`, or the slot of an equal point already in the tree (whose leaf
   * mass grew by one).
   */
  insert(point: Float64Array, slot: number, store: PointStore, rng: TreeRandom): number {
    if (this.root === NO_ROOT) {
      const leaf = this.allocLeaf();
      this.leafPoint[leaf] = slot;
      this.leafMass[leaf] = 1;
      this.root = ~leaf;
      this.totalMass = 1;
      return slot;
    }
    const D = this.dimensions;
    const depth = this.descend(point, 0);
    const leaf = this.lastLeaf;
    const leafSlot = this.leafPoint[leaf]!;
    const path = this.path;
    const mass = this.mass;
    if (store.equals(leafSlot, point)) {
      this.leafMass[leaf]!++;
      for (let k = 0; k < depth; k++) mass[path[k]!]!++;
      this.totalMass++;
      return leafSlot;
    }

    // Climb from the leaf, drawing a cut for (subtree box, point) at each level; the highest
    // separating cut wins. The leaf's box is its point, which any cut of their union separates.
    const data = store.data;
    const box = this.box;
    const leafOff = store.start[leafSlot]!;
    const leafBox = this.leafBox;
    for (let i = 0; i < D; i++) leafBox[i] = leafBox[D + i] = data[leafOff + i]!;
    this.drawCut(leafBox, 0, point, rng);
    let cutD = this.cutD;
    let cutV = this.cutV;
    let sibling = ~leaf; // the subtree the new node goes above
    let siblingLevel = depth; // its index in path (depth for the leaf)
    // Ancestors at levels <= containedLevel have boxes that already contain the point.
    let containedLevel = -1;
    for (let k = depth - 1; k >= 0; k--) {
      const n = path[k]!;
      const bo = n * 2 * D;
      if (!this.drawCut(box, bo, point, rng)) {
        containedLevel = k; // the box contains the point: stop climbing
        break;
      }
      const d = this.cutD;
      const v = this.cutV;
      const x = point[d]!;
      // Separates: the point on one side, the whole box on the other.
      if ((x <= v && box[bo + d]! > v) || (x > v && box[bo + D + d]! <= v)) {
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
    mass[node] = this.massOf(sibling) + 1;
    const no = node * 2 * D;
    const src = sibling >= 0 ? box : leafBox;
    const so = sibling >= 0 ? sibling * 2 * D : 0;
    for (let i = 0; i < D; i++) {
      const x = point[i]!;
      const lo = src[so + i]!;
      const hi = src[so + D + i]!;
      box[no + i] = x < lo ? x : lo;
      box[no + D + i] = x > hi ? x : hi;
    }
    if (siblingLevel === 0) this.root = node;
    else {
      const parent = path[siblingLevel - 1]!;
      if (this.left[parent] === sibling) this.left[parent] = node;
      else this.right[parent] = node;
    }
    for (let k = 0; k < siblingLevel; k++) mass[path[k]!]!++;
    // Extending a box that contains the point changes nothing: only levels below containedLevel.
    for (let k = containedLevel + 1; k < siblingLevel; k++) {
      const bo = path[k]! * 2 * D;
      for (let i = 0; i < D; i++) {
        const x = point[i]!;
        if (x < box[bo + i]!) box[bo + i] = x;
        if (x > box[bo + D + i]!) box[bo + D + i] = x;
      }
    }
    this.totalMass++;
    return slot;
  }

  /**
   * Draws a random cut of the box at `boxes[bo .. bo + 2D)` extended by `point`: a dimension with
   * probability proportional to its extended range, a value uniform within it, strictly below the
   * range's top. Sets `cutD` / `cutV` and returns true; returns false, drawing nothing, when the box
   * already contains the point.
   */
  drawCut(boxes: Float64Array, bo: number, point: Float64Array, rng: TreeRandom): boolean {
    const D = this.dimensions;
    const ranges = this.ranges;
    let extension = 0;
    let rangeSum = 0;
    for (let i = 0; i < D; i++) {
      const lo = boxes[bo + i]!;
      const hi = boxes[bo + D + i]!;
      const x = point[i]!;
      let range: number;
      if (x < lo) {
        extension += lo - x;
        range = hi - x;
      } else if (x > hi) {
        extension += x - hi;
        range = x - lo;
      } else range = hi - lo;
      rangeSum += range;
      ranges[i] = range; // = max(hi, x) - min(lo, x), the extended range
    }
    if (extension === 0) return false;
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

  /** The cut drawn by the last successful `drawCut`. */
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
    this.totalMass--;
    if (this.leafMass[leaf]! > 1) {
      this.leafMass[leaf]!--;
      for (let k = 0; k < depth; k++) mass[path[k]!]!--;
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
    for (let k = 0; k < depth - 1; k++) mass[path[k]!]!--;
    // Boxes shrink only where the deleted point lay on the boundary: recompute just those sides
    // (min of the children's mins, max of their maxes; every other side is attained by a point that
    // stays), and stop at the first ancestor whose box did not change (nor can any above it).
    const box = this.box;
    const left = this.left;
    const right = this.right;
    const leafPoint = this.leafPoint;
    const D2 = 2 * D;
    for (let k = depth - 2; k >= 0; k--) {
      const n = path[k]!;
      const bo = n * D2;
      const l = left[n]!;
      const r = right[n]!;
      let changed = false;
      for (let i = 0; i < D; i++) {
        const x = data[off + i]!;
        if (x === box[bo + i]) {
          const a = l >= 0 ? box[l * D2 + i]! : data[start[leafPoint[~l]!]! + i]!;
          const b = r >= 0 ? box[r * D2 + i]! : data[start[leafPoint[~r]!]! + i]!;
          const v = b < a ? b : a;
          box[bo + i] = v;
          if (v !== x) changed = true;
        }
        if (x === box[bo + D + i]) {
          const a = l >= 0 ? box[l * D2 + D + i]! : data[start[leafPoint[~l]!]! + i]!;
          const b = r >= 0 ? box[r * D2 + D + i]! : data[start[leafPoint[~r]!]! + i]!;
          const v = b > a ? b : a;
          box[bo + D + i] = v;
          if (v !== x) changed = true;
        }
      }
      if (!changed) break;
    }
  }

  /** Sets node n's box to the union of its children's boxes. */
  recomputeBox(n: number, store: PointStore): void {
    const D = this.dimensions;
    const box = this.box;
    const data = store.data;
    const bo = n * 2 * D;
    const l = this.left[n]!;
    const r = this.right[n]!;
    for (let i = 0; i < D; i++) {
      let lo: number;
      let hi: number;
      if (l >= 0) {
        lo = box[l * 2 * D + i]!;
        hi = box[l * 2 * D + D + i]!;
      } else {
        lo = hi = data[store.start[this.leafPoint[~l]!]! + i]!;
      }
      if (r >= 0) {
        const rlo = box[r * 2 * D + i]!;
        const rhi = box[r * 2 * D + D + i]!;
        if (rlo < lo) lo = rlo;
        if (rhi > hi) hi = rhi;
      } else {
        const x = data[store.start[this.leafPoint[~r]!]! + i]!;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      box[bo + i] = lo;
      box[bo + D + i] = hi;
    }
  }

  /** Writes the box of `ref` (a leaf's point as a degenerate box, or a node's cached box) into `out[0 .. 2D)`. */
  boxInto(ref: number, store: PointStore, out: Float64Array): void {
    const D = this.dimensions;
    if (ref >= 0) out.set(this.box.subarray(ref * 2 * D, (ref + 1) * 2 * D));
    else {
      const off = store.start[this.leafPoint[~ref]!]!;
      for (let i = 0; i < D; i++) out[i] = out[D + i] = store.data[off + i]!;
    }
  }

  /** Bytes held by the tree's own typed arrays (the shared scratch is not counted). */
  get byteLength(): number {
    return (
      this.left.byteLength + this.right.byteLength + this.cutDim.byteLength + this.cutValue.byteLength +
      this.mass.byteLength + this.box.byteLength + this.leafPoint.byteLength + this.leafMass.byteLength
    );
  }
}
