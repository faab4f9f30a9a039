/**
 * A Random Cut Forest whose trees are split across worker threads. Each worker holds a contiguous
 * range of the trees, built with the same per-tree random streams as the single-threaded
 * {@link RandomCutForest} with the same seed; every worker sees every record; per record the main
 * thread sums the workers' per-tree scores in tree order and divides by the tree count, exactly as
 * the single-threaded forest does. So scores are bit-identical to `new RandomCutForest(options)`
 * fed the same records, whatever the number of workers. Records travel in batches (one message per
 * worker per batch, over a SharedArrayBuffer) so the messaging cost is paid once per batch.
 * @module
 */
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { FOREST_OPTION_NAMES, checkOptionNames, resolveForestOptions, type RandomCutForestOptions } from '../forest/options.js';
import { MAX_BOX_VALUE } from '../forest/tree.js';
import type { BatchReply, BatchRequest, WorkerInit } from './protocol.js';

/**
 * Options of a {@link ParallelForest}: the forest's options, the number of worker threads and
 * optional memory limits per worker.
 * @example
 * const options: ParallelForestOptions = { dimensions: 2, seed: 1, workers: 4, resourceLimits: { maxOldGenerationSizeMb: 512 } };
 */
export interface ParallelForestOptions extends RandomCutForestOptions {
  /** Worker threads (at most one per tree). Default: `os.availableParallelism()`. */
  workers?: number;
  /**
   * Memory limits of each worker thread (Node's `Worker` `resourceLimits`). A worker that exceeds
   * them dies; the forest then rejects the pending and every later call with an error naming the
   * worker (see {@link ParallelForest}). Default: Node's defaults.
   */
  resourceLimits?: ResourceLimits;
}

/** The fields of Node's `ResourceLimits`. */
const RESOURCE_LIMIT_NAMES: readonly string[] = ['maxYoungGenerationSizeMb', 'maxOldGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'];

/** Every option name `ParallelForest.create` accepts. */
const PARALLEL_OPTION_NAMES: readonly string[] = [...FOREST_OPTION_NAMES, 'workers', 'resourceLimits'];

interface Pending {
  resolve: (reply: BatchReply) => void;
  reject: (err: Error) => void;
}

/** The compiled worker script (from the sources, as under vitest, the compiled one in dist/). */
function workerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL(here.replace(/\/src\/parallel\/[^/]+\.ts$/, '/dist/src/parallel/worker.js'));
  return new URL('./worker.js', here);
}

/** Records copied out of the caller's arrays, checked, at the time of the call. */
interface TakenBatch {
  flat: Float64Array;
  count: number;
}

/**
 * A forest split across `workers` threads; scores bit-identical to the single-threaded forest.
 *
 * Batches: every batch-taking method copies and checks its records synchronously, when it is
 * called, so the caller may clear, reuse, grow or change the array (and its records) as soon as the
 * method returns; the batch runs later, in call order.
 *
 * Worker failure: if a worker thread dies (an uncaught error, running out of memory, being
 * terminated), the pending batch and every later call reject with an `Error` naming the worker,
 * its trees, its exit code and the error it reported; the forest is then unusable, and `close()`
 * still resolves (it stops the other workers). Nothing waits forever.
 * @example
 * const forest = await ParallelForest.create({ dimensions: 1, seed: 42, workers: 2 });
 * const batch = values.map((v) => [v]);
 * const scores = await forest.processBatch(batch); // like values.map(v => f.process([v]))
 * batch.length = 0; // safe even before awaiting: the batch was copied when processBatch was called
 * await forest.close();
 */
export class ParallelForest {
  readonly dimensions: number;
  readonly numberOfTrees: number;
  /** The resolved seed (a string), shared by every worker. */
  readonly seed: string;
  /** Tree ranges: worker w holds trees [bounds[w], bounds[w + 1]). */
  readonly bounds: readonly number[];
  private readonly workers: Worker[];
  private readonly pending: Map<number, Pending>[];
  private nextId = 0;
  /** Batches run one after another, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Set when a worker has died: every pending and later call rejects with it. */
  private failure: Error | null = null;
  /** Per worker: the last error it reported through `'error'` (the cause of its exit). */
  private readonly lastError: (Error | null)[];
  /** Per worker: resolved once the thread has exited (for whatever reason). */
  private readonly exited: Promise<void>[];

