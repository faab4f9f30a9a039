import { describe, expect, it } from 'vitest';
import {
  NAB_PROFILES,
  normalizeNabScore,
  parseNabTimestamp,
  prepareNabFile,
  probationLength,
  rowWindows,
  scaledSigmoid,
  scoreNabCorpus,
  scoreNabFile,
  sweepNabThreshold,
} from '../../src/nab/index.js';

describe('scaledSigmoid', () => {
  it('matches 2/(1+exp(5y))-1 and is -1 beyond 3', () => {
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661429815, 10);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828363995, 10);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661429815, 10);
    expect(scaledSigmoid(3)).toBe(2 / (1 + Math.exp(15)) - 1); // not yet clamped at exactly 3
    expect(scaledSigmoid(3.0000001)).toBe(-1);
    expect(scaledSigmoid(Number.POSITIVE_INFINITY)).toBe(-1);
  });
});

describe('probationLength', () => {
  it('is min(floor(0.15 * rows), 750)', () => {
    expect(probationLength(0)).toBe(0);
    expect(probationLength(10)).toBe(1);
    expect(probationLength(4032)).toBe(604);
    expect(probationLength(5000)).toBe(750);
    expect(probationLength(5007)).toBe(750);
    expect(probationLength(100, 0.5)).toBe(50);
  });
  it('rejects bad arguments', () => {
    expect(() => probationLength(-1)).toThrow(RangeError);
    expect(() => probationLength(1.5)).toThrow(/rows must be a non-negative integer, got 1.5/);
    expect(() => probationLength(10, 2)).toThrow(/probationPercent must be a number in \[0, 1\], got 2/);
  });
});

describe('normalizeNabScore', () => {
  it('maps null to 0 and perfect to 100', () => {
    expect(normalizeNabScore(-116, 116, -116)).toBe(0);
    expect(normalizeNabScore(116, 116, -116)).toBe(100);
    expect(normalizeNabScore(3.98356657241, 116, -116)).toBeCloseTo(51.717054557, 6); // KDA standard
    expect(normalizeNabScore(0, 116, -232)).toBeCloseTo((100 * 232) / 348, 12);
    expect(() => normalizeNabScore(0, 1, 1)).toThrow(RangeError);
  });
});

describe('prepareNabFile and scoreNabFile on a tiny file', () => {
  // 20 rows: probation = floor(0.15 * 20) = 3; one window on rows 8..11 (width 4).
  const file = prepareNabFile('tiny.csv', 20, [{ start: 8, end: 11 }]);
  const maxTP = scaledSigmoid(-1);

  it('weights rows as NAB describes', () => {
    expect(file.probation).toBe(3);
    expect(file.unitWeight[5]).toBe(-1); // before any window
    for (let i = 8; i <= 11; i++) expect(file.unitWeight[i]).toBe(scaledSigmoid(-(11 - i + 1) / 4));
    expect(file.unitWeight[8]! / maxTP).toBe(1);
    expect(file.unitWeight[13]).toBe(scaledSigmoid(2 / 3)); // |11 - 13| / (4 - 1)
    expect(file.unitWeight[19]).toBe(scaledSigmoid(8 / 3)); // still on the sigmoid below 3
    const far = prepareNabFile('far.csv', 40, [{ start: 8, end: 11 }]);
    expect(far.unitWeight[20]).toBe(scaledSigmoid(3)); // exactly 3: not clamped
    expect(far.unitWeight[21]).toBe(-1); // 10 / 3 > 3
  });

  it('scores detections: max per window, weighted FPs, probation ignored', () => {
    const scores = new Float64Array(20);
    scores[1] = 1; // in probation: ignored
    scores[5] = 1; // FP before any window: -0.11
    scores[9] = 1; // TP (second row of the window)
    scores[10] = 1; // TP, smaller weight: not added
    scores[13] = 1; // FP after the window
    const r = scoreNabFile(file, scores, 0.5, NAB_PROFILES.standard);
    const expected = scaledSigmoid(-3 / 4) / maxTP + -1 * 0.11 + scaledSigmoid(2 / 3) * 0.11;
    expect(r.score).toBeCloseTo(expected, 14);
    expect([r.tp, r.fp, r.fn, r.tn, r.totalCount]).toEqual([2, 2, 2, 11, 20]);
    expect(r.detectedWindows).toBe(1);
  });

  it('counts a missed window as -fnWeight', () => {
    const r = scoreNabFile(file, new Float64Array(20), 0.5, NAB_PROFILES.reward_low_FN_rate);
    expect(r.score).toBe(-2);
    expect([r.tp, r.fp, r.fn, r.tn]).toEqual([0, 0, 4, 13]);
  });

  it('does not count a window entirely in probation', () => {
    const f = prepareNabFile('early.csv', 100, [{ start: 2, end: 5 }]); // probation 15
    expect(f.countedWindows).toBe(0);
    expect(scoreNabFile(f, new Float64Array(100), 0.5).score).toBe(0);
    // A detection after it is still weighted by its distance from it.
    const s = new Float64Array(100);
    s[20] = 1;
    expect(scoreNabFile(f, s, 0.5).score).toBe(-0.11);
  });

  it('rejects bad windows and score arrays', () => {
    expect(() => prepareNabFile('x.csv', 10, [{ start: 5, end: 10 }])).toThrow(/window 0 must satisfy/);
    expect(() => prepareNabFile('x.csv', 10, [{ start: 5, end: 6 }, { start: 6, end: 7 }])).toThrow(/overlaps/);
    expect(() => scoreNabFile(file, new Float64Array(3), 0.5)).toThrow(/one value per row \(20\), got 3/);
  });
});

