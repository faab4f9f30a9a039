import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { createRandomCutForestStream, createRandomCutForestWithExplanationStream } from '../../src/node/index.js';
import { CheckpointSaveError, InvalidRowError, randomCutForest, randomCutForestWithExplanation } from '../../src/index.js';
import { vi } from 'vitest';

const small = { numberOfTrees: 20, subSampleSize: 16, timeDecay: 200, seed: 42 } as const;

function series(n: number, seed = 'rows'): { t: string; host: string; a: number; b: number }[] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    t: `r${i}`,
    host: i % 2 === 0 ? 'x' : 'y',
    a: 10 + Math.sin(i / 5) + 0.1 * rng(),
    b: 100 + 5 * rng(),
  }));
}

describe('Node streams', () => {
  it('createRandomCutForestStream gives the same rows as randomCutForest', async () => {
    const rows = series(60);
    const stream = createRandomCutForestStream(small);
    const out: unknown[] = [];
    stream.on('data', (row) => out.push(row));
    for (const row of rows) if (!stream.write(row)) await once(stream, 'drain');
    stream.end();
    await once(stream, 'end');
    expect(out).toEqual([...randomCutForest(rows, small)]);
  });

  it('respects backpressure: rows wait while nobody reads', async () => {
    const rows = series(500);
    const stream = createRandomCutForestWithExplanationStream({ ...small, withDirectionality: true });
    let accepted = 0;
    for (const row of rows) {
      accepted++;
      if (!stream.write(row)) break;
    }
    expect(accepted).toBeLessThan(rows.length); // write() said stop
    await new Promise((resolve) => setTimeout(resolve, 20));
    // only a readable buffer's worth of rows has been scored
    expect(stream.readableLength).toBeLessThanOrEqual(stream.readableHighWaterMark + 1);
    const out: unknown[] = [];
    const done = (async () => {
      for await (const row of stream) out.push(row);
    })();
    for (const row of rows.slice(accepted)) if (!stream.write(row)) await once(stream, 'drain');
    stream.end();
    await done;
    expect(out).toEqual([...randomCutForestWithExplanation(rows, { ...small, withDirectionality: true })]);
  });

  it('an invalid row errors the stream with InvalidRowError', async () => {
    const stream = createRandomCutForestStream(small);
    const error = once(stream, 'error');
    stream.write({ a: 1 });
    stream.write({ a: 'x' });
    const [e] = await error;
    expect(e).toBeInstanceOf(InvalidRowError);
  });
});

describe('Node streams: options and checkpoints', () => {
  it('validates options at creation', () => {
    expect(() => createRandomCutForestStream({ numberOfTrees: -1 })).toThrow(RangeError);
  });

  it('the Node stream versions checkpoint (awaiting save) and resume from state too', async () => {
    const rows = series(120);
    const options = { ...small, withDirectionality: true };
    const run = async (input: typeof rows, extra: object) => {
      const stream = createRandomCutForestWithExplanationStream({ ...options, ...extra });
      const out: unknown[] = [];
      stream.on('data', (row) => out.push(row));
      for (const row of input) if (!stream.write(row)) await once(stream, 'drain');
      stream.end();
      await once(stream, 'end');
      return out;
    };
    const saved: [Uint8Array, number][] = [];
    let pending = 0;
    const full = await run(rows, {
      checkpoint: {
        every: 40,
        save: async (b: Uint8Array, n: number) => {
          pending++;
          await new Promise((r) => setTimeout(r, 5));
          saved.push([b, n]);
          pending--;
        },
      },
    });
    expect(pending).toBe(0);
    expect(saved.map(([, n]) => n)).toEqual([40, 80, 120]);
    expect(full).toEqual([...randomCutForestWithExplanation(rows, options)]);
    const [bytes, seen] = saved[0]!;
    const resumed = await run(rows.slice(seen), { state: bytes, resumeFrom: 'position' });
    expect(resumed).toEqual(full.slice(seen));
  });

});

/** Writes rows (respecting backpressure) and collects the output until 'end' or 'error'. */
async function pump(stream: ReturnType<typeof createRandomCutForestStream>, rows: object[]) {
  const out: Record<string, unknown>[] = [];
  stream.on('data', (row: Record<string, unknown>) => out.push(row));
  const finished = new Promise<unknown>((resolve) => {
    stream.on('end', () => resolve(undefined));
    stream.on('error', resolve);
  });
  for (const row of rows) {
    if (stream.destroyed) break;
    if (!stream.write(row)) await Promise.race([once(stream, 'drain'), finished]);
  }
  if (!stream.destroyed) stream.end();
  return { out, error: await finished };
}

describe('Node streams: resume and save failures', () => {
  it('resumeFrom "start" (default) drops the rows the state covers; "position" scores every row written', async () => {
    const rows = series(150);
    const saved = new Map<number, Uint8Array>();
    const full = [...randomCutForestWithExplanation(rows, { ...small, withDirectionality: true, checkpoint: { every: 60, save: (b, n) => void saved.set(n, b) } })];
    const state = saved.get(60)!;
    const start = await pump(createRandomCutForestWithExplanationStream({ withDirectionality: true, state }), rows);
    expect(start.error).toBeUndefined();
    expect(start.out).toEqual(full.slice(60));
    const position = await pump(createRandomCutForestWithExplanationStream({ withDirectionality: true, state, resumeFrom: 'position' }), rows.slice(60));
    expect(position.out).toEqual(full.slice(60));
    const short = await pump(createRandomCutForestStream({ state }), rows.slice(0, 10));
    expect(short.error).toBeInstanceOf(RangeError);
  });

  it("a failed save (throw or rejection) is the stream's 'error': CheckpointSaveError, earlier rows emitted, no unhandled rejection", async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const boom = new Error('no space');
      for (const save of [
        () => {
          throw boom;
        },
        () => Promise.reject(boom),
        async () => {
          await new Promise((r) => setTimeout(r, 2));
          throw boom;
        },
      ]) {
        const { out, error } = await pump(createRandomCutForestStream({ ...small, checkpoint: { every: 20, save } }), series(60));
        expect(error).toBeInstanceOf(CheckpointSaveError);
        expect(error).toMatchObject({ rowsSeen: 20, cause: boom });
        expect(out).toHaveLength(20);
      }
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('unhandledRejection', unhandled);
    }
    expect(unhandled).not.toHaveBeenCalled();
  });
});
