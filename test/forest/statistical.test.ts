import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { RandomCutForest } from '../../src/index.js';
import { normals } from './helpers.js';

describe('statistical checks (algorithm doc)', () => {
  it('a mixture of N(0,1) and rare N(5,1.5): normal points score below 1, rare ones above 1', () => {
    const rnd = seedrandom('mixture');
    const normal = normals(rnd);
    const forest = new RandomCutForest({ dimensions: 2, seed: 3 });
    const ordinary: number[] = [];
    const rare: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const isRare = rnd() < 0.01;
      const p = [0, 1].map(() => (isRare ? 5 + 1.5 * normal() : normal()));
      const s = forest.process(p);
      if (i >= 256) (isRare ? rare : ordinary).push(s);
    }
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    expect(mean(ordinary)).toBeLessThan(0.8);
    expect(ordinary.filter((s) => s < 1).length / ordinary.length).toBeGreaterThan(0.9);
    expect(mean(rare)).toBeGreaterThan(2);
    expect(rare.filter((s) => s > 1).length / rare.length).toBeGreaterThan(0.95);
  });

  it('two clusters at -5 and +5 in 30 dimensions: the midpoint is anomalous along dimension 0 only', () => {
    const rnd = seedrandom('clusters');
    const normal = normals(rnd);
    const forest = new RandomCutForest({ dimensions: 30, seed: 5 });
    for (let i = 0; i < 2000; i++) {
      const p = Array.from({ length: 30 }, () => 0.01 * normal());
      p[0]! += i % 2 ? 5 : -5;
      forest.update(p);
    }
    const a = forest.attribution(new Array(30).fill(0));
    expect(a.score).toBeGreaterThan(1.5);
    expect(a.high[0]).toBeGreaterThan(0.75);
    expect(a.low[0]).toBeGreaterThan(0.75);
    for (let i = 1; i < 30; i++) {
      expect(a.high[i]).toBeLessThan(0.1);
      expect(a.low[i]).toBeLessThan(0.1);
    }
    expect(forest.score(new Array(30).fill(0))).toBe(a.score);
  });
});
