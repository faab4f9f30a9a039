/**
 * Why the point store holds float64: the fidelity to KDA when every value is rounded to float32 (what a
 * float32 point store would hold) against float64, over the KDA outputs in test/fixtures/nab/kda, and
 * how many distinct values float32 merges. Run: `npm run build && node dist/bench/float32-fidelity.js`.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RandomCutForest } from '../src/forest/forest.js';
import { median, pearson, spearman } from '../src/nab/stats.js';
import { repoRoot } from './data.js';

const root = join(repoRoot(), 'test', 'fixtures', 'nab', 'kda');
const result = { f64: { p: [] as number[], s: [] as number[], r: [] as number[] }, f32: { p: [] as number[], s: [] as number[], r: [] as number[] } };
const merged: string[] = [];
for (const category of readdirSync(root)) {
  for (const file of readdirSync(join(root, category))) {
    const lines = readFileSync(join(root, category, file), 'utf8').trim().split('\n').slice(1);
    const values = lines.map((l) => Number(l.split(',')[1]));
    const kda = lines.map((l) => Number(l.split(',')[2]) * 8).slice(256);
    if (new Set(kda).size === 1) continue; // flat: correlations undefined
    const distinct64 = new Set(values).size;
    const distinct32 = new Set(values.map(Math.fround)).size;
    if (distinct32 < distinct64) merged.push(`${category}/${file}: ${distinct64} distinct values, ${distinct32} as float32`);
    for (const [kind, round] of [['f64', (x: number) => x], ['f32', Math.fround]] as const) {
      const forest = new RandomCutForest({ dimensions: 1, seed: 42 });
      const ours = values.map((v) => forest.process([round(v)])).slice(256);
      result[kind].p.push(pearson(ours, kda));
      result[kind].s.push(spearman(ours, kda));
      result[kind].r.push(ours.reduce((a, b) => a + b, 0) / kda.reduce((a, b) => a + b, 0));
    }
  }
}
for (const kind of ['f64', 'f32'] as const) {
  const r = result[kind];
  console.log(`${kind}: median Pearson ${median(r.p).toFixed(4)}, min ${Math.min(...r.p).toFixed(4)}; median Spearman ${median(r.s).toFixed(4)}; median mean ratio ${median(r.r).toFixed(4)}`);
}
console.log(`files where float32 merges distinct values: ${merged.length}`);
for (const m of merged) console.log(`  ${m}`);
