/**
 * A ParallelForest worker: holds trees [from, to) of the forest (same per-tree random streams as the
 * single-threaded forest) and, per batch, reports each of its trees' scores for every record before
 * learning it. Internal; started by {@link ParallelForest}.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RandomCutForest } from '../forest/forest.js';
import type { BatchReply, BatchRequest, WorkerInit } from './protocol.js';

const init = workerData as WorkerInit;
let forest = RandomCutForest.subsetOfTrees(init.options, init.from, init.to);
const trees = init.to - init.from;
const dims = forest.dimensions;
const record = new Float64Array(dims);

function run(req: BatchRequest): BatchReply {
  const { id, op, records, count } = req;
  if (op === 'reset') {
    forest = RandomCutForest.subsetOfTrees(init.options, init.from, init.to);
    return { id };
  }
  const scores = op === 'update' ? undefined : new Float64Array(count * trees);
  const ready = op === 'update' ? undefined : new Uint8Array(count);
  for (let r = 0; r < count; r++) {
    record.set(records.subarray(r * dims, (r + 1) * dims));
    if (scores) ready![r] = forest.scorePerTree(record, scores, r * trees) ? 1 : 0;
    if (op !== 'score') forest.update(record);
  }
  return { id, scores, ready };
}

parentPort!.on('message', (req: BatchRequest) => {
  let reply: BatchReply;
  try {
    reply = run(req);
  } catch (err) {
    reply = { id: req.id, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
  const transfer: ArrayBuffer[] = [];
  if (reply.scores) transfer.push(reply.scores.buffer as ArrayBuffer);
  if (reply.ready) transfer.push(reply.ready.buffer as ArrayBuffer);
  parentPort!.postMessage(reply, transfer);
});
