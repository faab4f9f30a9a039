/**
 * ParallelForest takes each batch when the method is called (item 11): clearing, reusing, growing or
 * changing the array or its records afterwards changes nothing. And a worker that dies (item 12)
 * makes the pending and later calls reject with an error naming it, never hang; close() resolves.
 * The workers run dist/ (npm test builds it first).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RandomCutForest } from '../../src/forest/forest.js';
import type { RandomCutForestOptions } from '../../src/forest/options.js';
import { ParallelForest, internalWorkers } from '../../src/parallel/parallel-forest.js';
import { mulberry32 } from '../forest/helpers.js';

const opened: ParallelForest[] = [];
afterAll(async () => {
  await Promise.all(opened.map((f) => f.close()));
});

async function open(options: Parameters<typeof ParallelForest.create>[0]): Promise<ParallelForest> {
  const f = await ParallelForest.create(options);
  opened.push(f);
  return f;
}

function rows(n: number, d: number, seed: number): number[][] {
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => Math.round(rnd() * 64) / 8));
}

/** Fails (rather than hangs) when `p` has not settled within `ms`. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const options: RandomCutForestOptions = { dimensions: 2, numberOfTrees: 6, subSampleSize: 16, timeDecay: 200, seed: 11 };
type Mutation = (batch: number[][]) => void;
const mutations: Record<string, Mutation> = {
  'length = 0': (b) => {
    b.length = 0;
  },
  'splice (clear)': (b) => {
    b.splice(0, b.length);
  },
  'grow (push)': (b) => {
    b.push([1e6, -1e6], [5, 5]);
  },
  'overwrite records': (b) => {
    for (let i = 0; i < b.length; i++) b[i] = [99, 99];
  },
  'mutate inner arrays': (b) => {
    for (const r of b) {
      r[0] = -7;
      r[1] = 123;
    }
  },
};

describe('ParallelForest takes the batch at the call', () => {
  const data = rows(600, 2, 3);
  const batches = [data.slice(0, 150), data.slice(150, 300), data.slice(300, 450), data.slice(450)];

  /** Reference: the single-threaded forest, op by op. */
  function reference(): { process: number[][]; score: number[][] } {
    const f = new RandomCutForest(options);
    const process: number[][] = [];
    const score: number[][] = [];
    for (const b of batches) {
      // per batch: scoreBatch, then updateBatch, then processBatch of the same records
      score.push(b.map((r) => f.score(r)));
      for (const r of b) f.update(r);
      process.push(b.map((r) => f.process(r)));
    }
    return { process, score };
  }
  const expected = reference();

  for (const [name, mutate] of Object.entries(mutations)) {
    it(`${name} right after each call (one reused array) gives the fresh-array results, for every method`, async () => {
      const par = await open({ ...options, workers: 2 });
      const reused: number[][] = [];
      const fill = (b: number[][]): void => {
        reused.length = 0;
        for (const r of b) reused.push([...r]);
      };
      const promises: Promise<Float64Array | void>[] = [];
      for (const b of batches) {
        fill(b);
        promises.push(par.scoreBatch(reused));
        mutate(reused);
        fill(b);
        promises.push(par.updateBatch(reused));
        mutate(reused);
        fill(b);
        promises.push(par.processBatch(reused));
        mutate(reused);
      }
      const results = await within(Promise.all(promises), 20_000, name);
      batches.forEach((_, i) => {
        expect(Array.from(results[3 * i] as Float64Array)).toEqual(expected.score[i]);
        expect(results[3 * i + 1]).toBeUndefined();
        expect(Array.from(results[3 * i + 2] as Float64Array)).toEqual(expected.process[i]);
      });
      await par.close();
    });
  }

  it('a batch whose getter-based length changes while it is read still counts the length read first', async () => {
    const par = await open({ ...options, workers: 2 });
    const b = data.slice(0, 40);
    const got = par.processBatch(b);
    b.length = 0;
    const f = new RandomCutForest(options);
    expect(Array.from(await got)).toEqual(data.slice(0, 40).map((r) => f.process(r)));
    await par.close();
  });
});

