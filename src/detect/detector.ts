/**
 * AnomalyDetector: a Random Cut Forest over scaled, shingled records, with a threshold, input
 * scaling and event handling learned from the stream, so that it needs no hand-tuned parameter.
 * @module
 */
import { RandomCutForest, type Attribution } from '../forest/index.js';
import { RecentPoints } from './impute.js';
import { resolveDetectorOptions, type AnomalyDetectorOptions, type ResolvedDetectorOptions } from './options.js';
import { ShingleHistory } from './recurrence.js';
import { AdaptiveThreshold } from './threshold.js';
import { InputTransform } from './transform.js';
import { detectorFromState, detectorToState, detectorStateFromBytes, detectorToBytes, type DetectorState } from './state.js';

/**
 * What the detector says about one record.
 * @example
 * const r = detector.process([42], Date.now());
 * if (r.isAnomaly) console.log(r.grade, r.relativeIndex, r.expected);
 */
export interface DetectionResult {
  /** The forest's score of the shingle ending with this record (KDA's scale; 0 during warm-up). */
  readonly score: number;
  /**
   * 0 when the record raises no alarm; otherwise in (0, 1]: the share of the deciding score above the
   * threshold, `(score - threshold) / score` (0.5: twice the threshold).
   */
  readonly grade: number;
  /** True when this record raises an alarm: a new anomalous event, or a new anomaly inside one. */
  readonly isAnomaly: boolean;
  /** The threshold the score was compared with (learned before this record). */
  readonly threshold: number;
  /**
   * For an anomaly, the forest's explanation of the deciding score: `high[k]` / `low[k]` for
   * coordinate `k = position * dimensions + column` of the shingle (position 0 the oldest record).
   * Null otherwise.
   */
  readonly attribution: Attribution | null;
  /**
   * For an anomaly, the values (in the input's units, one per column) the model expected for the
   * anomalous record: the flagged columns imputed from the nearest recent points, the others as they
   * were. Null otherwise.
   */
  readonly expected: Float64Array | null;
  /** Which record of the shingle the anomaly is in: 0 this one, -k the record k back. 0 when none. */
  readonly relativeIndex: number;
}

/** Inside an anomalous stretch, a new alarm needs a deciding score this many times the event's peak. */
const EVENT_MARGIN = 1.25;

/** The typical nearest distance in the history is measured on every this many records. */
const HISTORY_EVERY = 16;

const QUIET_SCORE_ONLY = (score: number, threshold: number): DetectionResult => ({
  score,
  grade: 0,
  isAnomaly: false,
  threshold,
  attribution: null,
  expected: null,
  relativeIndex: 0,
});

/**
 * A streaming anomaly detector on a Random Cut Forest that decides for itself which records are
 * anomalous. Everything a user would otherwise tune is learned from the stream:
 * - the input's scale (`transform`, default `normalize`: decayed mean and deviation per column);
 * - the threshold: a decayed mean plus `zFactor` deviations of the recent scores, raised while few
 *   scores are known and while alarms are more frequent than `alarmRate` (anomalous scores are learned
 *   clipped to the threshold, so one event does not hide the next);
 * - events: an anomaly raises one alarm. While the shingle still holds an anomalous record, the
 *   following records are scored with that record replaced by its expected value, so they alarm only
 *   if anomalous themselves; while the stream stays at the anomalous level (a level shift) or its score
 *   stays above the threshold without exceeding the event's peak, no new alarm is raised; after an
 *   event, a new one must stand out as the last did, that memory fading over `refractory` records;
 * - recurrence: a candidate whose shingle occurred before, longer ago than the forest's sample
 *   remembers (a daily or weekly pattern), raises no alarm.
 *
 * See docs/detector.md for the rules in full and their measurement on NAB.
 *
 * Browser-safe (no Node import). Same seed and data give the same results on any machine.
 *
 * @example
 * import { AnomalyDetector } from 'random-cut-forest';
 * const detector = new AnomalyDetector({ dimensions: 1, seed: 42 });
 * for (const { time, value } of rows) {
 *   const r = detector.process([value], time);
 *   if (r.isAnomaly) console.log(time, value, 'expected', r.expected?.[0], 'grade', r.grade.toFixed(2));
 * }
 */
