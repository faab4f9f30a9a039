/**
 * `rcf score` never damages a file by mistake: paths that alias one another (same path, symbolic and
 * hard links, through a link) are refused, and any usage error leaves every existing file
 * byte-identical (no truncated output, no lock or temporary file left behind).
 */
import { existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvSeries, snapshot, tempDir } from './fixtures.js';
import { rcfHere } from './in-process.js';
import { rcf } from './run-cli.js';

let dir: string;
const FOREST = ['--trees', '5', '--sample-size', '16', '--seed', '1'];

beforeAll(() => {
  dir = tempDir('nodamage');
  writeFileSync(join(dir, 'in.csv'), csvSeries(60));
  writeFileSync(join(dir, 'out.csv'), 'previous output\n');
  writeFileSync(join(dir, 'in.jsonl'), csvSeries(30).trimEnd().split('\n').slice(1).map((l) => {
    const [t, cpu, mem] = l.split(',');
    return JSON.stringify({ t: Number(t), cpu: Number(cpu), mem: Number(mem) });
  }).join('\n') + '\n');
  symlinkSync(join(dir, 'in.csv'), join(dir, 'link-to-in.csv'));
  linkSync(join(dir, 'in.csv'), join(dir, 'hard-in.csv'));
  symlinkSync(join(dir, 'out.csv'), join(dir, 'link-to-out.csv'));
  mkdirSync(join(dir, 'sub'));
  symlinkSync(dir, join(dir, 'sub', 'up'));
});

/** Runs rcf in `dir` and checks it failed (exit 2 or 1, one `rcf score:` line) and changed no file. */
async function refused(args: string[], pattern: RegExp): Promise<void> {
  const before = snapshot(dir);
  const r = await rcfHere(args);
  expect(r.status, `${args.join(' ')}: ${r.stderr}`).not.toBe(0);
  expect(r.stderr).toMatch(/^rcf score: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/numberOfTrees|subSampleSize|shingleSize|timeDecay|undefined|null/);
  expect(snapshot(dir)).toEqual(before);
}

