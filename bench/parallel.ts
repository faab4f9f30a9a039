/**
 * Parallel mode timing (`npm run bench -- --parallel [--workers N] [--batch N]`): per configuration,
 * the single-threaded `process` loop against `ParallelForest.processBatch` on the same rows with the
 * same protocol (25,000 warm-up rows, 50,000 timed, median of the runs), and a check that both give
 * the same scores bit for bit. Hand-timed: a run is async (batches go to workers), which the
 * synchronous tinybench task of protocol.ts does not model.
 * @module
 */
import { RandomCutForest } from '../src/forest/forest.js';
import { ParallelForest } from '../src/parallel/parallel-forest.js';
import { TIMED, WARMUP, type BenchConfig } from './configs.js';
import { loadBenchData } from './data.js';

export interface ParallelResult {
  config: string;
  workers: number;
  batch: number;
  /** points/s of the single-threaded process loop, per run (ascending). */
  single: number[];
  /** points/s of processBatch, per run (ascending). */
  parallel: number[];
  singleMedian: number;
  parallelMedian: number;
  speedup: number;
  identical: boolean;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function batches(rows: Float64Array[], from: number, to: number, size: number): Float64Array[][] {
  const out: Float64Array[][] = [];
  for (let i = from; i < to; i += size) out.push(rows.slice(i, Math.min(to, i + size)));
  return out;
}

export async function measureParallel(
  configs: readonly BenchConfig[],
  options: { workers: number; batch: number; runs: number },
): Promise<ParallelResult[]> {
  const results: ParallelResult[] = [];
  for (const config of configs) {
    const { rows } = loadBenchData(config.file, config.columns, WARMUP + TIMED);
    const single: number[] = [];
    const parallel: number[] = [];
    let identical = true;
    const warm = batches(rows, 0, WARMUP, options.batch);
    const timed = batches(rows, WARMUP, WARMUP + TIMED, options.batch);
    for (let run = 0; run < options.runs; run++) {
      const seed = 42 + run;
      const forest = new RandomCutForest({ ...config.options, seed });
      for (let t = 0; t < WARMUP; t++) forest.process(rows[t]!);
      const expected = new Float64Array(TIMED);
      let t0 = performance.now();
      for (let t = 0; t < TIMED; t++) expected[t] = forest.process(rows[WARMUP + t]!);
      single.push((TIMED * 1000) / (performance.now() - t0));

      const par = await ParallelForest.create({ ...config.options, seed, workers: options.workers });
      try {
        for (const b of warm) await par.processBatch(b);
        const got = new Float64Array(TIMED);
        t0 = performance.now();
        let at = 0;
        for (const b of timed) {
          got.set(await par.processBatch(b), at);
          at += b.length;
        }
        parallel.push((TIMED * 1000) / (performance.now() - t0));
        if (!Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))) identical = false;
      } finally {
        await par.close();
      }
    }
    const singleMedian = median(single);
    const parallelMedian = median(parallel);
    results.push({
      config: config.name,
      workers: options.workers,
      batch: options.batch,
      single: [...single].sort((a, b) => a - b),
      parallel: [...parallel].sort((a, b) => a - b),
      singleMedian,
      parallelMedian,
      speedup: parallelMedian / singleMedian,
      identical,
    });
  }
  return results;
}

export function formatParallel(results: ParallelResult[]): string {
  const int = (x: number): string => Math.round(x).toLocaleString('en-US');
  const lines = ['parallel process (ParallelForest.processBatch) vs single-threaded process, points/s, median'];
  const cells = [['config', 'workers', 'batch', 'single thread', 'parallel', 'speed-up', 'bit-identical']];
  for (const r of results) {
    cells.push([r.config, String(r.workers), String(r.batch), int(r.singleMedian), int(r.parallelMedian), r.speedup.toFixed(2) + 'x', r.identical ? 'yes' : 'NO']);
  }
  const widths = cells[0]!.map((_, j) => Math.max(...cells.map((row) => row[j]!.length)));
  for (const row of cells) lines.push(row.map((c, j) => c.padStart(widths[j]!)).join('  '));
  return lines.join('\n');
}
