/**
 * The state codec against the work it interrupts: for configurations A-D after the 25,000 warm-up
 * points, the time of `toBytes()` (save) and `fromBytes()` (load) of the warmed forest, their sum,
 * the time to `process` the next 250 records with that forest, the ratio (load + save) / process, and
 * the state's size in the version-1 format and in the current one; and, for comparison, load + save
 * through the version-1 path (JSON-form state in between, as `toBytes`/`fromBytes` did before).
 * Medians of RUNS runs, measured interleaved (load, save, process in each run), after WARM runs that
 * are not counted, so that a busy machine slows all three alike.
 * A second table gives the first save and load in a fresh process (cold JIT: each config in a child
 * process, after its warm-up), with the version-1 path alike, and the 250 records processed after.
 * Run: `npm run build && node dist/bench/codec.js [runs]`.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RandomCutForest } from '../src/forest/forest.js';
import { forestFromState, forestToState, stateFromBytes, stateToBytes } from '../src/forest/state.js';
import { CONFIGS, WARMUP } from './configs.js';
import { loadBenchData } from './data.js';

const RUNS = Number(process.argv[2] ?? 21);

const WARM = 5;
const RECORDS = 250;
const RECORDS_FIRST = 250;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (x: number): string => x.toFixed(1);
const kb = (n: number): string => `${(n / 1000).toFixed(0)} kB`;

/** `--first NAME v1|v3`: in this fresh process, the first save + load of config NAME's forest. */
if (process.argv[2] === '--first') {
  const config = CONFIGS.find((c) => c.name === process.argv[3])!;
  const data = loadBenchData(config.file, config.columns, WARMUP + RECORDS_FIRST);
  const forest = new RandomCutForest({ ...config.options, seed: 42 });
  for (let i = 0; i < WARMUP; i++) forest.update(data.rows[i]!);
  let t = performance.now();
  let copy: RandomCutForest;
  if (process.argv[4] === 'v1') copy = forestFromState(stateFromBytes(stateToBytes(forestToState(forest))));
  else copy = RandomCutForest.fromBytes(forest.toBytes());
  const codecMs = performance.now() - t;
  t = performance.now();
  for (let i = WARMUP; i < WARMUP + RECORDS_FIRST; i++) copy.process(data.rows[i]!);
  console.log(JSON.stringify({ codecMs, processMs: performance.now() - t }));
  process.exit(0);
}

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

// First calls, each in a fresh process (median of 3 processes).
const self = fileURLToPath(import.meta.url);
const first = [
  `| config | first save + load, v3 ms | first save + load, v1 ms | then process ${RECORDS_FIRST} records ms |`,
  '| --- | ---: | ---: | ---: |',
];
for (const config of CONFIGS) {
  const run = (v: string) =>
    [0, 1, 2].map(() => JSON.parse(execFileSync(process.execPath, [self, '--first', config.name, v], { encoding: 'utf8' })) as { codecMs: number; processMs: number });
  const v3 = run('v3');
  const v1 = run('v1');
  first.push(
    `| ${config.name} | ${ms(median(v3.map((x) => x.codecMs)))} | ${ms(median(v1.map((x) => x.codecMs)))} | ${ms(median(v3.map((x) => x.processMs)))} |`,
  );
}
console.log(`\nfirst calls in a fresh process (cold JIT), medians of 3 processes\n`);
console.log(first.join('\n'));