  private constructor(options: RandomCutForestOptions & { seed: string }, workerCount: number, resourceLimits?: ResourceLimits) {
    this.dimensions = options.dimensions;
    this.numberOfTrees = options.numberOfTrees!;
    this.seed = options.seed;
    const T = this.numberOfTrees;
    const W = Math.min(workerCount, T);
    const bounds: number[] = [];
    for (let w = 0; w <= W; w++) bounds.push(Math.floor((w * T) / W));
    this.bounds = bounds;
    this.workers = [];
    this.pending = [];
    this.lastError = [];
    this.exited = [];
    for (let w = 0; w < W; w++) {
      const init: WorkerInit = { options, from: bounds[w]!, to: bounds[w + 1]! };
      let worker: Worker;
      try {
        worker = new Worker(workerUrl(), { workerData: init, ...(resourceLimits ? { resourceLimits } : {}) });
      } catch (err) {
        // e.g. resourceLimits of the wrong type: stop the workers already started, then report.
        this.closed = true;
        for (const started of this.workers) void started.terminate();
        throw err;
      }
      const pending = new Map<number, Pending>();
      this.lastError.push(null);
      worker.on('message', (reply: BatchReply) => {
        const p = pending.get(reply.id);
        if (!p) return;
        pending.delete(reply.id);
        if (reply.error) p.reject(new Error(`parallel forest worker ${w}: ${reply.error}`));
        else p.resolve(reply);
      });
      worker.on('error', (err: Error) => {
        this.lastError[w] = err;
        this.fail(w, `failed: ${err.message}`);
      });
      worker.on('messageerror', (err: Error) => this.fail(w, `could not read a message: ${err.message}`));
      this.exited.push(
        new Promise<void>((resolve) => {
          worker.once('exit', (code: number) => {
            if (!this.closed) {
              const cause = this.lastError[w];
              this.fail(w, `exited with code ${code}${cause ? ` (${cause.message})` : ''}`);
            }
            resolve();
          });
        }),
      );
      this.workers.push(worker);
      this.pending.push(pending);
    }
  }

  /**
   * Records the first worker failure and rejects every pending batch with it (a batch needs every
   * worker, so a batch pending on another worker can never complete either).
   */
  private fail(w: number, what: string): void {
    if (this.failure === null) {
      const trees = `trees ${this.bounds[w]}-${this.bounds[w + 1]! - 1}`;
      this.failure = new Error(`parallel forest worker ${w} (${trees}) ${what}; the forest is unusable, close it`);
    }
    for (const pending of this.pending) {
      for (const p of pending.values()) p.reject(this.failure);
      pending.clear();
    }
  }

