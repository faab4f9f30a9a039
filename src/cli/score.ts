/**
 * `rcf score`: replays a CSV or JSON Lines file through KDA's RANDOM_CUT_FOREST (or
 * ..._WITH_EXPLANATION) and writes every row back with ANOMALY_SCORE appended; streams in constant
 * memory, checkpoints and resumes.
 * @module
 */
import { createReadStream, existsSync, statSync, truncateSync, type Stats } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { numericCsvColumns, numericJsonlColumns, parseFiniteNumber } from '../io/columns.js';
import { CsvReader, type CsvRow } from '../io/csv-reader.js';
import { JsonlReader, type JsonlRow } from '../io/jsonl-reader.js';
import { InputError } from '../io/source.js';
import { CsvWriter, JsonlWriter, type FieldValue, type WritableLike } from '../io/writers.js';
import { forestCoreFactory, type ForestCore } from '../stream/rcf-operators.js';
import { CheckpointError, checkpointFile, readCheckpoint, writeCheckpoint, type CheckpointMeta } from './checkpoint.js';
import { ProgressLine, UsageError, parsePositiveInteger, parseSeed, type CliIo } from './common.js';
import { FileSink } from './file-sink.js';
import { MAX_BOX_VALUE } from '../forest/tree.js';

/** Usage text of `rcf score`. */
export const SCORE_USAGE = `Usage: rcf score [FILE|-] [options]

Scores every row of a CSV file (with a header) or a JSON Lines file with a Random Cut Forest, as Kinesis
Data Analytics' RANDOM_CUT_FOREST does, and writes the rows back with ANOMALY_SCORE appended (and
ANOMALY_EXPLANATION with --explain). Reads stdin when FILE is - or absent.

Options:
  --format csv|jsonl       input format (default: from the extension; csv for stdin)
  -o, --output FILE        write there instead of stdout
  --columns a,b            columns to score (default: those numeric in the first data row)
  --trees N                numberOfTrees, 1-1000 (default 100)
  --sample-size N          subSampleSize, 10-1000 (default 256)
  --time-decay N           timeDecay in records (default 100000)
  --shingle-size N         shingleSize, 1-30 (default 1)
  --seed S                 seed: same seed, same scores (default: random, as KDA)
  --explain                add ANOMALY_EXPLANATION (RANDOM_CUT_FOREST_WITH_EXPLANATION)
  --directionality         add DIRECTION and STRENGTH to the explanation (implies --explain)
  --checkpoint STATE       save the state to STATE (a file, or a folder to hold one); needs --output
  --checkpoint-every N     rows between checkpoints (default 10000)
  --resume                 continue from the checkpoint in STATE (from the start if there is none)
  -h, --help               show this help
`;

interface ScoreSettings {
  file: string | undefined;
  format: 'csv' | 'jsonl';
  output: string | undefined;
  columns: string[] | undefined;
  trees: number | undefined;
  sampleSize: number | undefined;
  timeDecay: number | undefined;
  shingleSize: number | undefined;
  seed: number | string | undefined;
  explain: boolean;
  directionality: boolean;
  checkpoint: string | undefined;
  checkpointEvery: number;
  resume: boolean;
}

function parseSettings(args: readonly string[]): ScoreSettings | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      columns: { type: 'string' },
      trees: { type: 'string' },
      'sample-size': { type: 'string' },
      'time-decay': { type: 'string' },
      'shingle-size': { type: 'string' },
      seed: { type: 'string' },
      explain: { type: 'boolean' },
      directionality: { type: 'boolean' },
      checkpoint: { type: 'string' },
      'checkpoint-every': { type: 'string' },
      resume: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 1) throw new UsageError(`expected at most one input file, got ${positionals.length}: ${positionals.join(' ')}`);
  const file = positionals[0] === undefined || positionals[0] === '-' ? undefined : positionals[0];
  let format: 'csv' | 'jsonl';
  if (values.format !== undefined) {
    if (values.format !== 'csv' && values.format !== 'jsonl') {
      throw new UsageError(`--format must be csv or jsonl, got ${JSON.stringify(values.format)}`);
    }
    format = values.format;
  } else {
    const ext = file === undefined ? '' : extname(file).toLowerCase();
    format = ext === '.jsonl' || ext === '.ndjson' || ext === '.json' ? 'jsonl' : 'csv';
  }
  const int = (name: string, text: string | undefined) => (text === undefined ? undefined : parsePositiveInteger(name, text));
  const columns = values.columns?.split(',').map((c) => c.trim());
  if (columns !== undefined && columns.some((c) => c.length === 0)) {
    throw new UsageError(`--columns must be a comma-separated list of column names, got ${JSON.stringify(values.columns)}`);
  }
  const settings: ScoreSettings = {
    file,
    format,
    output: values.output,
    columns,
    trees: int('--trees', values.trees),
    sampleSize: int('--sample-size', values['sample-size']),
    timeDecay: int('--time-decay', values['time-decay']),
    shingleSize: int('--shingle-size', values['shingle-size']),
    seed: values.seed === undefined ? undefined : parseSeed(values.seed),
    explain: values.explain === true || values.directionality === true,
    directionality: values.directionality === true,
    checkpoint: values.checkpoint,
    checkpointEvery: int('--checkpoint-every', values['checkpoint-every']) ?? 10_000,
    resume: values.resume === true,
  };
  if (settings.checkpoint !== undefined && (settings.output === undefined || settings.file === undefined)) {
    throw new UsageError('--checkpoint needs an input FILE and --output FILE (a checkpoint records positions in both)');
  }
  if (settings.resume && settings.checkpoint === undefined) throw new UsageError('--resume needs --checkpoint STATE');
  if (values['checkpoint-every'] !== undefined && settings.checkpoint === undefined) {
    throw new UsageError('--checkpoint-every needs --checkpoint STATE');
  }
  return settings;
}

