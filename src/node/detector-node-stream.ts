/**
 * The anomalyDetector operator as a Node.js object-mode Transform stream.
 * @module
 */
import type { Transform } from 'node:stream';
import { detectorCoreFactory, type AnomalyDetectorOperatorOptions } from '../stream/detector-operator.js';
import { coreTransform } from './rcf-node-streams.js';

/**
 * {@link anomalyDetector} as an object-mode `stream.Transform`: write rows, read rows with
 * `ANOMALY_SCORE`, `ANOMALY_GRADE`, `IS_ANOMALY` (and `EXPECTED_<column>` with `expected: true`). It
 * respects backpressure and awaits `checkpoint.save`. Options are validated here; an invalid row
 * destroys the stream with an `InvalidRowError` (unless `invalidRows: "skip"`), a failed save with a
 * `CheckpointSaveError`. With `state`, `resumeFrom` says whether the rows written start from the
 * source's first row (`"start"`, the default) or after the checkpoint (`"position"`).
 *
 * @example
 * ```ts
 * import { pipeline } from 'node:stream/promises';
 * await pipeline(readJsonLines('in.jsonl'), createAnomalyDetectorStream({ time: 'ts', seed: 42 }), writeJsonLines('out.jsonl'));
 * ```
 */
export function createAnomalyDetectorStream(options?: AnomalyDetectorOperatorOptions): Transform {
  return coreTransform(detectorCoreFactory('createAnomalyDetectorStream', options)());
}
