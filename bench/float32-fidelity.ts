/**
 * Why the point store holds float64: the fidelity to KDA when every value is rounded to float32 (what a
 * float32 point store would hold) against float64, over the KDA outputs in test/fixtures/nab/kda, and
 * how many distinct values float32 merges. Run: `npm run build && node dist/bench/float32-fidelity.js`.
 * @module
 */
import { join } from 'node:path';
import { compareWithKda, readNabDetectorOutputs, scoreSeriesKdaMode, summarizeFidelity, type NabFileFidelity } from '../src/nab/index.js';
import { repoRoot } from './data.js';

const outputs = await readNabDetectorOutputs(join(repoRoot(), 'test', 'fixtures', 'nab', 'kda'));
const fidelity: Record<'float64' | 'float32', NabFileFidelity[]> = { float64: [], float32: [] };
const merged: string[] = [];
for (const { name, values, scores } of outputs.values()) {
  const kdaRaw = Float64Array.from(scores, (s) => s * 8);
  const rounded = Float64Array.from(values, Math.fround);
  const distinct64 = new Set(values).size;
  const distinct32 = new Set(rounded).size;
  if (distinct32 < distinct64) merged.push(`${name}: ${distinct64} distinct values, ${distinct32} as float32`);
  fidelity.float64.push(compareWithKda(name, scoreSeriesKdaMode(values, { seed: 42 }), kdaRaw, 256));
  fidelity.float32.push(compareWithKda(name, scoreSeriesKdaMode(rounded, { seed: 42 }), kdaRaw, 256));
}
for (const kind of ['float64', 'float32'] as const) {
  const f = summarizeFidelity(fidelity[kind]);
  console.log(
    `${kind}: ${f.nonFlat} non-flat files: median Pearson ${f.medianPearson.toFixed(4)}, min ${f.minPearson.toFixed(4)}; ` +
      `median Spearman ${f.medianSpearman.toFixed(4)}; median mean ratio ${f.medianMeanRatio.toFixed(4)}`,
  );
}
console.log(`files where float32 merges distinct values: ${merged.length}`);
for (const m of merged) console.log(`  ${m}`);
