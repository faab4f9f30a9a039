import { describe, expect, it } from 'vitest';
import { compareWithKda, mean, median, pearson, ranks, spearman, summarizeFidelity } from '../../src/nab/index.js';

describe('statistics', () => {
  it('pearson, spearman, ranks, mean, median', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 15);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 15);
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
    expect(pearson([0.1, 0.1, 0.1], [1, 2, 3])).toBeNaN(); // constant, even where the mean rounds
    expect(pearson([1], [1])).toBeNaN();
    expect(() => pearson([1, 2], [1])).toThrow(/same length, got 2 and 1/);
    expect([...ranks([10, 30, 20, 20])]).toEqual([1, 4, 2.5, 2.5]);
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 15);
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeNaN();
    expect(median([3, 1, Number.NaN, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('compares with KDA over the rows after the warm-up', () => {
    const ours = [0, 0, 0, 1, 2, 3, 4];
    const kda = [0, 0, 0, 2, 4, 6, 8.5];
    const f = compareWithKda('x.csv', ours, kda, 3);
    expect(f.compared).toBe(4);
    expect(f.warmupZero).toBe(true);
    expect(f.spearman).toBeCloseTo(1, 12);
    expect(f.meanRatio).toBeCloseTo(10 / 20.5, 12);
    expect(compareWithKda('y.csv', [1, 0, 5, 5], [0, 0, 5, 5], 2)).toMatchObject({ warmupZero: false, flat: true });
    const s = summarizeFidelity([f, compareWithKda('y.csv', [0, 0, 5, 5], [0, 0, 5, 5], 2)]);
    expect(s).toMatchObject({ files: 2, nonFlat: 1, allWarmupZero: true });
    expect(s.medianPearson).toBe(f.pearson);
  });
});
