import { describe, expect, it } from 'vitest';
import { AnomalyDetector, DetectorStateError, DETECTOR_STATE_VERSION } from '../../src/detect/index.js';
import { noisySine } from './streams.js';

const options = { dimensions: 1, seed: 7, numberOfTrees: 10, subSampleSize: 64 };
const rows = noisySine('state', 1200, (t) => (t === 700 || t === 1000 ? 8 : t >= 1100 ? 6 : 0));

function run(d: AnomalyDetector, from: number, to: number) {
  const out = [];
  for (let t = from; t < to; t++) out.push(d.process(rows[t]!, 1000 * t));
  return out;
}

describe('AnomalyDetector state', () => {
  it('continues bit-identically after toJSON/fromJSON and toBytes/fromBytes, whatever the cut', () => {
    const whole = run(new AnomalyDetector(options), 0, rows.length);
    expect(whole.some((r) => r.isAnomaly)).toBe(true);
    for (const cut of [3, 701, 1102]) {
      const a = new AnomalyDetector(options);
      run(a, 0, cut);
      const viaJson = AnomalyDetector.fromJSON(JSON.parse(JSON.stringify(a)));
      const viaBytes = AnomalyDetector.fromBytes(a.toBytes());
      for (const restored of [viaJson, viaBytes]) {
        const rest = run(restored, cut, rows.length);
        expect(rest.map((r) => [r.score, r.grade, r.threshold, r.isAnomaly, r.relativeIndex])).toEqual(
          whole.slice(cut).map((r) => [r.score, r.grade, r.threshold, r.isAnomaly, r.relativeIndex]),
        );
        expect(rest.map((r) => (r.expected === null ? null : Array.from(r.expected)))).toEqual(
          whole.slice(cut).map((r) => (r.expected === null ? null : Array.from(r.expected))),
        );
      }
      expect(AnomalyDetector.fromBytes(a.toBytes()).toBytes()).toEqual(a.toBytes());
    }
  });

  it('is versioned and names the failed check', () => {
    const d = new AnomalyDetector(options);
    run(d, 0, 300);
    const state = d.toJSON();
    expect(state.version).toBe(DETECTOR_STATE_VERSION);
    const check = (f: () => unknown, which: DetectorStateError['check']) => {
      try {
        f();
        throw new Error('no error');
      } catch (e) {
        expect(e).toBeInstanceOf(DetectorStateError);
        expect((e as DetectorStateError).check).toBe(which);
      }
    };
    check(() => AnomalyDetector.fromJSON({ ...state, version: 99 }), 'version');
    check(() => AnomalyDetector.fromJSON({ ...state, format: 'x' }), 'format');
    check(() => AnomalyDetector.fromJSON(null), 'content');
    check(() => AnomalyDetector.fromJSON({ ...state, rings: { ...state.rings, actual: [1] } }), 'content');
    check(() => AnomalyDetector.fromJSON({ ...state, threshold: { ...state.threshold, mean: Number.NaN } }), 'content');
    check(() => AnomalyDetector.fromJSON({ ...state, options: { ...state.options, shingleSize: 4 } }), 'content');
    check(() => AnomalyDetector.fromJSON({ ...state, counters: { ...state.counters, lastAlarm: 10_000 } }), 'content');
    check(() => AnomalyDetector.fromJSON({ ...state, forest: { ...state.forest, version: 0 } }), 'content');
    const bytes = d.toBytes();
    const flipped = bytes.slice();
    flipped[40] = flipped[40]! ^ 1;
    check(() => AnomalyDetector.fromBytes(flipped), 'checksum');
    check(() => AnomalyDetector.fromBytes(bytes.subarray(0, bytes.length - 1)), 'length');
    const badMagic = bytes.slice();
    badMagic[0] = 0;
    check(() => AnomalyDetector.fromBytes(badMagic), 'format');
    const badVersion = bytes.slice();
    badVersion[4] = 9;
    check(() => AnomalyDetector.fromBytes(badVersion), 'version');
  });

  it('keeps the last timestamp across a restore', () => {
    const d = new AnomalyDetector(options);
    d.process([1], 5000);
    const again = AnomalyDetector.fromBytes(d.toBytes());
    expect(again.toJSON().counters.lastTimestamp).toBe(5000);
    expect(AnomalyDetector.fromJSON(new AnomalyDetector(options).toJSON()).toJSON().counters.lastTimestamp).toBeNull();
  });
});
