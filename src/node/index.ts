/**
 * Node.js-only adapters (`random-cut-forest/node`): the forest operators as object-mode
 * `stream.Transform`s. Kept out of the package root so that the root bundles for browsers (nothing
 * reachable from it imports `node:*`).
 * @example
 * ```ts
 * import { pipeline } from 'node:stream/promises';
 * import { createRandomCutForestStream } from 'random-cut-forest/node';
 * await pipeline(rows, createRandomCutForestStream({ seed: 1 }), sink);
 * ```
 * @packageDocumentation
 */
export { createRandomCutForestStream, createRandomCutForestWithExplanationStream } from './rcf-node-streams.js';
export { createAnomalyDetectorStream } from './detector-node-stream.js';
