/**
 * The Numenta Anomaly Benchmark (NAB) scoring rules, on in-memory arrays.
 *
 * Everything here is pure: a caller passes, per data file, the detector's score for every row and the
 * labelled anomaly windows as inclusive row-index ranges (see {@link rowWindows} to convert NAB's
 * timestamp windows). The rules follow NAB's own description (scaled sigmoid weighting of detections,
 * a probationary period, one threshold per profile swept over the whole corpus, normalisation against
 * the perfect and the null detector).
 * @module
 */

/** The three NAB application profiles. */
export type NabProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

/**
 * A NAB cost matrix: how much a true positive earns, and how much a false positive or a missed window
 * costs.
 * @example
 * const custom: NabProfile = { tpWeight: 1, fpWeight: 0.05, fnWeight: 1 };
 */
export interface NabProfile {
  /** Weight of a detection at the very start of a window (the largest reward). */
  readonly tpWeight: number;
  /** Weight of a false positive (a detection outside every window). */
  readonly fpWeight: number;
  /** Cost of a window without any detection. */
  readonly fnWeight: number;
}

/**
 * NAB's three profiles, exactly as NAB defines them.
 * @example
 * NAB_PROFILES.standard; // { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 }
 */
export const NAB_PROFILES: Readonly<Record<NabProfileName, NabProfile>> = Object.freeze({
  standard: Object.freeze({ tpWeight: 1, fpWeight: 0.11, fnWeight: 1 }),
  reward_low_FP_rate: Object.freeze({ tpWeight: 1, fpWeight: 0.22, fnWeight: 1 }),
  reward_low_FN_rate: Object.freeze({ tpWeight: 1, fpWeight: 0.11, fnWeight: 2 }),
});

/**
 * The profile names in NAB's usual order.
 * @example
 * for (const name of NAB_PROFILE_NAMES) console.log(name, NAB_PROFILES[name]);
 */
export const NAB_PROFILE_NAMES: readonly NabProfileName[] = Object.freeze([
  'standard',
  'reward_low_FP_rate',
  'reward_low_FN_rate',
] as const);

/**
 * NAB's default probationary fraction of each file (rows before min(15% of the rows, 750) are not scored).
 * @example
 * const probation = Math.min(Math.floor(NAB_PROBATION_PERCENT * rows), 750);
 */
export const NAB_PROBATION_PERCENT = 0.15;

/**
 * The threshold NAB reports when the best choice is to never fire (every score in [0, 1] stays below it).
 * @example
 * if (result.threshold === NAB_NO_DETECTION_THRESHOLD) console.log('best never to fire');
 */
export const NAB_NO_DETECTION_THRESHOLD = 1.1;

/**
 * An anomaly window as inclusive row indices (0-based) into a data file.
 * @example
 * const w: RowWindow = { start: 100, end: 140 }; // rows 100..140, both included
 */
export interface RowWindow {
  /** First row of the window (0-based, included). */
  readonly start: number;
  /** Last row of the window (0-based, included). */
  readonly end: number;
}

/**
 * NAB's scaled sigmoid: `2 / (1 + exp(5 * y)) - 1`, and exactly `-1` when `y > 3`.
 *
 * `y = -1` (the left edge of a window) gives about 0.98661, `y = 0` (its right edge) gives 0, and
 * positive `y` (past a window) gives negative weights down to -1.
 * @param y relative position (see NAB's description).
 * @returns the weight in [-1, 1].
 * @example
 * scaledSigmoid(0);  // 0
 * scaledSigmoid(-1); // 0.9866142981514305
 * scaledSigmoid(4);  // -1
 */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/**
 * The number of leading rows of a file that NAB ignores: `min(floor(p * rows), p * 5000)`, which is
 * `min(floor(0.15 * rows), 750)` with the default fraction.
 * @param rows number of rows in the file (a non-negative integer).
 * @param probationPercent the probationary fraction (default 0.15).
 * @example
 * probationLength(4032); // 604
 * probationLength(22695); // 750
 */
export function probationLength(rows: number, probationPercent: number = NAB_PROBATION_PERCENT): number {
  if (!Number.isInteger(rows) || rows < 0) {
    throw new RangeError(`rows must be a non-negative integer, got ${String(rows)}`);
  }
  checkProbationPercent(probationPercent);
  return Math.min(Math.floor(probationPercent * rows), probationPercent * 5000);
}

