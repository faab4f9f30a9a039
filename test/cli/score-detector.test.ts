import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import { CsvParser, type CsvRow } from '../../src/io/csv-reader.js';
import { anomalyDetector } from '../../src/stream/index.js';
import { readCheckpoint } from '../../src/cli/checkpoint.js';
import { rcf, rcfKilledAfter } from './run-cli.js';

let dir: string;
let csvPath: string;
let jsonlPath: string;
const ROWS = 500;
const rows: { ts: string; cpu: number; mem: number; host: string }[] = [];
const DETECTOR = ['--detector', '--trees', '10', '--sample-size', '32', '--shingle-size', '4', '--seed', '42'];
const LIB = { numberOfTrees: 10, subSampleSize: 32, shingleSize: 4, seed: 42, columns: ['cpu', 'mem'], time: 'ts' } as const;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rcf-cli-detector-'));
  const rnd = seedrandom('cli-detector');
  for (let i = 0; i < ROWS; i++) {
    rows.push({
      ts: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
      cpu: Math.round((50 + 10 * Math.sin(i / 20) + rnd() * 3 + (i === 400 ? 80 : 0)) * 1000) / 1000,
      mem: Math.round((200 + rnd()) * 1000) / 1000,
      host: i % 2 ? 'web' : 'db',
    });
  }
  csvPath = join(dir, 'in.csv');
  writeFileSync(csvPath, 'ts,cpu,mem,host\n' + rows.map((r) => `${r.ts},${r.cpu},${r.mem},${r.host}`).join('\n') + '\n');
  jsonlPath = join(dir, 'in.jsonl');
  writeFileSync(jsonlPath, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
});

function csvRows(text: string): (readonly string[])[] {
  const parser = new CsvParser({ name: 'output' });
  const out: CsvRow[] = [];
  parser.push(text, out);
  parser.end(out);
  return out.map((r) => r.fields);
}

