/**
 * The focused driver used for the change log in NOTES.md: `node dist/bench/micro.js C process 3`
 * (a 4th argument sets boxCacheMinMass; without it, the forest's default).
 * Per run: a fresh forest (seed 42), rows 0..24,999 with `update`, then rows 25,000..74,999 timed with
 * the operation (`score` = score only, against a forest that learns nothing more). Prints the
 * median and every run's points/s. Quicker than `run.js` for before/after comparisons.
 * @module
 */
import { RandomCutForest } from '../src/forest/forest.js';
import { CONFIGS, OPERATIONS, TIMED, WARMUP, type Operation } from './configs.js';
import { loadBenchData } from './data.js';
import { feed } from './protocol.js';

const [name = 'A', op = 'process', runsArg = '3', boxCacheArg] = process.argv.slice(2);
const config = CONFIGS.find((c) => c.name === name.toUpperCase());
if (!config) throw new Error(`micro: unknown config ${name}`);
if (op !== 'score' && !OPERATIONS.includes(op as Operation)) throw new Error(`micro: unknown operation ${op}`);
const { rows } = loadBenchData(config.file, config.columns, WARMUP + TIMED);
const pps: number[] = [];
let sink = 0;
for (let r = 0; r < Number(runsArg); r++) {
  const forest = new RandomCutForest({ ...config.options, seed: 42, ...(boxCacheArg ? { boxCacheMinMass: Number(boxCacheArg) } : {}) });
  feed(forest, rows, 0, WARMUP, 'update');
  const t0 = performance.now();
  if (op === 'score') for (let t = WARMUP; t < WARMUP + TIMED; t++) sink += forest.score(rows[t]!);
  else sink += feed(forest, rows, WARMUP, WARMUP + TIMED, op as Operation);
  pps.push(Math.round((TIMED * 1000) / (performance.now() - t0)));
}
pps.sort((a, b) => a - b);
console.log(`${config.name} ${op} median ${pps[Math.floor(pps.length / 2)]} runs ${pps.join(' ')}${sink === -1 ? ' ' : ''}`);
