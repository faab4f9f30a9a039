/**
 * KDA's RANDOM_CUT_FOREST and RANDOM_CUT_FOREST_WITH_EXPLANATION as streaming operators over rows.
 * @module
 */
import { RandomCutForest } from '../forest/forest.js';
import { MAX_BOX_VALUE } from '../forest/tree.js';
import { CheckpointSaveError, describeValue, InvalidRowError } from './errors.js';
import { checkKnownOptions } from './known-options.js';
import { checkCheckpoint, checkInvalidRows, checkResumeFrom, checkScoredColumns } from './operator-options.js';
import { readOperatorState, writeOperatorState, type OperatorState } from './operator-state.js';
import { ResumeSkip } from './resume-skip.js';
import { inferScoredColumns, readScoredValues } from './scored-values.js';
import { copyRecord, newRecord, type RowRecord } from './records.js';
import { assertSource, isAsyncIterable, type Source, type Without } from './source.js';
import { checkNumber, checkObject } from './validate.js';

/** What to do with a row whose scored values are not all finite numbers. */
export type InvalidRowsMode = 'error' | 'skip';

/** Periodic checkpoints of a forest operator. */
export interface CheckpointOptions {
  /** Save after every `every` rows (an integer >= 1). */
  every: number;
  /**
   * Receives the operator's state (pass it back as `state` to resume) and the number of source rows it
   * covers (rows 1 to `rowsSeen`, counted from the first run). Called after the row's output has been
   * handed on, before the next row is read. With an async source or a Node stream a returned promise
   * is awaited before the next row. With a sync source `save` must be synchronous: an `async`
   * function is refused at the call (TypeError) and a returned promise stops the iteration with a
   * TypeError (its outcome is observed, never left as an unhandled rejection).
   *
   * A failure (a throw or a rejected promise) stops the operator with a {@link CheckpointSaveError}
   * (thrown from the iteration, or the Node stream's `'error'`), its `cause` the save's error: the
   * rows up to the checkpoint have been emitted, no later row is read.
   */
  save(bytes: Uint8Array, rowsSeen: number): void | PromiseLike<void>;
}

/**
 * Where a resumed operator's source starts (see {@link RandomCutForestOperatorOptions.resumeFrom}):
 * `"start"` (the source replays from its first row) or `"position"` (the source continues after the
 * checkpointed row).
 * @example
 * ```ts
 * const mode: ResumeFrom = source.isReplay ? 'start' : 'position';
 * randomCutForest(source, { state, resumeFrom: mode });
 * ```
 */
export type ResumeFrom = 'start' | 'position';

/** Options of {@link randomCutForest}: KDA's parameters, defaults and ranges, plus a few of this library. */
export interface RandomCutForestOperatorOptions<M extends InvalidRowsMode = InvalidRowsMode> {
  /** Trees in the forest, 1 to 1000. Default 100. */
  numberOfTrees?: number;
  /** Points each tree samples, 10 to 1000 and less than `timeDecay`. Default 256. */
  subSampleSize?: number;
  /** Memory of the sample in records (shingles when shingling), 1 to 2147483647. Default 100000. */
  timeDecay?: number;
  /** Records per shingle, 1 to 30. Default 1. */
  shingleSize?: number;
  /**
   * The scored columns, 1 to 30 of them. Default: the columns whose value in the first row is a number
   * or a bigint, in key order. Other columns pass through unscored.
   */
  columns?: readonly string[];
  /** Seed of the forest's random choices; the same seed and input give the same scores. Default: random. */
  seed?: number | string;
  /**
   * `"error"` (default): an invalid row raises {@link InvalidRowError}. `"skip"`: it is passed through
   * with `ANOMALY_SCORE: null` (and `ANOMALY_EXPLANATION: null`), without touching the forest or
   * counting towards warm-up (a row that is not even an object comes out as
   * `{ value: row, ANOMALY_SCORE: null }`).
   */
  invalidRows?: M;
  /**
   * Resume from a checkpoint: bytes given to `checkpoint.save`, or a bare `RandomCutForest#toBytes()`.
   * The forest's parameters then come from the state; parameters given as options must agree with it.
   * The state is checked whole (checksum, every field, consistency with the forest and the options)
   * before any row is read; a damaged or edited state raises a `StateError` naming the check and the
   * field. See `resumeFrom` for where the source must start.
   */
  state?: Uint8Array;
  /**
   * Where the source starts when resuming from `state` (no effect without one, or with a bare forest
   * state, which covers no rows). Default `"start"`.
   * - `"start"`: the source replays from its first row (a file read again): the operator reads and
   *   drops its first `rowsSeen` rows, which were learned and emitted before the checkpoint, then
   *   scores the rest. A source that ends before `rowsSeen` rows raises a RangeError.
   * - `"position"`: the source itself resumes just after the checkpointed row (a queue consumer at its
   *   committed offset, a tailed file at the saved byte): every row is scored.
   *
   * Either way the output is exactly the rest of the uninterrupted run's output, bit for bit (row
   * numbers in errors included).
   * @example
   * ```ts
   * randomCutForest(readAll('data.csv'), { state, resumeFrom: 'start' });    // the same file, from its first row
   * randomCutForest(consumer.fromOffset(n), { state, resumeFrom: 'position' }); // rows after the checkpoint
   * ```
   */
  resumeFrom?: ResumeFrom;
  /** Save the operator's state periodically. */
  checkpoint?: CheckpointOptions;
}

