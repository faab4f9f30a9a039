/**
 * The measurement protocol of issue 4. Per configuration and operation: RUNS times, build a fresh
 * forest, feed rows 0 .. WARMUP-1 with the same operation (untimed), then time rows
 * WARMUP .. WARMUP+TIMED-1; report median, min and max points/s. Timing goes through tinybench: one
 * task per operation, one tinybench iteration = one run (its `beforeEach` hook builds and warms the
 * forest, outside the timed region), `iterations: RUNS`, `time: 0`, no tinybench warm-up (the
 * protocol's own warm-up replaces it). Memory: heap growth (V8 heap + array buffers) after building
 * and after the warm-up, after a forced GC, per forest over four built side by side, and the
 * forest's own `byteLength`; the code is compiled on a throwaway forest first, so that V8's code and
 * feedback are not counted as the forest's.
 * @module
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Bench } from 'tinybench';
import { RandomCutForest } from '../src/forest/forest.js';
import { RUNS, TIMED, WARMUP, type BenchConfig, type Operation } from './configs.js';

/** Points/s of one operation over the runs. */
export interface Throughput {
  median: number;
  min: number;
  max: number;
  /** Points/s of each run, ascending. */
  runs: number[];
}

export interface MemoryResult {
  /** Heap (V8 heap + array buffers) growth from before construction to after it, bytes (per forest). */
  afterBuild: number;
  /** Growth from before construction to after the warm-up, bytes (per forest). */
  afterWarmup: number;
  /** The forest's typed arrays after the warm-up (`forest.byteLength`, mean over the forests), bytes. */
  byteLength: number;
}

export interface ProtocolOptions {
  runs?: number;
  warmup?: number;
  timed?: number;
  operations?: readonly Operation[];
  /** Seed of run r's forest: `seed + r`. */
  seed?: number;
}

let cachedGc: (() => void) | undefined;

/** A forced full GC (`--expose-gc` is switched on at run time when node was started without it). */
export function gc(): void {
  if (!cachedGc) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === 'function') cachedGc = g;
    else {
      setFlagsFromString('--expose-gc');
      cachedGc = runInNewContext('gc') as () => void;
    }
  }
  cachedGc();
  cachedGc();
}

function heapNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Feeds `rows[from .. to)` to `forest` with `op`; returns a sum of scores so nothing is optimised away. */
export function feed(forest: RandomCutForest, rows: Float64Array[], from: number, to: number, op: Operation): number {
  let sink = 0;
  if (op === 'process') {
    for (let t = from; t < to; t++) sink += forest.process(rows[t]!);
  } else if (op === 'update') {
    for (let t = from; t < to; t++) forest.update(rows[t]!);
  } else {
    for (let t = from; t < to; t++) {
      const row = rows[t]!;
      sink += forest.attribution(row).score;
      forest.update(row);
    }
  }
  return sink;
}

/** Times the operations of one configuration. */
export async function measureThroughput(
  config: BenchConfig,
  rows: Float64Array[],
  options: ProtocolOptions = {},
): Promise<Record<Operation, Throughput | undefined>> {
  const runs = options.runs ?? RUNS;
  const warmup = options.warmup ?? WARMUP;
  const timed = options.timed ?? TIMED;
  const seed = options.seed ?? 42;
  const operations = options.operations ?? (['process', 'update', 'attribution'] as const);
  if (rows.length < warmup + timed) throw new Error(`bench: need ${warmup + timed} rows, have ${rows.length}`);
  const bench = new Bench({ iterations: runs, time: 0, warmup: false, retainSamples: true, throws: true });
  let sink = 0;
  for (const op of operations) {
    let forest: RandomCutForest | undefined;
    let run = 0;
    bench.add(
      op,
      () => {
        sink += feed(forest!, rows, warmup, warmup + timed, op);
      },
      {
        beforeEach: () => {
          forest = new RandomCutForest({ ...config.options, seed: seed + run++ });
          sink += feed(forest, rows, 0, warmup, op);
        },
        afterEach: () => {
          forest = undefined;
        },
      },
    );
  }
  await bench.run();
  if (sink === -1) console.log(''); // keep the sum alive
  const out: Record<Operation, Throughput | undefined> = { process: undefined, update: undefined, attribution: undefined };
  for (const task of bench.tasks) {
    const r = task.result;
    if (!('latency' in r)) throw new Error(`bench: task ${task.name} did not complete (${r.state})`);
    const samples = (r.latency.samples ?? []).slice(0, runs);
    const sorted = samples.map((ms) => (timed * 1000) / ms).sort((a, b) => a - b);
    out[task.name as Operation] = {
      median: sorted[Math.floor(sorted.length / 2)]!,
      min: sorted[0]!,
      max: sorted[sorted.length - 1]!,
      runs: sorted,
    };
  }
  return out;
}

/** Full GCs until the heap and the array buffers stop shrinking (backing stores are freed lazily). */
async function settledHeap(): Promise<number> {
  let last = Infinity;
  for (let i = 0; i < 10; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = heapNow();
    if (now >= last) return now;
    last = now;
  }
  return last;
}

/** Compiles the forest's code on a throwaway forest of the same configuration. */
function compileOnThrowaway(config: BenchConfig, rows: Float64Array[]): void {
  const throwaway = new RandomCutForest({ ...config.options, seed: 1 });
  feed(throwaway, rows, 0, Math.min(rows.length, 3000), 'process');
  feed(throwaway, rows, 0, Math.min(rows.length, 500), 'attribution');
}

/** Forests built side by side by `measureMemory`, whose growth is divided by their number. */
export const MEMORY_FORESTS = 4;

/**
 * Heap growth of one forest after construction and after the warm-up (with `update`), averaged over
 * `MEMORY_FORESTS` forests (seeds `seed .. seed + 3`) built and warmed side by side: one forest's
 * growth moved by up to 0.3 MB between runs (V8 allocates some of its own bookkeeping lazily), the
 * average of four by far less. The code is compiled first on a throwaway forest, so that bytecode,
 * feedback and optimised code (V8 heap, but not the forest's memory; the JVM keeps them outside its
 * heap) are not counted.
 */
export async function measureMemory(config: BenchConfig, rows: Float64Array[], options: ProtocolOptions = {}): Promise<MemoryResult> {
  const warmup = options.warmup ?? WARMUP;
  const seed = options.seed ?? 42;
  compileOnThrowaway(config, rows);
  const before = await settledHeap();
  const forests: RandomCutForest[] = [];
  for (let k = 0; k < MEMORY_FORESTS; k++) forests.push(new RandomCutForest({ ...config.options, seed: seed + k }));
  const afterBuild = ((await settledHeap()) - before) / MEMORY_FORESTS;
  for (const forest of forests) feed(forest, rows, 0, warmup, 'update');
  const afterWarmup = ((await settledHeap()) - before) / MEMORY_FORESTS;
  let byteLength = 0;
  for (const forest of forests) byteLength += forest.byteLength;
  return { afterBuild, afterWarmup, byteLength: byteLength / MEMORY_FORESTS };
}
