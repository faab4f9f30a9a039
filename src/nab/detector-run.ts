/**
 * Scoring the NAB corpus with {@link AnomalyDetector}'s alarms (as bench/nab-detector.ts does): one
 * detector per file, every row with its timestamp, `isAnomaly` as the detection (1, else 0), scored by
 * NAB's rules at a fixed threshold of 0.5 (the alarms are the decision; nothing is swept on the labels).
 * @module
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AnomalyDetector } from '../detect/index.js';
import { CsvWriter } from '../io/writers.js';
import { loadNabCorpus, parseNabTimestamp, type NabCorpusFile } from './corpus.js';
import { probationLength, scoreNabCorpus, type NabProfileResult } from './scoring.js';

/** Options of {@link runNabDetector}. */
export interface NabDetectorRunOptions {
  /** The NAB data folder (`<category>/<file>.csv`). */
  readonly dataDir: string;
  /** The labels file (default `<dataDir>/../labels/combined_windows.json`). */
  readonly labelsFile?: string;
  /** The detectors' seed (default 42); every file uses the same seed. The other options are the detector's defaults. */
  readonly seed?: number | string;
  /** When given, writes `<outDir>/<category>/<file>.csv` with `timestamp,value,ANOMALY_SCORE,ANOMALY_GRADE,IS_ANOMALY`. */
  readonly outDir?: string;
  /** Only these files (default all). */
  readonly files?: readonly string[];
  /** Called after each file is scored. */
  readonly onFile?: (event: { readonly name: string; readonly index: number; readonly count: number; readonly rows: number; readonly seconds: number }) => void;
}

/** The outcome of {@link runNabDetector}. */
export interface NabDetectorRunResult {
  /** The seed used. */
  readonly seed: number | string;
  /** Files scored. */
  readonly files: number;
  /** Rows scored. */
  readonly rows: number;
  /** Seconds spent in the detectors. */
  readonly seconds: number;
  /** Alarms raised (rows with `isAnomaly`). */
  readonly alarms: number;
  /** Labelled windows, and those holding at least one alarm. */
  readonly windows: number;
  readonly windowsHit: number;
  /** Alarms after the probationary period outside every window. */
  readonly alarmsOutside: number;
  /** NAB's result per profile at the fixed threshold 0.5. */
  readonly nab: readonly NabProfileResult[];
}

/** NAB's threshold for 1/0 detections: every alarm counts, nothing else. */
const FIXED = Object.freeze({ standard: 0.5, reward_low_FP_rate: 0.5, reward_low_FN_rate: 0.5 });

/**
 * Scores every file of a NAB data folder with a fresh `AnomalyDetector({ dimensions: 1, seed })` per file.
 * @example
 * const result = await runNabDetector({ dataDir: 'NAB/data', seed: 42 });
 * console.log(result.nab[0].normalizedScore, result.alarms);
 */
export async function runNabDetector(options: NabDetectorRunOptions): Promise<NabDetectorRunResult> {
  const seed = options.seed ?? 42;
  const corpus = await loadNabCorpus({
    dataDir: options.dataDir,
    ...(options.labelsFile === undefined ? {} : { labelsFile: options.labelsFile }),
    ...(options.files === undefined ? {} : { files: options.files }),
  });
  let seconds = 0;
  let rows = 0;
  let alarms = 0;
  let windows = 0;
  let windowsHit = 0;
  let alarmsOutside = 0;
  const inputs: { name: string; scores: Float64Array; windows: NabCorpusFile['windows'] }[] = [];
  for (let index = 0; index < corpus.length; index++) {
    const file = corpus[index]!;
    const start = performance.now();
    const detector = new AnomalyDetector({ dimensions: 1, seed });
    const record = new Float64Array(1);
    const n = file.values.length;
    const scores = new Float64Array(n);
    const flags = new Float64Array(n);
    const grades = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      record[0] = file.values[i]!;
      const r = detector.process(record, parseNabTimestamp(file.timestamps[i]!));
      scores[i] = r.score;
      grades[i] = r.grade;
      flags[i] = r.isAnomaly ? 1 : 0;
    }
    const elapsed = (performance.now() - start) / 1000;
    seconds += elapsed;
    rows += n;
    const probation = probationLength(n);
    windows += file.windows.length;
    for (const w of file.windows) if (flags.subarray(w.start, w.end + 1).some((s) => s > 0)) windowsHit++;
    for (let i = 0; i < n; i++) {
      if (flags[i] === 0) continue;
      alarms++;
      if (i >= probation && !file.windows.some((w) => i >= w.start && i <= w.end)) alarmsOutside++;
    }
    if (options.outDir !== undefined) await writeDetections(join(options.outDir, file.name), file, scores, grades, flags);
    inputs.push({ name: file.name, scores: flags, windows: file.windows });
    options.onFile?.({ name: file.name, index, count: corpus.length, rows: n, seconds: elapsed });
  }
  return { seed, files: corpus.length, rows, seconds, alarms, windows, windowsHit, alarmsOutside, nab: scoreNabCorpus(inputs, { thresholds: FIXED }) };
}

async function writeDetections(path: string, file: NabCorpusFile, scores: Float64Array, grades: Float64Array, flags: Float64Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const writer = new CsvWriter(createWriteStream(path));
  await writer.writeRow(['timestamp', 'value', 'ANOMALY_SCORE', 'ANOMALY_GRADE', 'IS_ANOMALY']);
  for (let i = 0; i < scores.length; i++) await writer.writeRow([file.timestamps[i], file.values[i], scores[i], grades[i], flags[i] === 1]);
  await writer.close();
}
