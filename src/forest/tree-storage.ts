/**
 * The typed arrays of a group of trees: one buffer of node and leaf arrays, one box pool.
 * @module
 */
import { BoxPool, MAX_POOL_SLOTS } from './box-pool.js';

/**
 * Rows of the chunked layout hold this many leaves (and internal nodes) per tree: a tree's first
 * `ROW` nodes and leaves are contiguous, as before chunking; a sample of 256 (the default) is one row.
 * @example
 * new TreeStorage(2, 4096, 8).maxRows; // 16 = 4096 / ROW
 */
export const ROW = 256;

/** The arrays of a `TreeStorage` at a given number of rows, on one buffer. */
interface Arrays {
  cutValue: Float64Array;
  leafPoint: Int32Array;
  left: Int16Array;
  right: Int16Array;
  cutDim: Int16Array;
  mass: Int16Array;
  boxSlot: Int16Array;
  leafMass: Int16Array;
}

/**
 * Something whose array references must be re-read after the storage grows (its trees).
 * @example
 * const member: StorageMember = { refreshArrays: () => { left = storage.left; } };
 * storage.join(member);
 */
export interface StorageMember {
  refreshArrays(): void;
}

/**
 * Node and leaf arrays shared by up to `trees` trees of one shape (dimensions, capacity), with
 * their box pool; they grow with the trees, a row at a time, up to the trees' capacity.
 *
 * Layout (chunked): the arrays hold `rows` rows; row r holds, for each tree t of the group, a chunk
 * of `nodeChunk` internal nodes and one of `leafChunk` leaves. Tree t's k-th node slot is index
 * `(r * trees + t) * nodeChunk + w` with `r = floor(k / nodeChunk)`, `w = k % nodeChunk` (leaves
 * alike with `leafChunk`). Adding rows appends to the arrays, so no index ever changes: references
 * in the trees and samplers stay valid, and a tree of one row (capacity <= ROW) has the contiguous
 * ranges `[t (capacity - 1), (t + 1) (capacity - 1))` and `[t capacity, (t + 1) capacity)`.
 * Rows double (up to `maxRows`) when a tree needs one more than there are (`growRows`), so memory
 * follows the trees' content, not the declared sample size; a forest of empty trees holds one row.
 *
 * Why shared: a typed array costs V8 about 96 bytes of heap (and an ArrayBuffer about 88) besides its
 * elements; eight per tree came to about 0.09 MB of a 100-tree forest. One group holds as many
 * trees as Int16 indexes reach (`trees x rows x chunk <= 32768`, and `trees (capacity - 1) <= 32767`
 * box slots).
 *
 * Arrays (one ArrayBuffer, widest elements first so every view is aligned): `cutValue` (float64),
 * `leafPoint` (int32), then the Int16 arrays `left`, `right`, `cutDim`, `mass`, `boxSlot` (per
 * internal node) and `leafMass` (per leaf). Their meaning is the tree's (see `RandomCutTree`).
 * Some may be empty, never read: `cutDim` for one-coordinate trees (every cut is on coordinate 0),
 * `boxSlot` and `mass` when the trees cache no box (`keepsBoxes` false: a node's mass only serves
 * the box cache and the test for two-point nodes, which the children answer too). Config A of the
 * benchmark saves all three, 51 kB each. The arrays are replaced when rows are added: members
 * re-read them (`refreshArrays`), and nothing may hold one across an insert.
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
  /** Internal nodes of one tree in one row. */
  readonly nodeChunk: number;
  /** Leaves of one tree in one row. */
  readonly leafChunk: number;
  /** Rows a tree of `capacity` leaves needs at most. */
  readonly maxRows: number;
  /** Rows the arrays hold now (1 to maxRows). */
  rows = 0;
  cutValue!: Float64Array;
  leafPoint!: Int32Array;
  left!: Int16Array;
  right!: Int16Array;
  cutDim!: Int16Array;
  mass!: Int16Array;
  boxSlot!: Int16Array;
  leafMass!: Int16Array;
  readonly pool: BoxPool;
  /** Trees that have taken their part so far. */
  joined = 0;
  /** The trees of the group, told when the arrays are replaced. */
  private readonly members: StorageMember[] = [];

  /**
   * True when the trees may cache boxes: `boxSlot` and `mass` have an entry per node. False (trees
   * whose `boxCacheMass` exceeds the capacity): both are empty and never read.
   */
  readonly keepsBoxes: boolean;

  /**
   * @param keepsBoxes false for trees that cache no box (their `boxCacheMass` exceeds the capacity;
   *   a one-coordinate forest's default): no `boxSlot` nor `mass` array, and an empty pool.
   * @param rows rows to allocate now (1 by default: the arrays grow as the trees do).
   */
  constructor(dimensions: number, capacity: number, trees: number, keepsBoxes = true, rows = 1) {
    const nodes = Math.max(1, capacity - 1);
    if (!(Number.isInteger(trees) && trees >= 1 && trees <= TreeStorage.treesPerStorage(capacity))) {
      throw new RangeError(`tree storage: room for 1 to ${TreeStorage.treesPerStorage(capacity)} trees of capacity ${capacity}, asked ${trees}`);
    }
    this.dimensions = dimensions;
    this.capacity = capacity;
    this.nodesPerTree = nodes;
    this.trees = trees;
    this.keepsBoxes = keepsBoxes;
    this.nodeChunk = Math.min(nodes, ROW);
    this.leafChunk = Math.min(capacity, ROW);
    this.maxRows = Math.ceil(capacity / this.leafChunk);
    this.setRows(Math.min(this.maxRows, Math.max(1, rows)));
    // Box slots: at most one per internal node; the first allocation at most 64 boxes or 128 kB.
    const firstBoxes = keepsBoxes ? Math.min(64, Math.max(1, Math.floor(16384 / dimensions))) : 0;
    this.pool = new BoxPool(dimensions, Math.min(MAX_POOL_SLOTS, nodes * trees), firstBoxes);
  }

  /** Most trees of this capacity that one storage holds (Int16 node and leaf indexes, box slots). */
  static treesPerStorage(capacity: number): number {
    const nodes = Math.max(1, capacity - 1);
    const leafChunk = Math.min(capacity, ROW);
    const rows = Math.ceil(capacity / leafChunk);
    const paddedNodes = rows * Math.min(nodes, ROW);
    const paddedLeaves = rows * leafChunk;
    return Math.max(1, Math.min(Math.floor(MAX_POOL_SLOTS / nodes), Math.floor(32768 / paddedNodes), Math.floor(32768 / paddedLeaves)));
  }

  /** Takes the next tree's part: returns its index in the group (its first row's nodes start at index x nodeChunk). */
  join(member?: StorageMember): number {
    if (this.joined === this.trees) throw new Error(`tree storage: all ${this.trees} parts taken`);
    if (member) this.members.push(member);
    return this.joined++;
  }

  /** First node index of tree `part`'s chunk in row `row`. */
  nodeStart(part: number, row: number): number {
    return (row * this.trees + part) * this.nodeChunk;
  }

  /** First leaf index of tree `part`'s chunk in row `row`. */
  leafStart(part: number, row: number): number {
    return (row * this.trees + part) * this.leafChunk;
  }

  /**
   * Makes room for at least `rows` rows (doubling, up to `maxRows`): new arrays, the old contents
   * copied to the same indexes, and every member told to re-read them.
   */
  growRows(rows: number): void {
    if (rows <= this.rows) return;
    if (rows > this.maxRows) throw new Error(`tree storage: ${rows} rows asked, at most ${this.maxRows}`);
    const old: Arrays = {
      cutValue: this.cutValue,
      leafPoint: this.leafPoint,
      left: this.left,
      right: this.right,
      cutDim: this.cutDim,
      mass: this.mass,
      boxSlot: this.boxSlot,
      leafMass: this.leafMass,
    };
    this.setRows(Math.min(this.maxRows, Math.max(rows, 2 * this.rows)));
    this.cutValue.set(old.cutValue);
    this.leafPoint.set(old.leafPoint);
    this.left.set(old.left);
    this.right.set(old.right);
    this.cutDim.set(old.cutDim);
    this.mass.set(old.mass);
    this.boxSlot.set(old.boxSlot);
    this.leafMass.set(old.leafMass);
    for (const m of this.members) m.refreshArrays();
  }

  /** Allocates the arrays for `rows` rows (contents zero, but `boxSlot` -1). */
  private setRows(rows: number): void {
    const N = rows * this.trees * this.nodeChunk;
    const L = rows * this.trees * this.leafChunk;
    // One coordinate: every cut is on coordinate 0, so no cut dimension is stored.
    const cutDims = this.dimensions > 1 ? N : 0;
    const boxSlots = this.keepsBoxes ? N : 0;
    const masses = this.keepsBoxes ? N : 0;
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
    this.rows = rows;
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
