/**
 * Size of a forest's saved state for the benchmark configurations A-D: after the 25,000 warm-up
 * points, bytes of `toBytes()`, of `JSON.stringify(forest)`, and of the forest's typed arrays in memory
 * (and of its point store alone). A second table splits the typed arrays (tree arrays, box pools,
 * samplers, store) and counts the internal nodes of two points (never cached) and the pools' slots.
 * Run: `npm run build && node dist/bench/state-size.js`.
 * @module
 */
import type { BoxPool } from '../src/forest/box-pool.js';
import { RandomCutForest } from '../src/forest/forest.js';
import { NO_ROOT } from '../src/forest/tree.js';
import { CONFIGS, WARMUP } from './configs.js';
import { loadBenchData } from './data.js';

const parts: string[] = [
  '| config | tree arrays | box pools | samplers | point store | internal nodes of two points | pool slots: boxes held / slots / a full cache |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
];
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
  const pools = new Set<BoxPool>(forest.trees.map((tree) => tree.pool));
  let poolBytes = 0;
  let held = 0;
  let slots = 0;
  for (const pool of pools) {
    poolBytes += pool.byteLength;
    held += pool.size;
    slots += pool.boxes.length / (2 * pool.dimensions);
  }
  let internal = 0;
  let twoPoint = 0;
  for (const tree of forest.trees) {
    const stack = tree.root === NO_ROOT ? [] : [tree.root];
    while (stack.length > 0) {
      const r = stack.pop()!;
      if (r < 0) continue;
      internal++;
      if (tree.twoPoints(r)) twoPoint++;
      stack.push(tree.left[r]!, tree.right[r]!);
    }
  }
  const treeBytes = forest.trees.reduce((sum, tree) => sum + tree.byteLength, 0);
  const samplerBytes = forest.samplers.reduce((sum, sampler) => sum + sampler.byteLength, 0);
  // A full cache: a slot for every internal node of every tree.
  const full = forest.trees.reduce((sum, tree) => sum + tree.storage.nodesPerTree, 0);
  parts.push(
    `| ${config.name} | ${kb(treeBytes)} | ${kb(poolBytes)} | ${kb(samplerBytes)} | ${kb(forest.store.byteLength)} | ` +
      `${((100 * twoPoint) / internal).toFixed(1)}% | ${held} / ${slots} / ${full} (${((100 * slots) / full).toFixed(0)}%) |`,
  );
  rows.push(`| ${config.name} | ${kb(bytes.length)} | ${kb(json)} | ${kb(mem)} | ${kb(forest.store.byteLength)} | ${(bytes.length / mem).toFixed(2)} | ${saveMs.toFixed(0)} | ${restoreMs.toFixed(0)} |`);
}
console.log(rows.join('\n'));
console.log();
console.log(parts.join('\n'));
