/**
 * `npm run bench [-- options]`: configurations A-D of issue 4 against the reference Java RCF.
 *
 *   --config A[,B..]   only these configurations (repeatable)
 *   --op process[,update,attribution]   only these operations
 *   --runs N           runs per operation (default 5)
 *   --json             print JSON instead of the table
 *   --no-memory        skip the memory measurement
 *   --box-cache-min-mass N   run the forests with this boxCacheMinMass (default: the forest's, 3 for
 *                      B-D (every box but two-point nodes'), none cached for A (one coordinate))
 *   --parallel [--workers N] [--batch N]   also time ParallelForest.processBatch against the
 *                      single-threaded process loop (see parallel.ts); --parallel-only skips the rest
 * @module
 */
import { CONFIGS, OPERATIONS, RUNS, TIMED, WARMUP, type BenchConfig, type Operation } from './configs.js';
import { loadBenchData } from './data.js';
import { measureMemory, measureThroughput } from './protocol.js';
import { formatParallel, measureParallel, type ParallelResult } from './parallel.js';
import { formatTable, machineInfo, toJson, type ConfigResult } from './report.js';

interface Args {
  configs: BenchConfig[];
  operations: Operation[];
  runs: number;
  json: boolean;
  memory: boolean;
  parallel: boolean;
  parallelOnly: boolean;
  workers: number;
  batch: number;
  /** The forests' boxCacheMinMass; undefined: each config's default. */
  boxCacheMinMass: number | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { configs: [], operations: [...OPERATIONS], runs: RUNS, json: false, memory: true, parallel: false, parallelOnly: false, workers: 2, batch: 1000, boxCacheMinMass: undefined };
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench: ${a} needs a value`);
      return v;
    };
    if (a === '--config') names.push(...value().split(','));
    else if (a.startsWith('--config=')) names.push(...a.slice(9).split(','));
    else if (a === '--op') args.operations = value().split(',') as Operation[];
    else if (a === '--runs') args.runs = Number(value());
    else if (a === '--json') args.json = true;
    else if (a === '--no-memory') args.memory = false;
    else if (a === '--parallel') args.parallel = true;
    else if (a === '--parallel-only') {
      args.parallel = true;
      args.parallelOnly = true;
    }
    else if (a === '--workers') args.workers = Number(value());
    else if (a === '--batch') args.batch = Number(value());
    else if (a === '--box-cache-min-mass') args.boxCacheMinMass = Number(value());
    else throw new Error(`bench: unknown argument ${a}`);
  }
  for (const op of args.operations) if (!OPERATIONS.includes(op)) throw new Error(`bench: unknown operation ${op}`);
  args.configs = names.length === 0 ? [...CONFIGS] : names.map((n) => {
    const c = CONFIGS.find((x) => x.name === n.toUpperCase());
    if (!c) throw new Error(`bench: unknown config ${n} (A, B, C or D)`);
    return c;
  });
  if (args.boxCacheMinMass !== undefined) {
    const m = args.boxCacheMinMass;
    args.configs = args.configs.map((c) => ({ ...c, description: `${c.description}, boxCacheMinMass ${m}`, options: { ...c.options, boxCacheMinMass: m } }));
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const machine = machineInfo();
  const results: ConfigResult[] = [];
  for (const config of args.parallelOnly ? [] : args.configs) {
    const data = loadBenchData(config.file, config.columns, WARMUP + TIMED);
    if (!args.json) process.stderr.write(`config ${config.name}: ${config.description} ...\n`);
    const memory = args.memory ? await measureMemory(config, data.rows) : undefined;
    const throughput = await measureThroughput(config, data.rows, { runs: args.runs, operations: args.operations });
    results.push({ config, source: data.source, throughput, memory });
  }
  let parallel: ParallelResult[] | undefined;
  if (args.parallel) {
    if (!args.json) process.stderr.write(`parallel: ${args.workers} workers, batches of ${args.batch} ...\n`);
    parallel = await measureParallel(args.configs, { workers: args.workers, batch: args.batch, runs: args.runs });
  }
  if (args.json) {
    const doc = toJson(results, machine) as Record<string, unknown>;
    if (parallel) doc.parallel = parallel;
    console.log(JSON.stringify(doc, null, 2));
  } else {
    if (results.length > 0) console.log(formatTable(results, machine));
    if (parallel) console.log((results.length > 0 ? '\n' : '') + formatParallel(parallel));
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
