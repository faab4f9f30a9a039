/**
 * Imputation: the values a stream would have been expected to take at some coordinates of a point,
 * from the recent points nearest to it on the other coordinates.
 * @module
 */

/**
 * A ring of the most recent points (the forest's inputs, scaled and shingled) that answers "what
 * would these coordinates have been?": the mean, over the `k` recent points nearest to the query on
 * the coordinates kept, of the coordinates left free. It allocates nothing per point.
 *
 * @example
 * const recent = new RecentPoints(2, 256);
 * recent.add([1, 1]); recent.add([2, 2]); recent.add([3, 3]);
 * const out = new Float64Array(2);
 * recent.impute([2, 100], Uint8Array.of(0, 1), out, 1); // out: [2, 2]
 */
export class RecentPoints {
  readonly width: number;
  readonly capacity: number;
  /** @internal capacity x width values; point i at i * width. */
  readonly values: Float64Array;
  /** @internal Next slot to write. */
  head = 0;
  /** @internal Points held (at most capacity). */
  count = 0;
  private readonly bestDistance: Float64Array;
  private readonly bestIndex: Int32Array;

  constructor(width: number, capacity: number) {
    this.width = width;
    this.capacity = capacity;
    this.values = new Float64Array(width * capacity);
    this.bestDistance = new Float64Array(64);
    this.bestIndex = new Int32Array(64);
  }

  /** Remembers `point` (a copy), dropping the oldest when full. */
  add(point: ArrayLike<number>): void {
    const w = this.width;
    const at = this.head * w;
    for (let i = 0; i < w; i++) this.values[at + i] = point[i]!;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /**
   * Writes into `out` a copy of `point` whose coordinates with `free[i] !== 0` are replaced by the
   * mean of those coordinates over the `k` (at most 64) remembered points nearest to `point` on the
   * other coordinates (squared Euclidean distance). With nothing remembered, `out` is `point`.
   * @returns the number of neighbours used.
   */
  impute(point: ArrayLike<number>, free: ArrayLike<number>, out: Float64Array, k = 5): number {
    const w = this.width;
    for (let i = 0; i < w; i++) out[i] = point[i]!;
    const n = this.count;
    if (n === 0) return 0;
    const kk = Math.max(1, Math.min(k, n, this.bestDistance.length));
    let found = 0;
    const bd = this.bestDistance;
    const bi = this.bestIndex;
    for (let p = 0; p < n; p++) {
      const at = p * w;
      let d = 0;
      for (let i = 0; i < w; i++) {
        if (free[i] !== 0) continue;
        const diff = this.values[at + i]! - point[i]!;
        d += diff * diff;
      }
      // Insertion into the sorted list of the best kk so far (ties keep the earlier slot: deterministic).
      if (found < kk) found++;
      else if (d >= bd[kk - 1]!) continue;
      let j = found - 1;
      while (j > 0 && bd[j - 1]! > d) {
        bd[j] = bd[j - 1]!;
        bi[j] = bi[j - 1]!;
        j--;
      }
      bd[j] = d;
      bi[j] = p;
    }
    for (let i = 0; i < w; i++) {
      if (free[i] === 0) continue;
      let sum = 0;
      for (let j = 0; j < found; j++) sum += this.values[bi[j]! * w + i]!;
      out[i] = sum / found;
    }
    return found;
  }
}
