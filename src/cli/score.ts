/**
 * `rcf score`: replays a CSV or JSON Lines file through KDA's RANDOM_CUT_FOREST (or
 * ..._WITH_EXPLANATION) and writes every row back with ANOMALY_SCORE appended; streams in constant
 * memory, checkpoints and resumes.
 *
 * Order of work, so that a mistake never damages a file: parse and check every option; check that the
 * input, output and checkpoint are distinct files; read the header and a sample of rows and choose or
 * check the columns; build the forest (checks the options together); then take the locks, read and
 * check the checkpoint, skip the rows it covers (checking its row count and line); and only then open
 * the output.
 * @module
 */
import { createReadStream, mkdirSync, rmdirSync, statSync, truncateSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { chooseScoredColumns } from '../io/columns.js';
import { InputError } from '../io/source.js';
import { formatCsvRow, type WritableLike } from '../io/writers.js';
import { KDA_FOREST_LIMITS, forestCoreFactory, type ForestCore } from '../stream/rcf-operators.js';
import { detectorCoreFactory, type DetectorCore } from '../stream/detector-operator.js';
import { InvalidRowError } from '../stream/errors.js';
import { parseFiniteNumber } from '../io/columns.js';
import type { FieldValue } from '../io/writers.js';
import { CheckpointError, checkpointLocation, checkpointTempFile, readCheckpoint, removeLeftoverTemps, writeCheckpoint, type CheckpointLocation, type CheckpointMeta } from './checkpoint.js';
import { ProgressLine, UsageError, type CliIo } from './common.js';
import { FileSink } from './file-sink.js';
import { acquireLock, lockPathFor, releaseLock } from './lock.js';
import { assertDistinctFiles, fileIdentity, type FileIdentity, type NamedPath } from './paths.js';
import { checkResume, type RunOptions } from './resume-check.js';
import { SCORE_USAGE, parseScoreArgs, type ScoreSettings } from './score-options.js';
import { assertColumnsExist, csvFormat, jsonlFormat, type InputFormat, type InputRow } from './score-formats.js';

export { SCORE_USAGE } from './score-options.js';

/** Rows sampled to choose the scored columns. */
const SAMPLE_ROWS = 100;

/** Passes the input through, keeping its first bytes (an empty input, JSON Lines read as CSV). */
class PeekingSource implements AsyncIterable<Uint8Array> {
  /** The first bytes of the input. */
  head = '';
  constructor(private readonly input: AsyncIterable<Uint8Array>) {}
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for await (const chunk of this.input) {
      if (this.head.length < 64) this.head += Buffer.from(chunk.subarray(0, 64)).toString('utf8');
      yield chunk;
    }
  }
  /** Nothing but white space (and a byte-order mark) was read. */
  get blank(): boolean {
    return this.head.replace(/^\uFEFF/, '').trim().length === 0;
  }
  /** The text starts like a JSON object. */
  get looksLikeJson(): boolean {
    return this.head.replace(/^\uFEFF/, '').trimStart().startsWith('{');
  }
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The options a checkpoint records and a resume must repeat. */
function runOptions(s: ScoreSettings): RunOptions {
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
    invalidRows: s.invalidRows,
    detector: s.detector,
    detectorTime: s.detector ? (s.time ?? null) : null,
  };
}

/** The options a checkpoint records; a forest run's omit the detector's fields (as before they existed). */
function recordedOptions(s: ScoreSettings, resolvedColumns: string[]): CheckpointMeta['options'] {
  const options = { ...runOptions(s), resolvedColumns };
  if (s.detector) return options;
  const { detector: _detector, detectorTime: _time, ...forest } = options;
  return forest as CheckpointMeta['options'];
}

const LIBRARY_NAMES: Record<string, string> = {
  numberOfTrees: '--trees',
  subSampleSize: '--sample-size',
  timeDecay: '--time-decay',
  shingleSize: '--shingle-size',
  seed: '--seed',
  columns: '--columns',
};

/** A library option error, reworded with the command's flags. */
function withFlags(message: string): string {
  return message
    .replace(/^rcf score: /, '')
    .replace(/option "(\w+)"/g, (all, key: string) => LIBRARY_NAMES[key] ?? all)
    .replace(/option (\w+) must/g, (all, key: string) => (LIBRARY_NAMES[key] === undefined ? all : `${LIBRARY_NAMES[key]} must`));
}

