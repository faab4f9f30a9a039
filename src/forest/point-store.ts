/**
 * One store of points shared by every tree of a forest. Trees and samplers refer to points by their
 * slot index; each slot keeps a reference count and is recycled when the count falls back to 0.
 * Shingled points are stored overlapping: consecutive shingles share all but one record, so each
 * record's values are stored about once instead of shingleSize times.
 * @module
 */

/** Slot numbers are below 2^22 (1000 trees x 4096 samples + 1), so `start * 2^22 + slot` is exact. */
const SLOT_RADIX = 4194304;

/**
 * Typed-array storage of fixed-dimension points with reference counts.
 *
 * Two layouts, one addressing rule: the point in `slot` is `data[offset(slot) .. offset(slot) + D)`.
 * - Slot layout (`stride === dimensions`, no shingle): `offset(slot) = slot * D`, fixed; no `start`
 *   array is kept (`start` is empty), which saves 4 bytes per slot (67 kB for config A).
 * - Tape layout (`stride < dimensions`, shingled points): `offset(slot) = start[slot]`. Points are
 *   appended to a tape of values;
 *   a point whose first `D - stride` values equal the tape's last ones (the next shingle of the same
 *   stream) only appends its last `stride` values (likewise for shorter overlaps of whole records).
 *   Freed points leave garbage until the tape is full; then `compact` slides the live points' values
 *   to the front (overlapping points stay overlapping) and the tape grows if still over 80% full.
 *
 * Invariants:
 * - For a slot in use, `data[offset(slot) + i]` is coordinate i of its point; values of points in use
 *   are never overwritten (appends write at `end` or beyond, and compaction moves whole runs).
 * - `references(slot)` is the number of sampler entries (over all trees) that hold `slot`; a slot
 *   with none is free, except the slot just added and not yet referenced. The count is kept in
 *   16 bits, `refCount[slot]`, plus `65536 x refHigh.get(slot)` for the rare slot held 65,536 times
 *   or more (a constant stream: up to trees x sample size, 4,096,000); `refHigh` holds no zero.
 * - Free slots form a list (from `freeHead`, -1 ends; `freeCount` long) threaded through `start`
 *   (tape layout) or through the first value of each free slot, `data[slot * D]` (slot layout);
 *   slots `>= highWater` were never used. Slot capacity (`slotCapacity`) grows by a sixteenth
 *   (at least 64 slots) up to `maxSlots`: a forest's store settles at a steady size and keeps its
 *   slack for good, so the slack is bounded by 1/16 rather than by a doubling's up to 1/2 (config D
 *   of the benchmark: 7,610 slots for at most 7,471 points, where doubling gave 8,192, 51 kB more).
 * - Tape layout: `data[0 .. end)` holds every point in use (and garbage), `end <= data.length`.
 */
export class PointStore {
  /** Coordinates per point (D). */
  readonly dimensions: number;
  /** Values that a point continuing the previous one adds: a record's width (D without shingling). */
  readonly stride: number;
  /** Most slots the store may ever need (trees x sample size + 1). */
  readonly maxSlots: number;
  /** True for the slot layout (`stride === dimensions`): `offset(slot) = slot * D`. */
  readonly slotLayout: boolean;
  data: Float64Array;
  /** Tape layout: the offset in `data` of each slot's point. Empty in the slot layout. */
  start: Int32Array;
  /** The low 16 bits of each slot's reference count. */
  refCount: Uint16Array;
  /** The higher part (count >> 16) of the counts of 65,536 or more, by slot. */
  private readonly refHigh = new Map<number, number>();
  freeHead = -1;
  freeCount = 0;
  highWater = 0;
  /** Tape layout: the end of the written values. */
  end = 0;

