/**
 * The command line of `rcf score`: its usage text, and parsing it into checked settings. Every option
 * is checked here, with the flag's name, the value and the allowed range, before any file is touched.
 * @module
 */
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { KDA_FOREST_LIMITS } from '../stream/rcf-operators.js';
import { UsageError, parseSeed } from './common.js';

/** Usage text of `rcf score`. */
export const SCORE_USAGE = `Usage: rcf score [FILE|-] [options]

Scores every row of a CSV file (with a header) or a JSON Lines file with a Random Cut Forest, as Kinesis
Data Analytics' RANDOM_CUT_FOREST does, and writes the rows back with ANOMALY_SCORE appended (and
ANOMALY_EXPLANATION with --explain). Reads stdin when FILE is - or absent. With --detector, scores with
the AnomalyDetector instead and appends ANOMALY_SCORE, ANOMALY_GRADE and IS_ANOMALY.

Options:
  --format csv|jsonl       input format (default: from the extension; csv for stdin)
  -o, --output FILE        write there instead of stdout (- is stdout; never the input or the checkpoint)
  --columns a,b            columns to score, 1-30 (default: the numeric columns of the first 100 rows,
                           except the --time column and columns that look like timestamps or ids;
                           stderr says which were scored and which left out)
  --time COLUMN            the time column: never scored (with --detector, each row's timestamp: epoch ms
                           or an ISO 8601 / "YYYY-MM-DD HH:MM:SS" time; an unreadable one is an invalid row)
  --detector               score with AnomalyDetector (learned threshold and decisions): ANOMALY_SCORE,
                           ANOMALY_GRADE (0, or in (0, 1] on an alarm), IS_ANOMALY (true/false); --trees,
                           --sample-size, --time-decay, --shingle-size, --seed set its options (its
                           defaults: 50, 256, 20 x sample size, 8); not with --explain or --directionality
  --trees N                numberOfTrees, 1-1000 (default 100)
  --sample-size N          subSampleSize, 10-1000, less than --time-decay (default 256)
  --time-decay N           timeDecay in records, 1-2147483647 (default 100000)
  --shingle-size N         shingleSize, 1-30 (default 1)
  --seed S                 seed: same seed, same scores (default: random, as KDA)
  --explain                add ANOMALY_EXPLANATION (RANDOM_CUT_FOREST_WITH_EXPLANATION)
  --directionality         add DIRECTION and STRENGTH to the explanation (implies --explain)
  --invalid-rows fail|skip a scored value that is not a number: fail stops with file:line (default);
                           skip writes the row with an empty score and goes on (counted on stderr)
  --max-record-size BYTES  longest row accepted (default 1048576)
  --checkpoint STATE       save the state to STATE, a file, or a folder when STATE ends with / or is
                           one (created if missing; holds rcf-score.checkpoint); needs FILE and --output
  --checkpoint-every N     rows between checkpoints (default 10000)
  --resume                 continue from the checkpoint in STATE (from the start if there is none)
  -h, --help               show this help

One run at a time may write an output or a checkpoint: a second one fails at once, naming the first
one's pid (lock files .NAME.lock next to them, removed on exit).

Examples:
  rcf score data.csv --seed 42 > scored.csv
  rcf score metrics.csv --time ts --columns cpu,mem --explain -o scored.csv
  rcf score metrics.csv --time ts --detector --seed 42 -o alarms.csv --checkpoint alarms.state --resume
  cat events.jsonl | rcf score --format jsonl --invalid-rows skip
  rcf score nyc_taxi.csv -o scored.csv --checkpoint state/ --resume
`;

