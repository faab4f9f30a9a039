/**
 * `rcf demo` (what `npm start` runs): replays the bundled NYC taxi series, prints the strongest
 * distinct anomalies next to NAB's labelled events, and writes an SVG chart.
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RandomCutForest } from '../forest/forest.js';
import { readCsv } from '../io/csv-reader.js';
import { parseFiniteNumber } from '../io/columns.js';
import { anomalyChart } from '../report/svg-chart.js';
import { topEvents } from '../report/events.js';
import { parseTime } from '../stream/time.js';
import { parseArgs } from 'node:util';
import { UsageError, parseSeed, type CliIo } from './common.js';
import { packageRoot } from './package-root.js';

/** Settings of the demo replay. */
export interface DemoOptions {
  /** CSV with `timestamp,value` (default: the bundled data/nyc_taxi.csv). */
  data?: string;
  /** Labelled windows (default: data/nyc_taxi.labels.json). */
  labels?: string;
  /** Where the chart goes (default: out/nyc_taxi.svg under the current folder). */
  chart?: string;
  /** How many events to list (default 10). */
  top?: number;
  /** Random seed (default 42). */
  seed?: number | string;
}

/** One listed event. */
export interface DemoEvent {
  rank: number;
  timestamp: string;
  score: number;
  value: number;
  /** The labelled window it falls in, if any. */
  label: string | undefined;
}

/** What the demo found. */
export interface DemoResult {
  events: DemoEvent[];
  labelsFound: string[];
  labels: string[];
  chartPath: string;
  rows: number;
  millis: number;
}

interface LabelFile {
  windows: { name: string; start: string; end: string }[];
}

/**
 * The forest settings of the demo: KDA's defaults but for a shingle of one day (48 half-hours), so
 * that a day whose shape is unusual stands out, and a time decay of 2560 points (about 53 days).
 */
export const DEMO_FOREST = Object.freeze({ numberOfTrees: 100, subSampleSize: 256, shingleSize: 48, timeDecay: 2560 });

/**
 * Runs the replay and writes the chart; prints nothing (see `printDemo`).
 * @example
 * const result = await runDemo({ seed: 42 });
 * result.labelsFound; // e.g. ['NYC marathon', 'Thanksgiving', ...]
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const root = packageRoot();
  const dataPath = options.data ?? join(root, 'data', 'nyc_taxi.csv');
  const labelsPath = options.labels ?? join(root, 'data', 'nyc_taxi.labels.json');
  // The chart goes under the current folder: inside an installed package, the package's own folder
  // (node_modules/random-cut-forest) is no place to write to.
  const chartPath = resolve(options.chart ?? join('out', 'nyc_taxi.svg'));
  const labelFile = JSON.parse(readFileSync(labelsPath, 'utf8')) as LabelFile;
  const windows = labelFile.windows.map((w) => ({ name: w.name, start: parseTime(w.start)!, end: parseTime(w.end)! }));

  const started = performance.now();
  const forest = new RandomCutForest({ dimensions: 1, ...DEMO_FOREST, seed: options.seed ?? 42 });
  const stamps: string[] = [];
  const times: number[] = [];
  const values: number[] = [];
  const scores: number[] = [];
  const record = [0];
  for await (const row of readCsv(dataPath)) {
    const time = parseTime(row.fields[0]);
    const value = parseFiniteNumber(row.fields[1] ?? '');
    if (time === undefined || value === undefined) {
      throw new Error(`${dataPath}:${row.line}: expected timestamp,value, got ${row.fields.join(',')}`);
    }
    record[0] = value;
    stamps.push(row.fields[0]!);
    times.push(time);
    values.push(value);
    scores.push(forest.process(record));
  }
  const millis = performance.now() - started;

  const twoDays = 2 * 86_400_000;
  const picked = topEvents(times, scores, options.top ?? 10, twoDays);
  const events: DemoEvent[] = picked.map((e, k) => ({
    rank: k + 1,
    timestamp: stamps[e.index]!,
    score: e.score,
    value: values[e.index]!,
    label: windows.find((w) => e.time >= w.start && e.time <= w.end)?.name,
  }));
  const labelsFound = windows.map((w) => w.name).filter((name) => events.some((e) => e.label === name));
  mkdirSync(dirname(chartPath), { recursive: true });
  writeFileSync(
    chartPath,
    anomalyChart({
      title: 'NYC taxi passengers per 30 minutes (top) and their anomaly score (bottom)',
      subtitle:
        `Random Cut Forest: ${DEMO_FOREST.numberOfTrees} trees, sample ${DEMO_FOREST.subSampleSize}, shingle ${DEMO_FOREST.shingleSize} (one day), ` +
        `time decay ${DEMO_FOREST.timeDecay}. Shaded: NAB's labelled windows. Numbered circles: the ${events.length} strongest distinct events.`,
      times,
      values,
      scores,
      valueLabel: 'passengers',
      windows,
      markers: picked.map((e, k) => ({ time: e.time, score: e.score, label: String(k + 1) })),
    }),
  );
  return { events, labelsFound, labels: windows.map((w) => w.name), chartPath, rows: values.length, millis };
}

/** Formats a demo result as the table `npm start` prints. */
export function formatDemo(result: DemoResult): string {
  const lines = [
    `Replayed ${result.rows} rows of data/nyc_taxi.csv in ${(result.millis / 1000).toFixed(2)} s ` +
      `(100 trees, sample 256, shingle ${DEMO_FOREST.shingleSize}, time decay ${DEMO_FOREST.timeDecay}).`,
    '',
    `The ${result.events.length} strongest distinct anomalies (peaks at least two days apart):`,
    '',
    ' rank  timestamp            score  passengers  NAB label',
  ];
  for (const e of result.events) {
    lines.push(
      `${String(e.rank).padStart(5)}  ${e.timestamp.padEnd(19)}  ${e.score.toFixed(3).padStart(5)}  ${String(e.value).padStart(10)}  ${e.label ?? '-'}`,
    );
  }
  lines.push('');
  lines.push(`Labelled events found: ${result.labelsFound.length} of ${result.labels.length} (${result.labelsFound.join(', ') || 'none'}).`);
  lines.push(`Chart: ${result.chartPath}`);
  return lines.join('\n');
}

/** Usage text of `rcf demo`. */
export const DEMO_USAGE = `Usage: rcf demo [--seed S] [--top N] [--chart FILE]

Replays the bundled NYC taxi series (data/nyc_taxi.csv, NAB), prints its strongest distinct anomalies
next to NAB's labelled events, and writes an SVG chart (default out/nyc_taxi.svg in the current folder).

Examples:
  rcf demo
  rcf demo --top 5 --chart taxi.svg
`;

/**
 * `rcf demo`: runs {@link runDemo} and prints {@link formatDemo}.
 * @example
 * await demoCommand(['--top', '5'], { stdout: process.stdout, stderr: process.stderr });
 */
export async function demoCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      seed: { type: 'string' },
      top: { type: 'string' },
      chart: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout.write(DEMO_USAGE);
    return 0;
  }
  const top = values.top === undefined ? 10 : Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be an integer >= 1, got ${JSON.stringify(values.top)}`);
  const options: DemoOptions = { top };
  if (values.seed !== undefined) options.seed = parseSeed(values.seed);
  if (values.chart !== undefined) options.chart = values.chart;
  io.stdout.write(formatDemo(await runDemo(options)) + '\n');
  return 0;
}