describe('rcf score --detector', () => {
  it('CSV: appends ANOMALY_SCORE, ANOMALY_GRADE, IS_ANOMALY, equal to the anomalyDetector operator to the last bit', () => {
    const r = rcf(['score', csvPath, '--time', 'ts', ...DETECTOR]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("rcf score: scoring cpu, mem; left out: ts [the --time column], host [not numeric (row 1: 'db')]\n");
    const parsed = csvRows(r.stdout); // the data rows
    expect(r.stdout.split('\n')[0]).toBe('ts,cpu,mem,host,ANOMALY_SCORE,ANOMALY_GRADE,IS_ANOMALY');
    const expected = [...anomalyDetector(rows, LIB)];
    expect(parsed).toHaveLength(ROWS);
    expected.forEach((e, i) => {
      expect(parsed[i]).toEqual([rows[i]!.ts, String(rows[i]!.cpu), String(rows[i]!.mem), rows[i]!.host, String(e.ANOMALY_SCORE), String(e.ANOMALY_GRADE), String(e.IS_ANOMALY)]);
    });
    expect(expected[400]!.IS_ANOMALY).toBe(true); // the planted spike
  });

  it('JSON Lines: the three fields as JSON values; epoch-ms times in a CSV are numbers', () => {
    const r = rcf(['score', jsonlPath, '--time', 'ts', ...DETECTOR]);
    expect(r.status).toBe(0);
    const out = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const expected = [...anomalyDetector(rows, LIB)];
    out.forEach((o, i) => {
      expect(Object.keys(o)).toEqual(['ts', 'cpu', 'mem', 'host', 'ANOMALY_SCORE', 'ANOMALY_GRADE', 'IS_ANOMALY']);
      expect(o.ANOMALY_SCORE).toBe(expected[i]!.ANOMALY_SCORE);
      expect(o.ANOMALY_GRADE).toBe(expected[i]!.ANOMALY_GRADE);
      expect(o.IS_ANOMALY).toBe(expected[i]!.IS_ANOMALY);
    });
    const msPath = join(dir, 'ms.csv');
    writeFileSync(msPath, 'ts,cpu,mem\n' + rows.map((x) => `${Date.parse(x.ts)},${x.cpu},${x.mem}`).join('\n') + '\n');
    const ms = rcf(['score', msPath, '--time', 'ts', ...DETECTOR]);
    expect(ms.status).toBe(0);
    const fromCsv = csvRows(rcf(['score', csvPath, '--time', 'ts', ...DETECTOR]).stdout).map((f) => f.slice(4));
    expect(csvRows(ms.stdout).map((f) => f.slice(3))).toEqual(fromCsv);
  });

  it('an unreadable time or a bad value: file:line by default, an unscored row with --invalid-rows skip', () => {
    const badPath = join(dir, 'bad.csv');
    const lines = readFileSync(csvPath, 'utf8').trimEnd().split('\n');
    lines[11] = lines[11]!.replace(/^[^,]*/, 'yesterday');
    lines[21] = lines[21]!.replace(/,[^,]*,/, ',n/a,');
    writeFileSync(badPath, lines.join('\n') + '\n');
    const failed = rcf(['score', badPath, '--time', 'ts', '--columns', 'cpu,mem', ...DETECTOR]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`${badPath}:12`);
    expect(failed.stderr).toContain('not a valid time (got "yesterday")');
    const skipped = rcf(['score', badPath, '--time', 'ts', '--columns', 'cpu,mem', ...DETECTOR, '--invalid-rows', 'skip']);
    expect(skipped.status).toBe(0);
    expect(skipped.stderr).toContain('2 rows not scored (--invalid-rows skip)');
    const parsed = csvRows(skipped.stdout);
    expect(parsed[10]!.slice(-3)).toEqual(['', '', '']);
    expect(parsed[20]!.slice(-3)).toEqual(['', '', '']);
    const clean = rows.filter((_, i) => i !== 10 && i !== 20);
    const expected = [...anomalyDetector(clean, LIB)].map((e) => String(e.ANOMALY_SCORE));
    expect(parsed.filter((_, i) => i !== 10 && i !== 20).map((f) => f[4])).toEqual(expected);
  });

  it('refuses the KDA-only flags --explain and --directionality with --detector, before touching any file', () => {
    for (const flags of [['--explain'], ['--directionality']]) {
      const r = rcf(['score', csvPath, '--detector', ...flags]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`--detector cannot be combined with ${flags[0]}`);
      expect(r.stdout).toBe('');
    }
  });

  it('--help shows --detector and its example', () => {
    const r = rcf(['score', '--help']);
    expect(r.stdout).toContain('--detector ');
    expect(r.stdout).toContain('rcf score metrics.csv --time ts --detector --seed 42 -o alarms.csv --checkpoint alarms.state --resume');
  });
});

describe('rcf score --detector --checkpoint / --resume', () => {
  let big: string;
  const BIG_ROWS = 60_000;
  const OPTIONS = ['--time', 'ts', '--detector', '--trees', '10', '--sample-size', '64', '--seed', '7', '--invalid-rows', 'skip'];
  beforeAll(() => {
    big = join(dir, 'big.csv');
    const rnd = seedrandom('big-detector');
    const lines = ['ts,cpu,mem,host'];
    for (let i = 0; i < BIG_ROWS; i++) {
      const spike = rnd() < 0.001 ? 30 : 0;
      const cpu = i % 5000 === 77 ? 'n/a' : (50 + 10 * Math.sin(i / 40) + 3 * rnd() + spike).toFixed(3);
      lines.push(`${1_700_000_000_000 + i * 1000},${cpu},${(rnd() * 100).toFixed(2)},h${i % 3}`);
    }
    writeFileSync(big, lines.join('\n') + '\n');
  });

  it('SIGKILLed at random moments and resumed, the output equals an uninterrupted run byte for byte', async () => {
    const reference = join(dir, 'reference.csv');
    const t0 = Date.now();
    expect(rcf(['score', big, ...OPTIONS, '--columns', 'cpu,mem', '-o', reference]).status).toBe(0);
    const full = Date.now() - t0;
    const out = join(dir, 'resumed.csv');
    const state = join(dir, 'detector-state');
    mkdirSync(state);
    const args = ['score', big, ...OPTIONS, '--columns', 'cpu,mem', '-o', out, '--checkpoint', state, '--checkpoint-every', '2000', '--resume'];
    const rnd = seedrandom('detector-kills');
    let kills = 0;
    const resumedFrom: number[] = [];
    for (let attempt = 0; attempt < 16; attempt++) {
      const { killed } = await rcfKilledAfter(args, Math.floor(full * (0.12 + 0.25 * rnd())));
      if (!killed) break;
      kills++;
      resumedFrom.push(readCheckpoint(state)?.meta.rows ?? 0);
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(resumedFrom.filter((rows) => rows > 0 && rows < BIG_ROWS).length).toBeGreaterThanOrEqual(2);
    expect(rcf(args).status).toBe(0);
    expect(existsSync(join(state, 'rcf-score.checkpoint'))).toBe(true);
    expect(readCheckpoint(state)!.meta.options).toMatchObject({ detector: true, detectorTime: 'ts' });
    expect(readFileSync(out).equals(readFileSync(reference))).toBe(true);
  }, 120_000);

  it('a finished run resumes to the same output; its checkpoint is refused without --detector or with another --time', () => {
    const small = join(dir, 'small-detector.csv');
    writeFileSync(small, readFileSync(big, 'utf8').split('\n').slice(0, 3001).join('\n') + '\n');
    const out = join(dir, 'small-out.csv');
    const state = join(dir, 'small.state');
    const args = ['score', small, ...OPTIONS, '-o', out, '--checkpoint', state, '--checkpoint-every', '700', '--resume'];
    expect(rcf(args).status).toBe(0);
    const first = readFileSync(out);
    expect(first.toString().split('\n')[0]).toBe('ts,cpu,mem,host,ANOMALY_SCORE,ANOMALY_GRADE,IS_ANOMALY');
    expect(rcf(args).status).toBe(0);
    expect(readFileSync(out).equals(first)).toBe(true);
    const forest = rcf(['score', small, '--time', 'ts', '--trees', '10', '--sample-size', '64', '--seed', '7', '--invalid-rows', 'skip', '-o', out, '--checkpoint', state, '--resume']);
    expect(forest.status).toBe(1);
    expect(forest.stderr).toContain('it was made with other options: --detector');
    expect(readFileSync(out).equals(first)).toBe(true); // untouched
    const otherTime = rcf(['score', small, ...OPTIONS.slice(2), '-o', out, '--checkpoint', state, '--resume']);
    expect(otherTime.status).toBe(1);
    expect(otherTime.stderr).toContain('--time (with --detector) ts');
  });
});