/** Options of {@link randomCutForestWithExplanation}. */
export interface RandomCutForestWithExplanationOptions<M extends InvalidRowsMode = InvalidRowsMode>
  extends RandomCutForestOperatorOptions<M> {
  /** Add `DIRECTION` and `STRENGTH` to each column's explanation. Default false. */
  withDirectionality?: boolean;
}

/** The score's type: `number`, or `number | null` with `invalidRows: "skip"`. */
export type ScoreOf<M> = M extends 'skip' ? number | null : number;

/** A row scored by {@link randomCutForest}: its fields plus `ANOMALY_SCORE`. */
export type ScoredRow<R, M extends InvalidRowsMode = 'error'> = Without<R, 'ANOMALY_SCORE'> & { ANOMALY_SCORE: ScoreOf<M> };

/** A row scored by {@link randomCutForestWithExplanation}. */
export type ExplainedRow<R, M extends InvalidRowsMode = 'error'> = Without<R, 'ANOMALY_SCORE' | 'ANOMALY_EXPLANATION'> & {
  ANOMALY_SCORE: ScoreOf<M>;
  ANOMALY_EXPLANATION: M extends 'skip' ? string | null : string;
};

/**
 * KDA's limits (inclusive) for RANDOM_CUT_FOREST's parameters, which the operators enforce.
 * @example
 * ```ts
 * KDA_FOREST_LIMITS.shingleSize; // [1, 30]
 * ```
 */
export const KDA_FOREST_LIMITS = Object.freeze({
  numberOfTrees: [1, 1000],
  subSampleSize: [10, 1000],
  timeDecay: [1, 2147483647],
  shingleSize: [1, 30],
  columns: [1, 30],
} as const);

/**
 * STRENGTH's upper bound (reached when the column's recent deviation is 0).
 * @example
 * ```ts
 * Number(explanation.flatColumn.STRENGTH) === MAX_STRENGTH; // the column had never varied before
 * ```
 */
export const MAX_STRENGTH = 1_000_000;

/** The option names the forest operators read (others are refused, with the closest name). */
const OPERATOR_OPTIONS = [
  'numberOfTrees',
  'subSampleSize',
  'timeDecay',
  'shingleSize',
  'columns',
  'seed',
  'invalidRows',
  'withDirectionality',
  'state',
  'resumeFrom',
  'checkpoint',
] as const;

interface ForestParams {
  numberOfTrees: number;
  subSampleSize: number;
  timeDecay: number;
  shingleSize: number;
}

