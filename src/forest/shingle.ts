/**
 * The internal shingle: the last `size` records of `dimensions` values, kept in a ring.
 * @module
 */

/**
 * Invariants: `ring` holds `size` records of `dimensions` values; the record `j` positions after
 * the oldest is at ring slot `(head + j) % size`; `filled` (at most size) records are valid, and
 * while `filled < size` the valid ones are the last `filled` positions (oldest first).
 */
export class ShingleBuffer {
  readonly dimensions: number;
  readonly size: number;
  readonly ring: Float64Array;
  head = 0;
  filled = 0;

  constructor(dimensions: number, size: number) {
    this.dimensions = dimensions;
    this.size = size;
    this.ring = new Float64Array(dimensions * size);
  }

  /** True when appending one more record yields a complete shingle. */
  get readyAfterNext(): boolean {
    return this.filled >= this.size - 1;
  }

  /**
   * Writes into `out` the shingle that appending `record` would give (oldest record first), without
   * changing the buffer. Meaningful once `readyAfterNext`.
   */
  peek(record: ArrayLike<number>, out: Float64Array): void {
    const d = this.dimensions;
    const k = this.size;
    // Positions 1 .. k-1 of the current ring become 0 .. k-2; the record goes last.
    for (let j = 1; j < k; j++) {
      const from = ((this.head + j) % k) * d;
      const to = (j - 1) * d;
      for (let i = 0; i < d; i++) out[to + i] = this.ring[from + i]!;
    }
    const to = (k - 1) * d;
    for (let i = 0; i < d; i++) out[to + i] = record[i]!;
  }

  /** Appends `record`, dropping the oldest. */
  push(record: ArrayLike<number>): void {
    const d = this.dimensions;
    const at = this.head * d;
    for (let i = 0; i < d; i++) this.ring[at + i] = record[i]!;
    this.head = (this.head + 1) % this.size;
    if (this.filled < this.size) this.filled++;
  }
}
