import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Sampler, samplerKey } from '../../src/forest/sampler.js';

function assertHeap(s: Sampler): void {
  for (let i = 1; i < s.size; i++) {
    const parent = (i - 1) >> 1;
    if (!(s.keyAt(parent) >= s.keyAt(i))) throw new Error(`heap broken at ${i}`);
  }
}

describe('samplerKey', () => {
  it('is -lambda * t + ln(-ln u), exactly', () => {
    expect(samplerKey(1e-5, 0, Math.exp(-1))).toBe(0);
    expect(samplerKey(0.01, 100, Math.exp(-1))).toBe(-1);
    expect(samplerKey(1 / 256, 1000, 0.5)).toBe(-1000 / 256 + Math.log(-Math.log(0.5)));
    expect(samplerKey(1e-5, 1e9, 0.25)).toBe(-1e-5 * 1e9 + Math.log(-Math.log(0.25)));
  });

  it('keeps float64 precision for long streams: keys one step apart still differ', () => {
    const lambda = 1e-5;
    const t = 2 ** 40;
    expect(samplerKey(lambda, t + 1, 0.5)).toBeLessThan(samplerKey(lambda, t, 0.5));
    // a float32 key would collapse these
    expect(Math.fround(samplerKey(lambda, t + 1, 0.5))).toBe(Math.fround(samplerKey(lambda, t, 0.5)));
  });
});

describe('Sampler (max-heap of float64 keys)', () => {
  it('keeps the largest key on top through pushes and replacements', () => {
    const rnd = seedrandom('heap');
    const s = new Sampler(64);
    const held = new Map<number, number>();
    for (let i = 0; i < 64; i++) {
      const key = rnd() * 10 - 5;
      s.push(key, i);
      held.set(i, key);
      assertHeap(s);
      expect(s.maxKey).toBe(Math.max(...held.values()));
    }
    expect(s.isFull).toBe(true);
    for (let i = 64; i < 2000; i++) {
      const key = rnd() * 10 - 5 - i / 100;
      if (key < s.maxKey) {
        const evicted = s.topLeaf;
        expect(held.get(evicted)).toBe(s.maxKey);
        held.delete(evicted);
        s.replaceTop(key, i);
        held.set(i, key);
      }
      assertHeap(s);
      expect(s.maxKey).toBe(Math.max(...held.values()));
    }
    // entries and keys stay paired
    for (let j = 0; j < s.size; j++) expect(held.get(s.leafAt(j))).toBe(s.keyAt(j));
  });

  it('with decay, the sample favours recent points', () => {
    const rnd = seedrandom('decay');
    const cap = 256;
    const s = new Sampler(cap);
    const lambda = 1 / 2560;
    const n = 50_000;
    const timeOf: number[] = [];
    for (let t = 0; t < n; t++) {
      let u = rnd();
      while (u === 0) u = rnd();
      const key = samplerKey(lambda, t, u);
      // Entries are Int16 references (a tree's leaves): an evicted entry's id is reused, as a leaf.
      if (!s.isFull) {
        timeOf[s.size] = t;
        s.push(key, s.size);
      } else if (key < s.maxKey) {
        const id = s.topLeaf;
        timeOf[id] = t;
        s.replaceTop(key, id);
      }
    }
    const ages = Array.from({ length: s.size }, (_, i) => n - 1 - timeOf[s.leafAt(i)]!);
    const meanAge = ages.reduce((a, b) => a + b, 0) / ages.length;
    // Ages of a decayed reservoir are roughly exponential with mean ~ timeDecay (weights e^(lambda t)).
    expect(meanAge).toBeGreaterThan(1500);
    expect(meanAge).toBeLessThan(4000);
  });
});