describe('rcf score refuses paths that name the same file', () => {
  it('input, output and checkpoint: same path, symbolic link, hard link, input named through a link, .. in a path', async () => {
    const p = (name: string) => join(dir, name);
    const cases: [string[], RegExp][] = [
      [['score', p('in.csv'), '-o', p('in.csv')], /--output .*in\.csv is the same file as the input/],
      [['score', p('in.csv'), '-o', p('link-to-in.csv')], /--output .*link-to-in\.csv is the same file as the input/],
      [['score', p('in.csv'), '-o', p('hard-in.csv')], /--output .*hard-in\.csv is the same file as the input/],
      [['score', p('link-to-in.csv'), '-o', p('in.csv')], /--output .*in\.csv is the same file as the input .*link-to-in\.csv/],
      [['score', p('hard-in.csv'), '-o', p('link-to-in.csv')], /same file as the input/],
      [['score', p('in.csv'), '-o', join(dir, 'sub', 'up', 'in.csv')], /same file as the input/],
      [['score', p('in.csv'), '-o', join(dir, 'sub', '..', 'in.csv')], /same file as the input/],
      [['score', p('in.csv'), '-o', p('out.csv'), '--checkpoint', p('in.csv')], /--checkpoint .*in\.csv is the same file as the input/],
      [['score', p('in.csv'), '-o', p('out.csv'), '--checkpoint', p('hard-in.csv'), '--resume'], /--checkpoint .*is the same file as the input/],
      [['score', p('in.csv'), '-o', p('out.csv'), '--checkpoint', p('out.csv')], /--checkpoint .*out\.csv is the same file as --output/],
      [['score', p('in.csv'), '-o', p('out.csv'), '--checkpoint', p('link-to-out.csv')], /--checkpoint .*is the same file as --output/],
      [['score', p('in.csv'), '-o', p('new.csv'), '--checkpoint', join(dir, 'sub', 'up', 'new.csv')], /--checkpoint .*is the same file as --output/],
      [['score', p('in.csv'), '-o', p('out.csv'), '--checkpoint', p('.out.csv.lock')], /--checkpoint .*\.out\.csv\.lock is the same file as the output's lock file/],
      [['score', p('in.csv'), '-o', p('.state.tmp'), '--checkpoint', p('state')], /temporary file .* is the same file as --output/],
    ];
    for (const [args, pattern] of cases) await refused([...args, ...FOREST], pattern);
    expect(existsSync(p('new.csv'))).toBe(false);
  });
});

describe('rcf score: a usage error leaves every file byte-identical', () => {
  it('bad options, columns and formats fail before the output is opened, naming the flag, value and range', async () => {
    const input = join(dir, 'in.csv');
    const out = join(dir, 'out.csv');
    const cases: [string[], RegExp][] = [
      [['--trees', '1001'], /--trees must be an integer in \[1, 1000\], got 1001/],
      [['--trees', '0'], /--trees must be an integer in \[1, 1000\], got 0/],
      [['--trees', '-5'], /--trees must be an integer in \[1, 1000\], got -5/],
      [['--trees=-5'], /--trees must be an integer in \[1, 1000\], got -5/],
      [['--trees', '2.5'], /--trees must be an integer in \[1, 1000\], got 2\.5/],
      [['--trees', 'many'], /--trees must be an integer in \[1, 1000\], got "many"/],
      [['--sample-size', '5'], /--sample-size must be an integer in \[10, 1000\], got 5/],
      [['--sample-size', '-1'], /--sample-size must be an integer in \[10, 1000\], got -1/],
      [['--shingle-size', '31'], /--shingle-size must be an integer in \[1, 30\], got 31/],
      [['--time-decay', '0'], /--time-decay must be an integer in \[1, 2147483647\], got 0/],
      [['--time-decay', '10'], /--sample-size \(16\) must be less than --time-decay \(10\)/],
      [['--sample-size', '300', '--time-decay', '200'], /--sample-size \(300\) must be less than --time-decay \(200\)/],
      [['--checkpoint-every', '0', '--checkpoint', join(dir, 'st')], /--checkpoint-every must be an integer/],
      [['--max-record-size', '-1'], /--max-record-size must be an integer in \[1, /],
      [['--columns', 'nosuch'], /--columns: "nosuch" not in the header \(timestamp, cpu, mem, host\)/],
      [['--columns', 'cpu,cpu'], /--columns names the column "cpu" twice/],
      [['--columns', 'cpu,'], /--columns must be a comma-separated list/],
      [['--columns', Array.from({ length: 31 }, (_, i) => `c${i}`).join(',')], /--columns must name 1 to 30 columns, got 31/],
      [['--time', 'nosuch'], /--time: "nosuch" not in the header/],
      [['--format', 'xml'], /--format must be csv or jsonl, got "xml"/],
      [['--invalid-rows', 'ignore'], /--invalid-rows must be fail or skip, got "ignore"/],
      [['--resume'], /--resume needs --checkpoint/],
      [['--bogus'], /bogus/],
    ];
    // the seed and forest flags come first so that each case's flag is the one that fails
    for (const [extra, pattern] of cases) {
      const forest = FOREST.filter((_, i, a) => !extra.includes(a[i - (i % 2)]!));
      await refused(['score', input, '-o', out, ...forest, ...extra], pattern);
    }
    expect(readFileSync(out, 'utf8')).toBe('previous output\n');
  });

  it('a JSON Lines file read as CSV says to pass --format jsonl, and leaves the output alone', async () => {
    const disguised = join(dir, 'records.csv');
    writeFileSync(disguised, readFileSync(join(dir, 'in.jsonl')));
    await refused(['score', disguised, '-o', join(dir, 'out.csv'), ...FOREST], /records\.csv looks like JSON Lines .*--format jsonl/);
    const r = rcf(['score', '-', ...FOREST], readFileSync(join(dir, 'in.jsonl'), 'utf8'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/<stdin> looks like JSON Lines .*--format jsonl/);
  });

  it('an output in a missing folder, or a folder as output, is refused up front', async () => {
    await refused(['score', join(dir, 'in.csv'), '-o', join(dir, 'nope', 'out.csv'), ...FOREST], /--output .*: the folder .*nope does not exist/);
    await refused(['score', join(dir, 'in.csv'), '-o', join(dir, 'sub'), ...FOREST], /--output .*sub is a folder/);
  });
});
