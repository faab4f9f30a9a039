/**
 * The benchmark configurations A-D of issue 4 and the reference Java library's numbers measured on
 * this machine kind (randomcutforest-core 4.x, single thread, JDK 17).
 * @module
 */
import type { RandomCutForestOptions } from '../src/forest/options.js';

/** The three timed operations. */
export type Operation = 'process' | 'update' | 'attribution';

export const OPERATIONS: readonly Operation[] = ['process', 'update', 'attribution'];

/** Human labels of the operations. */
export const OPERATION_LABEL: Record<Operation, string> = {
  process: 'process (score, then update)',
  update: 'update only',
  attribution: 'attribution, then update',
};

export interface BenchConfig {
  name: 'A' | 'B' | 'C' | 'D';
  description: string;
  /** Columns of the input file used (bench_dim{1,5,10}.csv, first `columns` columns). */
  columns: number;
  /** The input file's column count (which file). */
  file: 1 | 5 | 10;
  options: Omit<RandomCutForestOptions, 'seed'>;
  /** The reference's median points/s per operation. */
  reference: Record<Operation, number>;
  /** The reference forest's heap after warm-up, bytes. */
  referenceHeap: number;
}

const MB = 1_000_000;

export const CONFIGS: readonly BenchConfig[] = [
  {
    name: 'A',
    description: '1 value, no shingle, 100 trees, 256, decay 100000',
    columns: 1,
    file: 1,
    options: { dimensions: 1, shingleSize: 1, numberOfTrees: 100, subSampleSize: 256, timeDecay: 100_000 },
    reference: { process: 24_100, update: 59_600, attribution: 12_400 },
    referenceHeap: 1.0 * MB,
  },
  {
    name: 'B',
    description: '1 value, shingle 8, 100 trees, 256, decay 2560',
    columns: 1,
    file: 1,
    options: { dimensions: 1, shingleSize: 8, numberOfTrees: 100, subSampleSize: 256, timeDecay: 2560 },
    reference: { process: 8_250, update: 16_100, attribution: 3_320 },
    referenceHeap: 2.5 * MB,
  },
  {
    name: 'C',
    description: '5 values, shingle 8 (40 dims), 30 trees, 256, decay 2560',
    columns: 5,
    file: 5,
    options: { dimensions: 5, shingleSize: 8, numberOfTrees: 30, subSampleSize: 256, timeDecay: 2560 },
    reference: { process: 13_300, update: 26_600, attribution: 4_660 },
    referenceHeap: 3.0 * MB,
  },
  {
    name: 'D',
    description: '10 values, no shingle, 100 trees, 256, decay 2560',
    columns: 10,
    file: 10,
    options: { dimensions: 10, shingleSize: 1, numberOfTrees: 100, subSampleSize: 256, timeDecay: 2560 },
    reference: { process: 9_930, update: 17_700, attribution: 3_980 },
    referenceHeap: 3.1 * MB,
  },
];

/** The protocol: rows 0 .. WARMUP-1 warm the forest up, rows WARMUP .. WARMUP+TIMED-1 are timed. */
export const WARMUP = 25_000;
export const TIMED = 50_000;
export const RUNS = 5;
