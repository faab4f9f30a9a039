/** Runs the built `rcf` command in a child process (npm test builds dist/ first). */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `rcf ...args` to completion, with `input` on stdin. */
export function rcf(args: string[], input?: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { input: input ?? '', encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `rcf ...args` and kills it with SIGKILL after `ms` milliseconds (if still running). */
export function rcfKilledAfter(args: string[], ms: number): Promise<{ killed: boolean; status: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', reject);
    child.on('exit', (status, signal) => {
      clearTimeout(timer);
      if (signal === null && status !== 0) reject(new Error(`rcf exited ${status}: ${stderr}`));
      else resolve({ killed: signal === 'SIGKILL', status });
    });
  });
}
