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
 * A reservoir of at most `capacity` point references, as a max-heap on float64 keys.
 *
 * Invariants:
 * - entries `0 .. size)` of `keys` and `points` form a binary max-heap on `keys`
 *   (`keys[parent(i)] >= keys[i]`), so `keys[0]` is the largest key held, the next to be evicted;
 * - `points[i]` is the point-store slot of the tree leaf that holds the i-th entry's point.
 */
export class Sampler {
  readonly capacity: number;
  readonly keys: Float64Array;
  readonly points: Int32Array;
  size = 0;
  /**
   * Cache for `surelyRejects`: while `t <= rejectUntil`, every draw `u <= rejectBelow` gives a key
   * >= the largest key held. A pure cache (never saved; -1 = invalid); `push` and `replaceTop`
   * invalidate it.
   */
  private rejectBelow = -1;
  private rejectUntil = -1;

  constructor(capacity: number) {
    this.capacity = capacity;
    // One buffer for both (a typed array with its own ArrayBuffer costs about 110 bytes more heap).
    const buffer = new ArrayBuffer(capacity * 12);
    this.keys = new Float64Array(buffer, 0, capacity);
    this.points = new Int32Array(buffer, capacity * 8, capacity);
  }

  /** True while the sampler accepts every point. */
  get isFull(): boolean {
    return this.size === this.capacity;
  }

  /** The largest key held (the next eviction); only meaningful when not empty. */
  get maxKey(): number {
    return this.keys[0]!;
  }

  /** The point slot of the largest key (the one `replaceTop` evicts). */
  get topPoint(): number {
    return this.points[0]!;
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
      const c = this.keys[0]! + lambda * t1;
      this.rejectBelow = Math.exp(-Math.exp(c + 1e-6 + 1e-9 * Math.abs(c)));
      this.rejectUntil = t1;
    }
    return u <= this.rejectBelow;
  }

  /** Adds an entry; the sampler must not be full. */
  push(key: number, point: number): void {
    this.rejectUntil = -1;
    const keys = this.keys;
    const points = this.points;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent]!;
      if (pk >= key) break;
      keys[i] = pk;
      points[i] = points[parent]!;
      i = parent;
    }
    keys[i] = key;
    points[i] = point;
  }

  /** Replaces the entry with the largest key by a new one (evicting it) and restores the heap. */
  replaceTop(key: number, point: number): void {
    this.rejectUntil = -1;
    const keys = this.keys;
    const points = this.points;
    const n = this.size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && keys[r]! > keys[l]! ? r : l;
      const ck = keys[c]!;
      if (ck <= key) break;
      keys[i] = ck;
      points[i] = points[c]!;
      i = c;
    }
    keys[i] = key;
    points[i] = point;
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    return this.keys.byteLength + this.points.byteLength;
  }
}