export class AnomalyDetector {
  /** The options, defaults filled in. */
  readonly options: ResolvedDetectorOptions;
  /** @internal */ readonly forest: RandomCutForest;
  /** @internal */ readonly transform: InputTransform;
  /** @internal */ readonly threshold: AdaptiveThreshold;
  /** @internal */ readonly recent: RecentPoints;
  /** @internal Null when `historySize` is 0. */ readonly history: ShingleHistory | null;
  /** @internal Scaled records, ring of shingleSize (slot r % shingleSize holds record r). */
  readonly actual: Float64Array;
  /** @internal As `actual`, but anomalous records replaced by their expected scaled values. */
  readonly corrected: Float64Array;
  /** @internal Input records, same ring. */
  readonly raw: Float64Array;
  /** @internal Records processed. */
  records = 0;
  /** @internal Epoch ms of the last record given a timestamp (NaN before). */
  lastTimestamp = Number.NaN;
  /** @internal Index of the record that raised the last alarm (-1 before any). */
  lastAlarm = -1;
  /** @internal Index of the last record whose corrected value differs from its actual value (-1: none). */
  lastCorrected = -1;
  /** @internal Whether an event is open. */
  inEvent = false;
  /** @internal Whether every record since the last alarm has stayed at the anomalous level. */
  chain = false;
  /** @internal Size of the last anomaly in scaled units (distance from its expected value). */
  magnitude = 0;
  /** @internal Highest score of the open event. */
  eventPeak = 0;
  /** @internal Whether the previous record's deciding score exceeded its threshold. */
  elevated = false;
  /** @internal Consecutive records of the open event scoring at or below the threshold. */
  quiet = 0;

  // Scratch (no allocation per record).
  private readonly scaled: Float64Array;
  private readonly point: Float64Array;
  private readonly correctedPoint: Float64Array;

  /**
   * @param options `dimensions` and any of {@link AnomalyDetectorOptions}.
   * @throws TypeError / RangeError naming the option, the value and what is allowed.
   */
  constructor(options: AnomalyDetectorOptions, restored?: DetectorParts) {
    const o = resolveDetectorOptions(options);
    this.options = Object.freeze(o);
    const width = o.dimensions * o.shingleSize;
    this.forest =
      restored?.forest ??
      new RandomCutForest({
        dimensions: width,
        numberOfTrees: o.numberOfTrees,
        subSampleSize: o.subSampleSize,
        timeDecay: o.timeDecay,
        outputAfter: o.outputAfter,
        seed: o.seed,
      });
    this.transform = new InputTransform(o.dimensions, o.transform, o.transformHorizon);
    this.threshold = new AdaptiveThreshold(o.zFactor, o.minScore, o.scoreHorizon, o.rampIn, o.alarmRate);
    this.recent = new RecentPoints(width, o.subSampleSize);
    this.history =
      o.historySize > o.shingleSize ? new ShingleHistory(o.dimensions, o.shingleSize, o.historySize, HISTORY_EVERY, o.timeDecay) : null;
    this.actual = new Float64Array(width);
    this.corrected = new Float64Array(width);
    this.raw = new Float64Array(width);
    this.scaled = new Float64Array(o.dimensions);
    this.point = new Float64Array(width);
    this.correctedPoint = new Float64Array(width);
  }

  /** Values per record. */
  get dimensions(): number {
    return this.options.dimensions;
  }

  /** Records processed so far. */
  get recordsProcessed(): number {
    return this.records;
  }