/** The columns appended to every output row. */
function appendedColumns(settings: ScoreSettings): string[] {
  if (settings.detector) return ['ANOMALY_SCORE', 'ANOMALY_GRADE', 'IS_ANOMALY'];
  return ['ANOMALY_SCORE', ...(settings.explain ? ['ANOMALY_EXPLANATION'] : [])];
}

/** What scores the rows: a forest operator's core, or (`--detector`) the anomalyDetector operator's. */
type Core = ForestCore | DetectorCore;

/** Builds the scorer: the forest (checking the options together, and a checkpoint's state against them) or the detector. */
function makeCore(settings: ScoreSettings, columns: string[], state: Uint8Array | undefined): Core {
  if (settings.detector) {
    const d: Record<string, unknown> = { columns };
    if (settings.time !== undefined) d.time = settings.time;
    if (settings.trees !== undefined) d.numberOfTrees = settings.trees;
    if (settings.sampleSize !== undefined) d.subSampleSize = settings.sampleSize;
    if (settings.timeDecay !== undefined) d.timeDecay = settings.timeDecay;
    if (settings.shingleSize !== undefined) d.shingleSize = settings.shingleSize;
    if (settings.seed !== undefined) d.seed = settings.seed;
    if (state !== undefined) d.state = state;
    return detectorCoreFactory('rcf score', d)();
  }
  const o: Record<string, unknown> = { columns, withDirectionality: settings.directionality };
  if (settings.trees !== undefined) o.numberOfTrees = settings.trees;
  if (settings.sampleSize !== undefined) o.subSampleSize = settings.sampleSize;
  if (settings.timeDecay !== undefined) o.timeDecay = settings.timeDecay;
  if (settings.shingleSize !== undefined) o.shingleSize = settings.shingleSize;
  if (settings.seed !== undefined) o.seed = settings.seed;
  if (state !== undefined) o.state = state;
  return forestCoreFactory('rcf score', o, settings.explain)();
}

/** The files of a run, resolved and checked, before anything is written. */
interface RunFiles {
  input: FileIdentity | undefined;
  inputStat: Stats | undefined;
  output: FileIdentity | undefined;
  checkpoint: CheckpointLocation | undefined;
  /** Lock files to take, with what they guard. */
  locks: { path: string; what: string }[];
}

/** Resolves the paths and refuses any two that are the same file. Writes nothing. */
function resolveFiles(settings: ScoreSettings): RunFiles {
  const inputStat = settings.file === undefined ? undefined : statSync(settings.file);
  if (inputStat?.isDirectory()) throw new UsageError(`${settings.file} is a folder, not a file`);
  const named: NamedPath[] = [];
  if (settings.file !== undefined) named.push({ role: 'the input', path: settings.file });
  const locks: RunFiles['locks'] = [];
  let output: FileIdentity | undefined;
  if (settings.output !== undefined) {
    output = fileIdentity(settings.output);
    if (output.inode !== undefined && statSync(settings.output).isDirectory()) throw new UsageError(`--output ${settings.output} is a folder, not a file`);
    let folder: Stats | undefined;
    try {
      folder = statSync(dirname(output.real));
    } catch {
      folder = undefined;
    }
    if (folder === undefined || !folder.isDirectory()) throw new UsageError(`--output ${settings.output}: the folder ${dirname(output.real)} does not exist`);
    named.push({ role: '--output', path: settings.output });
    const lock = lockPathFor(output.real);
    named.push({ role: "the output's lock file", path: lock });
    locks.push({ path: lock, what: `the output ${settings.output}` });
  }
  let checkpoint: CheckpointLocation | undefined;
  if (settings.checkpoint !== undefined) {
    checkpoint = checkpointLocation(settings.checkpoint);
    const real = fileIdentity(checkpoint.file).real;
    named.push({ role: '--checkpoint', path: checkpoint.file });
    named.push({ role: "the checkpoint's temporary file", path: checkpointTempFile(real) });
    const lock = lockPathFor(real);
    named.push({ role: "the checkpoint's lock file", path: lock });
    locks.push({ path: lock, what: `the checkpoint ${checkpoint.file}` });
  }
  assertDistinctFiles(named);
  return { input: settings.file === undefined ? undefined : fileIdentity(settings.file), inputStat, output, checkpoint, locks };
}

/**
 * `rcf score`: see {@link SCORE_USAGE}.
 * @example
 * // npx rcf score data/nyc_taxi.csv --seed 42 > scored.csv
 * process.exitCode = await scoreCommand(['data/nyc_taxi.csv', '--seed', '42'], { stdout: process.stdout, stderr: process.stderr });
 */
