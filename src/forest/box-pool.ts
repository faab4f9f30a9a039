/**
 * The float32 store of cached bounding boxes, shared by the trees of one `TreeStorage`.
 * @module
 */

/** Most box slots one pool holds: slot numbers live in the trees' Int16 `boxSlot` array. */
export const MAX_POOL_SLOTS = 32767;

/**
 * Box slots of `2D` float32 values (mins, then maxes), handed out to the cached nodes of the trees
 * that share the pool.
 *
 * Why shared: a tree's cached nodes (those of three points or more) number about two thirds of its
 * internal nodes, but one tree's count moves (up to 72% on the benchmark's inputs, and all of them
 * in the worst case). A pool per tree must grow to each tree's own peak; a pool for many trees grows
 * to their summed need, which varies far less, so it ends close to two thirds of the full size
 * (70% on config D).
 *
 * Invariants:
 * - slot j's box is `boxes[j * 2D .. (j + 1) * 2D)`; slots `>= used` were never handed out;
 * - free slots form a list threaded through `boxes[j * 2D]` (a float32 holds every slot number
 *   exactly), from `freeHead`, -1 ends;
 * - `boxes` grows (by a sixteenth, at least 64 slots, or 128 kB of boxes when they are wider than
 *   256 coordinates) when every slot is taken, up to `maxSlots`:
 *   a reader must re-read `boxes` after anything that may allocate a slot.
 * @example
 * const pool = new BoxPool(2, 100);
 * const j = pool.alloc(); // 0
 * pool.boxes[j * 4] = -1; // min of coordinate 0
 * pool.free(j);
 */
export class BoxPool {
  /** Coordinates per box (D). */
  readonly dimensions: number;
  /** Most slots the pool may hold (at most MAX_POOL_SLOTS). */
  readonly maxSlots: number;
  boxes: Float32Array;
  /** Slots handed out so far (in use or free). */
  used = 0;
  /** First free slot, or -1. */
  freeHead = -1;
  /** Slots on the free list. */
  freeCount = 0;

  constructor(dimensions: number, maxSlots: number, initialSlots = 64) {
    if (!(Number.isInteger(maxSlots) && maxSlots >= 1 && maxSlots <= MAX_POOL_SLOTS)) {
      throw new RangeError(`box pool: maxSlots must be an integer from 1 to ${MAX_POOL_SLOTS}, got ${maxSlots}`);
    }
    this.dimensions = dimensions;
    this.maxSlots = maxSlots;
    this.boxes = new Float32Array(Math.min(initialSlots, maxSlots) * 2 * dimensions);
  }

  /** Takes a slot (reusing a freed one first) and returns its number. */
  alloc(): number {
    const D2 = 2 * this.dimensions;
    const j = this.freeHead;
    if (j >= 0) {
      this.freeHead = this.boxes[j * D2]!;
      this.freeCount--;
      return j;
    }
    if ((this.used + 1) * D2 > this.boxes.length) this.grow();
    return this.used++;
  }

  /** Returns slot j to the pool. */
  free(j: number): void {
    this.boxes[j * 2 * this.dimensions] = this.freeHead;
    this.freeHead = j;
    this.freeCount++;
  }

  /** Slots in use. */
  get size(): number {
    return this.used - this.freeCount;
  }

  /** Bytes of the pool's array. */
  get byteLength(): number {
    return this.boxes.byteLength;
  }

  /**
   * Makes room for `more` slots at once, growing by half at least: the pool's own growth (a
   * sixteenth at a time, for a live forest's steady size) would copy the pool some 60 times while a
   * restore fills it. {@link trim} gives the excess back afterwards.
   */
  reserve(more: number): void {
    const D2 = 2 * this.dimensions;
    const slots = this.boxes.length / D2;
    const need = Math.min(this.maxSlots, this.used + more);
    if (need <= slots) return;
    this.resize(Math.min(this.maxSlots, Math.max(need, Math.ceil(1.5 * slots))));
  }

  /** Gives back what {@link reserve} took beyond one growth step past the slots in use. */
  trim(): void {
    const slots = this.boxes.length / (2 * this.dimensions);
    const keep = Math.min(this.maxSlots, this.used + this.growthStep(this.used));
    if (keep < slots) this.boxes = this.boxes.slice(0, keep * 2 * this.dimensions);
  }

  /** A sixteenth of `slots`, at least 64 slots (at least 1 and at most 128 kB for wide boxes). */
  private growthStep(slots: number): number {
    return Math.max(Math.ceil(slots / 16), Math.min(64, Math.max(1, Math.floor(16384 / this.dimensions))));
  }

  private resize(slots: number): void {
    const grown = new Float32Array(slots * 2 * this.dimensions);
    grown.set(this.boxes);
    this.boxes = grown;
  }

  private grow(): void {
    const slots = this.boxes.length / (2 * this.dimensions);
    if (slots >= this.maxSlots) throw new Error(`box pool: all ${this.maxSlots} slots taken (a slot leaked)`);
    this.resize(Math.min(this.maxSlots, slots + this.growthStep(slots)));
  }
}
