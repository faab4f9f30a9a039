/**
 * NAB corpus replay timing (issue 4): every file of ../shared/nab/data (58 files, `timestamp,value`,
 * 365,558 rows), KDA's settings (100 trees, sample 256, timeDecay 100000, shingle 1), score then
 * update per row (`process`), one fresh forest per file; single-threaded, then with ParallelForest
 * (trees split across workers, batches of rows, one set of workers reset between files). Checks that
 * both modes give the same scores bit for bit. The Java library takes 19.5 s on this corpus in one
 * JVM on this machine kind.
 *
 *   node dist/bench/nab-replay.js [--workers N] [--batch N] [--runs N] [--json] [--no-parallel]
 * @module
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RandomCutForest } from '../src/forest/forest.js';
import { ParallelForest } from '../src/parallel/parallel-forest.js';
import { sharedDir } from './data.js';
import { machineInfo } from './report.js';

const KDA = { dimensions: 1, numberOfTrees: 100, subSampleSize: 256, timeDecay: 100_000, shingleSize: 1, seed: 42 };
const JAVA_SECONDS = 19.5;

interface NabFile {
  name: string;
  rows: number[][];
}

/** Every CSV under `dir` (recursively), as records of one value. */
function loadCorpus(dir: string): NabFile[] {
  const files: NabFile[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(d, e.name), rel ? `${rel}/${e.name}` : e.name);
      else if (e.name.endsWith('.csv')) {
        const lines = readFileSync(join(d, e.name), 'utf8').split(/\r?\n/);
        const rows: number[][] = [];
        for (let i = 1; i < lines.length; i++) {
          const line = lines[i]!;
          if (line.length === 0) continue;
          const v = Number(line.slice(line.lastIndexOf(',') + 1));
          if (!Number.isFinite(v)) throw new Error(`nab-replay: ${rel}/${e.name} line ${i + 1}: bad value`);
          rows.push([v]);
        }
        files.push({ name: `${rel}/${e.name}`, rows });
      }
    }
  };
  walk(dir, '');
  return files;
}

function hashScores(chunks: Float64Array[]): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  return h.digest('hex').slice(0, 16);
}

function replaySingle(files: NabFile[]): { seconds: number; hash: string } {
  const t0 = performance.now();
  const out: Float64Array[] = [];
  for (const f of files) {
    const forest = new RandomCutForest(KDA);
    const scores = new Float64Array(f.rows.length);
    for (let i = 0; i < f.rows.length; i++) scores[i] = forest.process(f.rows[i]!);
    out.push(scores);
  }
  return { seconds: (performance.now() - t0) / 1000, hash: hashScores(out) };
}

async function replayParallel(files: NabFile[], workers: number, batch: number): Promise<{ seconds: number; startup: number; hash: string }> {
  const t0 = performance.now();
  const forest = await ParallelForest.create({ ...KDA, workers });
  const startup = (performance.now() - t0) / 1000;
  const out: Float64Array[] = [];
  try {
    let first = true;
    for (const f of files) {
      if (!first) await forest.reset();
      first = false;
      const scores = new Float64Array(f.rows.length);
      for (let i = 0; i < f.rows.length; i += batch) scores.set(await forest.processBatch(f.rows.slice(i, i + batch)), i);
      out.push(scores);
    }
  } finally {
    await forest.close();
  }
  return { seconds: (performance.now() - t0) / 1000, startup, hash: hashScores(out) };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string, dflt: number): number => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : dflt;
  };
  const workers = opt('--workers', 2);
  const batch = opt('--batch', 2000);
  const runs = opt('--runs', 3);
  const json = argv.includes('--json');
  const parallel = !argv.includes('--no-parallel');
  const dir = join(sharedDir(), 'nab', 'data');
  const t0 = performance.now();
  const files = loadCorpus(dir);
  const loadSeconds = (performance.now() - t0) / 1000;
  const rows = files.reduce((n, f) => n + f.rows.length, 0);
  const single: number[] = [];
  const par: number[] = [];
  let hashSingle = '';
  let hashParallel = '';
  let startup = 0;
  for (let r = 0; r < runs; r++) {
    const s = replaySingle(files);
    single.push(s.seconds);
    hashSingle = s.hash;
    if (parallel) {
      const p = await replayParallel(files, workers, batch);
      par.push(p.seconds);
      hashParallel = p.hash;
      startup = p.startup;
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const result = {
    machine: machineInfo(),
    corpus: dir,
    files: files.length,
    rows,
    settings: KDA,
    loadSeconds,
    runs,
    singleSeconds: single,
    singleMedian: median(single),
    parallel: parallel ? { workers, batch, seconds: par, median: median(par), workerStartupSeconds: startup } : undefined,
    identical: parallel ? hashSingle === hashParallel : undefined,
    scoresSha256Prefix: hashSingle,
    javaSeconds: JAVA_SECONDS,
  };
  if (json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const f = (x: number): string => x.toFixed(2) + ' s';
  console.log(`NAB replay: ${files.length} files, ${rows.toLocaleString('en-US')} rows, 100 trees, 256, timeDecay 100000, shingle 1; score then update per row`);
  console.log(`node ${result.machine.node}, ${result.machine.cores} cores, ${result.machine.cpu}; reading the CSVs: ${f(loadSeconds)} (not included below)`);
  console.log(`single thread:        ${f(result.singleMedian)} (median of ${runs}: ${single.map(f).join(', ')}), ${Math.round(rows / result.singleMedian).toLocaleString('en-US')} rows/s, Java ${JAVA_SECONDS} s -> ${(JAVA_SECONDS / result.singleMedian).toFixed(2)}x`);
  if (result.parallel) {
    console.log(`parallel, ${workers} workers: ${f(result.parallel.median)} (median of ${runs}: ${par.map(f).join(', ')}; batches of ${batch}; includes ${f(startup)} worker start-up), Java -> ${(JAVA_SECONDS / result.parallel.median).toFixed(2)}x, bit-identical to single thread: ${result.identical ? 'yes' : 'NO'}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