/** Checked settings of one `rcf score` run. */
export interface ScoreSettings {
  /** The input path, or undefined for stdin. */
  file: string | undefined;
  format: 'csv' | 'jsonl';
  /** `--format` was given (not guessed from the extension). */
  formatGiven: boolean;
  output: string | undefined;
  columns: string[] | undefined;
  time: string | undefined;
  trees: number | undefined;
  sampleSize: number | undefined;
  timeDecay: number | undefined;
  shingleSize: number | undefined;
  seed: number | string | undefined;
  explain: boolean;
  directionality: boolean;
  invalidRows: 'fail' | 'skip';
  maxRecordSize: number;
  checkpoint: string | undefined;
  checkpointEvery: number;
  resume: boolean;
  /** `--detector`: AnomalyDetector instead of the KDA forest. */
  detector: boolean;
}

/** Default of `--max-record-size`: 1 MiB. */
export const DEFAULT_MAX_RECORD_SIZE = 1 << 20;

const OPTIONS = {
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  columns: { type: 'string' },
  time: { type: 'string' },
  trees: { type: 'string' },
  'sample-size': { type: 'string' },
  'time-decay': { type: 'string' },
  'shingle-size': { type: 'string' },
  seed: { type: 'string' },
  explain: { type: 'boolean' },
  directionality: { type: 'boolean' },
  'invalid-rows': { type: 'string' },
  'max-record-size': { type: 'string' },
  checkpoint: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  resume: { type: 'boolean' },
  detector: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Joins each value-taking option with its value (`--trees -5` → `--trees=-5`), so that a value
 * starting with `-` reaches the range check instead of parseArgs' "ambiguous" complaint.
 */
function joinValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.push(...args.slice(i));
      break;
    }
    const long = a.startsWith('--') ? a.slice(2) : a === '-o' ? 'output' : undefined;
    const spec = long === undefined ? undefined : (OPTIONS as Record<string, { type: string }>)[long];
    if (spec?.type === 'string' && i + 1 < args.length) {
      out.push(`--${long}=${args[++i]!}`);
    } else {
      out.push(a);
    }
  }
  return out;
}

function shown(text: string): string {
  return /^[-+]?[\d.eE+-]+$/.test(text.trim()) && text.trim().length > 0 ? text : JSON.stringify(text);
}

/**
 * Parses an integer option within [min, max].
 * @throws UsageError such as `--trees must be an integer in [1, 1000], got -5`.
 * @example
 * parseIntegerOption('--trees', '100', 1, 1000); // 100
 */
export function parseIntegerOption(flag: string, text: string, min: number, max: number): number {
  const x = Number(text.trim());
  if (!/^[-+]?\d+$/.test(text.trim()) || !Number.isSafeInteger(x) || x < min || x > max) {
    throw new UsageError(`${flag} must be an integer in [${min}, ${max}], got ${shown(text)}`);
  }
  return x;
}

function parseColumns(flag: string, text: string): string[] {
  const columns = text.split(',').map((c) => c.trim());
  if (columns.some((c) => c.length === 0)) throw new UsageError(`${flag} must be a comma-separated list of column names, got ${JSON.stringify(text)}`);
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new UsageError(`${flag} names the column ${JSON.stringify(c)} twice`);
    seen.add(c);
  }
  const [lo, hi] = KDA_FOREST_LIMITS.columns;
  if (columns.length < lo || columns.length > hi) throw new UsageError(`${flag} must name ${lo} to ${hi} columns, got ${columns.length}`);
  return columns;
}

/**
 * Parses and checks the arguments of `rcf score` (after `score`).
 * @returns the settings, or `'help'` for `--help`.
 * @throws UsageError naming the flag, the value and what is allowed.
 * @example
 * parseScoreArgs(['in.csv', '--trees', '50']).trees; // 50
 */
