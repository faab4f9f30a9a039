/**
 * Options of an {@link AnomalyDetector}: defaults (the configuration NAB measures) and validation.
 * @module
 */
import { checkNumberInRange, checkOptionNames, randomSeed } from '../forest/options.js';
import type { TransformMode } from './transform.js';

/**
 * Options accepted by the `AnomalyDetector` constructor. Only `dimensions` is required; every other
 * field has a default that is learned-from-the-stream friendly and is the configuration measured on
 * NAB (see docs/detector.md).
 * @example
 * const options: AnomalyDetectorOptions = { dimensions: 2, seed: 7, transform: 'normalize' };
 */
export interface AnomalyDetectorOptions {
  /** Values per record. Integer, 1 to 1000. */
  dimensions: number;
  /** Records per shingle (the forest sees the last `shingleSize` records as one point). Default 8. */
  shingleSize?: number;
  /** Trees in the forest. Default 50. */
  numberOfTrees?: number;
  /** Points each tree samples. Default 256. */
  subSampleSize?: number;
  /** The forest's memory in points (sampler decay 1 / timeDecay). Default 20 x subSampleSize. */
  timeDecay?: number;
  /** Points the forest must have learned before it scores. Default subSampleSize / 4. */
  outputAfter?: number;
  /** Seed of every random choice: same seed and data give the same grades. Default: random. */
  seed?: number | string;
  /** Input scaling, see {@link TransformMode}. Default 'normalize'. */
  transform?: TransformMode;
  /** Memory of the input statistics, in records. Default timeDecay. */
  transformHorizon?: number;
  /** Deviations of the recent scores above their mean that make a score anomalous. Default 3. */
  zFactor?: number;
  /** Scores never count as anomalous below this (on KDA's scale ordinary points score ~0.7-1). Default 1. */
  minScore?: number;
  /** Memory of the score statistics, in scores. Default timeDecay. */
  scoreHorizon?: number;
  /**
   * Scores are learned clipped to `clipFactor x threshold`, so that one large event does not raise
   * the threshold enough to hide the next. Default 1.
   */
  clipFactor?: number;
  /**
   * Records of history searched for an earlier occurrence of an anomalous-looking shingle (0: no
   * search). Default 8192.
   */
  historySize?: number;
  /**
   * A shingle whose nearest earlier shingle in the history lies closer than this many times the
   * typical nearest distance of ordinary shingles has been seen before: no alarm. Default 1.5.
   */
  recurrenceFactor?: number;
  /**
   * A candidate alarm whose shingle lies nearer than this fraction of its distance to every recent
   * shingle (the last subSampleSize records) to a shingle of long ago is an old pattern back: no
   * alarm. 0: no such check. Default 0.5.
   */
  recurrenceRatio?: number;
  /**
   * After an event, a new one must exceed the threshold by the last event's excess over it, decayed
   * by exp(-records since its last alarm / refractory). 0: no such memory. Default 100.
   */
  refractory?: number;
  /**
   * Anomalies are rare: when the recent alarms (decayed over `scoreHorizon`) exceed this share of the
   * records, `zFactor` grows by the square root of the excess. 0: no such bound. Default 0.002.
   */
  alarmRate?: number;
  /** Scores observed before any alarm; the threshold is raised while fewer than 4x this are known. Default 32. */
  rampIn?: number;
}

/**
 * The options with every default filled in and `seed` resolved to a string.
 * @example
 * const o: ResolvedDetectorOptions = new AnomalyDetector({ dimensions: 1, seed: 1 }).options;
 * o.timeDecay; // 5120
 */
export interface ResolvedDetectorOptions {
  readonly dimensions: number;
  readonly shingleSize: number;
  readonly numberOfTrees: number;
  readonly subSampleSize: number;
  readonly timeDecay: number;
  readonly outputAfter: number;
  readonly seed: string;
  readonly transform: TransformMode;
  readonly transformHorizon: number;
  readonly zFactor: number;
  readonly minScore: number;
  readonly scoreHorizon: number;
  readonly rampIn: number;
  readonly clipFactor: number;
  readonly historySize: number;
  readonly recurrenceFactor: number;
  readonly refractory: number;
  readonly recurrenceRatio: number;
  readonly alarmRate: number;
}

/**
 * The detector's defaults (relative ones are spelled out in {@link AnomalyDetectorOptions}).
 * @example
 * DETECTOR_DEFAULTS.shingleSize; // 8
 */
export const DETECTOR_DEFAULTS = Object.freeze({
  shingleSize: 8,
  numberOfTrees: 50,
  subSampleSize: 256,
  timeDecayPerSample: 20,
  transform: 'normalize' as TransformMode,
  zFactor: 3.5,
  minScore: 1,
  rampIn: 32,
  clipFactor: 1,
  historySize: 8192,
  recurrenceFactor: 1.5,
  refractory: 200,
  recurrenceRatio: 0.2,
  alarmRate: 0.002,
});

