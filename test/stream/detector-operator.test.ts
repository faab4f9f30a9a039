import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import {
  AnomalyDetector,
  CheckpointSaveError,
  DetectorStateError,
  InvalidRowError,
  anomalyDetector,
  type DetectedRow,
} from '../../src/index.js';
import { collect, toAsync } from './helpers.js';

const small = { numberOfTrees: 10, subSampleSize: 32, shingleSize: 4, historySize: 256, seed: 7 } as const;
const T0 = Date.UTC(2024, 0, 1);

type Row = { ts: string; host: string; cpu: number | string; mem: number };

/** A noisy sine with spikes in cpu every 150 rows; ts an ISO string one minute apart. */
function series(n: number): Row[] {
  const rng = seedrandom('detector-operator');
  return Array.from({ length: n }, (_, i) => ({
    ts: new Date(T0 + i * 60_000).toISOString(),
    host: i % 2 === 0 ? 'x' : 'y',
    cpu: 50 + 10 * Math.sin(i / 9) + rng() + (i % 150 === 120 ? 40 : 0),
    mem: 200 + 3 * rng(),
  }));
}

/** The same rows, run through a detector by hand. */
function direct(rows: readonly Row[], options: object, columns: readonly (keyof Row)[]) {
  const detector = new AnomalyDetector({ ...options, dimensions: columns.length } as never);
  return rows.map((row) => detector.process(columns.map((c) => row[c] as number), Date.parse(row.ts)));
}

