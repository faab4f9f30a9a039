/**
 * Exclusive lock files for `rcf score`: one run at a time per output and per checkpoint. A lock is a
 * file created with `O_EXCL` holding the owner's pid and host name; a lock left by a process that no
 * longer exists (on this host) is taken over; held locks are removed on exit, on error and on
 * SIGINT/SIGTERM.
 * @module
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** Another live process holds the lock (exit code 1). */
export class LockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockError';
  }
}

/** What a lock file holds. */
interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

/** Seconds after which an unreadable lock file (its owner died while writing it) counts as stale. */
const UNREADABLE_STALE_SECONDS = 10;

/**
 * The lock file guarding `file`: `.NAME.lock` next to it.
 * @example
 * lockPathFor('/data/out.csv'); // '/data/.out.csv.lock'
 */
export function lockPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.lock`);
}

const held = new Set<string>();
let handlersInstalled = false;

function releaseAll(): void {
  for (const path of [...held]) releaseLock(path);
}

/**
 * SIGINT/SIGTERM while holding locks: remove them, then die of the same signal (the default action;
 * `process.exit` could hang while a read of a pipe is pending).
 */
function onSignal(signal: NodeJS.Signals): void {
  releaseAll();
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  process.kill(process.pid, signal);
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', releaseAll);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function uninstallHandlers(): void {
  if (!handlersInstalled || held.size > 0) return;
  handlersInstalled = false;
  process.removeListener('exit', releaseAll);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner> | null;
    if (o === null || typeof o !== 'object' || !Number.isSafeInteger(o.pid) || typeof o.host !== 'string') return undefined;
    return { pid: o.pid!, host: o.host, started: typeof o.started === 'string' ? o.started : '?' };
  } catch {
    return undefined;
  }
}

/** Whether process `pid` exists on this host (EPERM: it exists, owned by someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Whether an existing lock file was left by a process that is gone. */
function isStale(path: string, owner: LockOwner | undefined): boolean {
  if (owner === undefined) {
    try {
      return (Date.now() - statSync(path).mtimeMs) / 1000 > UNREADABLE_STALE_SECONDS;
    } catch {
      return true; // vanished meanwhile
    }
  }
  return owner.host === hostname() && owner.pid !== process.pid && !alive(owner.pid);
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    const owner: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
    writeSync(fd, JSON.stringify(owner) + '\n');
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the lock file `lockPath` for `what` (named in the error), or fails at once when a live
 * process holds it. A stale lock (its process is gone) is replaced. The lock is removed by
 * {@link releaseLock}, or automatically on exit, SIGINT or SIGTERM.
 * @throws LockError naming the holder's pid and host.
 * @example
 * const lock = lockPathFor('/data/out.csv');
 * acquireLock(lock, 'the output /data/out.csv');
 * try { work(); } finally { releaseLock(lock); }
 */
export function acquireLock(lockPath: string, what: string): void {
  installHandlers();
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(lockPath)) {
      held.add(lockPath);
      return;
    }
    const owner = readOwner(lockPath);
    if (!isStale(lockPath, owner)) {
      uninstallHandlers();
      const who = owner === undefined ? 'another process (unreadable lock file)' : `rcf process ${owner.pid} on ${owner.host} (since ${owner.started})`;
      throw new LockError(`${what} is in use by ${who}; if no such process runs, delete the lock file ${lockPath}`);
    }
    try {
      unlinkSync(lockPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  uninstallHandlers();
  throw new LockError(`${what}: could not take the lock file ${lockPath} (other processes keep taking it)`);
}

/** Removes a lock taken by {@link acquireLock} (only if it is still this process's). */
export function releaseLock(lockPath: string): void {
  if (!held.delete(lockPath)) return;
  const owner = readOwner(lockPath);
  if (owner !== undefined && owner.pid === process.pid && owner.host === hostname()) {
    try {
      unlinkSync(lockPath);
    } catch {
      // already gone
    }
  }
  uninstallHandlers();
}
