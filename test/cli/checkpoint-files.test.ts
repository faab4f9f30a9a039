/**
 * The checkpoint's files: SIGKILLed runs leave no pile of temporary files (one fixed name, leftovers
 * removed at start) and resume to the uninterrupted output; a failed write keeps the last good
 * checkpoint; `--checkpoint DIR/` creates the folder (the README's command), checked up front.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, readCheckpoint, writeCheckpoint } from '../../src/cli/checkpoint.js';
import { FileSink } from '../../src/cli/file-sink.js';
import { csvSeries, snapshot, tempDir } from './fixtures.js';
import { rcfHere } from './in-process.js';
import { rcf, rcfKilledAfter } from './run-cli.js';

let dir: string;
let input: string;
const FOREST = ['--trees', '5', '--sample-size', '16', '--seed', '9'];

beforeAll(() => {
  dir = tempDir('ckfiles');
  input = join(dir, 'in.csv');
  writeFileSync(input, csvSeries(30_000, 'kills'));
});

const temps = (folder: string) => readdirSync(folder).filter((n) => n.endsWith('.tmp'));

describe('rcf score checkpoint files', () => {
  it('SIGKILLed runs leave at most one temporary file, removed by the next run, and resume byte for byte', async () => {
    const reference = join(dir, 'reference.csv');
    const t0 = Date.now();
    expect(rcf(['score', input, ...FOREST, '--columns', 'cpu,mem', '-o', reference]).status).toBe(0);
    const full = Date.now() - t0; // kill times scale with the machine's speed (and load)
    const state = join(dir, 'kill-state');
    mkdirSync(state);
    // leftovers of earlier versions and of a killed run
    for (let pid = 1000; pid < 1040; pid++) writeFileSync(join(state, `.rcf-score.checkpoint.${pid}.tmp`), 'x'.repeat(1000));
    writeFileSync(join(state, '.rcf-score.checkpoint.tmp'), 'partial');
    const planted = new Set(temps(state));
    const out = join(dir, 'killed.csv');
    const args = ['score', input, ...FOREST, '--columns', 'cpu,mem', '-o', out, '--checkpoint', state, '--checkpoint-every', '400', '--resume'];
    const rnd = seedrandom('when');
    let kills = 0;
    for (let attempt = 0; attempt < 5; attempt++) {
      const { killed } = await rcfKilledAfter(args, Math.floor(full * (0.2 + 0.4 * rnd())));
      if (!killed) break;
      kills++;
      // a kill never adds a temporary file of a new name; once a run has saved, the old ones are gone
      const names = temps(state);
      expect(names.filter((n) => !planted.has(n))).toEqual([]);
      if ((readCheckpoint(state)?.meta.rows ?? 0) > 0) expect(names.filter((n) => n !== '.rcf-score.checkpoint.tmp')).toEqual([]);
    }
    expect(kills).toBeGreaterThanOrEqual(2);
    expect(rcf(args).status).toBe(0);
    expect(temps(state)).toEqual([]);
    expect(readdirSync(state).filter((n) => n.endsWith('.lock'))).toEqual([]);
    expect(readFileSync(out).equals(readFileSync(reference))).toBe(true);
  }, 30_000);

  it('a checkpoint write that fails (full disk) keeps the previous checkpoint and says so', async () => {
    const folder = join(dir, 'full');
    mkdirSync(folder);
    const file = join(folder, 'rcf-score.checkpoint');
    const out = join(dir, 'full-out.csv');
    const few = join(dir, 'few.csv');
    writeFileSync(few, csvSeries(200));
    const r = await rcfHere(['score', few, ...FOREST, '-o', out, '--checkpoint', file]);
    expect(r.status).toBe(0);
    const good = readFileSync(file);
    const saved = readCheckpoint(file)!;
    symlinkSync('/dev/full', join(folder, '.rcf-score.checkpoint.tmp')); // every write there fails with ENOSPC
    const write = () => writeCheckpoint(file, { ...saved.meta, rows: 1 }, saved.state);
    expect(write).toThrow(CheckpointError);
    symlinkSync('/dev/full', join(folder, '.rcf-score.checkpoint.tmp'));
    expect(write).toThrow(/checkpoint .*: could not be saved \(no space left on device\); the previous checkpoint is kept/);
    expect(readFileSync(file).equals(good)).toBe(true);
    expect(temps(folder)).toEqual([]);
  });

  it('an output write that fails names the output and the cause', () => {
    const sink = FileSink.open('/dev/full', 0);
    try {
      expect(() => sink.write('a,b\n')).toThrow('could not write the output /dev/full: no space left on device');
    } finally {
      sink.end();
    }
  });

  it('--checkpoint DIR/ creates the folder (README command); a file path needs its folder; both checked before any write', async () => {
    const small = join(dir, 'small.csv');
    writeFileSync(small, csvSeries(50));
    const out = join(dir, 'small-out.csv');
    const r = await rcfHere(['score', small, ...FOREST, '-o', out, '--checkpoint', join(dir, 'state') + '/']);
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, 'state', 'rcf-score.checkpoint'))).toBe(true);
    const nested = await rcfHere(['score', small, ...FOREST, '-o', out, '--checkpoint', join(dir, 'a', 'b') + '/']);
    expect(nested.status).toBe(0);
    expect(existsSync(join(dir, 'a', 'b', 'rcf-score.checkpoint'))).toBe(true);
    // an existing folder named without the slash holds the checkpoint too
    const again = await rcfHere(['score', small, ...FOREST, '-o', out, '--checkpoint', join(dir, 'state'), '--resume']);
    expect(again.status).toBe(0);

    const before = snapshot(dir);
    const asFolder = await rcfHere(['score', small, ...FOREST, '-o', out, '--checkpoint', small + '/']);
    expect(asFolder.status).toBe(2);
    expect(asFolder.stderr).toMatch(/--checkpoint .*small\.csv\/: .*small\.csv is a file, not a folder/);
    const missing = await rcfHere(['score', small, ...FOREST, '-o', out, '--checkpoint', join(dir, 'nope', 'state')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/the folder .*nope does not exist \(end the path with \/ to have a checkpoint folder created\)/);
    const badOption = await rcfHere(['score', small, ...FOREST, '-o', out, '--checkpoint', join(dir, 'fresh') + '/', '--columns', 'nosuch']);
    expect(badOption.status).toBe(2);
    expect(snapshot(dir)).toEqual(before);
    // a run refused after making the folder (the output's lock is held) removes the folder it made
    writeFileSync(join(dir, '.small-out.csv.lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: 'now' }));
    const locked = await rcfHere(['score', small, ...FOREST, '-o', out, '--checkpoint', join(dir, 'made') + '/']);
    expect(locked.status).toBe(1);
    expect(locked.stderr).toMatch(new RegExp(`in use by rcf process ${process.pid}`));
    expect(existsSync(join(dir, 'made'))).toBe(false);
  });
});
