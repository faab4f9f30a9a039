/**
 * random-cut-forest: streaming anomaly detection with a Random Cut Forest, faithful to Kinesis Data
 * Analytics' RANDOM_CUT_FOREST. This module re-exports the public API only.
 * @packageDocumentation
 */
export * from './forest/index.js';
