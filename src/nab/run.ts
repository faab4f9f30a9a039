/**
 * Scoring the NAB corpus with this library's forest in KDA mode: per-file fidelity to KDA's own outputs
 * and NAB's normalised scores for the three profiles.
 * @module
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RandomCutForest } from '../forest/index.js';
import { CsvWriter } from '../io/writers.js';
import { isDirectory, loadNabCorpus, readNabDetectorOutputs, type NabCorpusFile, type NabDetectorOutput } from './corpus.js';
import { scoreNabCorpus, type NabProfileResult } from './scoring.js';
import { mean, median, pearson, spearman } from './stats.js';

/** KDA's forest settings (all optional; KDA's defaults). */
export interface KdaModeOptions {
  /** Trees (default 100). */
  readonly numberOfTrees?: number;
  /** Points per tree (default 256). Scores are divided by log2 of it for NAB. */
  readonly subSampleSize?: number;
  /** Sampler memory in points (default 100000). */
  readonly timeDecay?: number;
  /** Records per shingle (default 1). */
  readonly shingleSize?: number;
  /** Seed of the forest (default 42); every file uses the same seed. */
  readonly seed?: number | string;
}

/** The settings used, defaults filled in. */
export interface KdaModeSettings {
  readonly numberOfTrees: number;
  readonly subSampleSize: number;
  readonly timeDecay: number;
  readonly shingleSize: number;
  readonly seed: number | string;
}

/**
 * Fills in KDA's defaults (100 trees, 256 points, timeDecay 100000, shingle 1) and seed 42.
 * @example
 * kdaModeSettings({ seed: 7 }).numberOfTrees; // 100
 */
export function kdaModeSettings(options: KdaModeOptions = {}): KdaModeSettings {
  return {
    numberOfTrees: options.numberOfTrees ?? 100,
    subSampleSize: options.subSampleSize ?? 256,
    timeDecay: options.timeDecay ?? 100_000,
    shingleSize: options.shingleSize ?? 1,
    seed: options.seed ?? 42,
  };
}

/**
 * Scores a one-dimensional series as KDA does (score, then update, for each row), returning the raw
 * scores (0 during the warm-up).
 * @example
 * const scores = scoreSeriesKdaMode(values, { seed: 42 });
 */
export function scoreSeriesKdaMode(values: ArrayLike<number>, options: KdaModeOptions = {}): Float64Array {
  const s = kdaModeSettings(options);
  const forest = new RandomCutForest({
    dimensions: 1,
    shingleSize: s.shingleSize,
    numberOfTrees: s.numberOfTrees,
    subSampleSize: s.subSampleSize,
    timeDecay: s.timeDecay,
    seed: s.seed,
  });
  const out = new Float64Array(values.length);
  const record = new Float64Array(1);
  for (let i = 0; i < values.length; i++) {
    record[0] = values[i]!;
    out[i] = forest.process(record);
  }
  return out;
}

/** How close our scores are to KDA's on one file. */
export interface NabFileFidelity {
  /** `<category>/<file>.csv`. */
  readonly name: string;
  /** Rows in the file. */
  readonly rows: number;
  /** Rows compared (those after the warm-up). */
  readonly compared: number;
  /** Pearson correlation of our score with KDA's raw score (x8), after the warm-up; NaN if flat. */
  readonly pearson: number;
  /** Spearman rank correlation, after the warm-up; NaN if flat. */
  readonly spearman: number;
  /** mean(ours) / mean(KDA x8), after the warm-up. */
  readonly meanRatio: number;
  /** Whether our scores are exactly 0 during the warm-up. */
  readonly warmupZero: boolean;
  /** Whether either series is constant after the warm-up (correlations undefined). */
  readonly flat: boolean;
}

/**
 * Compares our raw scores with KDA's raw scores on one file, over the rows after the warm-up.
 * @param name the file's name.
 * @param ours our raw scores.
 * @param kdaRaw KDA's raw scores (NAB's `kda` files hold them divided by 8: multiply back).
 * @param warmup rows that must score exactly 0 (256 in KDA mode).
 * @example
 * const f = compareWithKda('x.csv', ours, Float64Array.from(kda.scores, (s) => s * 8), 256);
 * f.pearson; // 0.99...
 */
export function compareWithKda(name: string, ours: ArrayLike<number>, kdaRaw: ArrayLike<number>, warmup: number): NabFileFidelity {
  if (ours.length !== kdaRaw.length) {
    throw new RangeError(`${name}: ours and kdaRaw must have the same length, got ${ours.length} and ${kdaRaw.length}`);
  }
  const n = ours.length;
  const w = Math.min(warmup, n);
  let warmupZero = true;
  for (let i = 0; i < w; i++) if (ours[i] !== 0) warmupZero = false;
  const a = Float64Array.from({ length: n - w }, (_, k) => ours[w + k]!);
  const b = Float64Array.from({ length: n - w }, (_, k) => kdaRaw[w + k]!);
  const p = pearson(a, b);
  return {
    name,
    rows: n,
    compared: n - w,
    pearson: p,
    spearman: spearman(a, b),
    meanRatio: mean(a) / mean(b),
    warmupZero,
    flat: Number.isNaN(p),
  };
}

/** Medians of the fidelity figures over the files that are not flat. */
export interface NabFidelitySummary {
  /** Files compared. */
  readonly files: number;
  /** Files whose correlations are defined. */
  readonly nonFlat: number;
  readonly medianPearson: number;
  readonly minPearson: number;
  readonly medianSpearman: number;
  readonly medianMeanRatio: number;
  /** Whether every file scored exactly 0 during the warm-up. */
  readonly allWarmupZero: boolean;
}

