/**
 * Size of a forest's saved state for the benchmark configurations A-D: after the 25,000 warm-up
 * points, bytes of `toBytes()`, of `JSON.stringify(forest)`, and of the forest's typed arrays in memory
 * (and of its point store alone).
 * Run: `npm run build && node dist/bench/state-size.js`.
 * @module
 */
import { RandomCutForest } from '../src/forest/forest.js';
import { CONFIGS, WARMUP } from './configs.js';
import { loadBenchData } from './data.js';

const rows: string[] = ['| config | binary (toBytes) | JSON | typed arrays in memory | of which the point store | binary / memory | save ms | restore ms |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
for (const config of CONFIGS) {
  const data = loadBenchData(config.file, config.columns, WARMUP);
  const forest = new RandomCutForest({ ...config.options, seed: 42 });
  for (let i = 0; i < WARMUP; i++) forest.update(data.rows[i]!);
  let t = performance.now();
  const bytes = forest.toBytes();
  const saveMs = performance.now() - t;
  t = performance.now();
  RandomCutForest.fromBytes(bytes);
  const restoreMs = performance.now() - t;
  const json = Buffer.byteLength(JSON.stringify(forest));
  const mem = forest.byteLength;
  const kb = (n: number) => `${(n / 1000).toFixed(0)} kB`;
  rows.push(`| ${config.name} | ${kb(bytes.length)} | ${kb(json)} | ${kb(mem)} | ${kb(forest.store.byteLength)} | ${(bytes.length / mem).toFixed(2)} | ${saveMs.toFixed(0)} | ${restoreMs.toFixed(0)} |`);
}
console.log(rows.join('\n'));