export async function scoreCommand(args: readonly string[], io: CliIo): Promise<number> {
  const settings = parseScoreArgs(args);
  if (settings === 'help') {
    io.stdout.write(SCORE_USAGE);
    return 0;
  }
  const files = resolveFiles(settings);
  const name = settings.file ?? '<stdin>';
  const source = new PeekingSource(settings.file === undefined ? (process.stdin as AsyncIterable<Uint8Array>) : createReadStream(settings.file, { highWaterMark: 1 << 20 }));
  const formatOptions = { name, appended: appendedColumns(settings), maxRecordSize: settings.maxRecordSize };
  const notJson = () => {
    if (settings.format === 'csv' && !settings.formatGiven && source.looksLikeJson) {
      throw new UsageError(`${name} looks like JSON Lines (it starts with "{"), not CSV: pass --format jsonl`);
    }
  };
  if (settings.format === 'jsonl') return run(settings, files, jsonlFormat(source, formatOptions), undefined, io);
  let csv: Awaited<ReturnType<typeof csvFormat>>;
  try {
    csv = await csvFormat(source, formatOptions);
  } catch (error) {
    notJson();
    if (error instanceof InputError && source.blank) return run(settings, files, undefined, undefined, io);
    throw error;
  }
  notJson();
  if (csv.header.join('').trim().length === 0 && source.blank) return run(settings, files, undefined, undefined, io);
  return run(settings, files, csv, csv.header, io);
}

/**
 * Scores the rows of `format` (undefined: an empty input). `header` is the CSV header (undefined for
 * JSON Lines).
 */
async function run<R extends InputRow>(
  settings: ScoreSettings,
  files: RunFiles,
  format: InputFormat<R> | undefined,
  header: readonly string[] | undefined,
  io: CliIo,
): Promise<number> {
  const name = settings.file ?? '<stdin>';
  const sample = format === undefined ? [] : await format.rows.sample(SAMPLE_ROWS);
  const names = format === undefined ? [] : (header ?? format.columnNames(sample));
  const where = header !== undefined ? 'the header' : `the keys of the first ${SAMPLE_ROWS} records`;
  const known = header !== undefined || sample.length > 0;
  if (known && settings.columns !== undefined) assertColumnsExist('--columns', settings.columns, names, where);
  if (known && settings.time !== undefined) assertColumnsExist('--time', [settings.time], names, where);

  // the scored columns: given, or detected from the sample (a resume takes the checkpoint's)
  let columns = settings.columns;
  let detected: ReturnType<typeof chooseScoredColumns> | undefined;
  const detect = (): string[] | undefined => {
    if (sample.length === 0) return undefined;
    detected = chooseScoredColumns(names, sample.map((row) => format!.fields(row, names)), settings.time === undefined ? {} : { timeColumn: settings.time });
    const max = KDA_FOREST_LIMITS.columns[1];
    if (detected.scored.length === 0) {
      const why = detected.excluded.map((e) => `${e.column} [${e.reason}]`).join(', ');
      throw new InputError(name, sample[0]!.line, `no column to score in the first ${sample.length} rows${why ? ` (left out: ${why})` : ''}: pass --columns`);
    }
    if (detected.scored.length > max) {
      throw new UsageError(`${detected.scored.length} numeric columns found in ${name}, more than the ${max} a forest takes: pick them with --columns a,b,...`);
    }
    return detected.scored;
  };
  const fresh = (): Core | undefined => {
    columns ??= detect();
    if (columns === undefined) return undefined; // no data rows
    try {
      return makeCore(settings, columns, undefined);
    } catch (error) {
      if (error instanceof RangeError || error instanceof TypeError) throw new UsageError(withFlags(error.message));
      throw error;
    }
  };
  // a fresh forest now: option errors before any file is touched
  let core = settings.resume ? undefined : fresh();

  const headerLine = header === undefined ? undefined : formatCsvRow([...header, ...appendedColumns(settings)]);
  const createdFolder = files.checkpoint?.createFolder === true ? files.checkpoint.folder : undefined;
  const taken: string[] = [];
  let outputOpened = false;
  try {
    if (createdFolder !== undefined) mkdirSync(createdFolder, { recursive: true });
    for (const lock of files.locks) {
      acquireLock(lock.path, lock.what);
      taken.push(lock.path);
    }
    if (files.checkpoint !== undefined) removeLeftoverTemps(files.checkpoint.file);

    // resuming: check the checkpoint against this run and the files (under the locks)
    const start: Start = { skipRows: 0, skipLine: 0, startBytes: 0 };
    if (settings.resume) {
      const checkpointPath = files.checkpoint!.file;
      const saved = readCheckpoint(checkpointPath);
      if (saved === undefined) {
        core = fresh();
      } else {
        const { meta } = saved;
        checkResume(meta, { checkpoint: checkpointPath, input: files.input!, inputStat: files.inputStat!, output: files.output!, options: runOptions(settings), headerLine });
        const unknown = known ? meta.options.resolvedColumns.filter((c) => !names.includes(c)) : [];
        if (unknown.length > 0) {
          throw new CheckpointError(checkpointPath, `field options.resolvedColumns: ${unknown.map((c) => JSON.stringify(c)).join(', ')} not in ${where} (${names.join(', ')}); not resuming`);
        }
        columns = meta.options.resolvedColumns;
        try {
          core = makeCore(settings, columns, saved.state);
        } catch (error) {
          throw new CheckpointError(checkpointPath, `its state does not fit this run (${withFlags(error instanceof Error ? error.message : String(error))}); not resuming`);
        }
        if (core.rowsSeen > meta.rows) throw new CheckpointError(checkpointPath, `field rows is ${meta.rows}, fewer than the ${core.rowsSeen} rows its state has seen; not resuming`);
        start.skipRows = meta.rows;
        start.skipLine = meta.line;
        start.startBytes = meta.output.bytes;
        start.note = `rcf score: resuming after row ${meta.rows.toLocaleString('en-US')} (line ${meta.line}), scoring ${columns.join(', ')}\n`;
      }
    }
    if (detected !== undefined) {
      const left = detected.excluded.map((e) => `${e.column} [${e.reason}]`).join(', ');
      io.stderr.write(`rcf score: scoring ${detected.scored.join(', ')}${left ? `; left out: ${left}` : ''}\n`);
    }
    outputOpened = true; // from here on, the output may be written
    return await score(settings, files, format, core, columns, start, sample, io);
  } catch (error) {
    if (!outputOpened && createdFolder !== undefined) {
      for (const lock of taken) releaseLock(lock); // (the checkpoint's lock lives in that folder)
      try {
        rmdirSync(createdFolder); // only if still empty
      } catch {
        // not empty: keep it
      }
    }
    throw error;
  } finally {
    for (const lock of taken) releaseLock(lock);
  }
}