/**
 * Summarises per-file fidelity figures (medians over the non-flat files).
 * @example
 * summarizeFidelity(results.fidelity).medianPearson;
 */
export function summarizeFidelity(files: readonly NabFileFidelity[]): NabFidelitySummary {
  const real = files.filter((f) => !f.flat);
  return {
    files: files.length,
    nonFlat: real.length,
    medianPearson: median(real.map((f) => f.pearson)),
    minPearson: real.length === 0 ? Number.NaN : Math.min(...real.map((f) => f.pearson)),
    medianSpearman: median(real.map((f) => f.spearman)),
    medianMeanRatio: median(real.map((f) => f.meanRatio)),
    allWarmupZero: files.every((f) => f.warmupZero),
  };
}

/** Options of {@link runNab}. */
export interface NabRunOptions extends KdaModeOptions {
  /** The NAB data folder (`<category>/<file>.csv`). */
  readonly dataDir: string;
  /** The labels file (default `<dataDir>/../labels/combined_windows.json`). */
  readonly labelsFile?: string;
  /** A folder of KDA outputs (`<category>/<file>.csv`, scores /8) to compare with; skipped when absent. */
  readonly kdaDir?: string;
  /** When given, writes `<outDir>/<category>/<file>.csv` with `timestamp,value,ANOMALY_SCORE` (raw scores). */
  readonly outDir?: string;
  /** Only these files (default all). */
  readonly files?: readonly string[];
  /** Called after each file is scored. */
  readonly onFile?: (event: { readonly name: string; readonly index: number; readonly count: number; readonly rows: number; readonly seconds: number }) => void;
}

/** The outcome of {@link runNab}. */
export interface NabRunResult {
  /** The forest settings used. */
  readonly settings: KdaModeSettings;
  /** Scores are divided by this for NAB: log2(subSampleSize). */
  readonly scale: number;
  /** Files scored. */
  readonly files: number;
  /** Rows scored. */
  readonly rows: number;
  /** Seconds spent scoring with the forest. */
  readonly seconds: number;
  /** Per-file comparison with KDA (files with a KDA output only). */
  readonly fidelity: readonly NabFileFidelity[];
  /** Medians of the comparison, or undefined without KDA outputs. */
  readonly fidelitySummary: NabFidelitySummary | undefined;
  /** NAB's result per profile (standard, reward_low_FP_rate, reward_low_FN_rate). */
  readonly nab: readonly NabProfileResult[];
}

/**
 * Scores every file of a NAB data folder in KDA mode, compares with KDA's outputs where present, and
 * computes NAB's normalised scores (scores divided by log2(subSampleSize), threshold swept over the
 * whole corpus).
 * @example
 * const result = await runNab({ dataDir: 'NAB/data', kdaDir: 'NAB/kda', seed: 42 });
 * console.log(result.nab[0].normalizedScore, result.fidelitySummary?.medianPearson);
 */
export async function runNab(options: NabRunOptions): Promise<NabRunResult> {
  const settings = kdaModeSettings(options);
  const scale = Math.log2(settings.subSampleSize);
  const corpus = await loadNabCorpus({
    dataDir: options.dataDir,
    ...(options.labelsFile === undefined ? {} : { labelsFile: options.labelsFile }),
    ...(options.files === undefined ? {} : { files: options.files }),
  });
  let kda = new Map<string, NabDetectorOutput>();
  if (options.kdaDir !== undefined) {
    if (!(await isDirectory(options.kdaDir))) throw new RangeError(`kdaDir must be a folder, got ${JSON.stringify(options.kdaDir)}`);
    kda = await readNabDetectorOutputs(options.kdaDir);
  }
  const fidelity: NabFileFidelity[] = [];
  const inputs: { name: string; scores: Float64Array; windows: NabCorpusFile['windows'] }[] = [];
  let seconds = 0;
  let rows = 0;
  const warmup = settings.subSampleSize + settings.shingleSize - 1;
  for (let index = 0; index < corpus.length; index++) {
    const file = corpus[index]!;
    const start = performance.now();
    const raw = scoreSeriesKdaMode(file.values, settings);
    const elapsed = (performance.now() - start) / 1000;
    seconds += elapsed;
    rows += raw.length;
    if (options.outDir !== undefined) await writeScores(join(options.outDir, file.name), file, raw);
    const k = kda.get(file.name);
    if (k !== undefined) {
      if (k.scores.length !== raw.length) {
        throw new RangeError(`${file.name}: the KDA output has ${k.scores.length} rows, the data file ${raw.length}`);
      }
      fidelity.push(compareWithKda(file.name, raw, Float64Array.from(k.scores, (s) => s * 8), warmup));
    }
    inputs.push({ name: file.name, scores: Float64Array.from(raw, (s) => s / scale), windows: file.windows });
    options.onFile?.({ name: file.name, index, count: corpus.length, rows: raw.length, seconds: elapsed });
  }
  return {
    settings,
    scale,
    files: corpus.length,
    rows,
    seconds,
    fidelity,
    fidelitySummary: fidelity.length === 0 ? undefined : summarizeFidelity(fidelity),
    nab: scoreNabCorpus(inputs),
  };
}

async function writeScores(path: string, file: NabCorpusFile, raw: Float64Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const writer = new CsvWriter(createWriteStream(path));
  await writer.writeRow(['timestamp', 'value', 'ANOMALY_SCORE']);
  for (let i = 0; i < raw.length; i++) await writer.writeRow([file.timestamps[i], file.values[i], raw[i]]);
  await writer.close();
}
