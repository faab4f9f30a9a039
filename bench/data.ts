/**
 * Benchmark inputs: `../shared/bench/bench_dim{1,5,10}.csv` (75,000 rows, header `v0,v1,...`), or,
 * when that folder is absent, the same kind of data generated with a fixed seed (noisy sines with
 * rare spikes, as ../shared/bench/README.md describes).
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../src/cli/package-root.js';
import { CsvParser, type CsvRow } from '../src/io/csv-reader.js';

/** Rows of a benchmark input: `rows[t]` is a view of `columns` values. */
export interface BenchData {
  rows: Float64Array[];
  columns: number;
  /** Where the rows came from: a file path or `generated (seed ...)`. */
  source: string;
}

/** The repository root (the package's own folder). */
export const repoRoot = packageRoot;

/** The shared folder: $RCF_SHARED, else ../shared next to the repository. */
export function sharedDir(): string {
  return process.env.RCF_SHARED ? resolve(process.env.RCF_SHARED) : resolve(repoRoot(), '..', 'shared');
}

function toRows(values: Float64Array, columns: number): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let off = 0; off < values.length; off += columns) rows.push(values.subarray(off, off + columns));
  return rows;
}

/** Parses a numeric CSV with a header (with src/io's parser), keeping the first `columns` columns. */
export function parseCsv(text: string, columns: number, name = 'bench'): Float64Array {
  const parser = new CsvParser({ name });
  const rows: CsvRow[] = [];
  parser.push(text, rows);
  parser.end(rows);
  const out = new Float64Array(rows.length * columns);
  rows.forEach((row, r) => {
    if (row.fields.length < columns) throw new Error(`${name}:${row.line}: ${row.fields.length} columns, need ${columns}`);
    for (let j = 0; j < columns; j++) out[r * columns + j] = Number(row.fields[j]);
  });
  return out;
}

/** mulberry32, uniform in [0, 1). */
function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Generated input, as ../shared/bench/README.md describes: column j of D is
 * `0.8 sin(2 pi t / (60 + 17 j) + 2 pi j / D) + N(0, 0.1^2)`; with probability 0.005 a row has one
 * random column shifted by +-(2 + U[0,1)); 6 decimals.
 */
export function generateData(rows: number, dims: number, seed = 20240501): Float64Array {
  const rnd = uniform(seed + dims);
  const gauss = (): number => {
    let u = rnd();
    while (u === 0) u = rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  };
  const out = new Float64Array(rows * dims);
  for (let t = 0; t < rows; t++) {
    for (let j = 0; j < dims; j++) {
      out[t * dims + j] = 0.8 * Math.sin((2 * Math.PI * t) / (60 + 17 * j) + (2 * Math.PI * j) / dims) + 0.1 * gauss();
    }
    if (rnd() < 0.005) {
      const j = Math.floor(rnd() * dims);
      out[t * dims + j]! += (rnd() < 0.5 ? -1 : 1) * (2 + rnd());
    }
    for (let j = 0; j < dims; j++) out[t * dims + j] = Math.round(out[t * dims + j]! * 1e6) / 1e6;
  }
  return out;
}

/**
 * The first `columns` columns of `bench_dim{file}.csv` (at least `rows` rows), or generated data
 * when the file is absent.
 */
export function loadBenchData(file: number, columns: number, rows: number): BenchData {
  const path = join(sharedDir(), 'bench', `bench_dim${file}.csv`);
  if (existsSync(path)) {
    const values = parseCsv(readFileSync(path, 'utf8'), columns, path);
    if (values.length < rows * columns) throw new Error(`bench: ${path} has fewer than ${rows} rows`);
    return { rows: toRows(values, columns), columns, source: path };
  }
  return { rows: toRows(generateData(rows, file).filter((_, i) => i % file < columns), columns), columns, source: `generated (seed ${20240501 + file})` };
}
