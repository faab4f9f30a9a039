/**
 * The metadata line of an `rcf score` checkpoint: its fields and their validation. A CRC only proves
 * the file is as written, not that it was written by `rcf score`: every field is checked (type,
 * integer, range) before any is used.
 * @module
 */
import { KDA_FOREST_LIMITS } from '../stream/rcf-operators.js';

/** The scoring options a checkpoint records (a resume must give the same). */
export interface CheckpointOptions {
  format: 'csv' | 'jsonl';
  /** `--columns` as given, or null. */
  columns: string[] | null;
  trees: number | null;
  sampleSize: number | null;
  timeDecay: number | null;
  shingleSize: number | null;
  seed: number | string | null;
  explain: boolean;
  directionality: boolean;
  invalidRows: 'fail' | 'skip';
  /** `--detector` (absent in the checkpoints of forest runs: false). */
  detector: boolean;
  /** With `--detector`, the `--time` column (the detector's timestamps), else null (absent: null). */
  detectorTime: string | null;
  /** The columns actually scored (given or detected). */
  resolvedColumns: string[];
}

/** What a checkpoint says about the run it belongs to. */
export interface CheckpointMeta {
  /** The input file (absolute path), its size and modification time when the run started. */
  input: { path: string; size: number; mtimeMs: number; format: 'csv' | 'jsonl' };
  /** The output file (absolute path) and its length when the checkpoint was taken. */
  output: { path: string; bytes: number };
  /** The scoring options. */
  options: CheckpointOptions;
  /** Data rows consumed and written. */
  rows: number;
  /** File line of the last consumed row (the header is line 1; 0 before any row). */
  line: number;
}

/** A field of the metadata that is missing or out of range. */
export class MetaFieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'MetaFieldError';
  }
}

/** Describes a JSON value for a message (never a bare `null`). */
function show(value: unknown): string {
  if (value === undefined || value === null) return 'missing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'a list' : 'an object';
}

type Json = Record<string, unknown>;

function object(parent: Json, key: string, field: string): Json {
  const v = parent[key];
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new MetaFieldError(field, `field ${field} is ${show(v)}, expected an object`);
  }
  return v as Json;
}

function integer(parent: Json, key: string, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = parent[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new MetaFieldError(field, `field ${field} is ${show(v)}, expected an integer ${range}`);
  }
  return v;
}

function nullableInteger(parent: Json, key: string, field: string, min: number, max: number): number | null {
  return parent[key] === null ? null : integer(parent, key, field, min, max);
}

function string(parent: Json, key: string, field: string): string {
  const v = parent[key];
  if (typeof v !== 'string' || v.length === 0) throw new MetaFieldError(field, `field ${field} is ${show(v)}, expected a non-empty string`);
  return v;
}

function oneOf<T extends string>(parent: Json, key: string, field: string, allowed: readonly T[]): T {
  const v = parent[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new MetaFieldError(field, `field ${field} is ${show(v)}, expected one of ${allowed.join(', ')}`);
  }
  return v as T;
}

function boolean(parent: Json, key: string, field: string): boolean {
  const v = parent[key];
  if (typeof v !== 'boolean') throw new MetaFieldError(field, `field ${field} is ${show(v)}, expected true or false`);
  return v;
}

function columnList(parent: Json, key: string, field: string): string[] {
  const v = parent[key];
  const [lo, hi] = KDA_FOREST_LIMITS.columns;
  if (
    !Array.isArray(v) ||
    v.length < lo ||
    v.length > hi ||
    !v.every((c): c is string => typeof c === 'string' && c.length > 0) ||
    new Set(v).size !== v.length
  ) {
    throw new MetaFieldError(field, `field ${field} is ${show(v)}, expected ${lo} to ${hi} distinct column names`);
  }
  return [...v];
}

function options(meta: Json): CheckpointOptions {
  const o = object(meta, 'options', 'options');
  const L = KDA_FOREST_LIMITS;
  const seed = o.seed;
  if (seed !== null && typeof seed !== 'string' && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw new MetaFieldError('options.seed', `field options.seed is ${show(seed)}, expected a number or a string`);
  }
  return {
    format: oneOf(o, 'format', 'options.format', ['csv', 'jsonl'] as const),
    columns: o.columns === null ? null : columnList(o, 'columns', 'options.columns'),
    trees: nullableInteger(o, 'trees', 'options.trees', L.numberOfTrees[0], L.numberOfTrees[1]),
    sampleSize: nullableInteger(o, 'sampleSize', 'options.sampleSize', L.subSampleSize[0], L.subSampleSize[1]),
    timeDecay: nullableInteger(o, 'timeDecay', 'options.timeDecay', L.timeDecay[0], L.timeDecay[1]),
    shingleSize: nullableInteger(o, 'shingleSize', 'options.shingleSize', L.shingleSize[0], L.shingleSize[1]),
    seed: seed as number | string | null,
    explain: boolean(o, 'explain', 'options.explain'),
    directionality: boolean(o, 'directionality', 'options.directionality'),
    invalidRows: o.invalidRows === undefined ? 'fail' : oneOf(o, 'invalidRows', 'options.invalidRows', ['fail', 'skip'] as const),
    detector: o.detector === undefined ? false : boolean(o, 'detector', 'options.detector'),
    detectorTime: o.detectorTime === undefined || o.detectorTime === null ? null : string(o, 'detectorTime', 'options.detectorTime'),
    resolvedColumns: columnList(o, 'resolvedColumns', 'options.resolvedColumns'),
  };
}

/**
 * Checks every field of a parsed metadata line and returns it typed.
 * @throws MetaFieldError naming the first bad field and its value.
 * @example
 * validateMeta(JSON.parse(line)); // CheckpointMeta, or MetaFieldError('field rows is -1, expected an integer >= 0')
 */
export function validateMeta(value: unknown): CheckpointMeta {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new MetaFieldError('meta', `the metadata is ${show(value)}, expected an object`);
  }
  const meta = value as Json;
  const input = object(meta, 'input', 'input');
  const mtimeMs = input.mtimeMs;
  if (typeof mtimeMs !== 'number' || !Number.isFinite(mtimeMs) || mtimeMs < 0) {
    throw new MetaFieldError('input.mtimeMs', `field input.mtimeMs is ${show(mtimeMs)}, expected a time in milliseconds >= 0`);
  }
  const output = object(meta, 'output', 'output');
  const result: CheckpointMeta = {
    input: {
      path: string(input, 'path', 'input.path'),
      size: integer(input, 'size', 'input.size', 0),
      mtimeMs,
      format: oneOf(input, 'format', 'input.format', ['csv', 'jsonl'] as const),
    },
    output: { path: string(output, 'path', 'output.path'), bytes: integer(output, 'bytes', 'output.bytes', 0) },
    options: options(meta),
    rows: integer(meta, 'rows', 'rows', 0),
    line: integer(meta, 'line', 'line', 0),
  };
  if (result.options.format !== result.input.format) {
    throw new MetaFieldError('input.format', `field input.format is ${show(result.input.format)} but options.format is ${show(result.options.format)}`);
  }
  const firstLine = result.input.format === 'csv' ? 1 : 0; // the header
  if (result.line < result.rows + firstLine) {
    throw new MetaFieldError('line', `field line is ${result.line}, less than rows (${result.rows})${firstLine ? ' + 1 for the header' : ''}`);
  }
  return result;
}