describe('anomalyDetector', () => {
  it('gives exactly what AnomalyDetector#process gives row by row (sync and async), adding three columns', async () => {
    const rows = series(500);
    const expected = direct(rows, small, ['cpu', 'mem']);
    const out = [...anomalyDetector(rows, { ...small, time: 'ts' })];
    expect(out).toHaveLength(rows.length);
    expect(expected.some((r) => r.isAnomaly)).toBe(true);
    out.forEach((row, i) => {
      const r = expected[i]!;
      expect(Object.keys(row)).toEqual(['ts', 'host', 'cpu', 'mem', 'ANOMALY_SCORE', 'ANOMALY_GRADE', 'IS_ANOMALY']);
      expect(Object.getPrototypeOf(row)).toBe(null);
      expect(Object.is(row.ANOMALY_SCORE, r.score)).toBe(true);
      expect(Object.is(row.ANOMALY_GRADE, r.grade)).toBe(true);
      expect(row.IS_ANOMALY).toBe(r.isAnomaly);
      expect(row.cpu).toBe(rows[i]!.cpu);
    });
    expect(await collect(anomalyDetector(toAsync(rows), { ...small, time: 'ts' }))).toEqual(out);
    // input rows untouched
    expect(Object.keys(rows[0]!)).toEqual(['ts', 'host', 'cpu', 'mem']);
  });

  it('columns picks and orders the scored columns; time accepts a function giving a Date, epoch ms or a string', () => {
    const rows = series(300);
    const expected = direct(rows, small, ['mem', 'cpu']);
    const byFunction = [...anomalyDetector(rows, { ...small, columns: ['mem', 'cpu'], time: (r: Row) => new Date(r.ts) })];
    const byMs = [...anomalyDetector(rows.map((r) => ({ ...r, ts: Date.parse(r.ts) })), { ...small, columns: ['mem', 'cpu'], time: 'ts' })];
    byFunction.forEach((row, i) => expect(row.ANOMALY_SCORE).toBe(expected[i]!.score));
    expect(byMs.map((r) => r.ANOMALY_SCORE)).toEqual(byFunction.map((r) => r.ANOMALY_SCORE));
    // the numeric time column is not scored when the columns are inferred
    const inferred = [...anomalyDetector(rows.map((r) => ({ ts: Date.parse(r.ts), mem: r.mem, cpu: r.cpu })), { ...small, time: 'ts' })];
    expect(inferred.map((r) => r.ANOMALY_SCORE)).toEqual(byFunction.map((r) => r.ANOMALY_SCORE));
  });

  it('without time, no timestamp is given (same results: the detector does not use it)', () => {
    const rows = series(200);
    const a = [...anomalyDetector(rows, small)].map((r) => r.ANOMALY_SCORE);
    const b = [...anomalyDetector(rows, { ...small, time: 'ts' })].map((r) => r.ANOMALY_SCORE);
    expect(a).toEqual(b);
  });

  it('expected: true adds EXPECTED_<column>, the expected values on alarms and null elsewhere', () => {
    const rows = series(500);
    const expected = direct(rows, small, ['cpu', 'mem']);
    const out = [...anomalyDetector(rows, { ...small, time: 'ts', expected: true })];
    let alarms = 0;
    out.forEach((row, i) => {
      const r = expected[i]!;
      expect(Object.keys(row).slice(-2)).toEqual(['EXPECTED_cpu', 'EXPECTED_mem']);
      if (r.expected === null) {
        expect(row.EXPECTED_cpu).toBeNull();
        expect(row.EXPECTED_mem).toBeNull();
      } else {
        alarms++;
        expect(row.EXPECTED_cpu).toBe(r.expected[0]);
        expect(row.EXPECTED_mem).toBe(r.expected[1]);
      }
    });
    expect(alarms).toBeGreaterThan(0);
  });

  it('invalid rows: an InvalidRowError by default; with "skip" passed through with nulls, the detector untouched', () => {
    const rows: Row[] = series(300);
    const dirty = rows.map((r, i) => (i === 100 ? { ...r, cpu: 'n/a' } : i === 150 ? { ...r, ts: 'not a time' } : r));
    expect(() => [...anomalyDetector(dirty, { ...small, time: 'ts' })]).toThrow(InvalidRowError);
    expect(() => [...anomalyDetector(dirty, { ...small, time: 'ts' })]).toThrow('row 101: column "cpu" is not a finite number (got "n/a")');
    expect(() => [...anomalyDetector(dirty.slice(120), { ...small, time: 'ts' })]).toThrow('row 31: column "ts" is not a valid time (got "not a time")');
    const out = [...anomalyDetector(dirty as unknown as Row[], { ...small, time: 'ts', invalidRows: 'skip', expected: true })];
    for (const i of [100, 150]) {
      expect(out[i]).toMatchObject({ ANOMALY_SCORE: null, ANOMALY_GRADE: null, IS_ANOMALY: null, EXPECTED_cpu: null, EXPECTED_mem: null });
    }
    const clean = dirty.filter((_, i) => i !== 100 && i !== 150);
    const want = direct(clean, small, ['cpu', 'mem']).map((r) => r.score);
    expect(out.filter((_, i) => i !== 100 && i !== 150).map((r) => r.ANOMALY_SCORE)).toEqual(want);
    // a row that is not an object
    const odd = [...anomalyDetector([5 as unknown as Row, ...rows.slice(0, 3)], { ...small, invalidRows: 'skip' })];
    expect(odd[0]).toEqual(Object.assign(Object.create(null), { value: 5, ANOMALY_SCORE: null, ANOMALY_GRADE: null, IS_ANOMALY: null }));
    expect(() => [...anomalyDetector([{ cpu: 1e31 }], small)]).toThrow('is outside +-1e+30');
  });

  it('refuses unknown and bad options at the call, naming them', () => {
    const rows = series(5);
    expect(() => anomalyDetector(rows, { ...small, zFacter: 3 } as never)).toThrow('anomalyDetector: unknown option "zFacter" (did you mean "zFactor"?');
    expect(() => anomalyDetector(rows, { dimensions: 2 } as never)).toThrow('unknown option "dimensions"');
    expect(() => anomalyDetector(rows, { zFactor: -1 })).toThrow(RangeError);
    expect(() => anomalyDetector(rows, { zFactor: -1 })).toThrow('anomalyDetector: option zFactor');
    expect(() => anomalyDetector(rows, { columns: [] })).toThrow('option "columns" must name 1 to 1000 columns');
    expect(() => anomalyDetector(rows, { columns: ['ts'], time: 'ts' })).toThrow('the time column');
    expect(() => anomalyDetector(rows, { time: 5 } as never)).toThrow('option "time" must be a column name or a function');
    expect(() => anomalyDetector(rows, { expected: 'yes' } as never)).toThrow('option "expected" must be a boolean');
    expect(() => anomalyDetector(rows, { invalidRows: 'drop' } as never)).toThrow('option "invalidRows" must be "error" or "skip"');
    expect(() => anomalyDetector(rows, { checkpoint: { every: 10, sve: () => {} } } as never)).toThrow('unknown option "checkpoint.sve"');
    expect(() => anomalyDetector(rows, { checkpoint: { every: 10, save: async () => {} } })).toThrow('async function but the source is sync');
  });

  it('typed rows: DetectedRow adds the three fields', () => {
    const out: DetectedRow<{ v: number }>[] = [...anomalyDetector([{ v: 1 }], small)];
    const flag: boolean = out[0]!.IS_ANOMALY;
    expect(flag).toBe(false);
  });
});

