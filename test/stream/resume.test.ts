import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { InvalidRowError, RandomCutForest, randomCutForest, randomCutForestWithExplanation } from '../../src/index.js';
import { collect, toAsync } from './helpers.js';

const small = { numberOfTrees: 10, subSampleSize: 16, timeDecay: 100, seed: 11, shingleSize: 2 } as const;

function series(n: number): Record<string, unknown>[] {
  const rng = seedrandom('resume');
  return Array.from({ length: n }, (_, i) => ({ i, a: Math.sin(i / 7) + 0.05 * rng(), b: 20 + rng() }));
}

/** Rows with invalid ones mixed in (for invalidRows: "skip"). */
function dirty(n: number): Record<string, unknown>[] {
  return series(n).map((r, i) => (i % 13 === 5 ? { ...r, a: 'n/a' } : r));
}

type Row = Record<string, unknown>;
/** Either forest operator, called with loosely typed options. */
type Operator = {
  (source: Iterable<Row>, options: object): Iterable<Row>;
  (source: AsyncIterable<Row>, options: object): AsyncIterable<Row>;
};
const operators: [string, Operator, object][] = [
  ['randomCutForest', randomCutForest as unknown as Operator, {}],
  ['randomCutForestWithExplanation', randomCutForestWithExplanation as unknown as Operator, { withDirectionality: true }],
];

/** The uninterrupted run and its checkpoints (bytes by rowsSeen). */
function uninterrupted(op: Operator, rows: Record<string, unknown>[], options: object, every: number) {
  const saved = new Map<number, Uint8Array>();
  const full = [...op(rows, { ...small, ...options, checkpoint: { every, save: (b: Uint8Array, n: number) => void saved.set(n, b) } })];
  return { full, saved };
}

describe('resumeFrom: the resumed run emits exactly the rest of the uninterrupted run', () => {
  for (const [name, op, extra] of operators) {
    for (const [label, rows, options] of [
      ['clean rows', series(400), extra],
      ['invalid rows skipped', dirty(400), { ...extra, invalidRows: 'skip' }],
    ] as const) {
      it(`${name}, ${label}: "start" (the default) drops the first rowsSeen rows of a replayed source; "position" scores a continuing one`, async () => {
        const { full, saved } = uninterrupted(op, rows, options, 150);
        for (const at of [150, 300]) {
          const state = saved.get(at)!;
          const rest = full.slice(at);
          // replaying the source from its first row
          expect([...op(rows, { ...options, state })]).toEqual(rest); // default
          expect([...op(rows, { ...options, state, resumeFrom: 'start' })]).toEqual(rest);
          expect(await collect(op(toAsync(rows), { ...options, state, resumeFrom: 'start' }))).toEqual(rest);
          // a source that itself continues after the checkpoint
          expect([...op(rows.slice(at), { ...options, state, resumeFrom: 'position' })]).toEqual(rest);
          expect(await collect(op(toAsync(rows.slice(at)), { ...options, state, resumeFrom: 'position' }))).toEqual(rest);
        }
        // bit-identical scores (Object.is on every one)
        const resumed = [...op(rows, { ...options, state: saved.get(150)! })];
        resumed.forEach((r, k) => expect(Object.is(r.ANOMALY_SCORE, full[150 + k]!.ANOMALY_SCORE)).toBe(true));
      });
    }
  }

  it('the resumed run checkpoints at the same rows, with the same bytes', () => {
    const rows = series(500);
    const { saved } = uninterrupted(randomCutForest, rows, {}, 100);
    const again = new Map<number, Uint8Array>();
    [...randomCutForest(rows, { state: saved.get(200)!, checkpoint: { every: 100, save: (b, n) => void again.set(n, b) } })];
    expect([...again.keys()]).toEqual([300, 400, 500]);
    for (const n of again.keys()) expect(again.get(n)).toEqual(saved.get(n));
  });

  it('row numbers in errors count from the first run, in both modes', () => {
    const rows = series(300);
    const { saved } = uninterrupted(randomCutForest, rows, {}, 100);
    const bad = rows.map((r, i) => (i === 250 ? { ...r, b: 'oops' } : r));
    const errorOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const expected = errorOf(() => [...randomCutForest(bad, small)]);
    expect(expected).toMatchObject({ row: 251 });
    const state = saved.get(100)!;
    expect(errorOf(() => [...randomCutForest(bad, { state })])).toEqual(expected);
    expect(errorOf(() => [...randomCutForest(bad.slice(100), { state, resumeFrom: 'position' })])).toEqual(expected);
    expect(errorOf(() => [...randomCutForest(bad, { state })])).toBeInstanceOf(InvalidRowError);
  });

  it('"start" with a source shorter than rowsSeen raises a RangeError naming both modes', async () => {
    const rows = series(300);
    const { saved } = uninterrupted(randomCutForest, rows, {}, 200);
    const state = saved.get(200)!;
    expect(() => [...randomCutForest(rows.slice(0, 150), { state })]).toThrow(
      /the source ended after 150 rows, before the 200 rows the state covers .*resumeFrom: "position"/,
    );
    await expect(collect(randomCutForest(toAsync(rows.slice(200)), { state }))).rejects.toThrow(RangeError);
  });

  it('a bare forest state covers no rows: nothing is dropped', () => {
    const rows = series(100);
    const forest = new RandomCutForest({ dimensions: 2, ...small });
    const copy = new RandomCutForest({ dimensions: 2, ...small });
    for (const r of rows.slice(0, 40)) {
      forest.process([r.a as number, r.b as number]);
      copy.process([r.a as number, r.b as number]);
    }
    const out = [...randomCutForest(rows.slice(40), { columns: ['a', 'b'], state: forest.toBytes() })];
    expect(out.map((r) => r.ANOMALY_SCORE)).toEqual(rows.slice(40).map((r) => copy.process([r.a as number, r.b as number])));
  });

  it('resumeFrom is validated', () => {
    expect(() => randomCutForest([], { resumeFrom: 'middle' as 'start' })).toThrow(
      'randomCutForest: option "resumeFrom" must be "start" or "position" (got "middle")',
    );
    expect(() => randomCutForest([], { resumeFrom: true as unknown as 'start' })).toThrow(TypeError);
  });
});
