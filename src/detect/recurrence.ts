/**
 * Recurrence: whether a shingle has occurred before, in a history longer than the forest's sample
 * remembers (a daily or weekly pattern is rare in a 256-point sample, yet not an anomaly).
 * @module
 */

/**
 * The last `capacity` scaled records, searched for the nearest earlier shingle to a given one
 * (Euclidean, with early abandoning), and a decayed mean of those nearest distances over ordinary
 * records, measured on every `every`-th record: a shingle whose nearest earlier match is much closer
 * than that has been seen before.
 *
 * @example
 * const history = new ShingleHistory(1, 4, 4096, 16, 5000);
 * history.push([0.3]);
 * // ... once full shingles exist:
 * const d = history.nearest(Float64Array.of(0.1, 0.2, 0.3, 0.4));
 */
export class ShingleHistory {
  readonly dimensions: number;
  readonly shingleSize: number;
  readonly capacity: number;
  readonly every: number;
  /** @internal Records, ring of `capacity` (record r at slot r % capacity). */
  readonly values: Float64Array;
  /** @internal Records pushed. */
  pushed = 0;
  /** @internal Decayed weight and mean of the nearest distances of ordinary records. */
  weight = 0;
  mean = 0;
  /** @internal exp(-1 / horizon) per measurement. */
  readonly decay: number;

  constructor(dimensions: number, shingleSize: number, capacity: number, every: number, horizon: number) {
    this.dimensions = dimensions;
    this.shingleSize = shingleSize;
    this.capacity = capacity;
    this.every = every;
    this.values = new Float64Array(dimensions * capacity);
    this.decay = Math.exp(-every / horizon);
  }

  /** Appends a record (scaled values). */
  push(record: ArrayLike<number>): void {
    const d = this.dimensions;
    const at = (this.pushed % this.capacity) * d;
    for (let j = 0; j < d; j++) this.values[at + j] = record[j]!;
    this.pushed++;
  }

  /** The typical nearest distance of ordinary shingles (0 until measured). */
  get typical(): number {
    return this.weight > 0 ? this.mean : 0;
  }

  /** Whether record number `records` (about to be pushed) is one on which `measure` should run. */
  due(records: number): boolean {
    return records % this.every === 0;
  }

  /** Learns the nearest distance of an ordinary shingle. */
  measure(point: Float64Array): void {
    const d = this.nearest(point);
    if (!Number.isFinite(d)) return;
    this.weight = this.decay * this.weight + 1;
    this.mean += (d - this.mean) / this.weight;
  }

  /**
   * Distance from `point` (a shingle ending with the record about to be pushed) to the nearest
   * shingle of the history that does not overlap it; Infinity when there is none.
   */
  nearest(point: Float64Array): number {
    return this.search(point, this.pushed - this.shingleSize);
  }

  /**
   * Distance from `point` to the nearest shingle ending more than `recent` records before it
   * (Infinity when there is none): with {@link nearest} over the last `recent` records, tells an
   * old pattern coming back from a new one.
   */
  nearestBefore(point: Float64Array, recent: number): number {
    return this.search(point, this.pushed - this.shingleSize - recent);
  }

  /** Distance from `point` to the nearest non-overlapping shingle ending in the last `recent` records. */
  nearestWithin(point: Float64Array, recent: number): number {
    return this.search(point, this.pushed - this.shingleSize, this.pushed - this.shingleSize - recent + 1);
  }

  /** Nearest distance over the held shingles ending at records `from` to `last`. */
  private search(point: Float64Array, last: number, from = 0): number {
    const d = this.dimensions;
    const S = this.shingleSize;
    const cap = this.capacity;
    const n = this.pushed;
    // Candidate shingles end at record e (its records e-S+1 .. e), all held and not overlapping the
    // query, whose records are n-S+1 .. n (n not yet pushed).
    const first = Math.max(S - 1, n - cap + S - 1, from);
    let best = Infinity;
    for (let e = Math.min(last, n - S); e >= first; e--) {
      let sum = 0;
      for (let p = 0; p < S && sum < best; p++) {
        const at = ((e - S + 1 + p) % cap) * d;
        for (let j = 0; j < d; j++) {
          const diff = this.values[at + j]! - point[p * d + j]!;
          sum += diff * diff;
        }
      }
      if (sum < best) best = sum;
    }
    return Math.sqrt(best);
  }
}
