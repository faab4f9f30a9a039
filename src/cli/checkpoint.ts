/**
 * Checkpoint files of `rcf score`: the operator's state together with where the input and the output
 * stood, written atomically (temporary file, fsync, rename, fsync of the folder).
 *
 * Layout: the line `RCF-CHECKPOINT 1`, a line of JSON metadata (see {@link CheckpointMeta}), the
 * operator state's bytes, and a CRC-32 (4 bytes, little-endian) of everything before it.
 *
 * Where it lives: `--checkpoint PATH` names a folder when PATH ends with `/` or is an existing folder
 * (created if missing, with its parents; the checkpoint is `rcf-score.checkpoint` inside), and a file
 * otherwise (its folder must exist). The temporary file is `.NAME.tmp` next to it: one name per
 * checkpoint (the run holds the checkpoint's lock), so a killed run leaves at most one, which the next
 * run removes.
 * @module
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { crc32 } from '../forest/crc32.js';
import { MetaFieldError, validateMeta, type CheckpointMeta } from './checkpoint-meta.js';
import { UsageError } from './common.js';

export type { CheckpointMeta, CheckpointOptions } from './checkpoint-meta.js';

const MAGIC = 'RCF-CHECKPOINT 1\n';
/** File name used when the checkpoint path is a folder. */
export const CHECKPOINT_FILE_NAME = 'rcf-score.checkpoint';

/** A checkpoint file that cannot be used or written (exit code 1). */
export class CheckpointError extends Error {
  constructor(path: string, reason: string) {
    super(`checkpoint ${path}: ${reason}`);
    this.name = 'CheckpointError';
  }
}

/** Where `--checkpoint PATH` puts the checkpoint. */
export interface CheckpointLocation {
  /** The checkpoint file (absolute). */
  readonly file: string;
  /** Its folder (absolute). */
  readonly folder: string;
  /** The folder does not exist yet and is to be created (PATH ended with `/`). */
  readonly createFolder: boolean;
}

/**
 * Applies the folder rule to `--checkpoint PATH`, without touching the disk.
 * @throws UsageError when PATH names a folder that is a file, or a file in a missing folder.
 * @example
 * checkpointLocation('state/'); // { file: '/cwd/state/rcf-score.checkpoint', folder: '/cwd/state', createFolder: true } when state/ is missing
 */
export function checkpointLocation(path: string): CheckpointLocation {
  const absolute = resolve(path);
  const exists = existsSync(absolute);
  const isDir = exists && statSync(absolute).isDirectory();
  const namesFolder = path.endsWith('/') || path.endsWith(sep);
  if (namesFolder && exists && !isDir) {
    throw new UsageError(`--checkpoint ${path}: ${absolute} is a file, not a folder (drop the trailing / to use it as the checkpoint file)`);
  }
  if (namesFolder || isDir) return { file: join(absolute, CHECKPOINT_FILE_NAME), folder: absolute, createFolder: !exists };
  const folder = dirname(absolute);
  if (!existsSync(folder)) {
    throw new UsageError(`--checkpoint ${path}: the folder ${folder} does not exist (end the path with / to have a checkpoint folder created)`);
  }
  return { file: absolute, folder, createFolder: false };
}

/** The file a checkpoint path designates: the path itself, or a file inside it when it is a folder. */
export function checkpointFile(path: string): string {
  return checkpointLocation(path).file;
}

/** The temporary file a checkpoint is written to before being renamed over `file`. */
export function checkpointTempFile(file: string): string {
  return join(dirname(file), `.${basename(file)}.tmp`);
}

/**
 * Removes temporary files left next to `file` by killed runs (`.NAME.tmp`, and the `.NAME.PID.tmp` of
 * earlier versions). Call it while holding the checkpoint's lock. Returns how many were removed.
 */
export function removeLeftoverTemps(file: string): number {
  const folder = dirname(file);
  const prefix = `.${basename(file)}.`;
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^(\d+\.)?tmp$/.test(name.slice(prefix.length))) continue;
    try {
      unlinkSync(join(folder, name));
      removed++;
    } catch {
      // gone already
    }
  }
  return removed;
}

function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOSPC') return 'no space left on device';
  if (e.code === 'EDQUOT') return 'disk quota exceeded';
  return e instanceof Error ? e.message : String(error);
}

/**
 * Writes a checkpoint atomically: a reader sees the previous checkpoint or this one, never a mix. On
 * any write error (a full disk...) the temporary file is removed and the previous checkpoint is kept.
 * @param file the checkpoint file (see {@link checkpointLocation}).
 * @throws CheckpointError saying what failed and that the previous checkpoint is intact.
 * @example
 * writeCheckpoint('/data/state/rcf-score.checkpoint', meta, core.snapshot());
 */
export function writeCheckpoint(file: string, meta: CheckpointMeta, state: Uint8Array): void {
  const head = Buffer.from(MAGIC + JSON.stringify(meta) + '\n', 'utf8');
  const body = Buffer.concat([head, state]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(body), 0);
  const temp = checkpointTempFile(file);
  try {
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
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // not created
    }
    const kept = existsSync(file) ? 'the previous checkpoint is kept' : 'there is no previous checkpoint';
    throw new CheckpointError(file, `could not be saved (${errorText(error)}); ${kept}`);
  }
  try {
    const dir = openSync(dirname(file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch {
    // some file systems cannot fsync a folder; the rename is done
  }
}

/**
 * Reads a checkpoint and checks every metadata field, or returns undefined when there is none yet.
 * @param path a checkpoint file, or a folder holding one.
 * @throws CheckpointError for a file that is not an intact checkpoint, naming the bad field.
 */
export function readCheckpoint(path: string): { meta: CheckpointMeta; state: Uint8Array } | undefined {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, CHECKPOINT_FILE_NAME) : path;
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  if (bytes.length < MAGIC.length + 4 || bytes.subarray(0, MAGIC.length).toString('utf8') !== MAGIC) {
    throw new CheckpointError(file, 'not an rcf score checkpoint');
  }
  const end = bytes.length - 4;
  if (crc32(bytes, 0, end) !== bytes.readUInt32LE(end)) throw new CheckpointError(file, 'corrupted (CRC-32 mismatch)');
  const newline = bytes.indexOf(0x0a, MAGIC.length);
  if (newline < 0 || newline >= end) throw new CheckpointError(file, 'metadata line missing');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.subarray(MAGIC.length, newline).toString('utf8'));
  } catch {
    throw new CheckpointError(file, 'metadata is not JSON');
  }
  let meta: CheckpointMeta;
  try {
    meta = validateMeta(parsed);
  } catch (error) {
    if (error instanceof MetaFieldError) throw new CheckpointError(file, `${error.message}; not resuming`);
    throw error;
  }
  return { meta, state: new Uint8Array(bytes.subarray(newline + 1, end)) };
}