  /**
   * Scores `record`, decides whether it raises an alarm, then learns it.
   * @param record `dimensions` finite numbers.
   * @param timestamp optional epoch milliseconds (checked to be finite and kept as the last timestamp;
   *   real streams go back in time now and then, e.g. NAB's machine_temperature_system_failure, so order
   *   is not enforced).
   * @throws TypeError / RangeError for a bad record or timestamp; the detector is then unchanged.
   * @example
   * const { isAnomaly, grade, expected } = detector.process([cpu, memory], Date.parse(row.time));
   */
  process(record: ArrayLike<number>, timestamp?: number): DetectionResult {
    this.check(record, timestamp);
    if (timestamp !== undefined) this.lastTimestamp = timestamp;
    const o = this.options;
    const d = o.dimensions;
    const S = o.shingleSize;
    const t = this.records;
    const y = this.scaled;
    this.transform.apply(record, y);
    const slot = (t % S) * d;
    if (t < S - 1) {
      this.history?.push(y);
      this.store(record, y, slot);
      this.records++;
      return QUIET_SCORE_ONLY(0, this.threshold.value);
    }
    this.shingle(this.actual, y, this.point);
    const score = this.forest.score(this.point);
    const threshold = this.threshold.value;
    const ready = score > 0 && this.threshold.ready;
    let alarm = false;
    let decisive = score;
    let usedCorrected = false;
    if (score > 0 && this.lastCorrected > t - S) {
      // The shingle still holds an anomalous record: score as if it had been what was expected.
      this.shingle(this.corrected, y, this.correctedPoint);
      decisive = this.forest.score(this.correctedPoint);
      usedCorrected = true;
    }
    if (ready) {
      if (!this.inEvent) {
        // A new event must stand out as much as the last one did, that memory fading with time.
        let required = threshold;
        if (this.lastAlarm >= 0 && o.refractory > 0 && this.eventPeak > threshold) {
          required += (this.eventPeak - threshold) * Math.exp(-(t - this.lastAlarm) / o.refractory);
        }
        alarm = decisive > required;
      } else {
        const step = this.distanceToPrevious(y, t);
        const wasChain = this.chain;
        this.chain = wasChain && step <= 0.5 * this.magnitude;
        if (this.chain) alarm = false; // the stream stays where the anomaly took it: the same event
        else if (wasChain && step > this.magnitude && t - this.lastAlarm >= S) alarm = decisive > threshold; // a jump off that level as large as the anomaly: news
        else if (this.elevated) alarm = decisive > threshold && decisive > EVENT_MARGIN * this.eventPeak; // still anomalous: only a larger anomaly is news
        else alarm = decisive > threshold; // calmed down: a new anomaly
      }
    }
    const history = this.history;
    if (alarm && history !== null && history.typical > 0) {
      // Seen before, longer ago than the forest remembers (a daily or weekly pattern): no alarm.
      if (history.nearest(this.point) < o.recurrenceFactor * history.typical) alarm = false;
      else if (o.recurrenceRatio > 0) {
        // Or an old pattern back: much nearer to a shingle of long ago than to any recent one.
        const recent = o.subSampleSize;
        const old = history.nearestBefore(this.point, recent);
        if (Number.isFinite(old) && old < o.recurrenceRatio * history.nearestWithin(this.point, recent)) alarm = false;
      }
    }
    if (history !== null) {
      if (ready && !this.inEvent && !alarm && history.due(t)) history.measure(this.point);
      history.push(y);
    }
    let result: DetectionResult;
    this.store(record, y, slot);
    if (alarm) {
      result = this.explain(usedCorrected ? this.correctedPoint : this.point, decisive, threshold, score, t);
      this.inEvent = true;
      this.chain = true;
      this.lastAlarm = t;
      this.eventPeak = decisive;
      this.quiet = 0;
    } else {
      result = QUIET_SCORE_ONLY(score, threshold);
      if (this.inEvent) {
        if (decisive > this.eventPeak) this.eventPeak = decisive;
        // The event ends after a whole shingle of scores at or below the threshold.
        this.quiet = decisive > threshold ? 0 : this.quiet + 1;
        if (this.quiet >= S) this.inEvent = false;
      }
    }
    this.elevated = ready && decisive > threshold;
    if (score > 0) this.threshold.noteAlarm(alarm);
    if (score > 0) this.threshold.learn(Math.min(score, o.clipFactor * threshold));
    this.forest.update(this.point);
    this.recent.add(this.point);
    this.records++;
    return result;
  }

  /** Writes the shingle of the ring's last S-1 records and `y` (oldest first) into `out`. */
  private shingle(ring: Float64Array, y: Float64Array, out: Float64Array): void {
    const d = this.options.dimensions;
    const S = this.options.shingleSize;
    const t = this.records;
    for (let p = 0; p < S - 1; p++) {
      const from = ((t - (S - 1) + p) % S) * d;
      for (let j = 0; j < d; j++) out[p * d + j] = ring[from + j]!;
    }
    for (let j = 0; j < d; j++) out[(S - 1) * d + j] = y[j]!;
  }

  private store(record: ArrayLike<number>, y: Float64Array, slot: number): void {
    for (let j = 0; j < y.length; j++) {
      this.actual[slot + j] = y[j]!;
      this.corrected[slot + j] = y[j]!;
      this.raw[slot + j] = record[j]!;
    }
  }

  /** Euclidean distance between scaled record `y` and the previous record's scaled values. */
  private distanceToPrevious(y: Float64Array, t: number): number {
    const d = this.options.dimensions;
    const S = this.options.shingleSize;
    const from = ((t - 1 + S) % S) * d;
    let sum = 0;
    for (let j = 0; j < d; j++) {
      const diff = y[j]! - this.actual[from + j]!;
      sum += diff * diff;
    }
    return Math.sqrt(sum);
  }

