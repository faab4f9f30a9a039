/** Runs `rcf ...args` in this process (no node start-up: fast), capturing stdout and stderr. */
import { Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import type { CliResult } from './run-cli.js';

class Capture extends Writable {
  text = '';
  isTTY = false;
  columns = 120;
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    callback();
  }
}

/**
 * Runs `rcf ...args` through `main` (a file input, not stdin) and returns the exit code and output;
 * `ttyStderr` makes stderr look like a terminal (the progress line).
 */
export async function rcfHere(args: string[], options: { ttyStderr?: boolean } = {}): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  stderr.isTTY = options.ttyStderr === true;
  const status = await main(args, { stdout, stderr });
  return { status, stdout: stdout.text, stderr: stderr.text };
}
