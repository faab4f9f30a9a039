import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { AnomalyDetector } from '../../src/detect/index.js';
import { alarms, alarmsIn, detect, gaussian, noisySine } from './streams.js';

/**
 * Generated streams (fixed seeds), the detector at its defaults (seed 42). Each planted anomaly must
 * raise an alarm within the stated delay; the quiet part (from row 500, after the warm-up, to the
 * anomaly, and after the event settles) must stay at or below the stated false-alarm rate.
 */
const WARM = 500;
/** The false-alarm rate asserted on quiet parts: at most 1 alarm per 200 quiet records (0.5%). */
const MAX_FALSE_ALARM_RATE = 0.005;

function quietRate(results: ReturnType<typeof detect>, ranges: readonly [number, number][]): number {
  let n = 0;
  let a = 0;
  for (const [from, to] of ranges) {
    n += to - from;
    a += alarmsIn(results, from, to).length;
  }
  return a / n;
}

describe('AnomalyDetector on generated streams', () => {
  it('flags a level shift up within 2 records, once', () => {
    const r = detect(noisySine('up', 3000, (t) => (t >= 2000 ? 8 : 0)));
    expect(alarmsIn(r, 2000, 2002).length).toBe(1);
    expect(alarmsIn(r, 2002, 2100).length).toBeLessThanOrEqual(1);
    expect(quietRate(r, [[WARM, 2000]])).toBeLessThanOrEqual(MAX_FALSE_ALARM_RATE);
  });

  it('flags a level shift down within 2 records, once', () => {
    const r = detect(noisySine('down', 3000, (t) => (t >= 2000 ? -8 : 0)));
    expect(alarmsIn(r, 2000, 2002).length).toBe(1);
    expect(alarmsIn(r, 2002, 2100).length).toBeLessThanOrEqual(1);
    expect(quietRate(r, [[WARM, 2000]])).toBeLessThanOrEqual(MAX_FALSE_ALARM_RATE);
  });

  it('flags single spikes at once, says where they are and what was expected, and stays quiet around them', () => {
    const base = noisySine('spike', 5000);
    const rows = base.map((v, t) => [v[0]! + (t === 3000 || t === 4200 ? 6 : 0)]);
    const r = detect(rows);
    for (const at of [3000, 4200]) {
      expect(alarmsIn(r, at, at + 1)).toEqual([at]);
      expect(r[at]!.relativeIndex).toBe(0);
      expect(r[at]!.grade).toBeGreaterThan(0);
      expect(r[at]!.grade).toBeLessThanOrEqual(1);
      // What was expected is much nearer the spike-free value than the spike is.
      expect(Math.abs(r[at]!.expected![0]! - base[at]![0]!)).toBeLessThan(3);
      expect(alarmsIn(r, at + 1, at + 50)).toEqual([]);
    }
    expect(quietRate(r, [[WARM, 3000], [3050, 4200], [4250, 5000]])).toBeLessThanOrEqual(MAX_FALSE_ALARM_RATE);
  });

  it('flags a single dip at once', () => {
    const rows = noisySine('dip', 3000, (t) => (t === 2000 ? -6 : 0));
    const r = detect(rows);
    expect(alarmsIn(r, 2000, 2001)).toEqual([2000]);
    expect(r[2000]!.expected![0]!).toBeGreaterThan(rows[2000]![0]! + 3); // it expected no dip
    expect(quietRate(r, [[WARM, 2000], [2050, 3000]])).toBeLessThanOrEqual(MAX_FALSE_ALARM_RATE);
  });

  it('flags a drift (0.1 per record, noise deviation 0.5) within 40 records', () => {
    const r = detect(noisySine('drift', 3000, (t) => (t >= 2000 ? (t - 2000) * 0.1 : 0)));
    expect(alarmsIn(r, 2000, 2040).length).toBeGreaterThan(0);
    expect(quietRate(r, [[WARM, 2000]])).toBeLessThanOrEqual(MAX_FALSE_ALARM_RATE);
  });

  it('flags a seasonal pattern whose period changes (100 to 60 records, noise 0.1) within 10 records', () => {
    const r = detect(noisySine('period', 3000, () => 0, (t) => (t >= 2000 ? 60 : 100), 0.1));
    expect(alarmsIn(r, 2000, 2010).length).toBeGreaterThan(0);
    expect(quietRate(r, [[WARM, 2000]])).toBeLessThanOrEqual(MAX_FALSE_ALARM_RATE);
  });

  it('flags a tiny change after constant data at once, and nothing before', () => {
    const r = detect(Array.from({ length: 2000 }, (_, t) => [t >= 1500 ? 5.001 : 5]));
    expect(alarms(r)[0]).toBe(1500);
    expect(alarmsIn(r, 1501, 1600)).toEqual([]);
  });

  it('flags two anomalies close together (4 records apart, inside one shingle)', () => {
    const r = detect(noisySine('two', 3000, (t) => (t === 2000 || t === 2004 ? 6 : 0)));
    expect(alarmsIn(r, 2000, 2001)).toEqual([2000]);
    expect(alarmsIn(r, 2004, 2005)).toEqual([2004]);
    expect(alarmsIn(r, 2005, 2050)).toEqual([]);
  });

  it('flags a second anomaly 20 records after the first (a dip after a spike) within 3 records', () => {
    const r = detect(noisySine('two', 3000, (t) => (t === 2000 ? 6 : t === 2020 ? -6 : 0)));
    expect(alarmsIn(r, 2000, 2001)).toEqual([2000]);
    expect(alarmsIn(r, 2001, 2020)).toEqual([]);
    expect(alarmsIn(r, 2020, 2023).length).toBe(1);
    const second = r[alarmsIn(r, 2020, 2023)[0]!]!;
    expect(alarmsIn(r, 2020, 2023)[0]! + second.relativeIndex).toBe(2020); // it points at the dip
  });

  it('flags a spike (+10) 30 records after a level shift (+8), once each', () => {
    const r = detect(noisySine('shift-spike', 3000, (t) => (t >= 2000 ? 8 : 0) + (t === 2030 ? 10 : 0)));
    expect(alarmsIn(r, 2000, 2002).length).toBe(1);
    expect(alarmsIn(r, 2002, 2030)).toEqual([]);
    expect(alarmsIn(r, 2030, 2031)).toEqual([2030]);
    expect(alarmsIn(r, 2031, 2100)).toEqual([]);
  });

  it('flags multivariate records whose columns are each ordinary but jointly odd', () => {
    const rnd = seedrandom('joint');
    const rows = Array.from({ length: 3000 }, (_, t) => {
      const x = 3 * Math.sin(t / 15) + 0.2 * gaussian(rnd);
      const y = t >= 2000 && t < 2010 ? -x : x + 0.2 * gaussian(rnd);
      return [x, y];
    });
    const r = detect(rows);
    expect(alarmsIn(r, 2000, 2010).length).toBeGreaterThan(0);
    expect(alarmsIn(r, 2000, 2010)[0]).toBeLessThanOrEqual(2003);
    expect(quietRate(r, [[WARM, 2000], [2060, 3000]])).toBeLessThanOrEqual(MAX_FALSE_ALARM_RATE);
  });

  it('gives the same results for the same seed and data', () => {
    const rows = noisySine('det', 1500, (t) => (t === 1000 ? 6 : 0));
    const a = detect(rows, { numberOfTrees: 10 });
    const b = detect(rows, { numberOfTrees: 10 });
    expect(a.map((x) => [x.score, x.grade, x.threshold])).toEqual(b.map((x) => [x.score, x.grade, x.threshold]));
  });

  it('scales input as asked: every transform flags a spike', () => {
    for (const transform of ['none', 'normalize', 'difference', 'normalize-difference'] as const) {
      const r = detect(noisySine('tr', 2500, (t) => (t === 2000 ? 8 : 0)), { transform, numberOfTrees: 20 });
      expect(alarmsIn(r, 2000, 2002).length, transform).toBeGreaterThan(0);
    }
  });

  it('rejects bad options, records and timestamps', () => {
    expect(() => new AnomalyDetector({ dimensions: 0 })).toThrow(/dimensions/);
    expect(() => new AnomalyDetector({ dimensions: 1, transform: 'log' as never })).toThrow(/transform/);
    expect(() => new AnomalyDetector({ dimensions: 1, zFactor: -1 })).toThrow(/zFactor/);
    expect(() => new AnomalyDetector({ dimensions: 1, zfactor: 3 } as never)).toThrow(
      new TypeError('AnomalyDetector: unknown option "zfactor" (did you mean "zFactor"?); the options are dimensions, shingleSize, numberOfTrees, subSampleSize, timeDecay, outputAfter, seed, transform, transformHorizon, zFactor, minScore, scoreHorizon, rampIn, clipFactor, historySize, recurrenceFactor, recurrenceRatio, refractory, alarmRate'),
    );
    const d = new AnomalyDetector({ dimensions: 2, seed: 1 });
    expect(() => d.process([1])).toThrow(/2 values/);
    expect(() => d.process([1, Number.NaN])).toThrow(/finite/);
    d.process([1, 2], 1000);
    expect(() => d.process([1, 2], Number.NaN)).toThrow(/timestamp/);
    expect(() => d.process([1, 2], '5' as never)).toThrow(/timestamp/);
    expect(d.recordsProcessed).toBe(1);
    d.process([1, 2], 999); // timestamps may go back (real streams do)
    expect(d.recordsProcessed).toBe(2);
  });
});
