/**
 * Fidelity to Kinesis Data Analytics: KDA's own per-row outputs on NAB files (test/fixtures/nab/kda,
 * scores divided by 8) against this forest with KDA's settings (100 trees, 256, 100000, shingle 1).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RandomCutForest } from '../../src/index.js';
import { compareWithKda, median } from '../../src/nab/index.js';

const KDA = fileURLToPath(new URL('../fixtures/nab/kda/', import.meta.url));

function load(file: string): { values: number[]; kda: number[] } {
  const lines = readFileSync(KDA + file, 'utf8').trim().split('\n').slice(1);
  const values: number[] = [];
  const kda: number[] = [];
  for (const line of lines) {
    const [, value, score] = line.split(',');
    values.push(Number(value));
    kda.push(Number(score));
  }
  return { values, kda };
}

/** Our scores on KDA's /8 scale. */
function replay(values: number[], seed: number): number[] {
  const forest = new RandomCutForest({ dimensions: 1, seed });
  return values.map((v) => forest.process([v]) / 8);
}

describe("KDA's fully determined rows (any seed)", () => {
  it.each([1, 2])('art_daily_perfect_square_wave row 256: 1 / (1 + log2 148), seed %i', (seed) => {
    const { values, kda } = load('artificialNoAnomaly/art_daily_perfect_square_wave.csv');
    const ours = replay(values.slice(0, 257), seed);
    expect(kda[256]).toBe(0.121810790008);
    expect(Math.abs(ours[256]! - kda[256]!)).toBeLessThan(1e-9);
    expect(ours[256]).toBeCloseTo(1 / (1 + Math.log2(148)), 15);
  });

  it.each([1, 2])('art_increase_spike_density row 256: 1 / (1 + log2 250), seed %i', (seed) => {
    const { values, kda } = load('artificialWithAnomaly/art_increase_spike_density.csv');
    const ours = replay(values.slice(0, 257), seed);
    expect(kda[256]).toBe(0.111535139398);
    expect(Math.abs(ours[256]! - kda[256]!)).toBeLessThan(1e-9);
    expect(ours[256]).toBeCloseTo(1 / (1 + Math.log2(250)), 15);
  });

  it('art_flatline: exactly 1/257 on every row after warm-up, 0 before', () => {
    const { values, kda } = load('artificialNoAnomaly/art_flatline.csv');
    const ours = replay(values, 3);
    for (let i = 256; i < values.length; i++) {
      expect(Math.abs(ours[i]! - kda[i]!)).toBeLessThan(1e-9);
      expect(ours[i]).toBeCloseTo(1 / 257, 15);
    }
    expect(ours.slice(0, 256).every((s) => s === 0)).toBe(true);
  });

  it('ec2_disk_write_bytes_1ef3de row 461: the first new value after 461 zeros scores exactly 1.0', () => {
    const { values, kda } = load('realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv');
    expect(values.slice(0, 461).every((v) => v === 0)).toBe(true);
    const ours = replay(values.slice(0, 462), 4);
    expect(kda[461]).toBe(1);
    expect(ours[461]).toBe(1);
  });
});

describe('correlation with KDA on real NAB files', () => {
  const files = [
    'realAWSCloudwatch/ec2_cpu_utilization_c6585a.csv',
    'realAWSCloudwatch/grok_asg_anomaly.csv',
    'realAWSCloudwatch/rds_cpu_utilization_cc0c53.csv',
    'realAWSCloudwatch/ec2_network_in_5abac7.csv',
  ];
  const spearmans: number[] = [];
  it.each(files)('%s: first 256 exactly 0, Pearson >= 0.99, mean ratio within [0.98, 1.02]', (file) => {
    const { values, kda } = load(file);
    expect(kda.slice(0, 256).every((s) => s === 0)).toBe(true);
    // both series on KDA's /8 scale; correlations and the mean ratio do not depend on it
    const f = compareWithKda(file, replay(values, 42), kda, 256);
    expect(f.warmupZero).toBe(true);
    expect(f.pearson).toBeGreaterThanOrEqual(0.99);
    expect(f.meanRatio).toBeGreaterThanOrEqual(0.98);
    expect(f.meanRatio).toBeLessThanOrEqual(1.02);
    spearmans.push(f.spearman);
  });

  it('median Spearman rank correlation >= 0.90', () => {
    expect(spearmans.length).toBe(files.length);
    expect(median(spearmans)).toBeGreaterThanOrEqual(0.9);
  });
});