/**
 * Every option name {@link AnomalyDetectorOptions} has: anything else is a misspelling.
 * @example
 * DETECTOR_OPTION_NAMES.includes('zFactor'); // true
 */
export const DETECTOR_OPTION_NAMES = Object.freeze([
  'dimensions', 'shingleSize', 'numberOfTrees', 'subSampleSize', 'timeDecay', 'outputAfter', 'seed',
  'transform', 'transformHorizon', 'zFactor', 'minScore', 'scoreHorizon', 'rampIn', 'clipFactor',
  'historySize', 'recurrenceFactor', 'recurrenceRatio', 'refractory', 'alarmRate',
] as const) satisfies readonly (keyof AnomalyDetectorOptions)[];

const MODES: readonly TransformMode[] = ['none', 'normalize', 'difference', 'normalize-difference'];

/**
 * Validates detector options and fills in the defaults.
 * @throws TypeError for a wrong type or an unknown option (naming the closest valid one), RangeError
 *   for a value out of range (the message names the option).
 * @example
 * resolveDetectorOptions({ dimensions: 1, seed: 42 }).timeDecay; // 5120
 */
export function resolveDetectorOptions(options: AnomalyDetectorOptions): ResolvedDetectorOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object with at least { dimensions }, got ${String(options)}`);
  }
  checkOptionNames(options, DETECTOR_OPTION_NAMES, 'AnomalyDetector');
  const d = DETECTOR_DEFAULTS;
  const dimensions = checkNumberInRange('dimensions', options.dimensions, 1, 1000, true);
  const shingleSize = checkNumberInRange('shingleSize', options.shingleSize ?? d.shingleSize, 1, 256, true);
  if (dimensions * shingleSize > 10_000) {
    throw new RangeError(`dimensions x shingleSize must be at most 10000, got ${dimensions * shingleSize}`);
  }
  const numberOfTrees = checkNumberInRange('numberOfTrees', options.numberOfTrees ?? d.numberOfTrees, 1, 1000, true);
  const subSampleSize = checkNumberInRange('subSampleSize', options.subSampleSize ?? d.subSampleSize, 2, 4096, true);
  const timeDecay = checkNumberInRange('timeDecay', options.timeDecay ?? d.timeDecayPerSample * subSampleSize, subSampleSize + 1e-9, 2147483647, false);
  const outputAfter = checkNumberInRange('outputAfter', options.outputAfter ?? Math.max(1, Math.floor(subSampleSize / 4)), 1, 2147483647, true);
  const transform = options.transform ?? d.transform;
  if (!MODES.includes(transform)) {
    throw new RangeError(`option transform must be one of ${MODES.join(', ')}, got ${String(transform)}`);
  }
  const transformHorizon = checkNumberInRange('transformHorizon', options.transformHorizon ?? timeDecay, 1, 2147483647, false);
  const zFactor = checkNumberInRange('zFactor', options.zFactor ?? d.zFactor, 0, 1000, false);
  const minScore = checkNumberInRange('minScore', options.minScore ?? d.minScore, 0, 1000, false);
  const scoreHorizon = checkNumberInRange('scoreHorizon', options.scoreHorizon ?? timeDecay, 1, 2147483647, false);
  const rampIn = checkNumberInRange('rampIn', options.rampIn ?? d.rampIn, 0, 2147483647, true);
  const clipFactor = checkNumberInRange('clipFactor', options.clipFactor ?? d.clipFactor, 1, 1e9, false);
  const historySize = checkNumberInRange('historySize', options.historySize ?? d.historySize, 0, 1 << 24, true);
  const recurrenceFactor = checkNumberInRange('recurrenceFactor', options.recurrenceFactor ?? d.recurrenceFactor, 0, 1000, false);
  const refractory = checkNumberInRange('refractory', options.refractory ?? d.refractory, 0, 2147483647, false);
  const recurrenceRatio = checkNumberInRange('recurrenceRatio', options.recurrenceRatio ?? d.recurrenceRatio, 0, 1000, false);
  const alarmRate = checkNumberInRange('alarmRate', options.alarmRate ?? d.alarmRate, 0, 1, false);
  let seed: string;
  if (options.seed === undefined) seed = randomSeed();
  else if (typeof options.seed === 'number') seed = String(checkNumberInRange('seed', options.seed, -Number.MAX_VALUE, Number.MAX_VALUE, false));
  else if (typeof options.seed === 'string') seed = options.seed;
  else throw new TypeError(`option seed must be a number or a string, got ${typeof options.seed}`);
  return {
    dimensions,
    shingleSize,
    numberOfTrees,
    subSampleSize,
    timeDecay,
    outputAfter,
    seed,
    transform,
    transformHorizon,
    zFactor,
    minScore,
    scoreHorizon,
    rampIn,
    clipFactor,
    historySize,
    recurrenceFactor,
    refractory,
    recurrenceRatio,
    alarmRate,
  };
}
