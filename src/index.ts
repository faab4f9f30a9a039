/**
 * random-cut-forest: streaming anomaly detection with a Random Cut Forest, faithful to Kinesis Data
 * Analytics' RANDOM_CUT_FOREST and RANDOM_CUT_FOREST_WITH_EXPLANATION. This module re-exports the
 * public API only: the forest engine, the streaming operators and windows, and {@link AnomalyDetector}. I/O, the NAB benchmark
 * and reporting live at `random-cut-forest/io`, `random-cut-forest/nab`, `random-cut-forest/report`;
 * the Node.js stream adapters (`createRandomCutForestStream`, ...) at `random-cut-forest/node`.
 * Nothing reachable from this module imports `node:*` or uses Node globals, so it bundles for
 * browsers (checked by `test/node/browser-safe-root.test.ts`).
 * @example
 * import { RandomCutForest, randomCutForest, tumblingWindows, count } from 'random-cut-forest';
 * @packageDocumentation
 */
export * from './forest/index.js';
export * from './stream/index.js';
export {
  AnomalyDetector,
  DetectorStateError,
  DETECTOR_DEFAULTS,
  DETECTOR_STATE_VERSION,
  type DetectionResult,
  type AnomalyDetectorOptions,
  type ResolvedDetectorOptions,
  type TransformMode,
  type DetectorState,
} from './detect/index.js';
