/**
 * Time-decayed weighted reservoir sampling (Efraimidis-Spirakis with weight exp(lambda * t)).
 * @module
 */

/**
 * The sampler's key for the point with sequence number `t` and a uniform draw `u` in (0, 1):
 * `-lambda * t + ln(-ln(u))`. Smaller keys have priority: a recent point (large t) tends to get a
 * smaller key, so the sample favours recent points.
 * @example
 * samplerKey(0.01, 100, Math.exp(-1)); // -1 (ln(-ln(e^-1)) = 0)
 */
export function samplerKey(lambda: number, t: number, u: number): number {
  return -lambda * t + Math.log(-Math.log(u));
}

/**
 * The keys and leaf references of several samplers of one capacity, in two arrays on one buffer:
 * sampler s of the group owns entries `[s stride, s stride + stride)`, `stride` (its room) growing
 * by doubling from `min(capacity, 16)` up to `capacity` as its samplers fill (a forest's samplers
 * fill in step: each takes every point until full), so memory follows the points seen, not the
 * declared sample size. A typed array costs V8 about 96 bytes of heap (an ArrayBuffer about 88)
 * besides its elements: two views and a buffer per sampler came to 28 kB of a 100-tree forest.
 * @example
 * const storage = new SamplerStorage(256, 100);
 * const samplers = Array.from({ length: 100 }, () => new Sampler(256, storage));
 */
export class SamplerStorage {
  readonly capacity: number;
  /** Samplers the arrays have room for. */
  readonly samplers: number;
  /** Entries each sampler has room for now (at most `capacity`); sampler s's start at `s x stride`. */
  stride: number;
  keys: Float64Array;
  leaves: Int16Array;
  /** Samplers that have taken their part so far. */
  joined = 0;
  /** The samplers of the group, moved when the arrays grow. */
  private readonly members: Sampler[] = [];

  /** @param stride the room to start with (default `min(capacity, 16)`; a restore passes its samplers' size). */
  constructor(capacity: number, samplers: number, stride = Math.min(capacity, 16)) {
    this.capacity = capacity;
    this.samplers = samplers;
    this.stride = Math.min(capacity, Math.max(1, stride));
    const n = this.stride * samplers;
    const buffer = new ArrayBuffer(n * 10);
    this.keys = new Float64Array(buffer, 0, n);
    this.leaves = new Int16Array(buffer, n * 8, n);
  }

  /** Takes the next sampler's part: returns its index in the group (its entries start at index x stride). */
  join(sampler?: Sampler): number {
    if (this.joined === this.samplers) throw new Error(`sampler storage: all ${this.samplers} parts taken`);
    if (sampler) this.members.push(sampler);
    return this.joined++;
  }

  /**
   * Doubles every sampler's room (up to `capacity`): new arrays, each member's entries copied to its
   * new start, and each member pointed at them.
   * @example
   * storage.grow(); // storage.stride: 16 -> 32
   */
  grow(): void {
    if (this.stride >= this.capacity) throw new Error(`sampler storage: full at ${this.capacity} entries a sampler`);
    const stride = Math.min(this.capacity, 2 * this.stride);
    const n = stride * this.samplers;
    const buffer = new ArrayBuffer(n * 10);
    const keys = new Float64Array(buffer, 0, n);
    const leaves = new Int16Array(buffer, n * 8, n);
    for (const s of this.members) {
      const at = s.index * stride;
      keys.set(this.keys.subarray(s.base, s.base + s.size), at);
      leaves.set(this.leaves.subarray(s.base, s.base + s.size), at);
    }
    this.keys = keys;
    this.leaves = leaves;
    this.stride = stride;
    for (const s of this.members) s.moved();
  }

  /** Bytes of the two arrays. */
  get byteLength(): number {
    return this.keys.buffer.byteLength;
  }
}

/**
 * A reservoir of at most `capacity` sampled points, as a max-heap on float64 keys. Its entries live
 * in a `SamplerStorage` (shared with other samplers), at `base ..`; read them with `keyAt` and
 * `leafAt`.
 *
 * Invariants:
 * - entries `0 .. size)` form a binary max-heap on their keys (`keyAt(parent(i)) >= keyAt(i)`), so
 *   entry 0 holds the largest key, the next to be evicted;
 * - `leafAt(i)` is the leaf of the sampler's tree that holds the i-th entry's point (Int16, as the
 *   tree's own indexes; its point-store slot is the tree's `leafPoint[leafAt(i)]`). A leaf is
 *   freed only when its mass falls to 0, that is when its last entry has left the sampler, so an
 *   entry's leaf never changes while the entry is held.
 */
