/**
 * Checkpoint files of `rcf score`: the operator's state together with where the input and the output
 * stood, written atomically (temporary file, fsync, rename, fsync of the folder).
 *
 * Layout: the line `RCF-CHECKPOINT 1`, a line of JSON metadata, the operator state's bytes, and a
 * CRC-32 (4 bytes, little-endian) of everything before it.
 * @module
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { crc32 } from '../forest/crc32.js';

const MAGIC = 'RCF-CHECKPOINT 1\n';
/** File name used when the checkpoint path is a folder. */
export const CHECKPOINT_FILE_NAME = 'rcf-score.checkpoint';

/** What a checkpoint says about the run it belongs to. */
export interface CheckpointMeta {
  /** The input file (absolute path), its size and modification time when the run started. */
  input: { path: string; size: number; mtimeMs: number; format: 'csv' | 'jsonl' };
  /** The output file (absolute path) and its length when the checkpoint was taken. */
  output: { path: string; bytes: number };
  /** The scoring options, as given (a resume must give the same). */
  options: Record<string, unknown>;
  /** Data rows consumed and written. */
  rows: number;
  /** File line of the last consumed row (the header is line 1). */
  line: number;
}

/** A checkpoint file that cannot be used. */
export class CheckpointError extends Error {
  constructor(path: string, reason: string) {
    super(`checkpoint ${path}: ${reason}`);
    this.name = 'CheckpointError';
  }
}

/** The file a checkpoint path designates: the path itself, or a file inside it when it is a folder. */
export function checkpointFile(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, CHECKPOINT_FILE_NAME) : path;
}

/**
 * Writes a checkpoint atomically: a reader sees the previous checkpoint or this one, never a mix.
 * @example
 * writeCheckpoint('state', meta, core.snapshot());
 */
export function writeCheckpoint(path: string, meta: CheckpointMeta, state: Uint8Array): void {
  const file = checkpointFile(path);
  const head = Buffer.from(MAGIC + JSON.stringify(meta) + '\n', 'utf8');
  const body = Buffer.concat([head, state]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(body), 0);
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(temp, 'w');
  try {
    for (const part of [body, crc]) {
      let done = 0;
      while (done < part.length) done += writeSync(fd, part, done, part.length - done);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/**
 * Reads a checkpoint, or returns undefined when there is none yet.
 * @throws CheckpointError for a file that is not an intact checkpoint.
 */
export function readCheckpoint(path: string): { meta: CheckpointMeta; state: Uint8Array } | undefined {
  const file = checkpointFile(path);
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  if (bytes.length < MAGIC.length + 4 || bytes.subarray(0, MAGIC.length).toString('utf8') !== MAGIC) {
    throw new CheckpointError(file, 'not an rcf score checkpoint');
  }
  const end = bytes.length - 4;
  if (crc32(bytes, 0, end) !== bytes.readUInt32LE(end)) throw new CheckpointError(file, 'corrupted (CRC-32 mismatch)');
  const newline = bytes.indexOf(0x0a, MAGIC.length);
  if (newline < 0 || newline >= end) throw new CheckpointError(file, 'metadata line missing');
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(bytes.subarray(MAGIC.length, newline).toString('utf8')) as CheckpointMeta;
  } catch {
    throw new CheckpointError(file, 'metadata is not JSON');
  }
  return { meta, state: new Uint8Array(bytes.subarray(newline + 1, end)) };
}