interface Config {
  name: string;
  params: ForestParams;
  columns: string[] | undefined;
  seed: number | string | undefined;
  skip: boolean;
  explain: boolean;
  directionality: boolean;
  restored: OperatorState | undefined;
  resumeFrom: ResumeFrom;
  checkpoint: CheckpointOptions | undefined;
  /** Whether `checkpoint.save` is an `async` function (refused with a sync source). */
  asyncSave: boolean;
}

function resolveConfig(name: string, options: unknown, explain: boolean): Config {
  const o = checkObject(name, 'options', options, true);
  checkKnownOptions(name, o, OPERATOR_OPTIONS);
  const given = {
    numberOfTrees: o.numberOfTrees,
    subSampleSize: o.subSampleSize,
    timeDecay: o.timeDecay,
    shingleSize: o.shingleSize,
  };
  const L = KDA_FOREST_LIMITS;
  let params: ForestParams = {
    numberOfTrees: checkNumber(name, 'numberOfTrees', given.numberOfTrees, { min: L.numberOfTrees[0], max: L.numberOfTrees[1], integer: true }, 100),
    subSampleSize: checkNumber(name, 'subSampleSize', given.subSampleSize, { min: L.subSampleSize[0], max: L.subSampleSize[1], integer: true }, 256),
    timeDecay: checkNumber(name, 'timeDecay', given.timeDecay, { min: L.timeDecay[0], max: L.timeDecay[1] }, 100_000),
    shingleSize: checkNumber(name, 'shingleSize', given.shingleSize, { min: L.shingleSize[0], max: L.shingleSize[1], integer: true }, 1),
  };
  if (params.subSampleSize >= params.timeDecay) {
    throw new RangeError(
      `${name}: option "subSampleSize" must be less than timeDecay (${params.timeDecay}) (got ${params.subSampleSize})`,
    );
  }
  let columns = checkScoredColumns(name, o.columns, KDA_FOREST_LIMITS.columns[1]);
  const seed = o.seed;
  if (seed !== undefined && typeof seed !== 'number' && typeof seed !== 'string') {
    throw new TypeError(`${name}: option "seed" must be a number or a string (got ${describeValue(seed)})`);
  }
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`${name}: option "seed" must be a finite number or a string (got ${describeValue(seed)})`);
  }
  const mode = checkInvalidRows(name, o.invalidRows);
  const directionality = o.withDirectionality ?? false;
  if (typeof directionality !== 'boolean') {
    throw new TypeError(`${name}: option "withDirectionality" must be a boolean (got ${describeValue(directionality)})`);
  }
  const resumeFrom = checkResumeFrom(name, o.resumeFrom);
  const { checkpoint, asyncSave } = checkCheckpoint(name, o.checkpoint);
  let restored: OperatorState | undefined;
  if (o.state !== undefined) {
    restored = readOperatorState(name, o.state); // StateError naming the failed check and field
    const forest = restored.forest;
    const actual: ForestParams = {
      numberOfTrees: forest.numberOfTrees,
      subSampleSize: forest.subSampleSize,
      timeDecay: forest.timeDecay,
      shingleSize: forest.shingleSize,
    };
    for (const key of Object.keys(actual) as (keyof ForestParams)[]) {
      if (given[key] !== undefined && given[key] !== actual[key]) {
        throw new RangeError(`${name}: option "${key}" (${String(given[key])}) differs from the state's ${key} (${actual[key]})`);
      }
    }
    params = actual;
    if (restored.columns !== undefined) {
      const stateColumns = restored.columns;
      if (columns !== undefined && (columns.length !== stateColumns.length || columns.some((c, j) => c !== stateColumns[j]))) {
        throw new RangeError(
          `${name}: option "columns" ${describeValue(columns)} differs from the state's columns ${describeValue(restored.columns)}`,
        );
      }
      columns = [...restored.columns];
    }
    if (columns !== undefined && columns.length !== forest.dimensions) {
      throw new RangeError(
        `${name}: option "columns" names ${columns.length} columns but the state's forest has ${forest.dimensions} dimensions`,
      );
    }
  }
  return {
    name,
    params,
    columns,
    seed,
    skip: mode === 'skip',
    explain,
    directionality,
    restored,
    resumeFrom,
    checkpoint,
    asyncSave,
  };
}