export class Sampler {
  readonly capacity: number;
  /** The storage's arrays (replaced when it grows: `moved`); entry i is at `base + i`. */
  private keys: Float64Array;
  private leaves: Int16Array;
  /** Where its entries start: `index x storage.stride` (entries `base .. base + size)` are its heap). */
  base: number;
  /** Its part in the storage. */
  readonly index: number;
  readonly storage: SamplerStorage;
  size = 0;
  /**
   * Cache for `surelyRejects`: while `t <= rejectUntil`, every draw `u <= rejectBelow` gives a key
   * >= the largest key held. A pure cache (never saved; -1 = invalid); `push` and `replaceTop`
   * invalidate it.
   */
  private rejectBelow = -1;
  private rejectUntil = -1;

  /** @param storage the group whose arrays hold the entries; by default one of its own. */
  constructor(capacity: number, storage?: SamplerStorage) {
    this.capacity = capacity;
    this.storage = storage ?? new SamplerStorage(capacity, 1);
    if (this.storage.capacity !== capacity) throw new RangeError(`sampler: a storage for capacity ${this.storage.capacity}, not ${capacity}`);
    this.index = this.storage.join(this);
    this.base = this.index * this.storage.stride;
    this.keys = this.storage.keys;
    this.leaves = this.storage.leaves;
  }

  /** Re-reads the storage's arrays and its start after the storage grew (called by the storage). */
  moved(): void {
    this.keys = this.storage.keys;
    this.leaves = this.storage.leaves;
    this.base = this.index * this.storage.stride;
  }

  /** Key of entry i (i < size). */
  keyAt(i: number): number {
    return this.keys[this.base + i]!;
  }

  /** Tree leaf of entry i (i < size). */
  leafAt(i: number): number {
    return this.leaves[this.base + i]!;
  }

  /**
   * Appends an entry as it stands, without restoring the heap (a restore, whose entries are already
   * in heap order; the caller checks that order). The sampler must not be full.
   */
  appendRaw(key: number, leaf: number): void {
    if (this.size === this.storage.stride) this.storage.grow();
    this.keys[this.base + this.size] = key;
    this.leaves[this.base + this.size] = leaf;
    this.size++;
  }

  /** True while the sampler accepts every point. */
  get isFull(): boolean {
    return this.size === this.capacity;
  }

  /** The largest key held (the next eviction); only meaningful when not empty. */
  get maxKey(): number {
    return this.keys[this.base]!;
  }

  /** The leaf of the largest key (the one `replaceTop` evicts). */
  get topLeaf(): number {
    return this.leaves[this.base]!;
  }

  /**
   * True when the point with sequence number `t` and draw `u` surely has a key
   * `samplerKey(lambda, t, u) >= maxKey` (so a full sampler rejects it), decided without computing
   * the key's two logarithms; false means "compute the key and compare". Exact: the key is
   * decreasing in u and increasing in t, so for t <= t1 it is >= maxKey whenever
   * u <= exp(-exp(maxKey + lambda * t1)); the bound is taken with a margin (1e-6 + 1e-9 |C| in the
   * key's units) far above the rounding of either side, so no decision differs from the plain
   * comparison. The bound is recomputed every 64 points and after every change of the heap.
   * The sampler must be full.
   */
  surelyRejects(lambda: number, t: number, u: number): boolean {
    if (t > this.rejectUntil) {
      const t1 = t + 64;
      const c = this.keys[this.base]! + lambda * t1;
      this.rejectBelow = Math.exp(-Math.exp(c + 1e-6 + 1e-9 * Math.abs(c)));
      this.rejectUntil = t1;
    }
    return u <= this.rejectBelow;
  }

  /** Adds an entry; the sampler must not be full. */
  push(key: number, leaf: number): void {
    if (this.size === this.storage.stride) this.storage.grow(); // out of room (not full): all move
    this.rejectUntil = -1;
    const keys = this.keys;
    const leaves = this.leaves;
    const o = this.base;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[o + parent]!;
      if (pk >= key) break;
      keys[o + i] = pk;
      leaves[o + i] = leaves[o + parent]!;
      i = parent;
    }
    keys[o + i] = key;
    leaves[o + i] = leaf;
  }

  /** Replaces the entry with the largest key by a new one (evicting it) and restores the heap. */
  replaceTop(key: number, leaf: number): void {
    this.rejectUntil = -1;
    const keys = this.keys;
    const leaves = this.leaves;
    const o = this.base;
    const n = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && keys[o + r]! > keys[o + l]! ? r : l;
      const ck = keys[o + c]!;
      if (ck <= key) break;
      keys[o + i] = ck;
      leaves[o + i] = leaves[o + c]!;
      i = c;
    }
    keys[o + i] = key;
    leaves[o + i] = leaf;
  }

  /** Bytes of its part of the storage. */
  get byteLength(): number {
    return this.storage.byteLength / this.storage.samplers;
  }
}