/** The options a checkpoint must agree with on resume. */
function optionsRecord(s: ScoreSettings): Record<string, unknown> {
  return {
    format: s.format,
    columns: s.columns ?? null,
    trees: s.trees ?? null,
    sampleSize: s.sampleSize ?? null,
    timeDecay: s.timeDecay ?? null,
    shingleSize: s.shingleSize ?? null,
    seed: s.seed ?? null,
    explain: s.explain,
    directionality: s.directionality,
  };
}

/** A source that counts the bytes read, for the progress line. */
class CountingSource implements AsyncIterable<Uint8Array> {
  bytes = 0;
  constructor(private readonly input: AsyncIterable<Uint8Array>) {}
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for await (const chunk of this.input) {
      this.bytes += chunk.length;
      yield chunk;
    }
  }
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** One row of either format, with its file line. */
interface InputRow {
  readonly line: number;
}

/**
 * What differs between CSV and JSON Lines: reading rows, finding the numeric columns, reading the
 * scored values (with file-line errors), and writing a scored row. The scoring loop is shared.
 */
interface FormatAdapter<R extends InputRow> {
  rows: AsyncIterable<R>;
  numericColumns(first: R): string[];
  /** Fills `record` with the row's scored values. @throws InputError naming line and column. */
  read(row: R, columns: readonly string[], record: Record<string, number>): void;
  write(row: R, scored: Record<string, unknown>): Promise<void>;
  flush(): Promise<void>;
}

async function csvAdapter(
  source: AsyncIterable<Uint8Array>,
  sink: WritableLike,
  name: string,
  settings: ScoreSettings,
  writeHeader: boolean,
): Promise<FormatAdapter<CsvRow>> {
  const reader = new CsvReader(source, { name });
  const writer = new CsvWriter(sink);
  const header = await reader.header();
  if (settings.columns !== undefined) {
    const missing = settings.columns.filter((c) => !header.includes(c));
    if (missing.length > 0) {
      throw new UsageError(`--columns: ${missing.map((c) => JSON.stringify(c)).join(', ')} not in the header (${header.join(', ')})`);
    }
  }
  if (writeHeader) await writer.writeRow([...header, 'ANOMALY_SCORE', ...(settings.explain ? ['ANOMALY_EXPLANATION'] : [])]);
  let indexes: number[] = [];
  const out: FieldValue[] = [];
  return {
    rows: reader,
    numericColumns: (first) => numericCsvColumns(header, first.fields),
    read(row, columns, record) {
      if (indexes.length !== columns.length) indexes = columns.map((c) => header.indexOf(c));
      for (let j = 0; j < indexes.length; j++) {
        const text = row.fields[indexes[j]!]!;
        const value = parseFiniteNumber(text);
        if (value === undefined || !(Math.abs(value) <= MAX_BOX_VALUE)) {
          throw new InputError(name, row.line, `not a finite number within +-${MAX_BOX_VALUE} (got ${JSON.stringify(text)})`, columns[j]);
        }
        record[columns[j]!] = value;
      }
    },
    write(row, scored) {
      out.length = 0;
      for (const f of row.fields) out.push(f);
      out.push(scored.ANOMALY_SCORE as number);
      if (settings.explain) out.push(scored.ANOMALY_EXPLANATION as string);
      return writer.writeRow(out);
    },
    flush: () => writer.flush(),
  };
}

