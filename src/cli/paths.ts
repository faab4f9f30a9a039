/**
 * File identity for `rcf score`: whether two paths name the same file, through symbolic links, hard
 * links, `..` or files that do not exist yet — so that the input, the output and the checkpoint can
 * never overwrite one another.
 * @module
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './common.js';

/**
 * What a path designates: the device and inode of an existing file, and the real path (symbolic
 * links resolved; for a file not created yet, the real path of the nearest existing folder above it
 * followed by the remaining names).
 */
export interface FileIdentity {
  /** The real absolute path. */
  readonly real: string;
  /** `dev:ino` of the existing file, or undefined when it does not exist yet. */
  readonly inode: string | undefined;
}

/**
 * The real path of `path`, whether or not it exists: symbolic links resolved in every folder that
 * exists, the missing tail appended as given.
 * @example
 * realPathOf('state/rcf-score.checkpoint'); // '/home/me/data/state/rcf-score.checkpoint' (state/ need not exist)
 */
export function realPathOf(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    if (parent === absolute) return absolute;
    return join(realPathOf(parent), basename(absolute));
  }
}

/**
 * The identity of the file `path` names (see {@link FileIdentity}).
 * @example
 * fileIdentity('in.csv').inode === fileIdentity('link-to-in.csv').inode; // true for a hard or symbolic link
 */
export function fileIdentity(path: string): FileIdentity {
  let inode: string | undefined;
  try {
    const s = statSync(path); // follows symbolic links
    inode = `${s.dev}:${s.ino}`;
  } catch {
    inode = undefined;
  }
  return { real: realPathOf(path), inode };
}

/** Two identities designate the same file. */
export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  if (a.inode !== undefined && b.inode !== undefined) return a.inode === b.inode;
  return a.real === b.real;
}

/** A path given on the command line, with the option that named it (for messages). */
export interface NamedPath {
  /** How the user named it: `the input`, `--output`, `--checkpoint`... */
  readonly role: string;
  /** The path as given. */
  readonly path: string;
}

/**
 * Refuses any two of `paths` that designate the same file (same device and inode, or the same real
 * path for files not created yet).
 * @throws UsageError naming both roles and paths.
 * @example
 * assertDistinctFiles([{ role: 'the input', path: 'in.csv' }, { role: '--output', path: 'in.csv' }]);
 * // UsageError: --output in.csv is the same file as the input in.csv
 */
export function assertDistinctFiles(paths: readonly NamedPath[]): void {
  const ids = paths.map((p) => fileIdentity(p.path));
  for (let i = 0; i < paths.length; i++) {
    for (let j = 0; j < i; j++) {
      if (sameFile(ids[i]!, ids[j]!)) {
        const a = paths[j]!;
        const b = paths[i]!;
        throw new UsageError(`${b.role} ${b.path} is the same file as ${a.role} ${a.path}: it would be overwritten`);
      }
    }
  }
}
