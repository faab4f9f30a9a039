/**
 * {@link AnomalyDetector} as a streaming operator over rows: `anomalyDetector(source, options)` adds
 * `ANOMALY_SCORE`, `ANOMALY_GRADE` and `IS_ANOMALY` (and, with `expected`, `EXPECTED_<column>`) to
 * every row, with the forest operators' conventions for columns, invalid rows, checkpoints and resumes.
 * @module
 */
import { AnomalyDetector } from '../detect/detector.js';
import { DETECTOR_OPTION_NAMES, resolveDetectorOptions, type AnomalyDetectorOptions } from '../detect/options.js';
import { DetectorStateError } from '../detect/state.js';
import { CheckpointSaveError, describeValue, InvalidRowError } from './errors.js';
import { checkKnownOptions } from './known-options.js';
import type { CheckpointOptions, InvalidRowsMode, ResumeFrom } from './rcf-operators.js';
import { checkCheckpoint, checkInvalidRows, checkResumeFrom, checkScoredColumns } from './operator-options.js';
import { copyRecord, field, newRecord, type RowRecord } from './records.js';
import { assertSource, isAsyncIterable, type Source, type Without } from './source.js';
import { ResumeSkip } from './resume-skip.js';
import { inferScoredColumns, readScoredValues } from './scored-values.js';
import { readStateEnvelope, writeStateEnvelope } from './state-envelope.js';
import { parseTime, type TimeAccessor } from './time.js';
import { checkObject } from './validate.js';

/** The detector's own options the operator passes on (everything but `dimensions`, which is the number of columns). */
const DETECTOR_KEYS = DETECTOR_OPTION_NAMES.filter(
  (k): k is Exclude<(typeof DETECTOR_OPTION_NAMES)[number], 'dimensions'> => k !== 'dimensions',
);

/** The option names {@link anomalyDetector} reads (others are refused, with the closest name). */
const OPERATOR_OPTIONS = [...DETECTOR_KEYS, 'columns', 'time', 'expected', 'invalidRows', 'state', 'resumeFrom', 'checkpoint'] as const;

/**
 * Most columns a detector scores (its `dimensions` limit).
 * @example
 * if (columns.length > MAX_DETECTOR_COLUMNS) throw new RangeError('too many columns');
 */
export const MAX_DETECTOR_COLUMNS = 1000;

/** Values scored are finite numbers within this bound (the detector's own limit). */
const MAX_VALUE = 1e30;

/**
 * Prefix of the columns `expected: true` adds: `EXPECTED_<column>`.
 * @example
 * const expectedCpu = row[`${EXPECTED_PREFIX}cpu`]; // the value expected where IS_ANOMALY, else null
 */
export const EXPECTED_PREFIX = 'EXPECTED_';

/**
 * Options of {@link anomalyDetector}: the detector's options (all but `dimensions`, which is the number
 * of scored columns; same defaults) plus the operator's own.
 */
export interface AnomalyDetectorOperatorOptions<R = unknown, M extends InvalidRowsMode = InvalidRowsMode>
  extends Omit<AnomalyDetectorOptions, 'dimensions'> {
  /**
   * The scored columns, 1 to 1000 of them. Default: the columns whose value in the first row is a
   * number or a bigint, in key order, except the `time` column. Other columns pass through unscored.
   */
  columns?: readonly string[];
  /**
   * The row's timestamp, given to `AnomalyDetector#process`: a column name or a function of the row,
   * whose value is epoch milliseconds (number or bigint), a `Date` or an ISO 8601 string (read by
   * {@link parseTime}). A row whose time cannot be read is an invalid row. Default: none (no timestamp).
   */
  time?: TimeAccessor<R>;
  /**
   * Add `EXPECTED_<column>` for each scored column: the value the detector expected (input units) for a
   * row with `IS_ANOMALY` true, null on other rows. Default false.
   */
  expected?: boolean;
  /**
   * `"error"` (default): an invalid row (a scored value that is not a finite number within +-1e30, an
   * unreadable time, a row that is not an object) raises {@link InvalidRowError}. `"skip"`: it is passed
   * through with `ANOMALY_SCORE`, `ANOMALY_GRADE`, `IS_ANOMALY` (and the `EXPECTED_` columns) null,
   * without touching the detector (a row that is not an object comes out as `{ value: row, ... }`).
   */
  invalidRows?: M;
  /**
   * Resume from a checkpoint: bytes given to `checkpoint.save`, or a bare `AnomalyDetector#toBytes()`.
   * The detector's options then come from the state; options given must agree with it. The state is
   * checked whole (checksums, fields, consistency with the options) before any row is read; a damaged
   * or edited state raises a {@link DetectorStateError} naming the check.
   */
  state?: Uint8Array;
  /** Where the source starts when resuming from `state`, as for the forest operators. Default `"start"`. */
  resumeFrom?: ResumeFrom;
  /** Save the operator's state periodically. */
  checkpoint?: CheckpointOptions;
}