export function parseScoreArgs(args: readonly string[]): ScoreSettings | 'help' {
  const { values, positionals } = parseArgs({ args: joinValues(args), allowPositionals: true, strict: true, options: OPTIONS });
  if (values.help) return 'help';
  if (positionals.length > 1) throw new UsageError(`expected at most one input file, got ${positionals.length}: ${positionals.join(' ')}`);
  const file = positionals[0] === undefined || positionals[0] === '-' ? undefined : positionals[0];
  let format: 'csv' | 'jsonl';
  if (values.format !== undefined) {
    if (values.format !== 'csv' && values.format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, got ${JSON.stringify(values.format)}`);
    format = values.format;
  } else {
    const ext = file === undefined ? '' : extname(file).toLowerCase();
    format = ext === '.jsonl' || ext === '.ndjson' || ext === '.json' ? 'jsonl' : 'csv';
  }
  const L = KDA_FOREST_LIMITS;
  const int = (flag: string, text: string | undefined, min: number, max: number) =>
    text === undefined ? undefined : parseIntegerOption(flag, text, min, max);
  const invalidRows = values['invalid-rows'] ?? 'fail';
  if (invalidRows !== 'fail' && invalidRows !== 'skip') throw new UsageError(`--invalid-rows must be fail or skip, got ${JSON.stringify(invalidRows)}`);
  if (values.time !== undefined && values.time.trim().length === 0) throw new UsageError('--time must name a column, got ""');
  const settings: ScoreSettings = {
    file,
    format,
    formatGiven: values.format !== undefined,
    output: values.output === '-' ? undefined : values.output,
    columns: values.columns === undefined ? undefined : parseColumns('--columns', values.columns),
    time: values.time?.trim(),
    trees: int('--trees', values.trees, L.numberOfTrees[0], L.numberOfTrees[1]),
    sampleSize: int('--sample-size', values['sample-size'], L.subSampleSize[0], L.subSampleSize[1]),
    timeDecay: int('--time-decay', values['time-decay'], L.timeDecay[0], L.timeDecay[1]),
    shingleSize: int('--shingle-size', values['shingle-size'], L.shingleSize[0], L.shingleSize[1]),
    seed: values.seed === undefined ? undefined : parseSeed(values.seed),
    explain: values.explain === true || values.directionality === true,
    directionality: values.directionality === true,
    invalidRows,
    maxRecordSize: int('--max-record-size', values['max-record-size'], 1, 2 ** 30) ?? DEFAULT_MAX_RECORD_SIZE,
    checkpoint: values.checkpoint,
    checkpointEvery: int('--checkpoint-every', values['checkpoint-every'], 1, Number.MAX_SAFE_INTEGER) ?? 10_000,
    resume: values.resume === true,
    detector: values.detector === true,
  };
  if (settings.detector) {
    const given = (['explain', 'directionality'] as const).filter((k) => values[k] === true).map((k) => `--${k}`);
    if (given.length > 0) {
      throw new UsageError(
        `--detector cannot be combined with ${given.join(', ')}: the detector writes no ANOMALY_EXPLANATION ` +
          '(its decisions are IS_ANOMALY and ANOMALY_GRADE)',
      );
    }
  }
  const sampleSize = settings.sampleSize ?? 256;
  const timeDecay = settings.timeDecay ?? 100_000;
  if (sampleSize >= timeDecay) {
    throw new UsageError(`--sample-size (${sampleSize}) must be less than --time-decay (${timeDecay})`);
  }
  if (settings.output !== undefined && settings.output.length === 0) throw new UsageError('--output must name a file, got ""');
  if (settings.checkpoint !== undefined && settings.checkpoint.length === 0) throw new UsageError('--checkpoint must name a file or folder, got ""');
  if (settings.checkpoint !== undefined && (settings.output === undefined || settings.file === undefined)) {
    throw new UsageError('--checkpoint needs an input FILE and --output FILE (a checkpoint records positions in both)');
  }
  if (settings.resume && settings.checkpoint === undefined) throw new UsageError('--resume needs --checkpoint STATE');
  if (values['checkpoint-every'] !== undefined && settings.checkpoint === undefined) throw new UsageError('--checkpoint-every needs --checkpoint STATE');
  if (settings.time !== undefined && settings.columns?.includes(settings.time)) {
    throw new UsageError(`--columns names ${JSON.stringify(settings.time)}, the --time column, which is never scored`);
  }
  return settings;
}
