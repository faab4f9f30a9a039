import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { RandomCutForest, ScoreThresholder } from '../../src/index.js';
import { normals } from './helpers.js';

describe('ScoreThresholder', () => {
  it('ignores warm-up zeros, raises nothing during its own warm-up, then follows mean + z * deviation', () => {
    const t = new ScoreThresholder({ z: 2, warmup: 3, minThreshold: 0 });
    expect(t.grade(0)).toEqual({ score: 0, threshold: 0, isAnomaly: false, isAlarm: false, grade: 0 });
    for (const s of [1, 1, 9]) expect(t.grade(s).isAnomaly).toBe(false); // warm-up: learnt as is
    // weights with decay d = exp(-1/2560): mean and deviation of 1, 1, 9 are near 3.67 and 3.77
    const threshold = t.threshold;
    expect(threshold).toBeGreaterThan(3.67 + 2 * 3.7);
    expect(threshold).toBeLessThan(3.68 + 2 * 3.8);
    const g = t.grade(2 * threshold);
    expect(g).toMatchObject({ isAnomaly: true, isAlarm: true, threshold });
    expect(g.grade).toBeCloseTo(0.5, 12); // twice the threshold
  });

  it('raises one alarm per event, not one per anomalous row', () => {
    const t = new ScoreThresholder({ warmup: 10, alarmGap: 1 });
    for (let i = 0; i < 200; i++) t.grade(0.8 + 0.01 * (i % 3));
    const stretch = Array.from({ length: 4 }, () => t.grade(5));
    expect(stretch.every((g) => g.isAnomaly)).toBe(true);
    expect(stretch.map((g) => g.isAlarm)).toEqual([true, false, true, false]);
    // a value that keeps recurring is learnt: it soon stops being anomalous
    const later = Array.from({ length: 20 }, () => t.grade(5));
    expect(later.at(-1)!.isAnomaly).toBe(false);
  });

  it('on a forest over a noisy periodic series with rare spikes: alarms at the spikes, few elsewhere', () => {
    const rnd = seedrandom('spikes');
    const normal = normals(rnd);
    const forest = new RandomCutForest({ dimensions: 1, shingleSize: 8, seed: 5 });
    const t = new ScoreThresholder();
    const spikes = new Set([3000, 5000, 7000, 9000]);
    const alarms: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const v = Math.sin(i / 50) + 0.1 * normal() + (spikes.has(i) ? 6 : 0);
      if (t.grade(forest.process([v])).isAlarm) alarms.push(i);
    }
    for (const s of spikes) expect(alarms).toContain(s);
    expect(alarms.length).toBeLessThanOrEqual(spikes.size + 3);
  });

  it('rejects bad options and bad scores', () => {
    expect(() => new ScoreThresholder({ z: -1 })).toThrow(/option z must be a finite number >= 0, got -1/);
    expect(() => new ScoreThresholder({ horizon: 0 })).toThrow(/horizon/);
    expect(() => new ScoreThresholder({ alarmGap: 1.5 })).toThrow(/option alarmGap must be an integer >= 0, got 1.5/);
    expect(() => new ScoreThresholder().grade(NaN)).toThrow(/score must be a finite number >= 0, got NaN/);
    expect(() => new ScoreThresholder().grade(-1)).toThrow(RangeError);
  });
});
