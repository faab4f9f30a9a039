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
import { Worker } from 'node:worker_threads';
import { resolveForestOptions, type RandomCutForestOptions } from '../forest/options.js';
import { MAX_BOX_VALUE } from '../forest/tree.js';
import type { BatchReply, BatchRequest, WorkerInit } from './protocol.js';

/** Options of a {@link ParallelForest}: the forest's options and the number of worker threads. */
export interface ParallelForestOptions extends RandomCutForestOptions {
  /** Worker threads (at most one per tree). Default: `os.availableParallelism()`. */
  workers?: number;
}

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

/**
 * A forest split across `workers` threads; scores bit-identical to the single-threaded forest.
 * @example
 * const forest = await ParallelForest.create({ dimensions: 1, seed: 42, workers: 2 });
 * const scores = await forest.processBatch(values.map((v) => [v])); // like values.map(v => f.process([v]))
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

  private constructor(options: RandomCutForestOptions & { seed: string }, workerCount: number) {
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
    for (let w = 0; w < W; w++) {
      const init: WorkerInit = { options, from: bounds[w]!, to: bounds[w + 1]! };
      const worker = new Worker(workerUrl(), { workerData: init });
      const pending = new Map<number, Pending>();
      worker.on('message', (reply: BatchReply) => {
        const p = pending.get(reply.id);
        if (!p) return;
        pending.delete(reply.id);
        if (reply.error) p.reject(new Error(`parallel forest worker ${w}: ${reply.error}`));
        else p.resolve(reply);
      });
      worker.on('error', (err) => {
        for (const p of pending.values()) p.reject(err);
        pending.clear();
      });
      this.workers.push(worker);
      this.pending.push(pending);
    }
  }

  /**
   * Starts the workers. Options as for {@link RandomCutForest}, plus `workers`.
   * @throws TypeError / RangeError for bad options (as the single-threaded forest).
   */
  static async create(options: ParallelForestOptions): Promise<ParallelForest> {
    const { workers, ...forestOptions } = options;
    const o = resolveForestOptions(forestOptions);
    const count = workers ?? availableParallelism();
    if (!Number.isInteger(count) || count < 1 || count > 256) {
      throw new RangeError(`option workers must be an integer from 1 to 256, got ${String(workers)}`);
    }
    const resolved = { ...forestOptions, numberOfTrees: o.numberOfTrees, seed: o.seed };
    const forest = new ParallelForest(resolved, count);
    await Promise.all(forest.workers.map((w) => new Promise<void>((resolve, reject) => {
      w.once('online', () => resolve());
      w.once('error', reject);
    })));
    return forest;
  }

  /** Worker threads in use. */
  get workerCount(): number {
    return this.workers.length;
  }

  /**
   * For each record in order: its score, then learns it (`RandomCutForest.process` on each record).
   * @throws TypeError / RangeError for a bad record (the whole batch is checked first; nothing learnt).
   */
  processBatch(records: ArrayLike<ArrayLike<number>>): Promise<Float64Array> {
    return this.enqueue('process', records) as Promise<Float64Array>;
  }

  /** Scores of the records against the current trees, learning nothing (`score` on each). */
  scoreBatch(records: ArrayLike<ArrayLike<number>>): Promise<Float64Array> {
    return this.enqueue('score', records) as Promise<Float64Array>;
  }

  /** Learns the records in order (`update` on each). */
  async updateBatch(records: ArrayLike<ArrayLike<number>>): Promise<void> {
    await this.enqueue('update', records);
  }

  /**
   * Starts over: every worker drops its trees and builds fresh ones (same options, same seed), as
   * `new RandomCutForest(options)` would, without the cost of new threads (replaying many files).
   */
  async reset(): Promise<void> {
    await this.enqueue('reset', []);
  }

  /** Stops the workers. The forest cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private enqueue(op: BatchRequest['op'], records: ArrayLike<ArrayLike<number>>): Promise<Float64Array | undefined> {
    if (this.closed) return Promise.reject(new Error('parallel forest: closed'));
    let flat: Float64Array;
    try {
      flat = this.flatten(records);
    } catch (err) {
      return Promise.reject(err);
    }
    const run = this.queue.catch(() => undefined).then(() => this.runBatch(op, flat, records.length));
    this.queue = run;
    return run;
  }

  private flatten(records: ArrayLike<ArrayLike<number>>): Float64Array {
    const d = this.dimensions;
    if (records === null || typeof records !== 'object' || typeof records.length !== 'number') {
      throw new TypeError(`records must be an array of records, got ${String(records)}`);
    }
    const flat = new Float64Array(new SharedArrayBuffer(Math.max(1, records.length * d) * 8), 0, records.length * d);
    for (let r = 0; r < records.length; r++) {
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
    return flat;
  }

  private async runBatch(op: BatchRequest['op'], records: Float64Array, count: number): Promise<Float64Array | undefined> {
    const id = this.nextId++;
    const replies = await Promise.all(
      this.workers.map(
        (worker, w) =>
          new Promise<BatchReply>((resolve, reject) => {
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
