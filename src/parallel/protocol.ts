/**
 * Messages between a {@link ParallelForest} and its workers. Internal.
 * @module
 */
import type { RandomCutForestOptions } from '../forest/options.js';

/** What a worker is started with (`workerData`). */
export interface WorkerInit {
  /** The full forest's options, with the seed resolved to a string. */
  options: RandomCutForestOptions & { seed: string };
  /** The worker holds trees [from, to) of the full forest. */
  from: number;
  to: number;
}

/** A batch of records, flattened: record r is `records[r * dimensions .. (r + 1) * dimensions)`. */
export interface BatchRequest {
  id: number;
  /**
   * `process`: per-tree scores, then update; `score`: per-tree scores only; `update`: update only;
   * `reset`: start over with a fresh forest (same options and seed; records ignored).
   */
  op: 'process' | 'score' | 'update' | 'reset';
  records: Float64Array;
  count: number;
}

export interface BatchReply {
  id: number;
  /** Per-tree scores, record-major: `scores[r * trees + t]` (absent for `update`). */
  scores?: Float64Array;
  /** 1 where the record got non-zero scores (the forest was ready), else 0. */
  ready?: Uint8Array;
  error?: string;
}
