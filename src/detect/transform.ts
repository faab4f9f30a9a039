/**
 * Input scaling learned from the stream: each column optionally differenced, then optionally
 * normalised by a decayed mean and standard deviation of its recent values.
 * @module
 */

/**
 * How records are scaled before the forest sees them:
 * - `none`: as they are (the forest is scale-free along each axis, so one column needs no scaling);
 * - `normalize`: `(x - mean) / deviation` per column, both decayed over `transformHorizon` records
 *   (columns of different units then weigh alike);
 * - `difference`: `x - previous x` per column (a level shift becomes one spike, a drift a constant);
 * - `normalize-difference`: the differences, normalised.
 * @example
 * const mode: TransformMode = 'normalize';
 */
export type TransformMode = 'none' | 'normalize' | 'difference' | 'normalize-difference';

/**
 * Normalised values are clamped to this, so that a column that was constant stays finite.
 * @example
 * Math.min(TRANSFORM_CLAMP, 1e12); // 1e6
 */
export const TRANSFORM_CLAMP = 1e6;

/**
 * The learned scaling of one stream. `apply` scales a record and learns it; `scale` gives, per
 * column, how much one unit of the scaled value is worth in the input (for turning an expected scaled
 * value back into the input's units).
 *
 * @example
 * const t = new InputTransform(1, 'normalize', 1000);
 * const out = new Float64Array(1);
 * t.apply([10], out); // out[0] is the value in deviations from the recent mean
 */
export class InputTransform {
  readonly dimensions: number;
  readonly mode: TransformMode;
  readonly horizon: number;
  /** @internal Decay factor per record: exp(-1 / horizon). */
  readonly decay: number;
  /** @internal Decayed weight of the values seen. */
  weight = 0;
  /** @internal Decayed mean per column (of the values or the differences). */
  readonly mean: Float64Array;
  /** @internal Decayed sum of squared deviations per column. */
  readonly m2: Float64Array;
  /** @internal The previous input record (for differencing). */
  readonly previous: Float64Array;
  /** @internal Records seen. */
  seen = 0;

  constructor(dimensions: number, mode: TransformMode, horizon: number) {
    this.dimensions = dimensions;
    this.mode = mode;
    this.horizon = horizon;
    this.decay = Math.exp(-1 / horizon);
    this.mean = new Float64Array(dimensions);
    this.m2 = new Float64Array(dimensions);
    this.previous = new Float64Array(dimensions);
  }

  /** Whether the mode normalises. */
  get normalizes(): boolean {
    return this.mode === 'normalize' || this.mode === 'normalize-difference';
  }

  /** Whether the mode differences. */
  get differences(): boolean {
    return this.mode === 'difference' || this.mode === 'normalize-difference';
  }

  /**
   * The deviation used for column `j` (1 when the mode does not normalise). Never 0: a column that
   * has been constant is scaled by a tiny floor relative to its level.
   */
  scale(j: number): number {
    if (!this.normalizes) return 1;
    const sd = this.weight > 0 ? Math.sqrt(Math.max(0, this.m2[j]!) / this.weight) : 0;
    const floor = 1e-6 * Math.abs(this.mean[j]!) + 1e-9;
    return Math.max(sd, floor);
  }

  /**
   * Scales `record` into `out` (same length), then learns it. The first record of a differencing
   * mode has no predecessor: its differences are 0.
   */
  apply(record: ArrayLike<number>, out: Float64Array): void {
    const d = this.dimensions;
    const diff = this.differences;
    const first = this.seen === 0;
    for (let j = 0; j < d; j++) {
      const x = record[j]!;
      out[j] = diff ? (first ? 0 : x - this.previous[j]!) : x;
      this.previous[j] = x;
    }
    this.seen++;
    if (!this.normalizes) return;
    // Learn first (West's decayed update), then normalise with the statistics including this value:
    // the very first values then scale to 0 instead of dividing by an unknown deviation.
    this.weight = this.decay * this.weight + 1;
    const w = this.weight;
    for (let j = 0; j < d; j++) {
      const v = out[j]!;
      const delta = v - this.mean[j]!;
      this.mean[j]! += delta / w;
      this.m2[j] = this.decay * this.m2[j]! + delta * (v - this.mean[j]!);
      let y = (v - this.mean[j]!) / this.scale(j);
      if (y > TRANSFORM_CLAMP) y = TRANSFORM_CLAMP;
      else if (y < -TRANSFORM_CLAMP) y = -TRANSFORM_CLAMP;
      out[j] = y;
    }
  }
}
