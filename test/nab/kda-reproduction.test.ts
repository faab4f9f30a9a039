import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  NAB_PROFILE_NAMES,
  NAB_PROFILES,
  prepareNabFile,
  readNabDetectorOutputs,
  readNabLabels,
  readNabResultsCsv,
  rowWindows,
  scoreNabCorpus,
  scoreNabFile,
  sweepNabThreshold,
  type NabResultRow,
} from '../../src/nab/index.js';

const fixtures = fileURLToPath(new URL('../fixtures/nab/', import.meta.url));

const kda = await readNabDetectorOutputs(join(fixtures, 'kda'));
const labels = await readNabLabels(join(fixtures, 'labels', 'combined_windows.json'));
const results = new Map<string, NabResultRow[]>();
for (const profile of NAB_PROFILE_NAMES) {
  results.set(profile, await readNabResultsCsv(join(fixtures, 'results', `kda_rcf_${profile}_scores.csv`)));
}

describe('NAB scorer on KDA outputs', () => {
  it('has the 34 KDA fixture files', () => {
    expect(kda.size).toBe(34);
  });

  for (const profile of NAB_PROFILE_NAMES) {
    it(`reproduces KDA's per-file rows (${profile})`, () => {
      const rows = results.get(profile)!;
      const threshold = rows[0]!.threshold;
      let checked = 0;
      for (const [name, output] of kda) {
        const expected = rows.find((r) => r.file === name);
        expect(expected, name).toBeDefined();
        const windows = rowWindows(output.timestamps, labels[name]!, name);
        const file = prepareNabFile(name, output.scores.length, windows);
        const got = scoreNabFile(file, output.scores, threshold, NAB_PROFILES[profile]);
        expect({ name, tp: got.tp, tn: got.tn, fp: got.fp, fn: got.fn, total: got.totalCount }).toEqual({
          name,
          tp: expected!.tp,
          tn: expected!.tn,
          fp: expected!.fp,
          fn: expected!.fn,
          total: expected!.totalCount,
        });
        // KDA's table prints 12 significant digits.
        expect(Math.abs(got.score - expected!.score), `${name} score ${got.score} vs ${expected!.score}`).toBeLessThan(
          1e-9 * Math.max(1, Math.abs(expected!.score)),
        );
        checked++;
      }
      expect(checked).toBe(34);
    });
  }

  it('scoreNabCorpus with the given thresholds gives the same rows, and a sweep never does worse', () => {
    const files = [...kda.values()].map((o) => ({
      name: o.name,
      scores: o.scores,
      windows: rowWindows(o.timestamps, labels[o.name]!, o.name),
    }));
    const thresholds = Object.fromEntries(NAB_PROFILE_NAMES.map((p) => [p, results.get(p)![0]!.threshold]));
    const fixed = scoreNabCorpus(files, { thresholds });
    const swept = scoreNabCorpus(files);
    for (let k = 0; k < NAB_PROFILE_NAMES.length; k++) {
      const expectedRows = results.get(NAB_PROFILE_NAMES[k]!)!;
      const expectedSum = files.reduce((s, f) => s + expectedRows.find((r) => r.file === f.name)!.score, 0);
      expect(fixed[k]!.rawScore).toBeCloseTo(expectedSum, 8);
      expect(swept[k]!.rawScore).toBeGreaterThanOrEqual(fixed[k]!.rawScore - 1e-9);
      // The sweep's incremental total equals a direct rescoring at the chosen threshold.
      const prepared = files.map((f) => ({ file: prepareNabFile(f.name, f.scores.length, f.windows), scores: f.scores }));
      const sweep = sweepNabThreshold(prepared, NAB_PROFILES[NAB_PROFILE_NAMES[k]!]);
      expect(sweep.threshold).toBe(swept[k]!.threshold);
      expect(sweep.score).toBeCloseTo(swept[k]!.rawScore, 9);
    }
  });
});
