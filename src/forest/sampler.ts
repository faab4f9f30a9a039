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
 * sampler s of the group owns entries `[s capacity, (s + 1) capacity)`. A typed array costs V8
 * about 96 bytes of heap (an ArrayBuffer about 88) besides its elements: two views and a buffer per
 * sampler came to 28 kB of a 100-tree forest.
 * @example
 * const storage = new SamplerStorage(256, 100);
 * const samplers = Array.from({ length: 100 }, () => new Sampler(256, storage));
 */
export class SamplerStorage {
  readonly capacity: number;
  /** Samplers the arrays have room for. */
  readonly samplers: number;
  readonly keys: Float64Array;
  readonly leaves: Int16Array;
  /** Samplers that have taken their part so far. */
  joined = 0;

  constructor(capacity: number, samplers: number) {
    this.capacity = capacity;
    this.samplers = samplers;
    const n = capacity * samplers;
    const buffer = new ArrayBuffer(n * 10);
    this.keys = new Float64Array(buffer, 0, n);
    this.leaves = new Int16Array(buffer, n * 8, n);
  }

  /** Takes the next sampler's part: returns the offset of its entries. */
  join(): number {
    if (this.joined === this.samplers) throw new Error(`sampler storage: all ${this.samplers} parts taken`);
    return this.capacity * this.joined++;
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
  /** The storage's arrays; entry i is at `base + i`. */
  private readonly keys: Float64Array;
  private readonly leaves: Int16Array;
  readonly base: number;
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
    this.base = this.storage.join();
    this.keys = this.storage.keys;
    this.leaves = this.storage.leaves;
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