  /**
   * @param stride a record's width when points are shingles of `dimensions / stride` records
   *   (enables the tape layout); `dimensions` (the default) for the slot layout.
   */
  constructor(dimensions: number, maxSlots: number, initialSlots = 256, stride = dimensions) {
    if (!(stride >= 1 && stride <= dimensions && dimensions % stride === 0)) {
      throw new RangeError(`point store: stride ${stride} must divide the ${dimensions} dimensions`);
    }
    if (maxSlots > SLOT_RADIX) throw new RangeError(`point store: ${maxSlots} slots exceed ${SLOT_RADIX}`);
    this.dimensions = dimensions;
    this.stride = stride;
    this.maxSlots = maxSlots;
    this.slotLayout = stride === dimensions;
    const slots = Math.max(1, Math.min(initialSlots, maxSlots));
    this.start = new Int32Array(this.slotLayout ? 0 : slots);
    this.refCount = new Uint16Array(slots);
    this.data = new Float64Array(this.slotLayout ? slots * dimensions : slots * stride + dimensions);
  }

  /**
   * The offset in `data` of the point in `slot`.
   * @example
   * const store = new PointStore(2, 16);
   * store.offset(store.add(Float64Array.of(1, 2))); // 0: its values are data[0], data[1]
   */
  offset(slot: number): number {
    return this.slotLayout ? slot * this.dimensions : this.start[slot]!;
  }

  /** Slots the arrays hold now, in use or not. */
  get slotCapacity(): number {
    return this.refCount.length;
  }

  /** Slots currently holding a point. */
  get size(): number {
    return this.highWater - this.freeCount;
  }

  /** Copies `point[0 .. dimensions)` into a free slot (reference count 0) and returns the slot. */
  add(point: Float64Array): number {
    const D = this.dimensions;
    if (this.slotLayout) {
      const slot = this.takeSlot();
      this.data.set(point.subarray(0, D), slot * D);
      return slot;
    }
    let from = this.continuation(point);
    if (this.end + D - from > this.data.length) {
      this.compact();
      from = this.continuation(point);
      const need = this.end + D - from;
      if (need > this.data.length || this.end > 0.8 * this.data.length) this.growTape(need);
    }
    const slot = this.takeSlot();
    const data = this.data;
    this.start[slot] = this.end - from;
    for (let i = from; i < D; i++) data[this.end++] = point[i]!;
    return slot;
  }

  /** Adds one reference to `slot`. */
  incRef(slot: number): void {
    const count = this.refCount[slot]! + 1;
    if (count < 0x10000) this.refCount[slot] = count;
    else {
      this.refCount[slot] = 0;
      this.refHigh.set(slot, (this.refHigh.get(slot) ?? 0) + 1);
    }
  }

  /** Drops one reference to `slot`, freeing it when none is left. */
  decRef(slot: number): void {
    const count = this.refCount[slot]!;
    if (count > 1) this.refCount[slot] = count - 1;
    else if (count === 1) {
      this.refCount[slot] = 0;
      if (this.refHigh.size === 0 || !this.refHigh.has(slot)) this.free(slot);
    } else {
      const high = this.refHigh.get(slot);
      if (high === undefined) throw new Error(`point store: slot ${slot} released more often than taken`);
      if (high === 1) this.refHigh.delete(slot);
      else this.refHigh.set(slot, high - 1);
      this.refCount[slot] = 0xffff;
    }
  }

  /**
   * How many sampler entries hold `slot`.
   * @example
   * const store = new PointStore(1, 4);
   * const slot = store.add(Float64Array.of(5));
   * store.incRef(slot);
   * store.references(slot); // 1
   */
  references(slot: number): number {
    return this.refCount[slot]! + 0x10000 * (this.refHigh.get(slot) ?? 0);
  }

  /** Frees `slot` if nothing refers to it (used for a point that no tree accepted). */
  releaseIfUnused(slot: number): void {
    if (this.references(slot) === 0) this.free(slot);
  }

  /** True when the point in `slot` equals `point` coordinate for coordinate. */
  equals(slot: number, point: Float64Array): boolean {
    const d = this.dimensions;
    const data = this.data;
    const off = this.offset(slot);
    for (let i = 0; i < d; i++) if (data[off + i] !== point[i]) return false;
    return true;
  }

