import { describe, expect, it } from 'vitest';
import { AdaptiveThreshold, InputTransform, RecentPoints, ShingleHistory, resolveDetectorOptions } from '../../src/detect/index.js';

describe('detector parts', () => {
  it('InputTransform normalises, differences and reports its scale', () => {
    const out = new Float64Array(1);
    const none = new InputTransform(1, 'none', 100);
    none.apply([7], out);
    expect(out[0]).toBe(7);
    expect(none.scale(0)).toBe(1);
    const diff = new InputTransform(1, 'difference', 100);
    diff.apply([7], out);
    expect(out[0]).toBe(0);
    diff.apply([10], out);
    expect(out[0]).toBe(3);
    const norm = new InputTransform(1, 'normalize', 1e9);
    for (const v of [1, 2, 3, 4, 5]) norm.apply([v], out);
    expect(norm.mean[0]).toBeCloseTo(3, 6);
    expect(norm.scale(0)).toBeCloseTo(Math.sqrt(2), 6);
    expect(out[0]).toBeCloseTo(2 / Math.sqrt(2), 6);
    const flat = new InputTransform(1, 'normalize', 100);
    for (let i = 0; i < 100; i++) flat.apply([5], out);
    flat.apply([5.001], out);
    expect(out[0]).toBeGreaterThan(5); // a constant column's tiny change is large in its own scale (about the square root of the records remembered)
  });

  it('AdaptiveThreshold ramps in, then follows mean + z deviations, never below minScore', () => {
    const t = new AdaptiveThreshold(3, 1, 1e9, 4);
    expect(t.ready).toBe(false);
    for (let i = 0; i < 100; i++) t.learn(i % 2 === 0 ? 0.8 : 1.2);
    expect(t.ready).toBe(true);
    expect(t.value).toBeCloseTo(1 + 3 * 0.2, 2);
    const low = new AdaptiveThreshold(3, 1, 1e9, 1);
    for (let i = 0; i < 100; i++) low.learn(0.5);
    expect(low.value).toBe(1);
    const ramp = new AdaptiveThreshold(3, 0, 1e9, 10);
    for (let i = 0; i < 10; i++) ramp.learn(i % 2 === 0 ? 0.8 : 1.2);
    expect(ramp.value).toBeGreaterThan(1 + 3 * 0.2); // z still above zFactor while scores are few
  });

  it('AdaptiveThreshold raises z while alarms are more frequent than alarmRate', () => {
    const make = () => {
      const t = new AdaptiveThreshold(3, 0, 100, 1, 0.01);
      for (let i = 0; i < 200; i++) t.learn(i % 2 === 0 ? 0.8 : 1.2);
      return t;
    };
    const calm = make();
    const base = calm.value;
    for (let i = 0; i < 100; i++) calm.noteAlarm(false);
    expect(calm.value).toBe(base);
    const busy = make();
    for (let i = 0; i < 100; i++) busy.noteAlarm(i % 10 === 0); // one alarm in 10 records
    expect(busy.rate).toBeGreaterThan(0.04);
    expect(busy.value).toBeGreaterThan(base + 0.2);
  });

  it('RecentPoints imputes free coordinates from the nearest points', () => {
    const r = new RecentPoints(2, 3);
    for (const p of [[0, 0], [1, 10], [2, 20], [3, 30]]) r.add(p); // [0, 0] is dropped
    const out = new Float64Array(2);
    expect(r.impute([2.1, 99], [0, 1], out, 1)).toBe(1);
    expect(Array.from(out)).toEqual([2.1, 20]);
    r.impute([0, 99], [0, 1], out, 2);
    expect(out[1]).toBe(15); // mean of [1, 10] and [2, 20]
  });

  it('ShingleHistory finds earlier shingles that do not overlap the query', () => {
    const h = new ShingleHistory(1, 2, 100, 4, 100);
    for (const v of [1, 2, 3, 1, 2]) h.push([v]);
    // The query [2, 5] ends with the record about to be pushed; [1, 2] ends at record 4, which overlaps.
    expect(h.nearest(Float64Array.of(2, 3))).toBe(0); // records 1-2
    expect(h.nearestBefore(Float64Array.of(2, 3), 2)).toBe(Math.sqrt(2)); // only shingles ending at record 1 or before: [1, 2]
    expect(h.nearestWithin(Float64Array.of(2, 3), 1)).toBe(Math.sqrt(5)); // only the one ending at record 3: [3, 1]
  });

  it('resolveDetectorOptions fills in defaults and checks ranges', () => {
    const o = resolveDetectorOptions({ dimensions: 2, seed: 5 });
    expect([o.shingleSize, o.numberOfTrees, o.subSampleSize, o.timeDecay, o.transform, o.seed]).toEqual([8, 50, 256, 5120, 'normalize', '5']);
    expect(() => resolveDetectorOptions({ dimensions: 1, timeDecay: 100 })).toThrow(/timeDecay/);
    expect(() => resolveDetectorOptions({ dimensions: 1, seed: {} as never })).toThrow(TypeError);
  });
});
