/**
 * Loading a NAB corpus from disk: data files, labelled windows, detector outputs and NAB result tables.
 * @module
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CsvReader } from '../io/csv-reader.js';
import { InputError } from '../io/source.js';
import { parseFiniteNumber } from '../io/columns.js';
import type { RowWindow } from './scoring.js';

/** A labelled window as NAB writes it: `[start, end]` timestamps, both included. */
export type NabWindowLimits = readonly [string, string];

/** NAB's labels file: `{ "<category>/<file>.csv": [[start, end], ...] }`. */
export type NabLabels = Readonly<Record<string, readonly NabWindowLimits[]>>;

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z)?$/;

/**
 * Parses a NAB timestamp (`2014-10-30 15:30:00` or `2014-10-30 15:30:00.000000`, read as UTC) into
 * milliseconds since the epoch (fractions of a millisecond kept). Other formats go through `Date.parse`.
 * @throws RangeError when the text is not a timestamp.
 * @example
 * parseNabTimestamp('2014-10-30 15:30:00.000000') === parseNabTimestamp('2014-10-30 15:30:00'); // true
 */
export function parseNabTimestamp(text: string): number {
  const m = TIMESTAMP.exec(text.trim());
  if (m !== null) {
    const ms = Date.UTC(
      Number(m[1]),
      Number(m[2]) - 1,
      Number(m[3]),
      Number(m[4] ?? 0),
      Number(m[5] ?? 0),
      Number(m[6] ?? 0),
    );
    const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
    return ms + fraction;
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new RangeError(`timestamp must be a date and time such as "2014-10-30 15:30:00", got ${JSON.stringify(text)}`);
  return t;
}

/**
 * Turns labelled windows (timestamp pairs) into inclusive row ranges, as NAB does: a window starts at the
 * first row whose timestamp equals its start and ends at the first row (from there on) whose timestamp
 * equals its end. When a limit is not a row's timestamp, the window starts at the first row at or after
 * its start and runs while the timestamps stay at or before its end. (NAB's files are not all in strictly
 * ascending order: a few repeat timestamps, which is why rows are searched in file order.)
 * @param timestamps the file's timestamps, as text or as milliseconds.
 * @param windows the labelled windows.
 * @param name the file's name, for error messages.
 * @throws RangeError when a window covers no row.
 * @example
 * rowWindows(['2014-01-01 00:00:00', '2014-01-01 00:05:00', '2014-01-01 00:10:00'],
 *            [['2014-01-01 00:05:00.000000', '2014-01-01 00:10:00.000000']]); // [{ start: 1, end: 2 }]
 */
export function rowWindows(
  timestamps: readonly string[] | ArrayLike<number>,
  windows: readonly NabWindowLimits[],
  name: string = 'file',
): RowWindow[] {
  const n = timestamps.length;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = timestamps[i]!;
    t[i] = typeof v === 'number' ? v : parseNabTimestamp(v);
  }
  return windows.map(([a, b], k) => {
    const ta = parseNabTimestamp(a);
    const tb = parseNabTimestamp(b);
    let start = t.indexOf(ta);
    if (start < 0) start = t.findIndex((x) => x >= ta);
    let end = start < 0 ? -1 : t.indexOf(tb, start);
    if (start >= 0 && end < 0 && t[start]! <= tb) {
      end = start;
      while (end + 1 < n && t[end + 1]! <= tb) end++;
    }
    if (start < 0 || end < 0) {
      throw new RangeError(`${name}: window ${k} [${a}, ${b}] covers no row of the file`);
    }
    return { start, end };
  });
}

/**
 * Reads NAB's labels file (`labels/combined_windows.json`).
 * @throws TypeError when the file is not of the form `{ "<file>": [[start, end], ...] }`.
 * @example
 * const labels = await readNabLabels('NAB/labels/combined_windows.json');
 * labels['realKnownCause/nyc_taxi.csv'].length; // 5
 */
