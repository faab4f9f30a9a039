/**
 * Anomaly detection that needs no hand-tuned threshold: {@link AnomalyDetector}, its learned input
 * scaling, threshold and imputation, and its saved state. No Node-only imports (browser-safe).
 * @example
 * import { AnomalyDetector } from './detect/index.js';
 * const detector = new AnomalyDetector({ dimensions: 1, seed: 42 });
 * const { isAnomaly, grade } = detector.process([3.14], Date.now());
 * @module
 */
export { AnomalyDetector, type DetectionResult } from './detector.js';
export { type AnomalyDetectorOptions, type ResolvedDetectorOptions, DETECTOR_DEFAULTS, DETECTOR_OPTION_NAMES, resolveDetectorOptions } from './options.js';
export { InputTransform, TRANSFORM_CLAMP, type TransformMode } from './transform.js';
export { AdaptiveThreshold } from './threshold.js';
export { RecentPoints } from './impute.js';
export { ShingleHistory } from './recurrence.js';
export { DetectorStateError, DETECTOR_STATE_VERSION, type DetectorState } from './state.js';
