/**
 * Crash recovery of `rcf score --checkpoint`: SIGKILL the process at random moments, resume each time,
 * and the final output must equal an uninterrupted run's, byte for byte.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/cli/checkpoint.js';
import { rcf, rcfKilledAfter } from './run-cli.js';

let dir: string;
let input: string;
const ROWS = 120_000;
const OPTIONS = ['--trees', '20', '--sample-size', '64', '--seed', '7', '--directionality'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rcf-resume-'));
  input = join(dir, 'big.csv');
  const rnd = seedrandom('big');
  const lines = ['timestamp,cpu,mem,host'];
  for (let i = 0; i < ROWS; i++) {
    const spike = rnd() < 0.001 ? 30 : 0;
    lines.push(`${1_700_000_000_000 + i * 1000},${(50 + 10 * Math.sin(i / 40) + 3 * rnd() + spike).toFixed(3)},${(rnd() * 100).toFixed(2)},h${i % 3}`);
  }
  writeFileSync(input, lines.join('\n') + '\n');
});

describe('rcf score --checkpoint / --resume', () => {
  it('SIGKILLed at random moments and resumed, the output equals an uninterrupted run byte for byte', async () => {
    const reference = join(dir, 'reference.csv');
    const t0 = Date.now();
    expect(rcf(['score', input, ...OPTIONS, '-o', reference]).status).toBe(0);
    const full = Date.now() - t0; // kill times scale with the machine's speed (and load)

    const out = join(dir, 'out.csv');
    const state = join(dir, 'state');
    mkdirSync(state);
    const args = ['score', input, ...OPTIONS, '-o', out, '--checkpoint', state, '--checkpoint-every', '3000', '--resume'];
    const rnd = seedrandom('kills');
    let kills = 0;
    const resumedFrom: number[] = []; // rows of the checkpoint each later run resumed from
    for (let attempt = 0; attempt < 16; attempt++) {
      const { killed } = await rcfKilledAfter(args, Math.floor(full * (0.12 + 0.25 * rnd())));
      if (!killed) break;
      kills++;
      resumedFrom.push(readCheckpoint(state)?.meta.rows ?? 0);
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    // the runs really resumed mid-file from saved checkpoints, further each time
    expect(resumedFrom.filter((rows) => rows > 0 && rows < ROWS).length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < resumedFrom.length; i++) expect(resumedFrom[i]).toBeGreaterThanOrEqual(resumedFrom[i - 1]!);
    // finish (a no-op if the last attempt already completed)
    expect(rcf(args).status).toBe(0);
    expect(existsSync(join(state, 'rcf-score.checkpoint'))).toBe(true);
    expect(readFileSync(out).equals(readFileSync(reference))).toBe(true);
  }, 120_000);

  it('resuming with no checkpoint yet starts from the beginning; a finished run resumes to the same output', () => {
    const out = join(dir, 'fresh.csv');
    const state = join(dir, 'fresh.state');
    const small = join(dir, 'small.csv');
    writeFileSync(small, readFileSync(input, 'utf8').split('\n').slice(0, 2001).join('\n') + '\n');
    const args = ['score', small, ...OPTIONS, '-o', out, '--checkpoint', state, '--checkpoint-every', '500', '--resume'];
    expect(rcf(args).status).toBe(0);
    const first = readFileSync(out);
    expect(first.toString().split('\n')).toHaveLength(2002);
    expect(rcf(args).status).toBe(0);
    expect(readFileSync(out).equals(first)).toBe(true);
  });

  it('refuses a checkpoint made with other options, for another input, or after the input changed', () => {
    const out = join(dir, 'x.csv');
    const state = join(dir, 'x.state');
    const small = join(dir, 'small2.csv');
    writeFileSync(small, 'a,b\n' + Array.from({ length: 500 }, (_, i) => `${i},${i % 13}`).join('\n') + '\n');
    const base = ['score', small, '--seed', '3', '-o', out, '--checkpoint', state, '--checkpoint-every', '100'];
    expect(rcf(base).status).toBe(0);
    const other = rcf([...base.map((a) => (a === '3' ? '4' : a)), '--resume']);
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/checkpoint .*: it was made with other options: --seed 3 \(this run: --seed 4\); not resuming/);
    const otherInput = join(dir, 'small3.csv');
    writeFileSync(otherInput, readFileSync(small));
    const wrongInput = rcf([...base.map((a) => (a === small ? otherInput : a)), '--resume']);
    expect(wrongInput.status).toBe(1);
    expect(wrongInput.stderr).toMatch(/it was made for .*small2\.csv .*not for this input/);
    utimesSync(small, new Date(), new Date(Date.now() + 5000));
    expect(rcf([...base, '--resume']).stderr).toMatch(/not for this input/);
    writeFileSync(state, 'garbage');
    expect(rcf([...base, '--resume']).stderr).toMatch(/not an rcf score checkpoint/);
  });
});