/**
 * NAB's normalised score: `100 * (raw - null) / (perfect - null)`.
 * @param raw the detector's raw (summed) score.
 * @param perfect the raw score of a detector firing exactly at the start of every window.
 * @param nullScore the raw score of a detector that never fires.
 * @example
 * normalizeNabScore(3.98356657241, 116, -116); // 51.71705...
 */
export function normalizeNabScore(raw: number, perfect: number, nullScore: number): number {
  if (!(perfect > nullScore)) {
    throw new RangeError(
      `perfect must be greater than nullScore, got perfect ${String(perfect)} and nullScore ${String(nullScore)}`,
    );
  }
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

/**
 * One data file's per-row NAB weights, independent of the detector and of the profile. Build it with
 * {@link prepareNabFile}; reuse it for every threshold and profile.
 */
export interface PreparedNabFile {
  /** The file's name (for example `realKnownCause/nyc_taxi.csv`). */
  readonly name: string;
  /** Number of rows. */
  readonly rows: number;
  /** Rows with index below this are in the probationary period and ignored. */
  readonly probation: number;
  /** The windows, as given. */
  readonly windows: readonly RowWindow[];
  /** For each row, the index of its window in `windows`, or -1 outside every window. */
  readonly windowOf: Int32Array;
  /**
   * For each row, the unscaled weight of a detection there: inside a window the scaled sigmoid of the
   * position in the window (to be multiplied by tpWeight and divided by `scaledSigmoid(-1)`); outside, the
   * scaled sigmoid of the distance past the previous window, or -1 before any window (to be multiplied by
   * fpWeight).
   */
  readonly unitWeight: Float64Array;
  /** Whether each window is counted (false when all its rows fall in the probationary period). */
  readonly counted: readonly boolean[];
  /** Number of counted windows. */
  readonly countedWindows: number;
}

/**
 * Computes a file's per-row NAB weights.
 * @param name the file's name, used in error messages and results.
 * @param rows the number of rows in the file.
 * @param windows the labelled windows as inclusive row ranges, sorted and not overlapping.
 * @param probationPercent the probationary fraction (default 0.15).
 * @throws RangeError if a window is out of range, empty, unsorted or overlapping.
 * @example
 * const file = prepareNabFile('a.csv', 1000, [{ start: 500, end: 549 }]);
 * file.probation; // 150
 */
export function prepareNabFile(
  name: string,
  rows: number,
  windows: readonly RowWindow[],
  probationPercent: number = NAB_PROBATION_PERCENT,
): PreparedNabFile {
  const probation = probationLength(rows, probationPercent);
  let previousEnd = -1;
  windows.forEach((w, k) => {
    if (!Number.isInteger(w.start) || !Number.isInteger(w.end) || w.start < 0 || w.end >= rows || w.start > w.end) {
      throw new RangeError(
        `${name}: window ${k} must satisfy 0 <= start <= end < rows (${rows}), got start ${String(w.start)}, end ${String(w.end)}`,
      );
    }
    if (w.start <= previousEnd) {
      throw new RangeError(`${name}: window ${k} (start ${w.start}) overlaps or precedes the previous window (end ${previousEnd})`);
    }
    previousEnd = w.end;
  });

  const windowOf = new Int32Array(rows).fill(-1);
  const unitWeight = new Float64Array(rows);
  let next = 0; // next window to enter
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < rows; ) {
    const w = windows[next];
    if (w !== undefined && i === w.start) {
      const width = w.end - w.start + 1;
      for (let j = w.start; j <= w.end; j++) {
        windowOf[j] = next;
        unitWeight[j] = scaledSigmoid(-(w.end - j + 1) / width);
      }
      prevRight = w.end;
      prevWidth = width;
      next++;
      i = w.end + 1;
      continue;
    }
    const stop = w === undefined ? rows : w.start;
    for (; i < stop; i++) {
      // A previous window of width 1 gives a division by zero: the weight is then -1 (infinitely far).
      unitWeight[i] = prevRight < 0 ? -1 : scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1));
    }
  }
  const counted = windows.map((w) => w.end >= probation);
  return {
    name,
    rows,
    probation,
    windows,
    windowOf,
    unitWeight,
    counted,
    countedWindows: counted.filter(Boolean).length,
  };
}