/** The fields {@link anomalyDetector} adds (null on a skipped invalid row with `invalidRows: "skip"`). */
export interface DetectorFields<M extends InvalidRowsMode = 'error'> {
  /** The forest's score of the shingle ending with this row (0 during warm-up). */
  ANOMALY_SCORE: M extends 'skip' ? number | null : number;
  /** 0 unless `IS_ANOMALY`; then in (0, 1]. */
  ANOMALY_GRADE: M extends 'skip' ? number | null : number;
  /** Whether the row raises an alarm. */
  IS_ANOMALY: M extends 'skip' ? boolean | null : boolean;
}

/** A row scored by {@link anomalyDetector}: its fields plus {@link DetectorFields} (and `EXPECTED_<column>` with `expected`). */
export type DetectedRow<R, M extends InvalidRowsMode = 'error'> = Without<R, 'ANOMALY_SCORE' | 'ANOMALY_GRADE' | 'IS_ANOMALY'> &
  DetectorFields<M> & { [expected: `EXPECTED_${string}`]: number | null };

interface Config {
  name: string;
  /** The detector's options as given (without dimensions). */
  detector: Record<string, unknown>;
  columns: string[] | undefined;
  time: TimeAccessor<unknown> | undefined;
  expected: boolean;
  skip: boolean;
  restored: DetectorOperatorState | undefined;
  resumeFrom: ResumeFrom;
  checkpoint: CheckpointOptions | undefined;
  asyncSave: boolean;
}

// ---- state -------------------------------------------------------------------------------------

const MAGIC = [0x52, 0x43, 0x46, 0x41]; // "RCFA"
const DETECTOR_MAGIC = [0x52, 0x43, 0x46, 0x44]; // "RCFD": a bare AnomalyDetector#toBytes()
/**
 * The version of the operator state written and read (byte 4 of a saved `anomalyDetector` state).
 * @example
 * savedBytes[4] === DETECTOR_OPERATOR_STATE_VERSION; // true for a state this version wrote
 */
export const DETECTOR_OPERATOR_STATE_VERSION = 1;
const FIELDS = ['columns', 'rowsSeen'] as const;

/** A decoded, validated operator state. */
export interface DetectorOperatorState {
  /** A fresh copy of the detector per call. */
  restoreDetector(): AnomalyDetector;
  /** The detector (for checks against the options). */
  readonly detector: AnomalyDetector;
  /** The scored columns (`undefined` for a bare detector state). */
  readonly columns: readonly string[] | undefined;
  /** Source rows the state covers (0 for a bare detector state). */
  readonly rowsSeen: number;
}

/**
 * Encodes the operator's state: `"RCFA"`, a version byte, a little-endian u32 header length, the header
 * (UTF-8 JSON `{ columns, rowsSeen }`), the detector's `toBytes()` (itself checksummed), and a
 * little-endian CRC-32 of every byte before it.
 * @example
 * ```ts
 * const bytes = writeDetectorOperatorState(detector.toBytes(), ['cpu'], 1000);
 * ```
 */
