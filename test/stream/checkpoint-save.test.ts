import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckpointSaveError, randomCutForest, randomCutForestWithExplanation } from '../../src/index.js';

const small = { numberOfTrees: 5, subSampleSize: 10, timeDecay: 100, seed: 5 } as const;
const rows = Array.from({ length: 30 }, (_, i) => ({ i, a: Math.sin(i), b: i % 3 }));

/** A source recording how many rows were read and whether it was closed. */
function tracked(kind: 'sync' | 'async') {
  const state = { read: 0, closed: false };
  function* sync() {
    try {
      for (const row of rows) {
        state.read++;
        yield row;
      }
    } finally {
      state.closed = true;
    }
  }
  async function* async() {
    yield* sync();
  }
  return { source: kind === 'sync' ? sync() : async(), state };
}

/** Pulls rows until the iteration fails; returns what was emitted and the error. */
async function drain(iterable: Iterable<{ i: number }> | AsyncIterable<{ i: number }>) {
  const emitted: number[] = [];
  try {
    for await (const row of iterable) emitted.push(row.i);
  } catch (error) {
    return { emitted, error };
  }
  return { emitted, error: undefined };
}

const boom = new Error('disk full');
const saves: [string, () => void | PromiseLike<void>][] = [
  ['throws', () => {
    throw boom;
  }],
  ['returns a rejected promise', () => Promise.reject(boom)],
  ['returns a rejecting thenable', () => ({ then: (_ok: unknown, fail: (e: unknown) => void) => fail(boom) }) as unknown as PromiseLike<void>],
  ['rejects later', () => new Promise<void>((_, reject) => setTimeout(() => reject(boom), 2))],
];

describe('checkpoint.save failures surface as the operator\'s own error, never as an unhandled rejection', () => {
  const unhandled = vi.fn();
  beforeEach(() => {
    unhandled.mockReset();
    process.on('unhandledRejection', unhandled);
  });
  afterEach(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20)); // let any stray rejection surface
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });

  for (const [label, save] of saves) {
    it(`async source, save ${label}: CheckpointSaveError with the cause, rows up to the checkpoint emitted, no later row read`, async () => {
      type Operator = (source: Iterable<{ i: number }> | AsyncIterable<{ i: number }>, options: object) => AsyncIterable<{ i: number }>;
      for (const op of [randomCutForest, randomCutForestWithExplanation] as unknown as Operator[]) {
        const { source, state } = tracked('async');
        const { emitted, error } = await drain(op(source, { ...small, checkpoint: { every: 12, save } }));
        expect(error).toBeInstanceOf(CheckpointSaveError);
        expect(error).toMatchObject({ rowsSeen: 12, cause: boom });
        expect((error as Error).message).toMatch(/checkpoint.save failed for the state after row 12: disk full/);
        expect(emitted).toEqual(rows.slice(0, 12).map((r) => r.i));
        expect(state).toEqual({ read: 12, closed: true });
      }
    });
  }

  it('sync source, save throws: CheckpointSaveError from the iteration', async () => {
    const { source, state } = tracked('sync');
    const { emitted, error } = await drain(randomCutForest(source, { ...small, checkpoint: { every: 12, save: saves[0]![1] } }));
    expect(error).toBeInstanceOf(CheckpointSaveError);
    expect(error).toMatchObject({ rowsSeen: 12, cause: boom });
    expect(emitted).toHaveLength(12);
    expect(state).toEqual({ read: 12, closed: true });
  });

  for (const [label, save] of saves.slice(1)) {
    it(`sync source, save ${label}: a TypeError from the iteration (a sync loop cannot await), the promise observed`, async () => {
      const { source, state } = tracked('sync');
      const { emitted, error } = await drain(randomCutForest(source, { ...small, checkpoint: { every: 12, save } }));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/checkpoint.save returned a promise, which a sync source cannot await/);
      expect(emitted).toHaveLength(12);
      expect(state).toEqual({ read: 12, closed: true });
    });
  }

  it('sync source with an async save function: refused at the call, before any row is read', () => {
    const { source, state } = tracked('sync');
    expect(() => randomCutForest(source, { ...small, checkpoint: { every: 5, save: async () => undefined } })).toThrow(
      /option "checkpoint.save" is an async function but the source is sync/,
    );
    expect(state.read).toBe(0);
  });

  it('a successful async save is awaited before the next row is read', async () => {
    const { source, state } = tracked('async');
    const readAtSave: number[] = [];
    const out = await drain(
      randomCutForest(source, {
        ...small,
        checkpoint: {
          every: 10,
          save: async (_b, n) => {
            await new Promise((r) => setTimeout(r, 2));
            readAtSave.push(state.read - n);
          },
        },
      }),
    );
    expect(out.error).toBeUndefined();
    expect(readAtSave).toEqual([0, 0, 0]);
  });
});