/**
 * A file's NAB result at one threshold, with the same columns as NAB's `*_scores.csv` rows.
 */
export interface NabFileResult {
  /** The file's name. */
  readonly name: string;
  /** The threshold used: a row is a detection when its score is >= threshold. */
  readonly threshold: number;
  /** The file's raw NAB score. */
  readonly score: number;
  /** Detections inside windows (rows after probation). */
  readonly tp: number;
  /** Non-detections outside windows (rows after probation). */
  readonly tn: number;
  /** Detections outside windows (rows after probation). */
  readonly fp: number;
  /** Non-detections inside windows (rows after probation). */
  readonly fn: number;
  /** Number of rows in the file, probation included (NAB's Total_Count). */
  readonly totalCount: number;
  /** Windows counted in the score. */
  readonly windows: number;
  /** Counted windows with at least one detection. */
  readonly detectedWindows: number;
}

function checkProbationPercent(p: number): void {
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) {
    throw new RangeError(`probationPercent must be a number in [0, 1], got ${String(p)}`);
  }
}

function checkScores(file: PreparedNabFile, scores: ArrayLike<number>): void {
  if (scores.length !== file.rows) {
    throw new RangeError(`${file.name}: scores must have one value per row (${file.rows}), got ${scores.length}`);
  }
}

function checkProfile(profile: NabProfile): void {
  for (const key of ['tpWeight', 'fpWeight', 'fnWeight'] as const) {
    const v = profile[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`profile.${key} must be a finite number >= 0, got ${String(v)}`);
    }
  }
}

/**
 * Scores one file at a given threshold: the sum over counted windows of the largest weighted detection
 * in it (or -fnWeight without one), plus the weighted detections outside windows; rows in the
 * probationary period are ignored.
 * @param file the prepared file (see {@link prepareNabFile}).
 * @param scores the detector's score for every row.
 * @param threshold a row is a detection when its score is >= threshold.
 * @param profile the cost matrix (default {@link NAB_PROFILES}.standard).
 * @example
 * const file = prepareNabFile('a.csv', 1000, [{ start: 500, end: 549 }]);
 * const scores = new Float64Array(1000);
 * scores[500] = 1;
 * scoreNabFile(file, scores, 0.5).score; // 1 (a detection at the very start of the window)
 */
export function scoreNabFile(
  file: PreparedNabFile,
  scores: ArrayLike<number>,
  threshold: number,
  profile: NabProfile = NAB_PROFILES.standard,
): NabFileResult {
  checkScores(file, scores);
  checkProfile(profile);
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new RangeError(`threshold must be a number, got ${String(threshold)}`);
  }
  const maxTP = scaledSigmoid(-1);
  const best: number[] = file.windows.map(() => Number.NEGATIVE_INFINITY);
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  let fpScore = 0;
  for (let i = file.probation; i < file.rows; i++) {
    const k = file.windowOf[i]!;
    const detected = scores[i]! >= threshold;
    if (k >= 0) {
      if (detected) {
        tp++;
        const w = (file.unitWeight[i]! * profile.tpWeight) / maxTP;
        if (w > best[k]!) best[k] = w;
      } else fn++;
    } else if (detected) {
      fp++;
      fpScore += file.unitWeight[i]! * profile.fpWeight;
    } else tn++;
  }
  let windowScore = 0;
  let detectedWindows = 0;
  for (let k = 0; k < best.length; k++) {
    if (!file.counted[k]) continue;
    const b = best[k]!;
    if (b === Number.NEGATIVE_INFINITY) windowScore -= profile.fnWeight;
    else {
      windowScore += Math.max(b, -profile.fnWeight);
      detectedWindows++;
    }
  }
  return {
    name: file.name,
    threshold,
    score: windowScore + fpScore,
    tp,
    tn,
    fp,
    fn,
    totalCount: file.rows,
    windows: file.countedWindows,
    detectedWindows,
  };
}

