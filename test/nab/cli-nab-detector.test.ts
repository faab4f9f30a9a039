import { describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/index.js';
import { capture, FILES, tinyNab } from './cli-helpers.js';
import { AnomalyDetector } from '../../src/index.js';
import { loadNabCorpus, parseNabTimestamp, scoreNabCorpus } from '../../src/nab/index.js';

describe('rcf nab --detector', () => {
  it("scores the corpus with AnomalyDetector's alarms, as calling the detector row by row does (JSON, --out)", async () => {
    const root = tinyNab();
    try {
      const c = capture();
      expect(await main(['nab', '--data', root, '--detector', '--seed', '7', '--out', join(root, 'out'), '--json'], c.io)).toBe(0);
      expect(c.err()).toBe('');
      const json = JSON.parse(c.out()) as {
        detector: string;
        seed: number;
        files: number;
        rows: number;
        alarms: number;
        windows: number;
        nab: { profile: string; threshold: number; normalizedScore: number; perfectScore: number }[];
      };
      expect(json).toMatchObject({ detector: 'AnomalyDetector', seed: 7, files: 2, rows: 1243 + 1538, windows: 5 });
      // the same by hand
      const corpus = await loadNabCorpus({ dataDir: join(root, 'data'), labelsFile: join(root, 'labels', 'combined_windows.json') });
      let alarms = 0;
      const detected = corpus.map((f) => {
        const detector = new AnomalyDetector({ dimensions: 1, seed: 7 });
        const scores = f.values.map((v, i) => (detector.process([v], parseNabTimestamp(f.timestamps[i]!)).isAnomaly ? 1 : 0));
        alarms += scores.reduce((a: number, b) => a + b, 0);
        return { name: f.name, windows: f.windows, scores };
      });
      const want = scoreNabCorpus(detected, { thresholds: { standard: 0.5, reward_low_FP_rate: 0.5, reward_low_FN_rate: 0.5 } });
      expect(json.alarms).toBe(alarms);
      expect(alarms).toBeGreaterThan(0);
      expect(json.nab.map((r) => r.profile)).toEqual(['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']);
      expect(json.nab.map((r) => r.normalizedScore)).toEqual(want.map((r) => r.normalizedScore));
      expect(json.nab.every((r) => r.threshold === 0.5)).toBe(true);
      const written = readFileSync(join(root, 'out', FILES[1]!), 'utf8').trimEnd().split('\n');
      expect(written[0]).toBe('timestamp,value,ANOMALY_SCORE,ANOMALY_GRADE,IS_ANOMALY');
      expect(written).toHaveLength(1538 + 1);
      expect(written.slice(1).filter((l) => l.endsWith(',true')).length).toBe(detected[1]!.scores.filter((s) => s === 1).length);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('prints the three profiles; refuses the forest-only flags', async () => {
    const root = tinyNab();
    try {
      const c = capture();
      expect(await main(['nab', '--data', root, '--detector'], c.io)).toBe(0);
      const text = c.out();
      expect(text).toContain('AnomalyDetector (one per file, its defaults, seed 42)');
      for (const p of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']) expect(text).toMatch(new RegExp(`^${p} `, 'm'));
      expect(text).toContain('Subset: these scores cover 2 of');
      const bad = capture();
      expect(await main(['nab', '--data', root, '--detector', '--trees', '10'], bad.io)).toBe(2);
      expect(bad.err()).toContain('--detector cannot be combined with --trees');
      const help = capture();
      expect(await main(['nab', '--help'], help.io)).toBe(0);
      expect(help.out()).toContain('rcf nab --data NAB --detector');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
