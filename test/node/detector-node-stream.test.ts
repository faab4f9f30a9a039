import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { createAnomalyDetectorStream } from '../../src/node/index.js';
import { CheckpointSaveError, InvalidRowError, anomalyDetector } from '../../src/index.js';

const small = { numberOfTrees: 10, subSampleSize: 32, shingleSize: 4, historySize: 256, seed: 3 } as const;

function series(n: number): { t: number; v: number | string }[] {
  const rng = seedrandom('node-detector');
  return Array.from({ length: n }, (_, i) => ({ t: 1_700_000_000_000 + i * 1000, v: Math.sin(i / 6) + 0.1 * rng() + (i % 97 === 80 ? 5 : 0) }));
}

async function run(rows: unknown[], options: object): Promise<unknown[]> {
  const out: unknown[] = [];
  await pipeline(Readable.from(rows), createAnomalyDetectorStream(options), async (source: AsyncIterable<unknown>) => {
    for await (const row of source) out.push(row);
  });
  return out;
}

describe('createAnomalyDetectorStream', () => {
  it('gives the same rows as anomalyDetector, checkpoints included, and resumes', async () => {
    const rows = series(300);
    const saved = new Map<number, Uint8Array>();
    const out = await run(rows, { ...small, time: 't', expected: true, checkpoint: { every: 100, save: async (b: Uint8Array, n: number) => void saved.set(n, b) } });
    expect(out).toEqual([...anomalyDetector(rows, { ...small, time: 't', expected: true })]);
    expect([...saved.keys()]).toEqual([100, 200, 300]);
    expect(await run(rows, { time: 't', expected: true, state: saved.get(100) })).toEqual(out.slice(100));
    expect(await run(rows.slice(200), { time: 't', expected: true, state: saved.get(200), resumeFrom: 'position' })).toEqual(out.slice(200));
  });

  it('an invalid row destroys the stream with InvalidRowError; "skip" passes it with nulls', async () => {
    const rows = series(50).map((r, i) => (i === 20 ? { ...r, v: 'x' } : r));
    await expect(run(rows, small)).rejects.toThrow(InvalidRowError);
    const out = (await run(rows, { ...small, invalidRows: 'skip' })) as Record<string, unknown>[];
    expect(out[20]).toMatchObject({ ANOMALY_SCORE: null, ANOMALY_GRADE: null, IS_ANOMALY: null });
  });

  it('a failing save is a CheckpointSaveError; bad options throw at creation', async () => {
    await expect(run(series(50), { ...small, checkpoint: { every: 10, save: () => Promise.reject(new Error('no')) } })).rejects.toThrow(CheckpointSaveError);
    expect(() => createAnomalyDetectorStream({ trees: 5 } as never)).toThrow('createAnomalyDetectorStream: unknown option "trees"');
    const stream = createAnomalyDetectorStream(small);
    stream.resume();
    stream.end();
    await once(stream, 'end');
  });
});
