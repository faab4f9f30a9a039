/**
 * How much two builds' scores differ on the bench inputs (configs A-D, seed 7, process on all 75,000
 * rows): `node dist/bench/score-diff.js <other build>/src/forest/forest.js`, e.g. a worktree of an
 * earlier commit built with `npx tsc`. Prints per config the rows scored, how many scores are
 * bit-identical, the largest relative difference and the ratio of the mean scores.
 * @module
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { RandomCutForest } from '../src/forest/forest.js';
import { CONFIGS, TIMED, WARMUP } from './configs.js';
import { loadBenchData } from './data.js';

const other = process.argv[2];
if (!other) {
  console.error('usage: node dist/bench/score-diff.js <other build>/src/forest/forest.js');
  process.exit(2);
}
const module = (await import(pathToFileURL(resolve(other)).href)) as { RandomCutForest: typeof RandomCutForest };
for (const config of CONFIGS) {
  const { rows } = loadBenchData(config.file, config.columns, WARMUP + TIMED);
  const ours = new RandomCutForest({ ...config.options, seed: 7 });
  const theirs = new module.RandomCutForest({ ...config.options, seed: 7 });
  let scored = 0;
  let identical = 0;
  let maxRelative = 0;
  let sumOurs = 0;
  let sumTheirs = 0;
  for (const row of rows) {
    const a = ours.process(row);
    const b = theirs.process(row);
    if (b === 0 && a === 0) continue;
    scored++;
    if (a === b) identical++;
    maxRelative = Math.max(maxRelative, Math.abs(a - b) / Math.abs(b));
    sumOurs += a;
    sumTheirs += b;
  }
  console.log(
    `${config.name}: ${scored} scores, ${identical} identical, largest relative difference ` +
      `${maxRelative.toExponential(2)}, mean ratio ${(sumOurs / sumTheirs).toFixed(6)}`,
  );
}
