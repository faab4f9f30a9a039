/**
 * One `rcf score` at a time per output and per checkpoint: a second run fails at once naming the
 * first one's pid; a lock left by a dead process is taken over; locks go away on normal exit, on error
 * and on SIGINT/SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvSeries, snapshot, tempDir } from './fixtures.js';
import { readCheckpoint } from '../../src/cli/checkpoint.js';
import { rcfHere } from './in-process.js';
import { CLI } from './run-cli.js';

let dir: string;
let input: string;
const FOREST = ['--trees', '5', '--sample-size', '16', '--seed', '1'];

beforeAll(() => {
  dir = tempDir('lock');
  input = join(dir, 'in.csv');
  writeFileSync(input, csvSeries(200));
});

function writeLock(path: string, pid: number): void {
  writeFileSync(path, JSON.stringify({ pid, host: hostname(), started: '2026-01-01T00:00:00.000Z' }) + '\n');
}

/** The pid of a process that has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Starts `rcf score` on a named pipe fed with the header and 150 rows and then kept open: the run
 * takes its locks and waits for more input, holding them as long as the test wants.
 */
async function blockedRun(args: string[]): Promise<{ child: ChildProcess; feed: WriteStream; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> }> {
  const fifo = join(dir, `pipe-${Math.random().toString(36).slice(2)}.csv`);
  spawnSync('mkfifo', [fifo]);
  const child = spawn(process.execPath, [CLI, 'score', fifo, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  const feed = createWriteStream(fifo);
  feed.write(csvSeries(150));
  return { child, feed, exit };
}

describe('rcf score locks', () => {
  it('a lock held by a live process: the run fails at once naming its pid, and changes nothing', async () => {
    const out = join(dir, 'held.csv');
    writeFileSync(out, 'previous\n');
    writeLock(join(dir, '.held.csv.lock'), process.pid);
    const before = snapshot(dir);
    const r = await rcfHere(['score', input, '-o', out, ...FOREST]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `rcf score: the output ${out} is in use by rcf process ${process.pid} on ${hostname()} (since 2026-01-01T00:00:00.000Z); ` +
        `if no such process runs, delete the lock file ${join(dir, '.held.csv.lock')}\n`,
    );
    expect(snapshot(dir)).toEqual(before);

    const state = join(dir, 'held-state');
    writeLock(join(dir, '.held-state.lock'), process.pid);
    const r2 = await rcfHere(['score', input, '-o', join(dir, 'other.csv'), '--checkpoint', state, '--resume', ...FOREST]);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(new RegExp(`the checkpoint .*held-state is in use by rcf process ${process.pid}`));
    expect(existsSync(join(dir, 'other.csv'))).toBe(false);
    expect(existsSync(join(dir, '.other.csv.lock'))).toBe(false); // the lock taken first is given back
  });

  it('a lock left by a dead process is taken over; locks are removed on normal exit and on error', async () => {
    const out = join(dir, 'stale.csv');
    const state = join(dir, 'stale-state');
    writeLock(join(dir, '.stale.csv.lock'), deadPid());
    writeLock(join(dir, '.stale-state.lock'), deadPid());
    const r = await rcfHere(['score', input, '-o', out, '--checkpoint', state, ...FOREST]);
    expect(r.stderr).toMatch(/^rcf score: scoring cpu, mem/);
    expect(r.status).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')).toHaveLength(202);
    expect(existsSync(join(dir, '.stale.csv.lock'))).toBe(false);
    expect(existsSync(join(dir, '.stale-state.lock'))).toBe(false);

    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, csvSeries(120).replace(/\n(\d+),[\d.]+,/, '\n$1,oops,'));
    const failed = await rcfHere(['score', bad, '-o', join(dir, 'bad-out.csv'), '--columns', 'cpu', ...FOREST]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/bad\.csv:2: column "cpu": not a finite number/);
    expect(existsSync(join(dir, '.bad-out.csv.lock'))).toBe(false);
  });

  it('two real runs on one output and checkpoint: the second fails naming the first; SIGTERM and SIGINT remove the locks', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const out = join(dir, `shared-${signal}.csv`);
      const state = join(dir, `state-${signal}/`);
      const first = await blockedRun(['-o', out, '--checkpoint', state, '--resume', '--checkpoint-every', '50', ...FOREST]);
      // the first run has scored the 150 rows (last checkpoint at 150) and waits for more input
      await until(() => existsSync(join(dir, `state-${signal}`, 'rcf-score.checkpoint')) && readCheckpoint(join(dir, `state-${signal}`))?.meta.rows === 150);
      const outBefore = existsSync(out) ? readFileSync(out) : undefined;
      const second = await rcfHere(['score', input, '-o', out, '--checkpoint', state, '--resume', ...FOREST]);
      expect(second.status).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`^rcf score: the output .*shared-${signal}\\.csv is in use by rcf process ${first.child.pid} `));
      if (outBefore !== undefined) expect(readFileSync(out).equals(outBefore)).toBe(true);
      first.child.kill(signal);
      const ended = await first.exit;
      first.feed.destroy();
      expect(ended.signal).toBe(signal); // died of the signal (exit status 128 + its number in a shell)
      expect(existsSync(join(dir, `.shared-${signal}.csv.lock`))).toBe(false);
      expect(existsSync(join(dir, `state-${signal}`, '.rcf-score.checkpoint.lock'))).toBe(false);
    }
  });
});