const fmt = (x: number): string => (x > 0 ? x : 0).toFixed(4);

/**
 * The operator's state machine: one output row per input row.
 * @internal
 */
export class ForestCore {
  private forest: RandomCutForest | undefined;
  private columns: string[] | undefined;
  /** Per column: decayed weight, mean and sum of squared deviations (for STRENGTH). */
  private stats: Float64Array = new Float64Array(0);
  private readonly decay: number;
  /** 1-based position in the source of the last row pushed (counting the rows a checkpoint covers). */
  private position: number;
  /** Source rows covered, including those of the run a checkpoint came from. */
  rowsSeen: number;
  /** The rows a `resumeFrom: "start"` resume drops before scoring. */
  private readonly resume: ResumeSkip;
  private values: Float64Array = new Float64Array(0);
  private warmupExplanation = '';

  constructor(private readonly config: Config) {
    this.decay = Math.exp(-1 / config.params.timeDecay);
    const restored = config.restored;
    this.rowsSeen = restored?.rowsSeen ?? 0;
    this.position = this.rowsSeen;
    this.resume = new ResumeSkip(config.name, this.rowsSeen, config.resumeFrom);
    if (config.columns !== undefined) this.start(config.columns);
  }

  private start(columns: string[]): void {
    const { params, seed, restored } = this.config;
    this.columns = columns;
    if (restored !== undefined) {
      this.forest = restored.restoreForest();
      if (this.forest.dimensions !== columns.length) {
        throw new RangeError(
          `${this.config.name}: the first row has ${columns.length} numeric columns but the state's forest has ` +
            `${this.forest.dimensions} dimensions: pass the columns option`,
        );
      }
    } else {
      this.forest = new RandomCutForest({ dimensions: columns.length, ...params, ...(seed === undefined ? {} : { seed }) });
    }
    this.stats = new Float64Array(3 * columns.length);
    if (restored?.stats !== undefined) this.stats.set(restored.stats); // its length was checked against the forest
    this.values = new Float64Array(columns.length);
    const zero = this.config.directionality
      ? '{"DIRECTION":"LOW","STRENGTH":"0.0000","ATTRIBUTION_SCORE":"0.0000"}'
      : '{"ATTRIBUTION_SCORE":"0.0000"}';
    this.warmupExplanation = `{${columns.map((c) => `${JSON.stringify(c)}:${zero}`).join(',')}}`;
  }

  /**
   * With `resumeFrom: "start"`: whether the next source row is one of the first `rowsSeen`, which the
   * runner drops without pushing (counting it off). Always false otherwise.
   */
  skips(): boolean {
    return this.resume.skips();
  }

  /** At the end of the source: throws when it ended before the rows a "start" resume drops. */
  end(): void {
    this.resume.end();
  }

  /** Scores one row; the output is a new null-prototype record (any column name, `__proto__` too, is a plain field). */
  push(input: unknown): RowRecord {
    const position = ++this.position;
    const { skip, explain } = this.config;
    const row = input !== null && typeof input === 'object' ? input : undefined;
    let error: InvalidRowError | undefined;
    if (row === undefined) {
      error = new InvalidRowError(position, undefined, input, 'is not an object');
    } else {
      if (this.columns === undefined) {
        const columns = inferScoredColumns(this.config.name, row, position, KDA_FOREST_LIMITS.columns[1], undefined, `KDA's ${KDA_FOREST_LIMITS.columns[1]}`);
        if (columns instanceof InvalidRowError) error = columns;
        else this.start(columns);
      }
      if (error === undefined) error = readScoredValues(row, this.columns as string[], this.values, position, MAX_BOX_VALUE);
    }
    if (error !== undefined) {
      if (!skip) throw error;
      this.rowsSeen++;
      const out = row === undefined ? newRecord() : copyRecord(row);
      if (row === undefined) out.value = input;
      out.ANOMALY_SCORE = null;
      if (explain) out.ANOMALY_EXPLANATION = null;
      return out;
    }
    const forest = this.forest as RandomCutForest;
    const out = copyRecord(row as object);
    if (!explain) {
      out.ANOMALY_SCORE = forest.process(this.values);
    } else {
      const warm = forest.isReady && forest.recordsProcessed >= forest.shingleSize - 1;
      if (!warm) {
        forest.update(this.values);
        out.ANOMALY_SCORE = 0;
        out.ANOMALY_EXPLANATION = this.warmupExplanation;
      } else {
        const attribution = forest.attribution(this.values);
        out.ANOMALY_SCORE = attribution.score;
        out.ANOMALY_EXPLANATION = this.explain(attribution.high, attribution.low);
        forest.update(this.values);
      }
    }
    this.observe();
    this.rowsSeen++;
    return out;
  }