function jsonlAdapter(source: AsyncIterable<Uint8Array>, sink: WritableLike, name: string, settings: ScoreSettings): FormatAdapter<JsonlRow> {
  const writer = new JsonlWriter(sink);
  return {
    rows: new JsonlReader(source, { name }),
    numericColumns: (first) => numericJsonlColumns(first.record),
    read(row, columns, record) {
      for (const c of columns) {
        const v = row.record[c];
        if (typeof v !== 'number' || !(Math.abs(v) <= MAX_BOX_VALUE)) {
          throw new InputError(name, row.line, `not a finite number within +-${MAX_BOX_VALUE} (got ${v === undefined ? 'nothing' : JSON.stringify(v)})`, c);
        }
        record[c] = v;
      }
    },
    write(row, scored) {
      const output: Record<string, unknown> = { ...row.record, ANOMALY_SCORE: scored.ANOMALY_SCORE };
      if (settings.explain) output.ANOMALY_EXPLANATION = scored.ANOMALY_EXPLANATION;
      return writer.write(output);
    },
    flush: () => writer.flush(),
  };
}

/** Where a resumed run starts: the checkpoint's state and positions. */
interface ResumePoint {
  state: Uint8Array;
  rows: number;
  outputBytes: number;
  columns: string[];
}

/**
 * Reads the checkpoint for `--resume` and checks that it belongs to this input (path, size and
 * modification time), these options and this output; then cuts the output back to the length it
 * recorded. Returns undefined when there is no checkpoint yet (start from the beginning).
 * @throws CheckpointError naming what does not match.
 */
function resumePoint(
  settings: ScoreSettings,
  inputPath: string,
  inputStat: Stats,
  outputPath: string,
  options: Record<string, unknown>,
): ResumePoint | undefined {
  const where = settings.checkpoint!;
  const saved = readCheckpoint(where);
  if (saved === undefined) return undefined;
  const { meta } = saved;
  if (meta.input.path !== inputPath || meta.input.size !== inputStat.size || meta.input.mtimeMs !== inputStat.mtimeMs) {
    throw new CheckpointError(where, `it was made for ${meta.input.path} (${meta.input.size} bytes, modified ${new Date(meta.input.mtimeMs).toISOString()}), not for this input`);
  }
  const differs = Object.keys(options).filter((k) => JSON.stringify(options[k]) !== JSON.stringify(meta.options[k]));
  if (differs.length > 0) {
    throw new CheckpointError(where, `it was made with other options (${differs.map((k) => `${k}: ${JSON.stringify(meta.options[k])}`).join(', ')})`);
  }
  if (meta.output.path !== outputPath) throw new CheckpointError(where, `it was made for the output ${meta.output.path}`);
  let outputSize: number;
  try {
    outputSize = statSync(outputPath).size;
  } catch {
    throw new CheckpointError(where, `the output ${outputPath} is missing`);
  }
  if (outputSize < meta.output.bytes) {
    throw new CheckpointError(where, `the output has ${outputSize} bytes, fewer than the ${meta.output.bytes} it recorded`);
  }
  truncateSync(outputPath, meta.output.bytes);
  return { state: saved.state, rows: meta.rows, outputBytes: meta.output.bytes, columns: meta.options.resolvedColumns as string[] };
}

/** The forest operator's options for these settings (KDA's defaults where a flag is absent). */
function coreOptions(settings: ScoreSettings, columns: string[], state: Uint8Array | undefined): Record<string, unknown> {
  const o: Record<string, unknown> = { columns, withDirectionality: settings.directionality };
  if (settings.trees !== undefined) o.numberOfTrees = settings.trees;
  if (settings.sampleSize !== undefined) o.subSampleSize = settings.sampleSize;
  if (settings.timeDecay !== undefined) o.timeDecay = settings.timeDecay;
  if (settings.shingleSize !== undefined) o.shingleSize = settings.shingleSize;
  if (settings.seed !== undefined) o.seed = settings.seed;
  if (state !== undefined) o.state = state;
  return o;
}

/**
 * `rcf score`: see {@link SCORE_USAGE}.
 * @example
 * // npx rcf score data/nyc_taxi.csv --seed 42 > scored.csv
 * process.exitCode = await scoreCommand(['data/nyc_taxi.csv', '--seed', '42'], { stdout: process.stdout, stderr: process.stderr });
 */
