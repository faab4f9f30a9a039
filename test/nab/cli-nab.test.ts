import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/index.js';
import { capture, FILES, tinyNab } from './cli-helpers.js';

describe('rcf nab', () => {
  it('scores a NAB folder, compares with KDA, writes the scores and prints JSON', async () => {
    const root = tinyNab();
    try {
      const c = capture();
      const code = await main(['nab', '--data', root, '--out', join(root, 'out'), '--seed', '7', '--json'], c.io);
      expect(c.err()).toBe('');
      expect(code).toBe(0);
      const json = JSON.parse(c.out()) as {
        files: number;
        rows: number;
        settings: { seed: number; numberOfTrees: number };
        fidelity: { name: string; pearson: number; warmupZero: boolean }[];
        nab: { profile: string; normalizedScore: number; perfectScore: number; kdaPublished: number }[];
      };
      expect(json.files).toBe(2);
      expect(json.rows).toBe(1243 + 1538);
      expect(json.settings).toMatchObject({ seed: 7, numberOfTrees: 100 });
      expect(json.fidelity.map((f) => f.name)).toEqual(FILES);
      for (const f of json.fidelity) {
        expect(f.warmupZero).toBe(true);
        expect(f.pearson).toBeGreaterThan(0.9);
      }
      expect(json.nab.map((r) => r.profile)).toEqual(['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']);
      expect(json.nab[0]!.perfectScore).toBe(5); // 2 + 3 labelled windows
      expect(json.nab[0]!.kdaPublished).toBe(51.717);
      const written = readFileSync(join(root, 'out', FILES[1]!), 'utf8').split('\n');
      expect(written[0]).toBe('timestamp,value,ANOMALY_SCORE');
      expect(written[1]).toMatch(/^2011-07-01 00:15:01,[0-9.]+,0$/);
      expect(written).toHaveLength(1538 + 2);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('prints the fidelity and NAB tables', async () => {
    const root = tinyNab();
    try {
      const c = capture();
      expect(await main(['nab', '--data', join(root, 'data'), '--kda', join(root, 'kda')], c.io)).toBe(0);
      expect(c.out()).toMatch(/Fidelity to KDA \(2 files/);
      expect(c.out()).toMatch(/median \(2 non-flat\)/);
      expect(c.out()).toMatch(/\nstandard +[0-9.]+ +-?[0-9.]+ +-?[0-9.]+ +51\.717\n/);
      expect(c.out()).toMatch(/Subset: these scores cover 2 of NAB's 58 files/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('never ranks a subset inside the 58-file scoreboard without saying so', async () => {
    const root = tinyNab();
    try {
      mkdirSync(join(root, 'results'));
      writeFileSync(
        join(root, 'results', 'final_results.json'),
        JSON.stringify({ numenta: { standard: 70.1, reward_low_FP_rate: 63.1, reward_low_FN_rate: 74.3 } }),
      );
      const c = capture();
      expect(await main(['nab', '--data', root], c.io)).toBe(0);
      expect(c.out()).toMatch(/not comparable with NAB's scoreboard/);
      expect(c.out()).toMatch(/NAB scoreboard \(results\/final_results\.json, all 58 files\)/);
      expect(c.out()).not.toMatch(/\(this library\)/);
      const j = capture();
      expect(await main(['nab', '--data', root, '--json'], j.io)).toBe(0);
      expect(JSON.parse(j.out())).toMatchObject({ files: 2, corpusFiles: 58, subset: true });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports usage errors in one line with exit code 2', async () => {
    let c = capture();
    expect(await main(['nab'], c.io)).toBe(2);
    expect(c.err()).toMatch(/^rcf nab: the NAB corpus is not bundled: pass --data DIR, a copy of https:\/\/github\.com\/numenta\/NAB/);
    c = capture();
    expect(await main(['nab', '--data', '/nonexistent/nab'], c.io)).toBe(2);
    expect(c.err()).toBe('rcf nab: --data must be a NAB folder or its data folder, got "/nonexistent/nab" (not found)\n');
    c = capture();
    expect(await main(['nab', '--bogus'], c.io)).toBe(2);
    expect(c.err()).toMatch(/^rcf nab: Unknown option '--bogus'/);
    expect(c.err().split('\n')).toHaveLength(2);
    c = capture();
    expect(await main(['nab', '--seed', ''], c.io)).toBe(2);
    c = capture();
    expect(await main(['frobnicate'], c.io)).toBe(2);
    expect(c.err()).toMatch(/^rcf: unknown command "frobnicate"/);
    c = capture();
    expect(await main(['nab', '--help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/^Usage: rcf nab/);
  });
});