export async function readNabLabels(path: string): Promise<NabLabels> {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TypeError(`${path}: invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new TypeError(`${path}: expected an object mapping file names to windows`);
  }
  for (const [file, windows] of Object.entries(json)) {
    const ok =
      Array.isArray(windows) &&
      windows.every((w: unknown) => Array.isArray(w) && w.length === 2 && typeof w[0] === 'string' && typeof w[1] === 'string');
    if (!ok) throw new TypeError(`${path}: windows of ${JSON.stringify(file)} must be an array of [start, end] timestamp strings`);
  }
  return json as NabLabels;
}

/** One file of a NAB corpus, loaded. */
export interface NabCorpusFile {
  /** `<category>/<file>.csv`, as in the labels file. */
  readonly name: string;
  /** The file's timestamps, as written. */
  readonly timestamps: readonly string[];
  /** The file's values. */
  readonly values: Float64Array;
  /** The labelled windows as written in the labels file. */
  readonly labelWindows: readonly NabWindowLimits[];
  /** The labelled windows as row ranges. */
  readonly windows: readonly RowWindow[];
}

/**
 * Lists the `<category>/<file>.csv` files of a NAB-style data folder, sorted.
 * @example
 * await listNabFiles('NAB/data'); // ['artificialNoAnomaly/art_daily_no_noise.csv', ...]
 */
export async function listNabFiles(dataDir: string): Promise<string[]> {
  const out: string[] = [];
  const categories = (await readdir(dataDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  for (const category of categories.sort()) {
    const files = (await readdir(join(dataDir, category), { withFileTypes: true }))
      .filter((d) => d.isFile() && d.name.endsWith('.csv'))
      .map((d) => d.name)
      .sort();
    for (const f of files) out.push(`${category}/${f}`);
  }
  return out;
}

/**
 * Reads the given columns of a CSV file into memory (timestamps as text, the others as numbers).
 * @param path the file.
 * @param timestampColumn the timestamp column's name.
 * @param numberColumns the numeric columns to read.
 * @throws InputError naming the line on a malformed row or non-numeric value.
 * @example
 * const { timestamps, columns } = await readTimeSeriesCsv('kda/x.csv', 'timestamp', ['value', 'anomaly_score']);
 */
export async function readTimeSeriesCsv(
  path: string,
  timestampColumn: string,
  numberColumns: readonly string[],
): Promise<{ timestamps: string[]; columns: Float64Array[] }> {
  const reader = new CsvReader(path);
  const header = await reader.header();
  const ti = header.indexOf(timestampColumn);
  if (ti < 0) throw new InputError(path, 1, `missing column ${JSON.stringify(timestampColumn)}`);
  const idx = numberColumns.map((c) => {
    const k = header.indexOf(c);
    if (k < 0) throw new InputError(path, 1, `missing column ${JSON.stringify(c)}`);
    return k;
  });
  const timestamps: string[] = [];
  const values: number[][] = numberColumns.map(() => []);
  for await (const batch of reader.batches()) {
    for (const row of batch) {
      timestamps.push(row.fields[ti]!);
      for (let c = 0; c < idx.length; c++) {
        const x = parseFiniteNumber(row.fields[idx[c]!]!);
        if (x === undefined) {
          throw new InputError(path, row.line, `expected a finite number, got ${JSON.stringify(row.fields[idx[c]!])}`, numberColumns[c]);
        }
        values[c]!.push(x);
      }
    }
  }
  return { timestamps, columns: values.map((v) => Float64Array.from(v)) };
}

/** Options of {@link loadNabCorpus}. */
export interface LoadNabCorpusOptions {
  /** The data folder (`<category>/<file>.csv` with `timestamp,value`). */
  readonly dataDir: string;
  /** The labels file (default `<dataDir>/../labels/combined_windows.json`). */
  readonly labelsFile?: string;
  /** Only these files (`<category>/<file>.csv`); default every file of the folder. */
  readonly files?: readonly string[];
}

/**
 * Loads a NAB corpus: every data file with its values and its windows as row ranges.
 * @throws RangeError when a data file has no entry in the labels file.
 * @example
 * const corpus = await loadNabCorpus({ dataDir: 'NAB/data' });
 * corpus.length; // 58
 */
export async function loadNabCorpus(options: LoadNabCorpusOptions): Promise<NabCorpusFile[]> {
  const labelsFile = options.labelsFile ?? join(options.dataDir, '..', 'labels', 'combined_windows.json');
  const labels = await readNabLabels(labelsFile);
  const names = options.files ?? (await listNabFiles(options.dataDir));
  const out: NabCorpusFile[] = [];
  for (const name of names) {
    const labelWindows = labels[name];
    if (labelWindows === undefined) throw new RangeError(`${labelsFile} has no windows for ${name}`);
    const path = join(options.dataDir, name);
    const { timestamps, columns } = await readTimeSeriesCsv(path, 'timestamp', ['value']);
    out.push({ name, timestamps, values: columns[0]!, labelWindows, windows: rowWindows(timestamps, labelWindows, name) });
  }
  return out;
}

/** A detector's output for one file (for example KDA's `timestamp,value,anomaly_score`). */
export interface NabDetectorOutput {
  /** `<category>/<file>.csv`. */
  readonly name: string;
  /** The file's timestamps. */
  readonly timestamps: readonly string[];
  /** The file's values. */
  readonly values: Float64Array;
  /** The detector's score per row. */
  readonly scores: Float64Array;
}

/**
 * Reads every `<category>/<file>.csv` of a detector output folder (columns timestamp, value and a score
 * column, `anomaly_score` by default).
 * @example
 * const kda = await readNabDetectorOutputs('NAB/kda');
 * kda.get('realAdExchange/exchange-2_cpc_results.csv')?.scores;
 */
export async function readNabDetectorOutputs(
  dir: string,
  scoreColumn: string = 'anomaly_score',
): Promise<Map<string, NabDetectorOutput>> {
  const out = new Map<string, NabDetectorOutput>();
  for (const name of await listNabFiles(dir)) {
    const { timestamps, columns } = await readTimeSeriesCsv(join(dir, name), 'timestamp', ['value', scoreColumn]);
    out.set(name, { name, timestamps, values: columns[0]!, scores: columns[1]! });
  }
  return out;
}

/** One row of a NAB results table (`results/<detector>_<profile>_scores.csv`). */
export interface NabResultRow {
  readonly detector: string;
  readonly profile: string;
  /** `<category>/<file>.csv`, or '' for the Totals row. */
  readonly file: string;
  readonly threshold: number;
  readonly score: number;
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly totalCount: number;
}

/**
 * Reads a NAB results table (`Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count`). The
 * `Totals` row is returned with `detector` 'Totals' and NaN threshold.
 * @example
 * const rows = await readNabResultsCsv('NAB/results/kda_rcf_standard_scores.csv');
 * rows[0].threshold; // 0.453918457031
 */
export async function readNabResultsCsv(path: string): Promise<NabResultRow[]> {
  const rows: NabResultRow[] = [];
  const num = (text: string | undefined): number => (text === undefined || text === '' ? Number.NaN : Number(text));
  for await (const row of new CsvReader(path)) {
    const r = row.record;
    rows.push({
      detector: r['Detector'] ?? '',
      profile: r['Profile'] ?? '',
      file: r['File'] ?? '',
      threshold: num(r['Threshold']),
      score: num(r['Score']),
      tp: num(r['TP']),
      tn: num(r['TN']),
      fp: num(r['FP']),
      fn: num(r['FN']),
      totalCount: num(r['Total_Count']),
    });
  }
  return rows;
}

/**
 * Whether a path exists and is a directory.
 * @example
 * if (await isDirectory('NAB/data')) console.log('NAB is here');
 */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** NAB's scoreboard (`results/final_results.json`): normalised score per detector and profile. */
export type NabScoreboard = Readonly<Record<string, Readonly<Record<string, number>>>>;

/**
 * Reads NAB's scoreboard, `results/final_results.json`.
 * @throws TypeError when the file is not `{ detector: { profile: number } }`.
 * @example
 * const board = await readNabScoreboard('NAB/results/final_results.json');
 * board.randomCutForest.standard; // 51.717054557073276
 */
export async function readNabScoreboard(path: string): Promise<NabScoreboard> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) throw new TypeError(`${path}: invalid JSON: ${e.message}`);
    throw e;
  }
  const ok =
    json !== null &&
    typeof json === 'object' &&
    Object.values(json).every(
      (v: unknown) => v !== null && typeof v === 'object' && Object.values(v).every((x: unknown) => typeof x === 'number'),
    );
  if (!ok) throw new TypeError(`${path}: expected { detector: { profile: score } }`);
  return json as NabScoreboard;
}
