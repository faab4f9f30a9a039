/**
 * Turning scores into decisions without hand tuning: an adaptive threshold that follows the score
 * stream's own recent level and spread, and a grade in [0, 1) for how far a score exceeds it.
 * @module
 */

/** Options of {@link ScoreThresholder}. */
export interface ScoreThresholderOptions {
  /**
   * How many recent deviations above the recent mean a score must lie to be anomalous. Default 6
   * (scores have a long right tail, so 3 flags far too often; see the README's measurements).
   */
  z?: number;
  /** The threshold never falls below this (on KDA's scale ordinary points score ~0.7-1). Default 1. */
  minThreshold?: number;
  /** Memory of the statistics in scores: a score k scores back weighs exp(-k / horizon). Default 2560. */
  horizon?: number;
  /** Scores to observe before any can be anomalous (after the forest's own warm-up). Default 64. */
  warmup?: number;
  /** After an alarm, anomalous scores raise no new alarm for this many scores. Default 100. */
  alarmGap?: number;
}

/** A graded score. */
export interface GradedScore {
  /** The score, as given. */
  score: number;
  /** The threshold the score was compared with (computed before the score was learnt). */
  threshold: number;
  /** True when `score > threshold` (never during warm-up). */
  isAnomaly: boolean;
  /**
   * True for an anomaly that starts a new event: no alarm in the previous `alarmGap` scores. Report
   * these to people; a long anomalous stretch raises one alarm per `alarmGap` scores, not one per row.
   */
  isAlarm: boolean;
  /**
   * 0 when not anomalous; otherwise the share of the score above the threshold,
   * `(score - threshold) / score`, in (0, 1): 0.5 means twice the threshold.
   */
  grade: number;
}

function check(name: string, value: number, lo: number, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || (integer && !Number.isInteger(value))) {
    throw new RangeError(`option ${name} must be ${integer ? 'an integer' : 'a finite number'} >= ${lo}, got ${String(value)}`);
  }
  return value;
}

/**
 * An adaptive threshold over a stream of anomaly scores. It keeps an exponentially weighted mean and
 * standard deviation of the recent scores (zeros of the forest's warm-up are ignored) and calls a score
 * anomalous when it exceeds `max(minThreshold, mean + z * deviation)`. Each score is learnt after it is
 * graded. The threshold adapts to each stream's own score level, so one setting serves many streams:
 * with the defaults, the alarms over the 58 NAB files score 52.6 on NAB's standard profile without
 * any search, against 51.7 for KDA's scores at the best corpus-wide threshold (31.9 against 38.4 on
 * the low-false-positive profile; see the README).
 *
 * @example
 * const forest = new RandomCutForest({ dimensions: 1, seed: 1 });
 * const thresholder = new ScoreThresholder();
 * for (const v of values) {
 *   const { isAlarm, grade } = thresholder.grade(forest.process([v]));
 *   if (isAlarm) console.log('anomaly', v, grade.toFixed(2));
 * }
 */
export class ScoreThresholder {
  readonly z: number;
  readonly minThreshold: number;
  readonly horizon: number;
  readonly warmup: number;
  readonly alarmGap: number;
  private readonly decay: number;
  /** Scores since the last alarm (Infinity before the first). */
  private sinceAlarm = Infinity;
  /** Decayed weight, mean and sum of squared deviations of the scores seen. */
  private weight = 0;
  private mean = 0;
  private m2 = 0;
  private seen = 0;

  constructor(options: ScoreThresholderOptions = {}) {
    this.z = check('z', options.z ?? 6, 0, false);
    this.minThreshold = check('minThreshold', options.minThreshold ?? 1, 0, false);
    this.horizon = check('horizon', options.horizon ?? 2560, 1, false);
    this.warmup = check('warmup', options.warmup ?? 64, 0, true);
    this.alarmGap = check('alarmGap', options.alarmGap ?? 100, 0, true);
    this.decay = Math.exp(-1 / this.horizon);
  }

  /** The current threshold. */
  get threshold(): number {
    const sd = this.weight > 0 ? Math.sqrt(Math.max(0, this.m2) / this.weight) : 0;
    return Math.max(this.minThreshold, this.mean + this.z * sd);
  }

  /**
   * Grades `score` against the current threshold, then learns it.
   * @throws RangeError for a negative or non-finite score.
   */
  grade(score: number): GradedScore {
    if (typeof score !== 'number' || !Number.isFinite(score) || score < 0) {
      throw new RangeError(`score must be a finite number >= 0, got ${String(score)}`);
    }
    if (score === 0) return { score, threshold: this.threshold, isAnomaly: false, isAlarm: false, grade: 0 }; // warm-up
    const threshold = this.threshold;
    const isAnomaly = this.seen >= this.warmup && score > threshold;
    this.sinceAlarm++;
    const isAlarm = isAnomaly && this.sinceAlarm > this.alarmGap;
    if (isAlarm) this.sinceAlarm = 0;
    // West's weighted update of mean and variance. Every score is learnt as it is, anomalies too:
    // scores that keep recurring (a seasonal peak) then raise the threshold and stop alarming.
    this.weight = this.decay * this.weight + 1;
    const delta = score - this.mean;
    this.mean += delta / this.weight;
    this.m2 = this.decay * this.m2 + delta * (score - this.mean);
    this.seen++;
    return { score, threshold, isAnomaly, isAlarm, grade: isAnomaly ? (score - threshold) / score : 0 };
  }
}
