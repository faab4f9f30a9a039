/**
 * Scoring the NAB corpus with {@link AnomalyDetector}'s alarms (as bench/nab-detector.ts does): one
 * detector per file, every row with its timestamp, `isAnomaly` as the detection (1, else 0), scored by
 * NAB's rules at a fixed threshold of 0.5 (the alarms are the decision; nothing is swept on the labels).
 * @module
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AnomalyDetector, type AnomalyDetectorOptions } from '../detect/index.js';
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

/**
 * NAB's thresholds for 1/0 detections: every alarm counts, nothing else (no threshold is searched).
 * @example
 * scoreNabCorpus(files, { thresholds: NAB_ALARM_THRESHOLDS });
 */
export const NAB_ALARM_THRESHOLDS = Object.freeze({ standard: 0.5, reward_low_FP_rate: 0.5, reward_low_FN_rate: 0.5 });

/** One file's detections: per row the score, the grade, and 1 for an alarm (else 0). */
export interface NabFileDetections {
  readonly scores: Float64Array;
  readonly grades: Float64Array;
  readonly flags: Float64Array;
}

/**
 * Runs a fresh detector over one NAB file, every row with its timestamp.
 * @example
 * const { flags } = detectNabFile(corpus[0], { dimensions: 1, seed: 42 });
 */
export function detectNabFile(file: NabCorpusFile, options: AnomalyDetectorOptions): NabFileDetections {
  const detector = new AnomalyDetector(options);
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
  return { scores, grades, flags };
}

/** How alarms fell: in all, labelled windows holding one, and alarms outside every window after probation. */
export interface NabAlarmCounts {
  alarms: number;
  windows: number;
  windowsHit: number;
  alarmsOutside: number;
}

/**
 * Counts the alarms (`flags[i] > 0`) of some files against their labelled windows.
 * @example
 * countNabAlarms([{ flags, windows: file.windows }]).windowsHit;
 */
export function countNabAlarms(files: readonly { readonly flags: ArrayLike<number>; readonly windows: NabCorpusFile['windows'] }[]): NabAlarmCounts {
  const counts: NabAlarmCounts = { alarms: 0, windows: 0, windowsHit: 0, alarmsOutside: 0 };
  for (const { flags, windows } of files) {
    const probation = probationLength(flags.length);
    counts.windows += windows.length;
    for (const w of windows) {
      for (let i = w.start; i <= w.end; i++) {
        if (flags[i]! > 0) {
          counts.windowsHit++;
          break;
        }
      }
    }
    for (let i = 0; i < flags.length; i++) {
      if (!(flags[i]! > 0)) continue;
      counts.alarms++;
      if (i >= probation && !windows.some((w) => i >= w.start && i <= w.end)) counts.alarmsOutside++;
    }
  }
  return counts;
}

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
  const inputs: { name: string; scores: Float64Array; flags: Float64Array; windows: NabCorpusFile['windows'] }[] = [];
  for (let index = 0; index < corpus.length; index++) {
    const file = corpus[index]!;
    const start = performance.now();
    const { scores, grades, flags } = detectNabFile(file, { dimensions: 1, seed });
    const elapsed = (performance.now() - start) / 1000;
    seconds += elapsed;
    rows += flags.length;
    if (options.outDir !== undefined) await writeDetections(join(options.outDir, file.name), file, scores, grades, flags);
    inputs.push({ name: file.name, scores: flags, flags, windows: file.windows });
    options.onFile?.({ name: file.name, index, count: corpus.length, rows: flags.length, seconds: elapsed });
  }
  const counts = countNabAlarms(inputs);
  return { seed, files: corpus.length, rows, seconds, ...counts, nab: scoreNabCorpus(inputs, { thresholds: NAB_ALARM_THRESHOLDS }) };
}

async function writeDetections(path: string, file: NabCorpusFile, scores: Float64Array, grades: Float64Array, flags: Float64Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const writer = new CsvWriter(createWriteStream(path));
  await writer.writeRow(['timestamp', 'value', 'ANOMALY_SCORE', 'ANOMALY_GRADE', 'IS_ANOMALY']);
  for (let i = 0; i < scores.length; i++) await writer.writeRow([file.timestamps[i], file.values[i], scores[i], grades[i], flags[i] === 1]);
  await writer.close();
}
