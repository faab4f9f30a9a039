/**
 * Shared pieces of the `rcf` command: usage errors, one-line error reporting, a terminal progress line.
 * @module
 */
import { InputError } from '../io/source.js';

/**
 * A mistake in the command line (exit code 2). The message is printed as is, without a stack.
 * @example
 * throw new UsageError('--seed must be a number or a string, got ""');
 */
export class UsageError extends Error {
  /** @param message what is wrong, in one line. */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What a subcommand needs from the process: its output streams (replaceable in tests). */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
}

/**
 * A subcommand: takes its arguments (after the subcommand's name) and returns the exit code.
 * @example
 * const hello: Subcommand = async (args, io) => { io.stdout.write(`hello ${args.join(' ')}\n`); return 0; };
 */
export type Subcommand = (args: readonly string[], io: CliIo) => Promise<number>;

/**
 * Turns an error into a one-line message and an exit code: 2 for usage errors, 1 otherwise; missing
 * files are named; no stack trace.
 * @example
 * const { message, code } = describeError(new UsageError('unknown option --x'));
 * // message 'unknown option --x', code 2
 */
export function describeError(error: unknown): { message: string; code: number } {
  if (error instanceof UsageError) return { message: error.message, code: 2 };
  if (error instanceof InputError) return { message: error.message, code: 1 };
  if (error instanceof Error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' && typeof e.path === 'string') return { message: `no such file or folder: ${e.path}`, code: 1 };
    if (e.code === 'EACCES' && typeof e.path === 'string') return { message: `permission denied: ${e.path}`, code: 1 };
    if (e.code === 'ENOTDIR' && typeof e.path === 'string') return { message: `not a folder: ${e.path}`, code: 1 };
    if (e.code === 'ENOSPC') return { message: `no space left on device${typeof e.path === 'string' ? `: ${e.path}` : ''}`, code: 1 };
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      return { message: e.message.split('\n')[0]!, code: 2 };
    }
    return { message: e.message.split('\n')[0]!, code: 1 };
  }
  return { message: String(error), code: 1 };
}

/**
 * Whether an error means that the reader of stdout went away (EPIPE): `rcf ... | head` is not a failure.
 * @example
 * isBrokenPipe(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })); // true
 */
export function isBrokenPipe(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EPIPE';
}

/**
 * A progress line on stderr, redrawn in place, only when stderr is a terminal (silent otherwise).
 * @example
 * const bar = new ProgressLine(process.stderr);
 * bar.update('scoring nyc_taxi.csv  3/58');
 * bar.done();
 */
export class ProgressLine {
  private readonly enabled: boolean;
  private last = 0;
  private shown = false;

  /** @param stream where to draw (normally process.stderr). */
  constructor(private readonly stream: CliIo['stderr']) {
    this.enabled = stream.isTTY === true;
  }

  /** Redraws the line (at most ten times a second unless `force`). */
  update(text: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    this.stream.write(`\r${text.slice(0, width).padEnd(width)}`);
    this.shown = true;
  }

  /** Clears the line. */
  done(): void {
    if (!this.enabled || !this.shown) return;
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    this.stream.write(`\r${' '.repeat(width)}\r`);
    this.shown = false;
  }
}

/**
 * Parses a `--seed` value: a decimal integer becomes a number, anything else stays a string.
 * @example
 * parseSeed('42'); // 42
 * parseSeed('run-a'); // 'run-a'
 */
export function parseSeed(text: string): number | string {
  if (text.length === 0) throw new UsageError('--seed must not be empty');
  return /^-?\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

/**
 * Parses a positive integer option.
 * @example
 * parsePositiveInteger('--trees', '100'); // 100
 */
export function parsePositiveInteger(name: string, text: string): number {
  const x = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(x) || x < 1) {
    throw new UsageError(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  }
  return x;
}