export async function scoreCommand(args: readonly string[], io: CliIo): Promise<number> {
  const settings = parseSettings(args);
  if (settings === 'help') {
    io.stdout.write(SCORE_USAGE);
    return 0;
  }
  const name = settings.file ?? '<stdin>';
  const inputPath = settings.file === undefined ? undefined : resolve(settings.file);
  const inputStat = inputPath === undefined ? undefined : statSync(inputPath);
  if (inputStat?.isDirectory()) throw new UsageError(`${settings.file} is a folder, not a file`);
  const outputPath = settings.output === undefined ? undefined : resolve(settings.output);
  if (settings.checkpoint !== undefined && !existsSync(dirname(checkpointFile(resolve(settings.checkpoint))))) {
    throw new UsageError(`--checkpoint ${settings.checkpoint}: the folder ${dirname(resolve(settings.checkpoint))} does not exist`);
  }
  if (outputPath !== undefined && outputPath === inputPath) throw new UsageError('--output must not be the input file');

  const options = optionsRecord(settings);
  const resume = settings.resume ? resumePoint(settings, inputPath!, inputStat!, outputPath!, options) : undefined;
  const skipRows = resume?.rows ?? 0;
  const startBytes = resume?.outputBytes ?? 0;

  const makeCore = (columns: string[]): ForestCore => {
    try {
      return forestCoreFactory('rcf score', coreOptions(settings, columns, resume?.state), settings.explain)();
    } catch (error) {
      if (error instanceof RangeError || error instanceof TypeError) throw new UsageError(error.message.replace(/^rcf score: /, ''));
      throw error;
    }
  };

  const source = new CountingSource(settings.file === undefined ? (process.stdin as AsyncIterable<Uint8Array>) : createReadStream(inputPath!, { highWaterMark: 1 << 20 }));
  const sink: WritableLike = outputPath === undefined ? (io.stdout as unknown as WritableLike) : FileSink.open(outputPath, startBytes);
  const fileSink = sink instanceof FileSink ? sink : undefined;
  const progress = new ProgressLine(io.stderr);
  const started = Date.now();
  let rows = 0;
  let lastLine = 1;
  const checkpoint = (columns: string[], core: ForestCore, flush: () => Promise<void>) => async () => {
    await flush();
    fileSink!.sync();
    const meta: CheckpointMeta = {
      input: { path: inputPath!, size: inputStat!.size, mtimeMs: inputStat!.mtimeMs, format: settings.format },
      output: { path: outputPath!, bytes: fileSink!.bytes },
      options: { ...options, resolvedColumns: columns },
      rows,
      line: lastLine,
    };
    writeCheckpoint(settings.checkpoint!, meta, core.snapshot());
  };
  const report = () => {
    const seconds = (Date.now() - started) / 1000;
    const rate = rows / Math.max(seconds, 1e-3);
    let text = `rcf score ${name}: ${rows.toLocaleString('en-US')} rows  ${Math.round(rate).toLocaleString('en-US')} rows/s`;
    if (inputStat !== undefined && inputStat.size > 0) {
      const fraction = Math.min(1, source.bytes / inputStat.size);
      const eta = fraction > 0 ? (seconds / fraction) * (1 - fraction) : Infinity;
      text += `  ${(fraction * 100).toFixed(1)}%  ETA ${duration(eta)}`;
    }
    progress.update(text);
  };

  const scoreRows = async <R extends InputRow>(adapter: FormatAdapter<R>): Promise<void> => {
    try {
      let columns = settings.columns ?? resume?.columns;
      let core: ForestCore | undefined;
      let save: (() => Promise<void>) | undefined;
      const record: Record<string, number> = {};
      for await (const row of adapter.rows) {
        lastLine = row.line;
        if (rows < skipRows) {
          rows++;
          continue;
        }
        if (core === undefined) {
          columns ??= adapter.numericColumns(row);
          if (columns.length === 0) throw new InputError(name, row.line, 'no numeric column in the first data row: pass --columns');
          core = makeCore(columns);
          if (settings.checkpoint !== undefined) save = checkpoint(columns, core, () => adapter.flush());
        }
        adapter.read(row, columns!, record);
        await adapter.write(row, core.push(record));
        rows++;
        if (save !== undefined && rows % settings.checkpointEvery === 0) await save();
        if ((rows & 1023) === 0) report();
      }
      if (save !== undefined) await save();
    } finally {
      await adapter.flush(); // every row accepted before an error is written
    }
  };
  try {
    if (settings.format === 'csv') await scoreRows(await csvAdapter(source, sink, name, settings, startBytes === 0));
    else await scoreRows(jsonlAdapter(source, sink, name, settings));
  } finally {
    progress.done();
    fileSink?.end();
  }
  return 0;
}