export function writeDetectorOperatorState(detectorBytes: Uint8Array, columns: readonly string[], rowsSeen: number): Uint8Array {
  return writeStateEnvelope(MAGIC, DETECTOR_OPERATOR_STATE_VERSION, { columns, rowsSeen }, detectorBytes);
}

/**
 * Decodes and validates an operator state, or a bare `AnomalyDetector#toBytes()`.
 * @throws TypeError when `bytes` is not a Uint8Array; {@link DetectorStateError} naming the failed check.
 * @example
 * ```ts
 * readDetectorOperatorState('anomalyDetector', bytes).rowsSeen;
 * ```
 */
export function readDetectorOperatorState(operator: string, bytes: unknown): DetectorOperatorState {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${operator}: option "state" must be a Uint8Array (got ${describeValue(bytes)})`);
  }
  const fail = (check: DetectorStateError['check'], why: string) => new DetectorStateError(check, `${operator}: option "state": ${why}`);
  if (DETECTOR_MAGIC.every((b, i) => bytes[i] === b)) {
    const detector = AnomalyDetector.fromBytes(bytes);
    return { detector, restoreDetector: () => AnomalyDetector.fromBytes(bytes), columns: undefined, rowsSeen: 0 };
  }
  if (!MAGIC.every((b, i) => bytes[i] === b)) {
    throw fail('format', 'not an anomalyDetector state (it does not start with "RCFA", nor "RCFD" for a bare detector)');
  }
  const format = { versions: [DETECTOR_OPERATOR_STATE_VERSION], checksummedFrom: DETECTOR_OPERATOR_STATE_VERSION };
  const { header, body: detectorBytes } = readStateEnvelope(bytes, format, fail);
  const detector = AnomalyDetector.fromBytes(detectorBytes); // DetectorStateError naming its own failed check
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw fail('content', `the header must be a JSON object (got ${describeValue(header)})`);
  }
  const h = header as Record<string, unknown>;
  for (const key of Object.keys(h)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw fail('content', `unknown field ${JSON.stringify(key)} in the header`);
  }
  const columns = h.columns;
  if (!Array.isArray(columns) || !columns.every((c): c is string => typeof c === 'string')) {
    throw fail('content', `field "columns" must be an array of column names (got ${describeValue(columns)})`);
  }
  if (new Set(columns).size !== columns.length) throw fail('content', `field "columns" repeats a column (got ${describeValue(columns)})`);
  if (columns.length !== detector.dimensions) {
    throw fail('content', `field "columns" names ${columns.length} columns but the state's detector has ${detector.dimensions} dimensions`);
  }
  const rowsSeen = h.rowsSeen;
  if (typeof rowsSeen !== 'number' || !Number.isSafeInteger(rowsSeen) || rowsSeen < detector.recordsProcessed) {
    throw fail(
      'content',
      `field "rowsSeen" must be an integer at least the detector's ${detector.recordsProcessed} records (got ${describeValue(rowsSeen)})`,
    );
  }
  return { detector, restoreDetector: () => AnomalyDetector.fromBytes(detectorBytes), columns: [...columns], rowsSeen };
}

// ---- options -----------------------------------------------------------------------------------

/** The detector's own validation, its message prefixed with the operator's name. */
function checkDetectorOptions(name: string, options: Record<string, unknown>, dimensions: number): void {
  try {
    resolveDetectorOptions({ ...options, dimensions } as AnomalyDetectorOptions);
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(`${name}: ${error.message}`);
    if (error instanceof RangeError) throw new RangeError(`${name}: ${error.message}`);
    throw error;
  }
}