/** Where a resumed run starts. */
interface Start {
  skipRows: number;
  skipLine: number;
  startBytes: number;
  /** Said on stderr once the checkpoint's rows are skipped and checked. */
  note?: string;
}

async function score<R extends InputRow>(
  settings: ScoreSettings,
  files: RunFiles,
  format: InputFormat<R> | undefined,
  core: Core | undefined,
  columns: string[] | undefined,
  start: Start,
  sample: readonly R[],
  io: CliIo,
): Promise<number> {
  const name = settings.file ?? '<stdin>';
  let fileSink: FileSink | undefined;
  let brokenPipe = false;
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') brokenPipe = true;
  };
  let started = false;
  const openOutput = async (): Promise<void> => {
    started = true;
    if (start.note !== undefined) io.stderr.write(start.note);
    if (files.output !== undefined) {
      if (start.startBytes > 0) truncateSync(files.output.real, start.startBytes);
      fileSink = FileSink.open(files.output.real, start.startBytes);
    } else {
      io.stdout.on('error', onStdoutError);
    }
    const sink: WritableLike = fileSink ?? (io.stdout as unknown as WritableLike);
    await format?.start(sink, start.startBytes === 0);
  };
  const progress = new ProgressLine(io.stderr);
  const t0 = Date.now();
  const averageRow = sample.length === 0 || format === undefined ? 0 : sample.reduce((sum, row) => sum + format.rowBytes(row), 0) / sample.length;
  const expectedRows = files.inputStat !== undefined && averageRow > 0 ? files.inputStat.size / averageRow : 0;
  let rows = 0;
  let lastLine = 0;
  let skipped = 0;
  let firstSkip: InputError | undefined;
  const report = () => {
    const seconds = (Date.now() - t0) / 1000;
    const rate = (rows - start.skipRows) / Math.max(seconds, 1e-3);
    let text = `rcf score ${name}: ${rows.toLocaleString('en-US')} rows  ${Math.round(rate).toLocaleString('en-US')} rows/s`;
    if (expectedRows > 0) {
      const fraction = Math.min(0.999, rows / expectedRows);
      const eta = rate > 0 ? Math.max(0, expectedRows - rows) / rate : Infinity;
      text += `  ~${(fraction * 100).toFixed(1)}%  ETA ${duration(eta)}`;
    }
    progress.update(text);
  };
  const save = async (): Promise<void> => {
    if (files.checkpoint === undefined || core === undefined || columns === undefined) return;
    await format!.flush();
    fileSink!.sync();
    const meta: CheckpointMeta = {
      input: { path: files.input!.real, size: files.inputStat!.size, mtimeMs: files.inputStat!.mtimeMs, format: settings.format },
      output: { path: files.output!.real, bytes: fileSink!.bytes },
      options: recordedOptions(settings, columns),
      rows,
      line: lastLine,
    };
    writeCheckpoint(files.checkpoint.file, meta, core.snapshot());
  };

  try {
    try {
      if (format !== undefined) {
        const record = Object.create(null) as Record<string, number>;
        const unscored: FieldValue[] = appendedColumns(settings).map(() => null);
        const timeColumn = settings.detector ? settings.time : undefined;
        for await (const row of format.rows) {
          lastLine = row.line;
          if (rows < start.skipRows) {
            rows++;
            if (rows === start.skipRows && row.line !== start.skipLine) {
              throw new CheckpointError(files.checkpoint!.file, `field line is ${start.skipLine}, but row ${rows} of ${name} is on line ${row.line}; not resuming`);
            }
            continue;
          }
          if (!started) await openOutput();
          let bad = format.read(row, columns!, record);
          let out: Record<string, unknown> | undefined;
          if (bad === undefined) {
            if (timeColumn !== undefined) {
              // the detector's timestamp: a CSV field holding a number is epoch milliseconds
              const t = format.value(row, timeColumn);
              (record as Record<string, unknown>)[timeColumn] = typeof t === 'string' ? (parseFiniteNumber(t) ?? t) : t;
            }
            try {
              out = core!.push(record);
            } catch (error) {
              if (!(error instanceof InvalidRowError)) throw error;
              bad = new InputError(name, row.line, error.message.replace(/^row \d+: (column "(?:[^"\\]|\\.)*" )?(is )?/, ''), error.column);
            }
          }
          if (out !== undefined) {
            if (settings.detector) await format.write(row, [out.ANOMALY_SCORE as number, out.ANOMALY_GRADE as number, out.IS_ANOMALY as boolean]);
            else if (settings.explain) await format.write(row, [out.ANOMALY_SCORE as number, out.ANOMALY_EXPLANATION as string]);
            else await format.write(row, [out.ANOMALY_SCORE as number]);
          } else if (settings.invalidRows === 'skip') {
            skipped++;
            firstSkip ??= bad;
            await format.write(row, unscored);
          } else {
            throw new InputError(bad!.file, bad!.line, `${bad!.reason} (--invalid-rows skip writes such rows unscored)`, bad!.column);
          }
          rows++;
          if (rows % settings.checkpointEvery === 0) await save();
          if ((rows & 1023) === 0) report();
        }
      }
      if (rows < start.skipRows) {
        throw new CheckpointError(files.checkpoint!.file, `field rows is ${start.skipRows}, but ${name} has only ${rows} data rows; not resuming`);
      }
      if (!started) await openOutput();
      if (rows > start.skipRows || start.skipRows > 0) await save();
    } finally {
      if (started) await format?.flush().catch((error: unknown) => { if (!brokenPipe) throw error; }); // every row accepted before an error is written
    }
  } catch (error) {
    if (brokenPipe || (error as NodeJS.ErrnoException).code === 'EPIPE') return 0; // the reader went away (| head): not an error
    throw error;
  } finally {
    progress.done();
    fileSink?.end();
    io.stdout.removeListener('error', onStdoutError);
  }
  if (rows === 0) io.stderr.write(`rcf score: ${name} has no data rows: nothing scored\n`);
  if (skipped > 0) {
    io.stderr.write(`rcf score: ${skipped.toLocaleString('en-US')} row${skipped === 1 ? '' : 's'} not scored (--invalid-rows skip); first: ${firstSkip!.message}\n`);
  }
  return 0;
}