  /** A copy of the point in `slot`. */
  pointAt(slot: number): Float64Array {
    const off = this.offset(slot);
    return this.data.slice(off, off + this.dimensions);
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    return this.data.byteLength + this.start.byteLength + this.refCount.byteLength;
  }

  /**
   * Tape layout: how many leading values of `point` the tape's last values already hold: the longest
   * overlap of whole records, `D - stride` when the point is the next shingle of the tape's last
   * one, `D - 2 stride` when it is the one after (a restore adds only the live points), ..., or 0.
   */
  private continuation(point: Float64Array): number {
    const data = this.data;
    for (let overlap = this.dimensions - this.stride; overlap > 0; overlap -= this.stride) {
      const from = this.end - overlap;
      if (from < 0) continue;
      let i = 0;
      while (i < overlap && data[from + i] === point[i]) i++;
      if (i === overlap) return overlap;
    }
    return 0;
  }

  private takeSlot(): number {
    if (this.freeHead >= 0) {
      const slot = this.freeHead;
      this.freeHead = this.slotLayout ? this.data[slot * this.dimensions]! : this.start[slot]!;
      this.freeCount--;
      return slot;
    }
    if (this.highWater === this.slotCapacity) this.growSlots();
    return this.highWater++;
  }

  private free(slot: number): void {
    if (this.slotLayout) this.data[slot * this.dimensions] = this.freeHead;
    else this.start[slot] = this.freeHead;
    this.freeHead = slot;
    this.freeCount++;
  }

  /**
   * Tape layout: moves the values of the points in use to the front of the tape, in tape order, so
   * that points that overlapped still overlap; garbage between them goes.
   */
  private compact(): void {
    const D = this.dimensions;
    const n = this.highWater;
    const isFree = new Uint8Array(n);
    for (let s = this.freeHead; s >= 0; s = this.start[s]!) isFree[s] = 1;
    // Points in use sorted by their start: key = start * 2^22 + slot (exact below 2^53).
    const keys = new Float64Array(n - this.freeCount);
    let k = 0;
    for (let s = 0; s < n; s++) if (!isFree[s]) keys[k++] = this.start[s]! * SLOT_RADIX + s;
    keys.sort();
    const data = this.data;
    const start = this.start;
    let written = 0; // values kept so far, data[0 .. written)
    let runFrom = 0; // the current run of overlapping points: data[runFrom .. runTo) moves to runAt
    let runTo = 0;
    let runAt = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const s = key % SLOT_RADIX;
      const at = (key - s) / SLOT_RADIX;
      if (at > runTo) {
        // A gap of garbage: close the run (it only moves down, so copyWithin is safe) and open one.
        data.copyWithin(runAt, runFrom, runTo);
        written = runAt + (runTo - runFrom);
        runFrom = at;
        runTo = at;
        runAt = written;
      }
      if (at + D > runTo) runTo = at + D;
      start[s] = runAt + (at - runFrom);
    }
    data.copyWithin(runAt, runFrom, runTo);
    this.end = runAt + (runTo - runFrom);
  }

  private growTape(need: number): void {
    const length = Math.max(need, Math.min(this.maxSlots * this.dimensions, Math.ceil(need * 1.25) + 4 * this.dimensions));
    const data = new Float64Array(length);
    data.set(this.data.subarray(0, this.end));
    this.data = data;
  }

  private growSlots(): void {
    const now = this.slotCapacity;
    if (now >= this.maxSlots) {
      throw new Error(`point store: capacity ${this.maxSlots} exhausted (a reference count leaked)`);
    }
    const slots = Math.min(this.maxSlots, Math.max(now + 64, Math.ceil(now * 1.0625)));
    const refCount = new Uint16Array(slots);
    refCount.set(this.refCount);
    this.refCount = refCount;
    if (this.slotLayout) {
      const data = new Float64Array(slots * this.dimensions);
      data.set(this.data);
      this.data = data;
    } else {
      const start = new Int32Array(slots);
      start.set(this.start);
      this.start = start;
    }
  }
}