function resolveConfig(name: string, options: unknown): Config {
  const o = checkObject(name, 'options', options, true);
  checkKnownOptions(name, o, OPERATOR_OPTIONS);
  const detector: Record<string, unknown> = {};
  for (const key of DETECTOR_KEYS) if (o[key] !== undefined) detector[key] = o[key];
  let columns = checkScoredColumns(name, o.columns, MAX_DETECTOR_COLUMNS);
  const time = o.time;
  if (time !== undefined && typeof time !== 'string' && typeof time !== 'function') {
    throw new TypeError(`${name}: option "time" must be a column name or a function of the row (got ${describeValue(time)})`);
  }
  if (typeof time === 'string' && columns?.includes(time)) {
    throw new RangeError(`${name}: option "columns" names ${JSON.stringify(time)}, the time column`);
  }
  const expected = o.expected ?? false;
  if (typeof expected !== 'boolean') throw new TypeError(`${name}: option "expected" must be a boolean (got ${describeValue(expected)})`);
  const mode = checkInvalidRows(name, o.invalidRows);
  const resumeFrom = checkResumeFrom(name, o.resumeFrom);
  const { checkpoint, asyncSave } = checkCheckpoint(name, o.checkpoint);
  let restored: DetectorOperatorState | undefined;
  if (o.state !== undefined) {
    restored = readDetectorOperatorState(name, o.state);
    const actual = restored.detector.options as unknown as Record<string, unknown>;
    for (const key of DETECTOR_KEYS) {
      const given = detector[key];
      if (given === undefined) continue;
      const same = key === 'seed' ? String(given) === actual.seed : given === actual[key];
      if (!same) {
        throw new RangeError(`${name}: option "${key}" (${describeValue(given)}) differs from the state's ${key} (${describeValue(actual[key])})`);
      }
    }
    if (restored.columns !== undefined) {
      const stateColumns = restored.columns;
      if (columns !== undefined && (columns.length !== stateColumns.length || columns.some((c, j) => c !== stateColumns[j]))) {
        throw new RangeError(`${name}: option "columns" ${describeValue(columns)} differs from the state's columns ${describeValue(stateColumns)}`);
      }
      columns = [...stateColumns];
    }
    if (columns !== undefined && columns.length !== restored.detector.dimensions) {
      throw new RangeError(
        `${name}: option "columns" names ${columns.length} columns but the state's detector has ${restored.detector.dimensions} dimensions`,
      );
    }
  } else {
    checkDetectorOptions(name, detector, columns?.length ?? 1);
  }
  return {
    name,
    detector,
    columns,
    time: time as TimeAccessor<unknown> | undefined,
    expected,
    skip: mode === 'skip',
    restored,
    resumeFrom,
    checkpoint,
    asyncSave,
  };
}

// ---- the core ----------------------------------------------------------------------------------

/**
 * The operator's state machine: one output row per input row.
 * @internal
 */
export class DetectorCore {
  private detector: AnomalyDetector | undefined;
  private columns: string[] | undefined;
  private values: Float64Array = new Float64Array(0);
  private position: number;
  /** Source rows covered, including those of the run a checkpoint came from. */
  rowsSeen: number;
  /** The rows a `resumeFrom: "start"` resume drops before scoring. */
  private readonly resume: ResumeSkip;

  constructor(private readonly config: Config) {
    this.rowsSeen = config.restored?.rowsSeen ?? 0;
    this.position = this.rowsSeen;
    this.resume = new ResumeSkip(config.name, this.rowsSeen, config.resumeFrom);
    if (config.columns !== undefined) this.start(config.columns);
  }

  private start(columns: string[]): void {
    const { restored, name } = this.config;
    if (restored !== undefined) {
      const detector = restored.restoreDetector();
      if (detector.dimensions !== columns.length) {
        throw new RangeError(
          `${name}: the first row has ${columns.length} numeric columns but the state's detector has ${detector.dimensions} dimensions: pass the columns option`,
        );
      }
      this.detector = detector;
    } else {
      try {
        this.detector = new AnomalyDetector({ ...this.config.detector, dimensions: columns.length } as AnomalyDetectorOptions);
      } catch (error) {
        if (error instanceof RangeError) throw new RangeError(`${name}: ${error.message}`);
        throw error;
      }
    }
    this.columns = columns;
    this.values = new Float64Array(columns.length);
  }

  /** The row's timestamp (undefined without a `time` option), or the error for an unreadable one. */
  private timeOf(row: object, position: number): number | undefined | InvalidRowError {
    const time = this.config.time;
    if (time === undefined) return undefined;
    const value = typeof time === 'string' ? field(row, time) : time(row);
    const t = parseTime(value);
    if (t === undefined) return new InvalidRowError(position, typeof time === 'string' ? time : undefined, value, 'is not a valid time');
    return t;
  }

