/**
 * One store of points shared by every tree of a forest. Trees and samplers refer to points by their
 * slot index; each slot keeps a reference count and is recycled when the count falls back to 0.
 * @module
 */

/**
 * Typed-array storage of fixed-dimension points with reference counts.
 *
 * Invariants:
 * - `data[slot * dimensions + i]` is coordinate i of the point in `slot`, for slots in use.
 * - `refCount[slot]` is the number of sampler entries (over all trees) that hold `slot`; a slot
 *   with count 0 is on the free stack, except the slot just added and not yet referenced.
 * - `freeSlots[0 .. freeTop)` are reusable slots; slots `>= highWater` were never used.
 * - Capacity grows by doubling up to `maxCapacity` (trees x sample size + 1), so the steady state
 *   allocates nothing.
 */
export class PointStore {
  readonly dimensions: number;
  readonly maxCapacity: number;
  capacity: number;
  data: Float64Array;
  refCount: Int32Array;
  freeSlots: Int32Array;
  freeTop = 0;
  highWater = 0;

  constructor(dimensions: number, maxCapacity: number, initialCapacity = 256) {
    this.dimensions = dimensions;
    this.maxCapacity = maxCapacity;
    this.capacity = Math.max(1, Math.min(initialCapacity, maxCapacity));
    this.data = new Float64Array(this.capacity * dimensions);
    this.refCount = new Int32Array(this.capacity);
    this.freeSlots = new Int32Array(this.capacity);
  }

  /** Slots currently holding a point. */
  get size(): number {
    return this.highWater - this.freeTop;
  }

  /** Copies `point[0 .. dimensions)` into a free slot (reference count 0) and returns the slot. */
  add(point: Float64Array): number {
    let slot: number;
    if (this.freeTop > 0) slot = this.freeSlots[--this.freeTop]!;
    else {
      if (this.highWater === this.capacity) this.grow();
      slot = this.highWater++;
    }
    this.data.set(point.subarray(0, this.dimensions), slot * this.dimensions);
    this.refCount[slot] = 0;
    return slot;
  }

  /** Adds one reference to `slot`. */
  incRef(slot: number): void {
    this.refCount[slot]!++;
  }

  /** Drops one reference to `slot`, freeing it when none is left. */
  decRef(slot: number): void {
    const left = --this.refCount[slot]!;
    if (left === 0) this.freeSlots[this.freeTop++] = slot;
    else if (left < 0) throw new Error(`point store: slot ${slot} released more often than taken`);
  }

  /** Frees `slot` if nothing refers to it (used for a point that no tree accepted). */
  releaseIfUnused(slot: number): void {
    if (this.refCount[slot] === 0) this.freeSlots[this.freeTop++] = slot;
  }

  /** True when the point in `slot` equals `point` coordinate for coordinate. */
  equals(slot: number, point: Float64Array): boolean {
    const d = this.dimensions;
    const data = this.data;
    const off = slot * d;
    for (let i = 0; i < d; i++) if (data[off + i] !== point[i]) return false;
    return true;
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    return this.data.byteLength + this.refCount.byteLength + this.freeSlots.byteLength;
  }

  private grow(): void {
    if (this.capacity >= this.maxCapacity) {
      throw new Error(`point store: capacity ${this.maxCapacity} exhausted (a reference count leaked)`);
    }
    const capacity = Math.min(this.maxCapacity, this.capacity * 2);
    const data = new Float64Array(capacity * this.dimensions);
    data.set(this.data);
    const refCount = new Int32Array(capacity);
    refCount.set(this.refCount);
    const freeSlots = new Int32Array(capacity);
    freeSlots.set(this.freeSlots);
    this.capacity = capacity;
    this.data = data;
    this.refCount = refCount;
    this.freeSlots = freeSlots;
  }
}