describe('ParallelForest when a worker dies', () => {
  const big = rows(60_000, 2, 9);

  it('a worker killed mid-batch: the batch, later calls reject naming the worker; close resolves', async () => {
    const par = await open({ dimensions: 2, numberOfTrees: 40, subSampleSize: 64, timeDecay: 1000, seed: 2, workers: 2 });
    const batch = par.processBatch(big);
    const later = par.scoreBatch(big.slice(0, 10));
    await new Promise((r) => setTimeout(r, 50));
    await internalWorkers(par)[1]!.terminate();
    await expect(within(batch, 5000, 'pending batch')).rejects.toThrow(/worker 1 \(trees 20-39\) exited with code 1/);
    await expect(within(later, 5000, 'queued batch')).rejects.toThrow(/worker 1/);
    await expect(within(par.updateBatch([[1, 2]]), 5000, 'later call')).rejects.toThrow(/worker 1/);
    await expect(within(par.reset(), 5000, 'reset')).rejects.toThrow(/worker 1/);
    await within(par.close(), 5000, 'close');
  });

  it('a worker killed between batches: the next call rejects; close resolves', async () => {
    const par = await open({ dimensions: 2, numberOfTrees: 4, subSampleSize: 16, timeDecay: 100, seed: 2, workers: 2 });
    await par.processBatch(big.slice(0, 100));
    await internalWorkers(par)[0]!.terminate();
    await expect(within(par.processBatch(big.slice(0, 10)), 5000, 'next batch')).rejects.toThrow(/worker 0 \(trees 0-1\) exited/);
    await within(par.close(), 5000, 'close');
  });

  it('an uncaught exception in a worker: pending and later calls reject with its message; close resolves', async () => {
    const par = await open({ dimensions: 2, numberOfTrees: 4, subSampleSize: 16, timeDecay: 100, seed: 2, workers: 2 });
    // A message the worker cannot read: its handler throws outside its own try (an uncaught error);
    // it arrives before the batch, so the batch can never complete.
    internalWorkers(par)[0]!.postMessage(null);
    const pending = par.processBatch(big.slice(0, 2000));
    await expect(within(pending, 5000, 'pending batch')).rejects.toThrow(/parallel forest worker 0 \(trees 0-1\) (failed: .*null|exited with code 1 \(.*null)/);
    await expect(within(par.scoreBatch([[1, 2]]), 5000, 'later call')).rejects.toThrow(/worker 0/);
    await within(par.close(), 5000, 'close');
  });

  it('workers out of memory at start-up (resourceLimits): create or the first batch rejects, naming the worker; never a hang', async () => {
    const started = ParallelForest.create({
      dimensions: 1000,
      numberOfTrees: 4,
      workers: 2,
      seed: 1,
      resourceLimits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1, codeRangeSizeMb: 1 },
    });
    let failed: Error | null = null;
    let par: ParallelForest | null = null;
    try {
      par = await within(started, 8000, 'create');
      opened.push(par);
    } catch (e) {
      failed = e as Error;
    }
    if (par) {
      try {
        await within(par.processBatch([new Array<number>(1000).fill(1)]), 8000, 'first batch');
      } catch (e) {
        failed = e as Error;
      }
      await within(par.close(), 5000, 'close');
    }
    expect(failed?.message).toMatch(/parallel forest worker \d \(trees \d-\d\) (exited with code|failed)/);
  });

  it('after close(), calls reject at once (no hang)', async () => {
    const par = await within(ParallelForest.create({ dimensions: 1, numberOfTrees: 2, workers: 2, seed: 1 }), 8000, 'create');
    opened.push(par);
    await within(par.close(), 5000, 'close');
    await expect(within(par.processBatch([[1]]), 1000, 'after close')).rejects.toThrow(/closed/);
    await within(par.close(), 1000, 'second close');
  });
});

describe('ParallelForest options', () => {
  it('an unknown option is a TypeError naming it and the closest valid option', async () => {
    await expect(ParallelForest.create({ dimensions: 1, numTrees: 5 } as never)).rejects.toThrow(
      /ParallelForest: unknown option "numTrees" \(did you mean "numberOfTrees"\?\)/,
    );
    await expect(ParallelForest.create({ dimensions: 1, worker: 2 } as never)).rejects.toThrow(/"worker" \(did you mean "workers"\?\)/);
    await expect(ParallelForest.create({ dimensions: 1, resourceLimit: {} } as never)).rejects.toThrow(/did you mean "resourceLimits"/);
    await expect(ParallelForest.create({ dimensions: 1, resourceLimits: 5 } as never)).rejects.toThrow(TypeError);
    await expect(ParallelForest.create({ dimensions: 1, resourceLimits: { maxOldGenerationSizeMb: 'x' } } as never)).rejects.toThrow(
      /resourceLimits.maxOldGenerationSizeMb must be a positive number/,
    );
    await expect(ParallelForest.create({ dimensions: 1, resourceLimits: { maxOldGenSizeMb: 64 } } as never)).rejects.toThrow(
      /unknown option "maxOldGenSizeMb" \(did you mean "maxOldGenerationSizeMb"\?\)/,
    );
  });
});