  /** With `resumeFrom: "start"`: whether the next source row is one the state covers (dropped). */
  skips(): boolean {
    return this.resume.skips();
  }

  /** At the end of the source: throws when it ended before the rows a "start" resume drops. */
  end(): void {
    this.resume.end();
  }

  private nulls(out: RowRecord): RowRecord {
    out.ANOMALY_SCORE = null;
    out.ANOMALY_GRADE = null;
    out.IS_ANOMALY = null;
    if (this.config.expected && this.columns !== undefined) for (const c of this.columns) out[EXPECTED_PREFIX + c] = null;
    return out;
  }

  /** Scores one row; the output is a new null-prototype record. */
  push(input: unknown): RowRecord {
    const position = ++this.position;
    const row = input !== null && typeof input === 'object' ? input : undefined;
    let error: InvalidRowError | undefined;
    let timestamp: number | undefined;
    if (row === undefined) {
      error = new InvalidRowError(position, undefined, input, 'is not an object');
    } else {
      if (this.columns === undefined) {
        const time = typeof this.config.time === 'string' ? this.config.time : undefined;
        const columns = inferScoredColumns(this.config.name, row, position, MAX_DETECTOR_COLUMNS, time);
        if (columns instanceof InvalidRowError) error = columns;
        else this.start(columns);
      }
      if (error === undefined) error = readScoredValues(row, this.columns as string[], this.values, position, MAX_VALUE);
      if (error === undefined) {
        const t = this.timeOf(row, position);
        if (t instanceof InvalidRowError) error = t;
        else timestamp = t;
      }
    }
    if (error !== undefined) {
      if (!this.config.skip) throw error;
      this.rowsSeen++;
      const out = row === undefined ? newRecord() : copyRecord(row);
      if (row === undefined) out.value = input;
      return this.nulls(out);
    }
    const result = (this.detector as AnomalyDetector).process(this.values, timestamp);
    const out = copyRecord(row as object);
    out.ANOMALY_SCORE = result.score;
    out.ANOMALY_GRADE = result.grade;
    out.IS_ANOMALY = result.isAnomaly;
    if (this.config.expected) {
      const columns = this.columns as string[];
      const expected = result.expected;
      for (let j = 0; j < columns.length; j++) out[EXPECTED_PREFIX + (columns[j] as string)] = expected === null ? null : (expected[j] as number);
    }
    this.rowsSeen++;
    return out;
  }

  /** The operator's state: pass it back as `state` to resume. */
  snapshot(): Uint8Array {
    if (this.detector === undefined || this.columns === undefined) throw new Error('no detector yet: the columns are not known');
    return writeDetectorOperatorState(this.detector.toBytes(), this.columns, this.rowsSeen);
  }

  /** Saves a checkpoint if one is due; a promise when the save returned one. */
  maybeCheckpoint(): Promise<void> | undefined {
    const c = this.config.checkpoint;
    if (c === undefined || this.rowsSeen === 0 || this.rowsSeen % c.every !== 0 || this.detector === undefined) return undefined;
    const { name } = this.config;
    const rowsSeen = this.rowsSeen;
    const bytes = this.snapshot();
    let result: unknown;
    try {
      result = c.save(bytes, rowsSeen);
    } catch (error) {
      throw new CheckpointSaveError(name, rowsSeen, error);
    }
    if (result === null || (typeof result !== 'object' && typeof result !== 'function') || typeof (result as { then?: unknown }).then !== 'function') {
      return undefined;
    }
    return Promise.resolve(result as PromiseLike<unknown>).then(
      () => undefined,
      (error: unknown) => {
        throw new CheckpointSaveError(name, rowsSeen, error);
      },
    );
  }
}

