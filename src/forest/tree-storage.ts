/**
 * The typed arrays of a group of trees: one buffer of node and leaf arrays, one box pool.
 * @module
 */
import { BoxPool, MAX_POOL_SLOTS } from './box-pool.js';

/**
 * Node and leaf arrays shared by up to `trees` trees of one shape (dimensions, capacity), with
 * their box pool. Tree t of the group owns internal nodes `[t (capacity - 1), (t + 1) (capacity - 1))`
 * and leaves `[t capacity, (t + 1) capacity)`; its references point into the group's arrays, so a
 * tree needs no typed array of its own.
 *
 * Why: a typed array costs V8 about 96 bytes of heap (and an ArrayBuffer about 88) besides its
 * elements; eight per tree came to about 0.09 MB of a 100-tree forest. One group holds as many
 * trees as Int16 indexes reach (`trees (capacity - 1) <= 32767` and `trees capacity <= 32768`).
 *
 * Layout (one ArrayBuffer, widest elements first so every view is aligned): `cutValue` (float64),
 * `leafPoint` (int32), then the Int16 arrays `left`, `right`, `cutDim`, `mass`, `boxSlot` (per
 * internal node) and `leafMass` (per leaf). Their meaning is the tree's (see `RandomCutTree`).
 * Some may be empty, never read: `cutDim` for one-coordinate trees (every cut is on coordinate 0),
 * `boxSlot` and `mass` when the trees cache no box (`keepsBoxes` false: a node's mass only serves
 * the box cache and the test for two-point nodes, which the children answer too). Config A of the
 * benchmark saves all three, 51 kB each.
 * @example
 * const storage = new TreeStorage(10, 256, 2); // two trees of 256 leaves, 10 dimensions
 * const tree = new RandomCutTree(10, 256, 3, storage);
 */
export class TreeStorage {
  readonly dimensions: number;
  /** Leaves per tree. */
  readonly capacity: number;
  /** Internal nodes per tree (`capacity - 1`, at least 1). */
  readonly nodesPerTree: number;
  /** Trees the arrays have room for. */
  readonly trees: number;
  readonly cutValue: Float64Array;
  readonly leafPoint: Int32Array;
  readonly left: Int16Array;
  readonly right: Int16Array;
  readonly cutDim: Int16Array;
  readonly mass: Int16Array;
  readonly boxSlot: Int16Array;
  readonly leafMass: Int16Array;
  readonly pool: BoxPool;
  /** Trees that have taken their part so far. */
  joined = 0;

  /**
   * True when the trees may cache boxes: `boxSlot` and `mass` have an entry per node. False (trees
   * whose `boxCacheMass` exceeds the capacity): both are empty and never read.
   */
  readonly keepsBoxes: boolean;

  /**
   * @param keepsBoxes false for trees that cache no box (their `boxCacheMass` exceeds the capacity;
   *   a one-coordinate forest's default): no `boxSlot` nor `mass` array, and an empty pool.
   */
  constructor(dimensions: number, capacity: number, trees: number, keepsBoxes = true) {
    const nodes = Math.max(1, capacity - 1);
    if (!(Number.isInteger(trees) && trees >= 1 && trees <= TreeStorage.treesPerStorage(capacity))) {
      throw new RangeError(`tree storage: room for 1 to ${TreeStorage.treesPerStorage(capacity)} trees of capacity ${capacity}, asked ${trees}`);
    }
    this.dimensions = dimensions;
    this.capacity = capacity;
    this.nodesPerTree = nodes;
    this.trees = trees;
    this.keepsBoxes = keepsBoxes;
    const N = nodes * trees;
    const L = capacity * trees;
    // One coordinate: every cut is on coordinate 0, so no cut dimension is stored.
    const cutDims = dimensions > 1 ? N : 0;
    const boxSlots = keepsBoxes ? N : 0;
    const masses = keepsBoxes ? N : 0;
    const buffer = new ArrayBuffer(N * 8 + L * 4 + (2 * N + cutDims + masses + boxSlots + L) * 2);
    let at = 0;
    const take = (bytes: number): number => {
      const offset = at;
      at += bytes;
      return offset;
    };
    this.cutValue = new Float64Array(buffer, take(N * 8), N);
    this.leafPoint = new Int32Array(buffer, take(L * 4), L);
    this.left = new Int16Array(buffer, take(N * 2), N);
    this.right = new Int16Array(buffer, take(N * 2), N);
    this.cutDim = new Int16Array(buffer, take(cutDims * 2), cutDims);
    this.mass = new Int16Array(buffer, take(masses * 2), masses);
    this.boxSlot = new Int16Array(buffer, take(boxSlots * 2), boxSlots).fill(-1);
    this.leafMass = new Int16Array(buffer, take(L * 2), L);
    this.pool = new BoxPool(dimensions, Math.min(MAX_POOL_SLOTS, N), keepsBoxes ? 64 : 0);
  }

  /** Most trees of this capacity that one storage holds (Int16 node and leaf indexes, box slots). */
  static treesPerStorage(capacity: number): number {
    return Math.max(1, Math.min(Math.floor(MAX_POOL_SLOTS / Math.max(1, capacity - 1)), Math.floor(32768 / capacity)));
  }

  /** Takes the next tree's part: returns its index in the group (its nodes start at index x nodesPerTree). */
  join(): number {
    if (this.joined === this.trees) throw new Error(`tree storage: all ${this.trees} parts taken`);
    return this.joined++;
  }

  /** Bytes of the node and leaf arrays and of the pool. */
  get byteLength(): number {
    return this.cutValue.buffer.byteLength + this.pool.byteLength;
  }
}

/**
 * Storage for `count` trees of one shape, in as few groups as the Int16 indexes allow: `next()`
 * gives each new tree its group.
 * @example
 * const storages = new TreeStorages(10, 256, 100); // one group of 100 trees
 * const trees = Array.from({ length: 100 }, () => new RandomCutTree(10, 256, 3, storages.next()));
 */
export class TreeStorages {
  private readonly dimensions: number;
  private readonly capacity: number;
  private remaining: number;
  private current: TreeStorage | null = null;
  /** Trees handed the current storage so far. */
  private given = 0;

  private readonly keepsBoxes: boolean;

  /** @param keepsBoxes as `TreeStorage`'s: false when the trees cache no box. */
  constructor(dimensions: number, capacity: number, count: number, keepsBoxes = true) {
    this.dimensions = dimensions;
    this.capacity = capacity;
    this.remaining = count;
    this.keepsBoxes = keepsBoxes;
  }

  /** The storage of the next tree. */
  next(): TreeStorage {
    if (this.current === null || this.given === this.current.trees) {
      if (this.remaining <= 0) throw new Error('tree storages: more trees than announced');
      const trees = Math.min(this.remaining, TreeStorage.treesPerStorage(this.capacity));
      this.current = new TreeStorage(this.dimensions, this.capacity, trees, this.keepsBoxes);
      this.remaining -= trees;
      this.given = 0;
    }
    this.given++;
    return this.current;
  }
}
