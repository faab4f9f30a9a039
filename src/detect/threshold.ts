/**
 * The detector's threshold, learned from its own scores: a decayed mean and deviation of the recent
 * scores, with a ramp-in while few are known.
 * @module
 */

/**
 * An adaptive score threshold: `max(minScore, mean + z x deviation)` of the recent scores (each
 * weighing `exp(-age / horizon)`), where `z` starts at twice `zFactor` and falls to `zFactor` over
 * the first `4 x rampIn` scores; nothing is anomalous before `rampIn` scores are known.
 * The caller decides which scores it learns (the detector learns anomalous ones clipped to the
 * threshold, so one event does not blind it to the next).
 *
 * @example
 * const t = new AdaptiveThreshold(3, 1, 5000, 32);
 * for (const s of scores) {
 *   const anomalous = t.ready && s > t.value;
 *   t.learn(anomalous ? t.value : s);
 * }
 */
export class AdaptiveThreshold {
  readonly zFactor: number;
  readonly minScore: number;
  readonly horizon: number;
  readonly rampIn: number;
  /** @internal exp(-1 / horizon). */
  readonly decay: number;
  /** @internal Decayed weight, mean and sum of squared deviations of the learned scores. */
  weight = 0;
  mean = 0;
  m2 = 0;
  /** @internal Scores learned. */
  seen = 0;
  /** @internal Decayed share of the recent records that raised an alarm. */
  rate = 0;
  /** Alarms per record above which `z` grows (as the square root of the excess); 0: never. */
  readonly alarmRate: number;

  constructor(zFactor: number, minScore: number, horizon: number, rampIn: number, alarmRate = 0) {
    this.alarmRate = alarmRate;
    this.zFactor = zFactor;
    this.minScore = minScore;
    this.horizon = horizon;
    this.rampIn = rampIn;
    this.decay = Math.exp(-1 / horizon);
  }

  /** Whether enough scores are known for anything to be anomalous. */
  get ready(): boolean {
    return this.seen >= this.rampIn && this.seen > 1;
  }

  /** The deviation of the recent scores. */
  get deviation(): number {
    return this.weight > 0 ? Math.sqrt(Math.max(0, this.m2) / this.weight) : 0;
  }

  /** The current threshold. */
  get value(): number {
    const ramp = 4 * this.rampIn;
    let z = this.seen >= ramp ? this.zFactor : this.zFactor * (2 - this.seen / ramp);
    if (this.alarmRate > 0 && this.rate > this.alarmRate) z *= Math.sqrt(this.rate / this.alarmRate);
    return Math.max(this.minScore, this.mean + z * this.deviation);
  }

  /** Learns whether the last record raised an alarm (for the alarm rate). */
  noteAlarm(alarm: boolean): void {
    this.rate = this.decay * this.rate + (1 - this.decay) * (alarm ? 1 : 0);
  }

  /** Learns one score. */
  learn(score: number): void {
    this.weight = this.decay * this.weight + 1;
    const delta = score - this.mean;
    this.mean += delta / this.weight;
    this.m2 = this.decay * this.m2 + delta * (score - this.mean);
    this.seen++;
  }
}