  /**
   * Starts the workers. Options as for {@link RandomCutForest}, plus `workers` and `resourceLimits`.
   * @throws TypeError / RangeError for bad options (as the single-threaded forest), including an
   *   unknown option name (TypeError naming the closest valid one); an Error naming the worker when
   *   a worker fails to start (the others are stopped).
   * @example
   * const forest = await ParallelForest.create({ dimensions: 3, numberOfTrees: 50, workers: 2 });
   */
  static async create(options: ParallelForestOptions): Promise<ParallelForest> {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`options must be an object with at least { dimensions }, got ${String(options)}`);
    }
    checkOptionNames(options, PARALLEL_OPTION_NAMES, 'ParallelForest');
    const { workers, resourceLimits, ...forestOptions } = options;
    const o = resolveForestOptions(forestOptions);
    const count = workers ?? availableParallelism();
    if (!Number.isInteger(count) || count < 1 || count > 256) {
      throw new RangeError(`option workers must be an integer from 1 to 256, got ${String(workers)}`);
    }
    if (resourceLimits !== undefined) {
      if (resourceLimits === null || typeof resourceLimits !== 'object') {
        throw new TypeError(`option resourceLimits must be an object (Node's Worker resourceLimits), got ${String(resourceLimits)}`);
      }
      checkOptionNames(resourceLimits, RESOURCE_LIMIT_NAMES, 'ParallelForest resourceLimits');
      for (const [name, value] of Object.entries(resourceLimits)) {
        if (value !== undefined && !(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
          throw new TypeError(`option resourceLimits.${name} must be a positive number (MB), got ${typeof value} ${String(value)}`);
        }
      }
    }
    const resolved = { ...forestOptions, numberOfTrees: o.numberOfTrees, seed: o.seed };
    const forest = new ParallelForest(resolved, count, resourceLimits);
    try {
      await Promise.all(
        forest.workers.map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              w.once('online', () => resolve());
              w.once('error', () => reject(forest.failure));
              w.once('exit', () => reject(forest.failure));
            }),
        ),
      );
    } catch (err) {
      await forest.close();
      throw err;
    }
    return forest;
  }

  /** Worker threads in use. */
  get workerCount(): number {
    return this.workers.length;
  }

  /**
   * For each record in order: its score, then learns it (`RandomCutForest.process` on each record).
   * The records are copied before this returns.
   * @throws TypeError / RangeError for a bad record (the whole batch is checked first; nothing learnt);
   *   an Error naming the worker when a worker has died.
   * @example
   * const scores = await forest.processBatch([[1, 2], [3, 4]]);
   */
  processBatch(records: ArrayLike<ArrayLike<number>>): Promise<Float64Array> {
    return this.enqueue('process', records) as Promise<Float64Array>;
  }

  /**
   * Scores of the records against the current trees, learning nothing (`score` on each). The
   * records are copied before this returns.
   * @example
   * const scores = await forest.scoreBatch([[1, 2]]);
   */
  scoreBatch(records: ArrayLike<ArrayLike<number>>): Promise<Float64Array> {
    return this.enqueue('score', records) as Promise<Float64Array>;
  }

  /**
   * Learns the records in order (`update` on each). The records are copied before this returns.
   * @example
   * await forest.updateBatch([[1, 2], [3, 4]]);
   */
  updateBatch(records: ArrayLike<ArrayLike<number>>): Promise<void> {
    return this.enqueue('update', records).then(() => undefined);
  }

  /**
   * Starts over: every worker drops its trees and builds fresh ones (same options, same seed), as
   * `new RandomCutForest(options)` would, without the cost of new threads (replaying many files).
   * @example
   * await forest.reset();
   */
  async reset(): Promise<void> {
    await this.enqueue('reset', []);
  }

  /**
   * Stops the workers. The forest cannot be used afterwards. Resolves even after a worker has died.
   * @example
   * await forest.close();
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    await Promise.all(this.workers.map((w) => w.terminate().catch(() => undefined)));
    await Promise.all(this.exited);
  }

  private enqueue(op: BatchRequest['op'], records: ArrayLike<ArrayLike<number>>): Promise<Float64Array | undefined> {
    if (this.closed) return Promise.reject(new Error('parallel forest: closed'));
    if (this.failure) return Promise.reject(this.failure);
    let batch: TakenBatch;
    try {
      batch = this.take(records);
    } catch (err) {
      return Promise.reject(err);
    }
    const run = this.queue.catch(() => undefined).then(() => this.runBatch(op, batch));
    this.queue = run;
    return run;
  }

  /**
   * Copies and checks the records now (the length once, each value once), so that nothing the
   * caller does to the array or its records after the call changes the batch.
   */
  private take(records: ArrayLike<ArrayLike<number>>): TakenBatch {
    const d = this.dimensions;
    if (records === null || typeof records !== 'object' || typeof records.length !== 'number') {
      throw new TypeError(`records must be an array of records, got ${String(records)}`);
    }
    const count = records.length;
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`records.length must be a count, got ${count}`);
    // Shared with every worker; one record is flat[r * d .. (r + 1) * d).
    const flat = new Float64Array(new SharedArrayBuffer(Math.max(1, count * d) * 8), 0, count * d);
    for (let r = 0; r < count; r++) {
      const rec = records[r]!;
      if (rec === null || typeof rec !== 'object' || typeof rec.length !== 'number') {
        throw new TypeError(`record ${r} must be an array of ${d} numbers, got ${String(rec)}`);
      }
      if (rec.length !== d) throw new RangeError(`record ${r} must have ${d} values (dimensions), got ${rec.length}`);
      for (let i = 0; i < d; i++) {
        const v = rec[i];
        if (typeof v !== 'number') throw new TypeError(`record ${r}[${i}] must be a number, got ${typeof v} ${String(v)}`);
        if (!(Math.abs(v) <= MAX_BOX_VALUE)) {
          throw new RangeError(`record ${r}[${i}] must be a finite number within +-${MAX_BOX_VALUE} (float32 boxes), got ${v}`);
        }
        flat[r * d + i] = v;
      }
    }
    return { flat, count };
  }

  private async runBatch(op: BatchRequest['op'], batch: TakenBatch): Promise<Float64Array | undefined> {
    if (this.failure) throw this.failure;
    const { flat: records, count } = batch;
    const id = this.nextId++;
    const replies = await Promise.all(
      this.workers.map(
        (worker, w) =>
          new Promise<BatchReply>((resolve, reject) => {
            if (this.failure) {
              reject(this.failure);
              return;
            }
            this.pending[w]!.set(id, { resolve, reject });
            const req: BatchRequest = { id, op, records, count };
            worker.postMessage(req);
          }),
      ),
    );
    if (op === 'update' || op === 'reset') return undefined;
    const out = new Float64Array(count);
    const T = this.numberOfTrees;
    const ready = replies[0]!.ready!;
    const widths = this.bounds.slice(1).map((b, w) => b - this.bounds[w]!);
    for (let r = 0; r < count; r++) {
      if (!ready[r]) continue; // 0, as the single-threaded forest
      let sum = 0;
      for (let w = 0; w < replies.length; w++) {
        const scores = replies[w]!.scores!;
        const n = widths[w]!;
        const off = r * n;
        for (let t = 0; t < n; t++) sum += scores[off + t]!;
      }
      out[r] = sum / T;
    }
    return out;
  }
}

/**
 * @internal For tests only (not exported by the package): the forest's worker threads, so a test can
 * kill one mid-batch.
 * @example
 * await internalWorkers(forest)[1]!.terminate();
 */
export function internalWorkers(forest: ParallelForest): readonly Worker[] {
  return (forest as unknown as { workers: Worker[] }).workers;
}