/** One file of a corpus to score: its name, its windows and the detector's per-row scores. */
export interface NabFileInput {
  /** The file's name (for example `realKnownCause/nyc_taxi.csv`). */
  readonly name: string;
  /** The detector's score for every row of the file. */
  readonly scores: ArrayLike<number>;
  /** The labelled windows as inclusive row ranges (see {@link rowWindows}). */
  readonly windows: readonly RowWindow[];
}

/** The outcome of sweeping the threshold over a corpus. */
export interface NabThresholdSweep {
  /** The threshold with the highest summed score (the highest such threshold on ties). */
  readonly threshold: number;
  /** The summed raw score at that threshold. */
  readonly score: number;
  /** Number of candidate thresholds examined (distinct scores, plus "never fire"). */
  readonly candidates: number;
}

/**
 * Sweeps the threshold over every distinct score of the whole corpus (all files together) and keeps the
 * one maximising the summed raw score, as NAB's optimiser does. "Never fire" is a candidate too, with
 * threshold {@link NAB_NO_DETECTION_THRESHOLD} (or `Infinity` if some score exceeds it).
 *
 * Runs in O(n log n) for n scorable rows: the rows are sorted by score once, then the threshold is
 * lowered one distinct value at a time while the window maxima and the false-positive sum are updated
 * incrementally.
 * @param files the prepared files (see {@link prepareNabFile}), each with its detector scores.
 * @param profile the cost matrix.
 * @example
 * const file = prepareNabFile('a.csv', 1000, [{ start: 500, end: 549 }]);
 * const scores = new Float64Array(1000);
 * scores[500] = 0.9;
 * scores[800] = 0.4;
 * sweepNabThreshold([{ file, scores }], NAB_PROFILES.standard).threshold; // 0.9
 */
export function sweepNabThreshold(
  files: readonly { readonly file: PreparedNabFile; readonly scores: ArrayLike<number> }[],
  profile: NabProfile = NAB_PROFILES.standard,
): NabThresholdSweep {
  checkProfile(profile);
  let n = 0;
  let windowTotal = 0;
  for (const { file, scores } of files) {
    checkScores(file, scores);
    n += file.rows - file.probation;
    windowTotal += file.windows.length;
  }
  const score = new Float64Array(n);
  const weight = new Float64Array(n);
  const win = new Int32Array(n);
  const maxTP = scaledSigmoid(-1);
  const best = new Float64Array(windowTotal);
  let windowSum = 0;
  let p = 0;
  let windowBase = 0;
  let maxScore = Number.NEGATIVE_INFINITY;
  for (const { file, scores } of files) {
    for (let k = 0; k < file.windows.length; k++) {
      best[windowBase + k] = -profile.fnWeight;
      if (file.counted[k]) windowSum -= profile.fnWeight;
    }
    for (let i = file.probation; i < file.rows; i++, p++) {
      const s = scores[i]!;
      if (Number.isNaN(s)) throw new RangeError(`${file.name}: score at row ${i} is NaN`);
      score[p] = s;
      if (s > maxScore) maxScore = s;
      const k = file.windowOf[i]!;
      if (k >= 0) {
        win[p] = windowBase + k;
        weight[p] = (file.unitWeight[i]! * profile.tpWeight) / maxTP;
      } else {
        win[p] = -1;
        weight[p] = file.unitWeight[i]! * profile.fpWeight;
      }
    }
    windowBase += file.windows.length;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => score[b]! - score[a]!);

  // Neumaier-compensated running sum of the false-positive weights and of the window parts.
  let sum = windowSum;
  let comp = 0;
  const add = (x: number): void => {
    const t = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  };
  const noDetection = maxScore <= NAB_NO_DETECTION_THRESHOLD ? NAB_NO_DETECTION_THRESHOLD : Number.POSITIVE_INFINITY;
  let bestThreshold = noDetection;
  let bestScore = sum + comp;
  let candidates = 1;
  let j = 0;
  while (j < n) {
    const t = score[order[j]!]!;
    for (; j < n && score[order[j]!] === t; j++) {
      const q = order[j]!;
      const k = win[q]!;
      if (k < 0) add(weight[q]!);
      else if (weight[q]! > best[k]!) {
        add(weight[q]! - best[k]!);
        best[k] = weight[q]!;
      }
    }
    candidates++;
    const total = sum + comp;
    if (total > bestScore) {
      bestScore = total;
      bestThreshold = t;
    }
  }
  return { threshold: bestThreshold, score: bestScore, candidates };
}

