/**
 * The state codec against the work it interrupts: for configurations A-D after the 25,000 warm-up
 * points, the time of `toBytes()` (save) and `fromBytes()` (load) of the warmed forest, their sum,
 * the time to `process` the next 250 records with that forest, the ratio (load + save) / process, and
 * the state's size in the version-1 format and in the current one; and, for comparison, load + save
 * through the version-1 path (JSON-form state in between, as `toBytes`/`fromBytes` did before). Medians of RUNS runs, measured
 * interleaved (load, save, process in each run), after WARM runs that are not counted, so that a
 * busy machine slows all three alike.
 * Run: `npm run build && node dist/bench/codec.js [runs]`.
 * @module
 */
import { RandomCutForest } from '../src/forest/forest.js';
import { forestFromState, forestToState, stateFromBytes, stateToBytes } from '../src/forest/state.js';
import { CONFIGS, WARMUP } from './configs.js';
import { loadBenchData } from './data.js';

const RUNS = Number(process.argv[2] ?? 21);
const WARM = 5;
const RECORDS = 250;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (x: number): string => x.toFixed(1);
const kb = (n: number): string => `${(n / 1000).toFixed(0)} kB`;

const rows = [
  `| config | save ms | load ms | load + save ms | process ${RECORDS} records ms | (load + save) / process | state v1 | state v3 | v3 / v1 | v1 load + save ms |`,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const config of CONFIGS) {
  const data = loadBenchData(config.file, config.columns, WARMUP + RECORDS);
  const forest = new RandomCutForest({ ...config.options, seed: 42 });
  for (let i = 0; i < WARMUP; i++) forest.update(data.rows[i]!);
  const bytes = forest.toBytes();
  const v1 = stateToBytes(forestToState(forest)).length;
  const save: number[] = [];
  const load: number[] = [];
  const proc: number[] = [];
  const old: number[] = [];
  for (let r = 0; r < WARM + RUNS; r++) {
    let t = performance.now();
    const copy = RandomCutForest.fromBytes(bytes);
    const loadMs = performance.now() - t;
    t = performance.now();
    copy.toBytes();
    const saveMs = performance.now() - t;
    t = performance.now();
    for (let i = WARMUP; i < WARMUP + RECORDS; i++) copy.process(data.rows[i]!);
    const procMs = performance.now() - t;
    if (r < WARM) continue;
    load.push(loadMs);
    save.push(saveMs);
    proc.push(procMs);
  }
  // The version-1 path, after the rest (its garbage would slow the runs above).
  for (let r = 0; r < 2 + Math.ceil(RUNS / 3); r++) {
    const t = performance.now();
    forestFromState(stateFromBytes(stateToBytes(forestToState(forest))));
    if (r >= 2) old.push(performance.now() - t);
  }
  const sum = load.map((l, i) => l + save[i]!);
  const s = median(save);
  const l = median(load);
  const p = median(proc);
  rows.push(
    `| ${config.name} | ${ms(s)} | ${ms(l)} | ${ms(median(sum))} | ${ms(p)} | ${(median(sum) / p).toFixed(2)} | ${kb(v1)} | ${kb(bytes.length)} | ${(bytes.length / v1).toFixed(2)} | ${ms(median(old))} |`,
  );
}
console.log(`medians of ${RUNS} runs (after ${WARM} not counted)\n`);
console.log(rows.join('\n'));
