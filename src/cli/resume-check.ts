/**
 * Whether a checkpoint fits this `rcf score --resume` run: same input (file, size, modification time),
 * same options, same output, and an output file that really holds what the checkpoint says was written.
 * Nothing here writes.
 * @module
 */
import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { CheckpointError, type CheckpointMeta, type CheckpointOptions } from './checkpoint.js';
import { fileIdentity, sameFile, type FileIdentity } from './paths.js';

/** The options of this run, as a checkpoint records them (without the resolved columns). */
export type RunOptions = Omit<CheckpointOptions, 'resolvedColumns'>;

const FLAGS: Record<keyof RunOptions, string> = {
  format: '--format',
  columns: '--columns',
  trees: '--trees',
  sampleSize: '--sample-size',
  timeDecay: '--time-decay',
  shingleSize: '--shingle-size',
  seed: '--seed',
  explain: '--explain',
  directionality: '--directionality',
  invalidRows: '--invalid-rows',
  detector: '--detector',
  detectorTime: '--time (with --detector)',
};

function showOption(key: keyof RunOptions, value: unknown): string {
  const flag = FLAGS[key];
  if (value === null || value === undefined) return `no ${flag}`;
  if (typeof value === 'boolean') return value ? flag : `no ${flag}`;
  if (Array.isArray(value)) return `${flag} ${value.join(',')}`;
  return `${flag} ${String(value)}`;
}

/** What the run knows about its files. */
export interface ResumeContext {
  /** The checkpoint file, for messages. */
  readonly checkpoint: string;
  readonly input: FileIdentity;
  readonly inputStat: Stats;
  readonly output: FileIdentity;
  readonly options: RunOptions;
  /** The CSV header line the output starts with (CSV only; undefined for JSON Lines). */
  readonly headerLine: string | undefined;
}

function readAt(path: string, position: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buffer, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return buffer.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks that checkpoint `meta` belongs to this run and that the output holds what it records.
 * @throws CheckpointError naming what does not match (field, value, and this run's).
 */
export function checkResume(meta: CheckpointMeta, run: ResumeContext): void {
  const fail = (reason: string): never => {
    throw new CheckpointError(run.checkpoint, `${reason}; not resuming`);
  };
  if (!sameFile(fileIdentity(meta.input.path), run.input) || meta.input.size !== run.inputStat.size || meta.input.mtimeMs !== run.inputStat.mtimeMs) {
    fail(
      `it was made for ${meta.input.path} (${meta.input.size} bytes, modified ${new Date(meta.input.mtimeMs).toISOString()}), ` +
        `not for this input (${run.input.real}, ${run.inputStat.size} bytes, modified ${new Date(run.inputStat.mtimeMs).toISOString()})`,
    );
  }
  const keys = Object.keys(FLAGS) as (keyof RunOptions)[];
  const differs = keys.filter((k) => JSON.stringify(meta.options[k]) !== JSON.stringify(run.options[k]));
  if (differs.length > 0) {
    const was = differs.map((k) => showOption(k, meta.options[k])).join(', ');
    const now = differs.map((k) => showOption(k, run.options[k])).join(', ');
    fail(`it was made with other options: ${was} (this run: ${now})`);
  }
  if (!sameFile(fileIdentity(meta.output.path), run.output)) fail(`it was made for the output ${meta.output.path}, not ${run.output.real}`);
  let size: number;
  try {
    size = statSync(run.output.real).size;
  } catch {
    return fail(`the output ${run.output.real} is missing`);
  }
  const bytes = meta.output.bytes;
  if (size < bytes) fail(`field output.bytes is ${bytes}, but the output has only ${size} bytes`);
  if (meta.rows > 0 && bytes === 0) fail(`field output.bytes is 0, but field rows is ${meta.rows} (rows were written)`);
  if (bytes > 0 && readAt(run.output.real, bytes - 1, 1)[0] !== 0x0a) {
    fail(`field output.bytes is ${bytes}, which is not the end of a line of the output`);
  }
  if (run.headerLine !== undefined) {
    const header = Buffer.from(run.headerLine + '\n', 'utf8');
    if (bytes < header.length || !readAt(run.output.real, 0, header.length).equals(header)) {
      fail(`field output.bytes is ${bytes}, but the output does not start with this run's header line`);
    }
  }
  // the output's first `bytes` hold exactly `rows` rows: one line each (JSON Lines, and CSV rows
  // without quoted line breaks), plus the CSV header
  const { lines, quotes } = countLines(run.output.real, bytes);
  const expected = meta.rows + (run.headerLine === undefined ? 0 : 1);
  if (lines < expected || (lines > expected && (run.headerLine === undefined || !quotes))) {
    fail(`fields rows (${meta.rows}) and output.bytes (${bytes}) disagree: the output's first ${bytes} bytes hold ${lines} lines, not ${expected}`);
  }
}

/** Line breaks in the first `length` bytes of a file, and whether a double quote occurs there. */
function countLines(path: string, length: number): { lines: number; quotes: boolean } {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    let lines = 0;
    let quotes = false;
    for (let position = 0; position < length; ) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, length - position), position);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) lines++;
      if (!quotes && chunk.includes(0x22)) quotes = true;
      position += n;
    }
    return { lines, quotes };
  } finally {
    closeSync(fd);
  }
}
