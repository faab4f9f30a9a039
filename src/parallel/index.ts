/** Parallel mode: a forest whose trees are split across worker threads, bit-identical scores. @module */
export { ParallelForest, type ParallelForestOptions } from './parallel-forest.js';