  /**
   * The result of an alarm on `point` (already stored in the rings as record t): attribution, the
   * anomalous record, its expected values; marks that record corrected.
   */
  private explain(point: Float64Array, decisive: number, threshold: number, score: number, t: number): DetectionResult {
    const o = this.options;
    const d = o.dimensions;
    const S = o.shingleSize;
    const attribution = this.forest.attribution(point);
    // The record of the shingle carrying most of the score.
    let best = S - 1;
    let bestShare = -1;
    for (let p = 0; p < S; p++) {
      let share = 0;
      for (let j = 0; j < d; j++) share += attribution.high[p * d + j]! + attribution.low[p * d + j]!;
      if (share > bestShare) {
        bestShare = share;
        best = p;
      }
    }
    // Its columns carrying at least half of the largest column's share are imputed.
    const free = new Uint8Array(point.length);
    let top = 0;
    for (let j = 0; j < d; j++) top = Math.max(top, attribution.high[best * d + j]! + attribution.low[best * d + j]!);
    for (let j = 0; j < d; j++) {
      if (attribution.high[best * d + j]! + attribution.low[best * d + j]! >= 0.5 * top) free[best * d + j] = 1;
    }
    const imputed = new Float64Array(point.length);
    this.recent.impute(point, free, imputed, 5);
    const relativeIndex = best - (S - 1);
    const record = t + relativeIndex;
    const slot = (record % S) * d;
    const expected = new Float64Array(d);
    let magnitude = 0;
    for (let j = 0; j < d; j++) {
      const e = imputed[best * d + j]!;
      const actual = this.actual[slot + j]!;
      expected[j] = this.raw[slot + j]! + (e - actual) * this.transform.scale(j);
      magnitude += (e - actual) * (e - actual);
      this.corrected[slot + j] = e;
    }
    this.magnitude = Math.sqrt(magnitude);
    this.lastCorrected = Math.max(this.lastCorrected, record);
    const grade = Math.min(1, (decisive - threshold) / decisive);
    return { score, grade, isAnomaly: true, threshold, attribution, expected, relativeIndex };
  }

  private check(record: ArrayLike<number>, timestamp: number | undefined): void {
    const d = this.options.dimensions;
    if (record === null || typeof record !== 'object' || typeof record.length !== 'number') {
      throw new TypeError(`record must be an array of ${d} numbers, got ${String(record)}`);
    }
    if (record.length !== d) throw new RangeError(`record must have ${d} values (dimensions), got ${record.length}`);
    for (let i = 0; i < d; i++) {
      const v = record[i];
      if (typeof v !== 'number') throw new TypeError(`record[${i}] must be a number, got ${typeof v} ${String(v)}`);
      if (!Number.isFinite(v) || Math.abs(v) > 1e30) throw new RangeError(`record[${i}] must be a finite number within +-1e30, got ${v}`);
    }
    if (timestamp !== undefined) {
      if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
        throw new TypeError(`timestamp must be a finite number (epoch ms), got ${String(timestamp)}`);
      }
    }
  }

  /**
   * The detector's whole state as plain JSON-safe data; `AnomalyDetector.fromJSON` restores a
   * detector that continues with bit-identical results.
   * @example
   * const saved = JSON.stringify(detector);
   * const again = AnomalyDetector.fromJSON(JSON.parse(saved));
   */
  toJSON(): DetectorState {
    return detectorToState(this);
  }

  /**
   * Restores a detector from `toJSON()`'s output.
   * @throws DetectorStateError naming the failed check; nothing is half-restored.
   * @example
   * const detector = AnomalyDetector.fromJSON(JSON.parse(text));
   */
  static fromJSON(state: unknown): AnomalyDetector {
    return detectorFromState(state);
  }

  /**
   * The state in a binary form with a format version and a CRC-32 checksum.
   * @example
   * const bytes = detector.toBytes();
   */
  toBytes(): Uint8Array {
    return detectorToBytes(this);
  }

  /**
   * Restores a detector from `toBytes()`'s output.
   * @throws DetectorStateError naming the failed check (format, version, length, checksum, content).
   * @example
   * const detector = AnomalyDetector.fromBytes(bytes);
   */
  static fromBytes(bytes: Uint8Array): AnomalyDetector {
    return detectorFromState(detectorStateFromBytes(bytes));
  }
}

/**
 * @internal What a restored checkpoint provides to the constructor.
 * @example
 * const detector = new AnomalyDetector(options, { forest: RandomCutForest.fromJSON(state.forest) });
 */
export interface DetectorParts {
  readonly forest: RandomCutForest;
}
