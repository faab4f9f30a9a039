/**
 * Streaming operators: shingles, tumbling / sliding / stagger windows and their aggregators, as KDA
 * SQL's windowed queries.
 * @module
 */
export { CheckpointSaveError, InvalidRowError, LateRowError, type LateRowInfo } from './errors.js';
export { parseTime, step, type TimeAccessor } from './time.js';
export { isAsyncIterable, type Source, type Without } from './source.js';
export { shingles } from './shingles.js';
export {
  count,
  sum,
  avg,
  min,
  max,
  stddev,
  first,
  last,
  type Aggregator,
  type AggregatorKind,
  type Reducer,
  type AggregateSpec,
  type AggregateResult,
  type AggregateResults,
} from './aggregates.js';
export type { OnLate, WindowRow, SlidingRow, CommonWindowOptions, PartitionColumns, PartitionFields } from './windows/common.js';
export { tumblingWindows, type TumblingOptions, type WatermarkOptions } from './windows/tumbling.js';
export { slidingWindows, type SlidingFrame, type SlidingOptions } from './windows/sliding.js';
export { staggerWindows, type StaggerOptions } from './windows/stagger.js';
export {
  randomCutForest,
  randomCutForestWithExplanation,
  KDA_FOREST_LIMITS,
  MAX_STRENGTH,
  type InvalidRowsMode,
  type CheckpointOptions,
  type ResumeFrom,
  type RandomCutForestOperatorOptions,
  type RandomCutForestWithExplanationOptions,
  type ScoreOf,
  type ScoredRow,
  type ExplainedRow,
} from './rcf-operators.js';
export {
  anomalyDetector,
  MAX_DETECTOR_COLUMNS,
  EXPECTED_PREFIX,
  DETECTOR_OPERATOR_STATE_VERSION,
  type AnomalyDetectorOperatorOptions,
  type DetectorFields,
  type DetectedRow,
} from './detector-operator.js';
