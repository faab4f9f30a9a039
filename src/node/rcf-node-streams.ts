/**
 * The forest operators as Node.js object-mode Transform streams.
 * @module
 */
import { Transform, type TransformCallback } from 'node:stream';
import {
  forestCoreFactory,
  type RandomCutForestOperatorOptions,
  type RandomCutForestWithExplanationOptions,
} from '../stream/rcf-operators.js';

/** What the Transform drives: a forest operator's core or the detector operator's. */
interface RowCore {
  skips(): boolean;
  push(input: unknown): unknown;
  maybeCheckpoint(): Promise<void> | undefined;
  end(): void;
}

function forestTransform(name: string, options: unknown, explain: boolean): Transform {
  return coreTransform(forestCoreFactory(name, options, explain)());
}

/** @internal An operator core as an object-mode Transform (backpressure, awaited checkpoints). */
export function coreTransform(core: RowCore): Transform {
  return new Transform({
    objectMode: true,
    transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback) {
      if (core.skips()) {
        callback(); // resumeFrom "start": a row the checkpoint already covers
        return;
      }
      let pending: Promise<void> | undefined;
      try {
        this.push(core.push(chunk));
        pending = core.maybeCheckpoint();
      } catch (error) {
        callback(error as Error);
        return;
      }
      if (pending === undefined) {
        callback();
        return;
      }
      pending
        .then(
          () => callback(),
          (error: unknown) => callback(error as Error),
        )
        .then(undefined, (error: unknown) => this.destroy(error as Error)); // never an unhandled rejection
    },
    flush(callback: TransformCallback) {
      try {
        core.end();
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback();
    },
  });
}

/**
 * {@link randomCutForest} as an object-mode `stream.Transform`: write rows, read scored rows. It
 * respects backpressure (a row is scored only when the readable side has room) and awaits
 * `checkpoint.save`. Options are validated here; an invalid row destroys the stream with an
 * {@link InvalidRowError} (unless `invalidRows: "skip"`), a failed save with a
 * {@link CheckpointSaveError}. With `state`, `resumeFrom` says whether the rows written start from the
 * source's first row (`"start"`, the default: the first `rowsSeen` rows are dropped) or after the
 * checkpoint (`"position"`).
 *
 * @example
 * ```ts
 * import { pipeline } from 'node:stream/promises';
 * await pipeline(readJsonLines('in.jsonl'), createRandomCutForestStream({ seed: 1 }), writeJsonLines('out.jsonl'));
 * ```
 */
export function createRandomCutForestStream(options?: RandomCutForestOperatorOptions): Transform {
  return forestTransform('createRandomCutForestStream', options, false);
}

/**
 * {@link randomCutForestWithExplanation} as an object-mode `stream.Transform` (see
 * {@link createRandomCutForestStream}).
 *
 * @example
 * ```ts
 * const scorer = createRandomCutForestWithExplanationStream({ withDirectionality: true });
 * scorer.on('data', (row) => console.log(row.ANOMALY_SCORE, row.ANOMALY_EXPLANATION));
 * for (const row of rows) if (!scorer.write(row)) await once(scorer, 'drain');
 * scorer.end();
 * ```
 */
export function createRandomCutForestWithExplanationStream(options?: RandomCutForestWithExplanationOptions): Transform {
  return forestTransform('createRandomCutForestWithExplanationStream', options, true);
}