describe('anomalyDetector: checkpoints and resume', () => {
  const dirty = (n: number) => series(n).map((r, i) => (i % 37 === 5 ? { ...r, cpu: 'n/a' } : r));
  for (const [label, rows, options] of [
    ['clean rows', series(500), { ...small, time: 'ts', expected: true, invalidRows: 'error' }],
    ['invalid rows skipped', dirty(500), { ...small, time: 'ts', invalidRows: 'skip' }],
  ] as const) {
    it(`${label}: the resumed run emits exactly the rest of the uninterrupted run ("start" and "position", sync and async)`, async () => {
      const saved = new Map<number, Uint8Array>();
      const full = [...anomalyDetector(rows as Row[], { ...options, checkpoint: { every: 120, save: (b, n) => void saved.set(n, b) } })];
      expect([...saved.keys()]).toEqual([120, 240, 360, 480]);
      for (const at of [120, 360]) {
        const state = saved.get(at)!;
        const rest = full.slice(at);
        const o = { time: 'ts', expected: 'expected' in options, invalidRows: options.invalidRows, state } as const;
        expect([...anomalyDetector(rows as Row[], o)]).toEqual(rest);
        expect(await collect(anomalyDetector(toAsync(rows as Row[]), { ...o, resumeFrom: 'start' }))).toEqual(rest);
        expect([...anomalyDetector((rows as Row[]).slice(at), { ...o, resumeFrom: 'position' })]).toEqual(rest);
        expect(await collect(anomalyDetector(toAsync((rows as Row[]).slice(at)), { ...o, resumeFrom: 'position' }))).toEqual(rest);
      }
      const resumed = [...anomalyDetector(rows as Row[], { time: 'ts', invalidRows: options.invalidRows, state: saved.get(120)! })];
      resumed.forEach((r, k) => expect(Object.is(r.ANOMALY_SCORE, full[120 + k]!.ANOMALY_SCORE)).toBe(true));
      // a checkpoint saved by a resumed run resumes to the same rows (its bytes may differ: the forest's
      // internal layout after a restore is not byte-identical, its results are)
      const again = new Map<number, Uint8Array>();
      [...anomalyDetector(rows as Row[], { ...o0(options), state: saved.get(120)!, checkpoint: { every: 120, save: (b, n) => void again.set(n, b) } })];
      expect([...again.keys()]).toEqual([240, 360, 480]);
      const o = { time: 'ts', expected: 'expected' in options, invalidRows: options.invalidRows } as const;
      expect([...anomalyDetector(rows as Row[], { ...o, state: again.get(360)! })]).toEqual(full.slice(360));
    });
  }
  function o0(options: object) {
    const { seed: _s, numberOfTrees: _n, subSampleSize: _m, shingleSize: _k, historySize: _h, ...rest } = options as Record<string, unknown>;
    return rest;
  }

  it('a bare AnomalyDetector#toBytes() resumes too (covering no rows)', () => {
    const rows = series(300);
    const detector = new AnomalyDetector({ ...small, dimensions: 2 });
    for (const r of rows.slice(0, 100)) detector.process([r.cpu as number, r.mem], Date.parse(r.ts));
    const full = [...anomalyDetector(rows, { ...small, time: 'ts' })];
    expect([...anomalyDetector(rows.slice(100), { time: 'ts', state: detector.toBytes() })]).toEqual(full.slice(100));
  });

  it('refuses a damaged, foreign or mismatched state before reading any row', () => {
    const rows = series(200);
    let state: Uint8Array | undefined;
    [...anomalyDetector(rows, { ...small, checkpoint: { every: 100, save: (b) => void (state = b) } })];
    const damaged = state!.slice();
    damaged[20] ^= 1;
    expect(() => anomalyDetector(rows, { state: damaged })).toThrow(DetectorStateError);
    expect(() => anomalyDetector(rows, { state: damaged })).toThrow('(checksum)');
    expect(() => anomalyDetector(rows, { state: new Uint8Array([1, 2, 3, 4, 5]) })).toThrow('(format)');
    const version = state!.slice();
    version[4] = 9;
    expect(() => anomalyDetector(rows, { state: version })).toThrow('(version)');
    expect(() => anomalyDetector(rows, { state: state!.slice(0, 8) })).toThrow('(length)');
    expect(() => anomalyDetector(rows, { state: 'x' } as never)).toThrow(TypeError);
    expect(() => anomalyDetector(rows, { state: state!, seed: 8 })).toThrow('option "seed" (8) differs from the state\'s seed ("7")');
    expect(() => anomalyDetector(rows, { state: state!, zFactor: 2 })).toThrow('option "zFactor" (2) differs');
    expect(() => anomalyDetector(rows, { state: state!, columns: ['mem', 'cpu'] })).toThrow('differs from the state\'s columns');
    expect(() => anomalyDetector(rows, { state: state!, seed: 7, numberOfTrees: 10 })).not.toThrow();
    expect(() => [...anomalyDetector(rows.slice(0, 50), { state: state! })]).toThrow('the source ended after 50 rows, before the 200 rows the state covers');
  });

  it('a failing save stops with CheckpointSaveError after the checkpointed row', () => {
    const rows = series(100);
    const seen: unknown[] = [];
    expect(() => {
      for (const r of anomalyDetector(rows, { ...small, checkpoint: { every: 30, save: () => { throw new Error('disk full'); } } })) seen.push(r);
    }).toThrow(CheckpointSaveError);
    expect(seen).toHaveLength(30);
  });
});