describe('sweepNabThreshold', () => {
  it('finds the best threshold over all files, preferring the highest on ties', () => {
    const a = prepareNabFile('a.csv', 100, [{ start: 50, end: 59 }]);
    const b = prepareNabFile('b.csv', 100, []);
    const sa = new Float64Array(100);
    const sb = new Float64Array(100);
    sa[50] = 0.7; // TP at the window start: +1
    sb[30] = 0.9; // FP: -0.11
    sb[40] = 0.6; // FP: -0.11
    const sweep = sweepNabThreshold([{ file: a, scores: sa }, { file: b, scores: sb }]);
    expect(sweep.threshold).toBe(0.7);
    expect(sweep.score).toBeCloseTo(1 - 0.11, 12);
    expect(sweep.candidates).toBe(5); // never, 0.9, 0.7, 0.6, 0
  });

  it('matches a naive sweep on random data', () => {
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const files = [0, 1, 2].map((k) => {
      const rows = 300 + 50 * k;
      const file = prepareNabFile(`f${k}.csv`, rows, [
        { start: 100, end: 120 },
        { start: 200 + k, end: 230 },
      ]);
      const scores = Float64Array.from({ length: rows }, () => Math.round(rand() * 40) / 40);
      return { file, scores };
    });
    for (const profile of Object.values(NAB_PROFILES)) {
      const sweep = sweepNabThreshold(files, profile);
      const candidates = [1.1, ...new Set(files.flatMap((f) => [...f.scores]))].sort((x, y) => y - x);
      let best = -Infinity;
      let bestT = NaN;
      for (const t of candidates) {
        const total = files.reduce((s, f) => s + scoreNabFile(f.file, f.scores, t, profile).score, 0);
        if (total > best + 1e-12) {
          best = total;
          bestT = t;
        }
      }
      expect(sweep.threshold).toBe(bestT);
      expect(sweep.score).toBeCloseTo(best, 10);
    }
  });
});

describe('scoreNabCorpus', () => {
  it('normalises against perfect (tpWeight x windows) and null (-fnWeight x counted windows)', () => {
    const scores = new Float64Array(1000);
    scores[500] = 1;
    scores[700] = 1;
    const [std, lowFP, lowFN] = scoreNabCorpus([
      { name: 'a.csv', scores, windows: [{ start: 500, end: 549 }, { start: 700, end: 749 }] },
    ]);
    for (const r of [std!, lowFP!, lowFN!]) {
      expect(r.threshold).toBe(1);
      expect(r.rawScore).toBeCloseTo(2, 12);
      expect(r.perfectScore).toBe(2);
      expect(r.normalizedScore).toBeCloseTo(100, 10);
    }
    expect(std!.nullScore).toBe(-2);
    expect(lowFN!.nullScore).toBe(-4);
  });

  it('rejects unknown profiles', () => {
    expect(() => scoreNabCorpus([], { profiles: ['nope' as 'standard'] })).toThrow(/profiles must contain only/);
  });
});

describe('timestamps and windows', () => {
  it('parses NAB timestamps with or without microseconds', () => {
    expect(parseNabTimestamp('2014-10-30 15:30:00.000000')).toBe(Date.UTC(2014, 9, 30, 15, 30, 0));
    expect(parseNabTimestamp('2014-10-30 15:30:00')).toBe(Date.UTC(2014, 9, 30, 15, 30, 0));
    expect(() => parseNabTimestamp('yesterday')).toThrow(RangeError);
  });

  it('maps windows to inclusive row ranges', () => {
    const ts = ['2014-01-01 00:00:00', '2014-01-01 00:05:00', '2014-01-01 00:10:00', '2014-01-01 00:15:00'];
    expect(rowWindows(ts, [['2014-01-01 00:05:00.000000', '2014-01-01 00:10:00.000000']])).toEqual([{ start: 1, end: 2 }]);
    expect(rowWindows(ts, [['2014-01-01 00:04:00', '2014-01-01 00:11:00']])).toEqual([{ start: 1, end: 2 }]);
    expect(() => rowWindows(ts, [['2014-01-01 00:06:00', '2014-01-01 00:07:00']], 'f.csv')).toThrow(/f.csv: window 0 .* covers no row/);
    // Repeated timestamps (as in some NAB files): exact limits match their first occurrence.
    const rep = [ts[0]!, ts[1]!, ts[2]!, ts[1]!, ts[2]!, ts[3]!];
    expect(rowWindows(rep, [[ts[1]!, ts[2]!]])).toEqual([{ start: 1, end: 2 }]);
    expect(rowWindows(rep, [[ts[2]!, ts[3]!]])).toEqual([{ start: 2, end: 5 }]);
  });
});