  /** KDA's ANOMALY_EXPLANATION for the current values. */
  private explain(high: Float64Array, low: Float64Array): string {
    const columns = this.columns as string[];
    const d = columns.length;
    const positions = high.length / d;
    const parts: string[] = [];
    for (let j = 0; j < d; j++) {
      let h = 0;
      let l = 0;
      for (let p = 0; p < positions; p++) {
        h += high[p * d + j] as number;
        l += low[p * d + j] as number;
      }
      const attribution = `"ATTRIBUTION_SCORE":"${fmt(h + l)}"`;
      if (!this.config.directionality) {
        parts.push(`${JSON.stringify(columns[j])}:{${attribution}}`);
        continue;
      }
      const isHigh = h > l;
      const strength = this.strength(j, isHigh);
      parts.push(
        `${JSON.stringify(columns[j])}:{"DIRECTION":"${isHigh ? 'HIGH' : 'LOW'}","STRENGTH":"${fmt(strength)}",${attribution}}`,
      );
    }
    return `{${parts.join(',')}}`;
  }

  /**
   * STRENGTH of column `j`: how many recent standard deviations the current value lies from the
   * column's recent mean, on the side of DIRECTION (0 when it lies on the other side). "Recent" is the
   * forest's own memory: an exponentially weighted mean and deviation of the earlier valid rows, a row
   * k rows back weighing exp(-k / timeDecay). Capped at {@link MAX_STRENGTH} (a column that has not
   * varied).
   */
  private strength(j: number, isHigh: boolean): number {
    const w = this.stats[3 * j] as number;
    if (w === 0) return 0;
    const mean = this.stats[3 * j + 1] as number;
    const sd = Math.sqrt(Math.max(0, this.stats[3 * j + 2] as number) / w);
    const deviation = (isHigh ? 1 : -1) * ((this.values[j] as number) - mean);
    if (deviation <= 0) return 0;
    return sd === 0 ? MAX_STRENGTH : Math.min(MAX_STRENGTH, deviation / sd);
  }

  /** Folds the current values into the decayed statistics (West's weighted update). */
  private observe(): void {
    const stats = this.stats;
    const decay = this.decay;
    for (let j = 0; j < this.values.length; j++) {
      const x = this.values[j] as number;
      const w = decay * (stats[3 * j] as number) + 1;
      const mean = stats[3 * j + 1] as number;
      const delta = x - mean;
      const next = mean + delta / w;
      stats[3 * j] = w;
      stats[3 * j + 1] = next;
      stats[3 * j + 2] = decay * (stats[3 * j + 2] as number) + delta * (x - next);
    }
  }

  /** Whether a checkpoint is due after the last row. */
  checkpointDue(): boolean {
    const c = this.config.checkpoint;
    return c !== undefined && this.rowsSeen > 0 && this.rowsSeen % c.every === 0;
  }

  /** The operator's state: pass it back as `state` to resume with the same scores. */
  snapshot(): Uint8Array {
    if (this.forest === undefined || this.columns === undefined) {
      throw new Error('no forest yet: the columns are not known');
    }
    return writeOperatorState(this.forest.toBytes(), this.columns, this.rowsSeen, this.stats);
  }