/** A profile's result over a whole corpus. */
export interface NabProfileResult {
  /** The profile's name, or 'custom'. */
  readonly profile: NabProfileName | 'custom';
  /** The cost matrix used. */
  readonly costs: NabProfile;
  /** The corpus threshold (swept, or as given). */
  readonly threshold: number;
  /** The summed raw score of all files at that threshold. */
  readonly rawScore: number;
  /** The raw score of a detector that never fires. */
  readonly nullScore: number;
  /** The raw score of a detector firing exactly at the start of every window (tpWeight x windows). */
  readonly perfectScore: number;
  /** `100 * (raw - null) / (perfect - null)` (NaN for a corpus without windows). */
  readonly normalizedScore: number;
  /** Per-file rows, in the order given. */
  readonly files: readonly NabFileResult[];
  /** Summed counts over all files. */
  readonly totals: { readonly tp: number; readonly tn: number; readonly fp: number; readonly fn: number; readonly totalCount: number };
}

/** Options of {@link scoreNabCorpus}. */
export interface NabCorpusOptions {
  /** Profiles to score (default all three). */
  readonly profiles?: readonly NabProfileName[];
  /** Fixed thresholds per profile, instead of sweeping (for example to reproduce a published result). */
  readonly thresholds?: Partial<Record<NabProfileName, number>>;
  /** Probationary fraction (default 0.15). */
  readonly probationPercent?: number;
}

/**
 * Scores a detector on a NAB corpus: for each profile, sweeps the corpus threshold (unless one is given),
 * scores every file at it, and normalises the total.
 * @param files each file's name, windows (row ranges) and detector scores (in [0, 1] for NAB).
 * @param options profiles, fixed thresholds, probationary fraction.
 * @returns one result per profile, in the order asked.
 * @example
 * const results = scoreNabCorpus([{ name: 'a.csv', scores, windows: [{ start: 500, end: 549 }] }]);
 * console.log(results[0].normalizedScore);
 */
export function scoreNabCorpus(files: readonly NabFileInput[], options: NabCorpusOptions = {}): NabProfileResult[] {
  const profiles = options.profiles ?? NAB_PROFILE_NAMES;
  for (const name of profiles) {
    if (!Object.prototype.hasOwnProperty.call(NAB_PROFILES, name)) {
      throw new RangeError(`profiles must contain only ${NAB_PROFILE_NAMES.join(', ')}, got ${String(name)}`);
    }
  }
  const probationPercent = options.probationPercent ?? NAB_PROBATION_PERCENT;
  checkProbationPercent(probationPercent);
  const prepared = files.map((f) => ({
    file: prepareNabFile(f.name, f.scores.length, f.windows, probationPercent),
    scores: f.scores,
  }));
  return profiles.map((name) => {
    const costs = NAB_PROFILES[name];
    const given = options.thresholds?.[name];
    const threshold = given ?? sweepNabThreshold(prepared, costs).threshold;
    return evaluateAt(name, costs, prepared, threshold);
  });
}

function evaluateAt(
  profile: NabProfileName | 'custom',
  costs: NabProfile,
  prepared: readonly { readonly file: PreparedNabFile; readonly scores: ArrayLike<number> }[],
  threshold: number,
): NabProfileResult {
  const results = prepared.map(({ file, scores }) => scoreNabFile(file, scores, threshold, costs));
  let rawScore = 0;
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  let totalCount = 0;
  let counted = 0;
  let windows = 0;
  for (const r of results) {
    rawScore += r.score;
    tp += r.tp;
    tn += r.tn;
    fp += r.fp;
    fn += r.fn;
    totalCount += r.totalCount;
    counted += r.windows;
  }
  for (const { file } of prepared) windows += file.windows.length;
  const nullScore = -costs.fnWeight * counted;
  const perfectScore = costs.tpWeight * windows;
  return {
    profile,
    costs,
    threshold,
    rawScore,
    nullScore,
    perfectScore,
    normalizedScore: perfectScore > nullScore ? normalizeNabScore(rawScore, perfectScore, nullScore) : Number.NaN,
    files: results,
    totals: { tp, tn, fp, fn, totalCount },
  };
}