function* runSync(source: Iterable<unknown>, config: Config): Generator<RowRecord, void, undefined> {
  const core = new DetectorCore(config);
  for (const input of source) {
    if (core.skips()) continue;
    yield core.push(input);
    const pending = core.maybeCheckpoint();
    if (pending !== undefined) {
      pending.then(undefined, () => undefined); // observed: the TypeError below is what the caller sees
      throw new TypeError(
        `${config.name}: checkpoint.save returned a promise, which a sync source cannot await: make save synchronous or pass an async source`,
      );
    }
  }
  core.end();
}

async function* runAsync(source: AsyncIterable<unknown>, config: Config): AsyncGenerator<RowRecord, void, undefined> {
  const core = new DetectorCore(config);
  for await (const input of source) {
    if (core.skips()) continue;
    yield core.push(input);
    await core.maybeCheckpoint();
  }
  core.end();
}

/** @internal Validates the options and returns a factory of cores (the Node stream adapter, the CLI). */
export function detectorCoreFactory(name: string, options: unknown): () => DetectorCore {
  const config = resolveConfig(name, options);
  return () => new DetectorCore(config);
}

/**
 * {@link AnomalyDetector} over a stream of rows. Each output row is a new null-prototype object: the
 * input row's fields unchanged plus
 * - `ANOMALY_SCORE`: the forest's score (0 during warm-up),
 * - `ANOMALY_GRADE`: 0, or in (0, 1] for a row that raises an alarm,
 * - `IS_ANOMALY`: whether the row raises an alarm,
 * - with `expected: true`, `EXPECTED_<column>` per scored column: the expected value on an alarm, else null.
 *
 * The results are those of `new AnomalyDetector({ ...options, dimensions: columns.length })` given each
 * row's scored values (in `columns` order) and its `time`. Sync source in, sync iterable out; async in,
 * async out. Input rows are never mutated and no row is dropped.
 *
 * @throws TypeError / RangeError at the call for bad or unknown options; {@link InvalidRowError} for a
 *   row whose scored values are not finite numbers within +-1e30 or whose time cannot be read (unless
 *   `invalidRows: "skip"`); {@link DetectorStateError} for a damaged `state`.
 * @example
 * ```ts
 * for (const row of anomalyDetector(readings, { columns: ['cpu'], time: 'ts', seed: 42 })) {
 *   if (row.IS_ANOMALY) console.log(row.ts, row.cpu, row.ANOMALY_GRADE);
 * }
 * ```
 */
export function anomalyDetector<R extends object, M extends InvalidRowsMode = 'error'>(
  source: AsyncIterable<R>,
  options?: AnomalyDetectorOperatorOptions<R, M>,
): AsyncIterable<DetectedRow<R, M>>;
export function anomalyDetector<R extends object, M extends InvalidRowsMode = 'error'>(
  source: Iterable<R>,
  options?: AnomalyDetectorOperatorOptions<R, M>,
): Iterable<DetectedRow<R, M>>;
export function anomalyDetector<R extends object, M extends InvalidRowsMode = 'error'>(
  source: Source<R>,
  options?: AnomalyDetectorOperatorOptions<R, M>,
): Iterable<DetectedRow<R, M>> | AsyncIterable<DetectedRow<R, M>>;
export function anomalyDetector<R extends object, M extends InvalidRowsMode = 'error'>(
  source: Source<R>,
  options?: AnomalyDetectorOperatorOptions<R, M>,
): Iterable<DetectedRow<R, M>> | AsyncIterable<DetectedRow<R, M>> {
  const name = 'anomalyDetector';
  assertSource(name, source);
  const config = resolveConfig(name, options);
  if (isAsyncIterable(source)) {
    return { [Symbol.asyncIterator]: () => runAsync(source, config) } as AsyncIterable<DetectedRow<R, M>>;
  }
  if (config.asyncSave) {
    throw new TypeError(
      `${name}: option "checkpoint.save" is an async function but the source is sync, and a sync iteration cannot await it: ` +
        'make save synchronous or pass an async source',
    );
  }
  const sync = source as Iterable<unknown>;
  return { [Symbol.iterator]: () => runSync(sync, config) } as Iterable<DetectedRow<R, M>>;
}