  /**
   * Saves a checkpoint if one is due (not before the forest exists: with "skip", rows skipped before
   * the columns are known have nothing to save). Returns `undefined` when nothing is pending, else a
   * promise of the save. A failure, sync or async, is a {@link CheckpointSaveError}.
   */
  maybeCheckpoint(): Promise<void> | undefined {
    if (!this.checkpointDue() || this.forest === undefined) return undefined;
    const { name } = this.config;
    const rowsSeen = this.rowsSeen;
    const bytes = this.snapshot();
    let result: unknown;
    try {
      result = (this.config.checkpoint as CheckpointOptions).save(bytes, rowsSeen);
    } catch (error) {
      throw new CheckpointSaveError(name, rowsSeen, error);
    }
    if (!isThenable(result)) return undefined;
    return Promise.resolve(result).then(
      () => undefined,
      (error: unknown) => {
        throw new CheckpointSaveError(name, rowsSeen, error);
      },
    );
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function* runSync(source: Iterable<unknown>, config: Config): Generator<RowRecord, void, undefined> {
  const core = new ForestCore(config);
  for (const input of source) {
    if (core.skips()) continue;
    yield core.push(input);
    const pending = core.maybeCheckpoint();
    if (pending !== undefined) {
      pending.then(undefined, () => undefined); // observed: the TypeError below is what the caller sees
      throw new TypeError(
        `${config.name}: checkpoint.save returned a promise, which a sync source cannot await: ` +
          'make save synchronous or pass an async source',
      );
    }
  }
  core.end();
}

async function* runAsync(source: AsyncIterable<unknown>, config: Config): AsyncGenerator<RowRecord, void, undefined> {
  const core = new ForestCore(config);
  for await (const input of source) {
    if (core.skips()) continue;
    yield core.push(input);
    await core.maybeCheckpoint();
  }
  core.end();
}

/** @internal Validates the options and returns a factory of cores. */
export function forestCoreFactory(name: string, options: unknown, explain: boolean): () => ForestCore {
  const config = resolveConfig(name, options, explain);
  return () => new ForestCore(config);
}

function run(name: string, source: unknown, options: unknown, explain: boolean): Iterable<unknown> | AsyncIterable<unknown> {
  assertSource(name, source);
  const config = resolveConfig(name, options, explain);
  if (isAsyncIterable(source)) return { [Symbol.asyncIterator]: () => runAsync(source, config) };
  if (config.asyncSave) {
    throw new TypeError(
      `${name}: option "checkpoint.save" is an async function but the source is sync, and a sync iteration cannot ` +
        'await it: make save synchronous or pass an async source',
    );
  }
  const sync = source as Iterable<unknown>;
  return { [Symbol.iterator]: () => runSync(sync, config) };
}

/**
 * KDA's `RANDOM_CUT_FOREST`: scores every row with a Random Cut Forest learning as it goes. Each
 * output row is a new object: the input row's fields unchanged (non-numeric ones included) plus
 * `ANOMALY_SCORE` (0 during warm-up, the first subSampleSize + shingleSize - 1 rows; then about 0.7
 * to 1 for ordinary rows, higher for anomalies: investigate the highest). Input rows are never mutated
 * and no row is dropped. Sync source in, sync iterable out; async in, async out.
 *
 * @throws TypeError / RangeError at the call for bad options; {@link InvalidRowError} for a row whose
 *   scored values are not finite numbers (unless `invalidRows: "skip"`).
 * @example
 * ```ts
 * // CREATE STREAM ... SELECT STREAM * FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM SOURCE)))
 * for (const row of randomCutForest(readings, { columns: ['systolic', 'diastolic'], seed: 7 })) {
 *   if (row.ANOMALY_SCORE > 2.5) console.log('odd reading', row);
 * }
 * ```
 */
export function randomCutForest<R extends object, M extends InvalidRowsMode = 'error'>(
  source: AsyncIterable<R>,
  options?: RandomCutForestOperatorOptions<M>,
): AsyncIterable<ScoredRow<R, M>>;
export function randomCutForest<R extends object, M extends InvalidRowsMode = 'error'>(
  source: Iterable<R>,
  options?: RandomCutForestOperatorOptions<M>,
): Iterable<ScoredRow<R, M>>;
export function randomCutForest<R extends object, M extends InvalidRowsMode = 'error'>(
  source: Source<R>,
  options?: RandomCutForestOperatorOptions<M>,
): Iterable<ScoredRow<R, M>> | AsyncIterable<ScoredRow<R, M>>;
export function randomCutForest<R extends object, M extends InvalidRowsMode = 'error'>(
  source: Source<R>,
  options?: RandomCutForestOperatorOptions<M>,
): Iterable<ScoredRow<R, M>> | AsyncIterable<ScoredRow<R, M>> {
  return run('randomCutForest', source, options, false) as Iterable<ScoredRow<R, M>> | AsyncIterable<ScoredRow<R, M>>;
}

/**
 * KDA's `RANDOM_CUT_FOREST_WITH_EXPLANATION`: as {@link randomCutForest}, plus `ANOMALY_EXPLANATION`,
 * a JSON string (no spaces) keyed by the scored columns in column order:
 * `{"Systolic":{"DIRECTION":"HIGH","STRENGTH":"0.8567","ATTRIBUTION_SCORE":"1.7447"},...}` with
 * `withDirectionality`, `{"Systolic":{"ATTRIBUTION_SCORE":"1.7447"},...}` without; values are strings
 * with 4 decimals.
 *
 * - `ATTRIBUTION_SCORE`: the column's share of the score (its high + low attribution over every
 *   position of the shingle); the columns' attributions sum to `ANOMALY_SCORE` (to rounding).
 * - `DIRECTION`: `"HIGH"` when the column's high part exceeds its low part, else `"LOW"`.
 * - `STRENGTH`: how many recent standard deviations the column's current value lies from its recent
 *   mean on the side of DIRECTION (0 if on the other side), "recent" meaning the forest's own memory:
 *   an exponentially weighted mean and deviation over the earlier valid rows, a row k rows back weighing
 *   exp(-k / timeDecay). So `STRENGTH "3.0000"` with `HIGH` reads "three standard deviations above
 *   what this column has recently been". Capped at 1000000 (a column that has not varied).
 * - During warm-up: `"LOW"`, `"0.0000"`, `"0.0000"`.
 *
 * @example
 * ```ts
 * const rows = randomCutForestWithExplanation(readings, { withDirectionality: true, seed: 7 });
 * for (const row of rows) {
 *   const why = JSON.parse(row.ANOMALY_EXPLANATION) as Record<string, { DIRECTION: string; STRENGTH: string }>;
 *   if (row.ANOMALY_SCORE > 2.5) console.log(row.ANOMALY_SCORE, why);
 * }
 * ```
 */
export function randomCutForestWithExplanation<R extends object, M extends InvalidRowsMode = 'error'>(
  source: AsyncIterable<R>,
  options?: RandomCutForestWithExplanationOptions<M>,
): AsyncIterable<ExplainedRow<R, M>>;
export function randomCutForestWithExplanation<R extends object, M extends InvalidRowsMode = 'error'>(
  source: Iterable<R>,
  options?: RandomCutForestWithExplanationOptions<M>,
): Iterable<ExplainedRow<R, M>>;
export function randomCutForestWithExplanation<R extends object, M extends InvalidRowsMode = 'error'>(
  source: Source<R>,
  options?: RandomCutForestWithExplanationOptions<M>,
): Iterable<ExplainedRow<R, M>> | AsyncIterable<ExplainedRow<R, M>>;
export function randomCutForestWithExplanation<R extends object, M extends InvalidRowsMode = 'error'>(
  source: Source<R>,
  options?: RandomCutForestWithExplanationOptions<M>,
): Iterable<ExplainedRow<R, M>> | AsyncIterable<ExplainedRow<R, M>> {
  return run('randomCutForestWithExplanation', source, options, true) as
    | Iterable<ExplainedRow<R, M>>
    | AsyncIterable<ExplainedRow<R, M>>;
}
