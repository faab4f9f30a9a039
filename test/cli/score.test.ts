import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import { CsvParser, type CsvRow } from '../../src/io/csv-reader.js';
import { randomCutForest, randomCutForestWithExplanation } from '../../src/stream/index.js';
import { rcf } from './run-cli.js';

let dir: string;
let csvPath: string;
let jsonlPath: string;
const ROWS = 700;
const rows: { timestamp: string; cpu: number; mem: number; host: string }[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rcf-cli-'));
  const rnd = seedrandom('cli');
  for (let i = 0; i < ROWS; i++) {
    rows.push({
      timestamp: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
      cpu: Math.round((50 + 10 * Math.sin(i / 20) + rnd() * 3 + (i === 600 ? 400 : 0)) * 1000) / 1000,
      mem: Math.round(rnd() * 1e6) / 1e3,
      host: i % 2 ? 'web, "east"' : 'db',
    });
  }
  csvPath = join(dir, 'in.csv');
  const quote = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  writeFileSync(csvPath, 'timestamp,cpu,mem,host\n' + rows.map((r) => `${r.timestamp},${r.cpu},${r.mem},${quote(r.host)}`).join('\n') + '\n');
  jsonlPath = join(dir, 'in.jsonl');
  writeFileSync(jsonlPath, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
});

const FOREST = ['--trees', '15', '--sample-size', '64', '--seed', '42'];
const LIB = { numberOfTrees: 15, subSampleSize: 64, seed: 42, columns: ['cpu', 'mem'] };

/** The data rows' fields of a CSV text (header first), read with the project's own parser. */
function csvRows(text: string): (readonly string[])[] {
  const parser = new CsvParser({ name: 'output' });
  const rows: CsvRow[] = [];
  parser.push(text, rows);
  parser.end(rows);
  return rows.map((r) => r.fields);
}

describe('rcf score: CSV', () => {
  it('writes every row unchanged plus ANOMALY_SCORE, equal to the library to the last bit', () => {
    const r = rcf(['score', csvPath, ...FOREST]);
    expect(r.stderr).toBe("rcf score: scoring cpu, mem; left out: timestamp [named like a timestamp], host [not numeric (row 1: 'db')]\n");
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,cpu,mem,host,ANOMALY_SCORE');
    expect(lines).toHaveLength(ROWS + 1);
    const input = readFileSync(csvPath, 'utf8').trimEnd().split('\n');
    const expected = [...randomCutForest(rows, LIB)].map((o) => o.ANOMALY_SCORE);
    const parsed = csvRows(r.stdout);
    lines.slice(1).forEach((line, i) => {
      expect(line.startsWith(input[i + 1]! + ',')).toBe(true);
      const fields = parsed[i]!;
      expect(fields[3]).toBe(rows[i]!.host);
      expect(fields[4]).toBe(String(expected[i]));
    });
    expect(expected.slice(0, 64).every((s) => s === 0)).toBe(true);
    const ordinary = expected.slice(64).sort((a, b) => a - b)[Math.floor((ROWS - 64) / 2)]!;
    expect(expected[600]).toBeGreaterThan(1.4 * ordinary); // the planted spike
  });

  it('reads stdin and writes stdout (-), and --output writes a file', () => {
    const piped = rcf(['score', '-', ...FOREST], readFileSync(csvPath, 'utf8'));
    expect(piped.status).toBe(0);
    const direct = rcf(['score', csvPath, ...FOREST]);
    expect(piped.stdout).toBe(direct.stdout);
    const out = join(dir, 'out.csv');
    expect(rcf(['score', csvPath, ...FOREST, '--output', out]).stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(direct.stdout);
  });

  it('--columns picks the scored columns; --explain and --directionality add KDA explanations', () => {
    const r = rcf(['score', csvPath, ...FOREST, '--columns', 'cpu', '--directionality']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,cpu,mem,host,ANOMALY_SCORE,ANOMALY_EXPLANATION');
    const expected = [...randomCutForestWithExplanation(rows, { ...LIB, columns: ['cpu'], withDirectionality: true })];
    const parsed = csvRows(r.stdout);
    parsed.forEach((f, i) => {
      expect(f[4]).toBe(String(expected[i]!.ANOMALY_SCORE));
      expect(f[5]).toBe(expected[i]!.ANOMALY_EXPLANATION);
    });
    expect(parsed).toHaveLength(ROWS);
    expect(JSON.parse(parsed[600]![5]!)).toEqual({ cpu: expect.objectContaining({ DIRECTION: 'HIGH' }) });
  });

  it('scored columns default to those numeric in the first data row', () => {
    const r = rcf(['score', '--seed', '1'], 'a,b,c\nx,1,2\ny,3,4\n');
    expect(r.stdout).toBe('a,b,c,ANOMALY_SCORE\nx,1,2,0\ny,3,4,0\n');
  });
});

describe('rcf score: JSON Lines', () => {
  it('adds ANOMALY_SCORE as the last field of each record, equal to the library', () => {
    const r = rcf(['score', jsonlPath, ...FOREST]);
    expect(r.status).toBe(0);
    const out = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const expected = [...randomCutForest(rows, LIB)];
    expect(out).toHaveLength(ROWS);
    out.forEach((o, i) => {
      expect(Object.keys(o)).toEqual(['timestamp', 'cpu', 'mem', 'host', 'ANOMALY_SCORE']);
      expect(o).toEqual(expected[i]);
    });
    const piped = rcf(['score', '--format', 'jsonl', ...FOREST], readFileSync(jsonlPath, 'utf8'));
    expect(piped.stdout).toBe(r.stdout);
  });
});

describe('rcf score: errors', () => {
  it('a missing file: one line, exit 1, no stack trace', () => {
    const r = rcf(['score', join(dir, 'missing.csv')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`rcf score: no such file or folder: ${join(dir, 'missing.csv')}\n`);
  });

  it('a non-numeric value names file, line and column; earlier rows are already written', () => {
    const bad = join(dir, 'bad.csv');
    const out = join(dir, 'bad-out.csv');
    writeFileSync(bad, 'a,b\n' + Array.from({ length: 300 }, (_, i) => `${i},${i % 7}`).join('\n') + '\n5,oops\n6,7\n');
    for (const args of [['score', bad, '--seed', '1', '--columns', 'a,b'], ['score', bad, '--seed', '1', '--columns', 'a,b', '-o', out]]) {
      const r = rcf(args);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`rcf score: ${bad}:302: column "b": not a finite number within +-3.4028234663852886e+38 (got "oops") (--invalid-rows skip writes such rows unscored)\n`);
      const written = args.length > 6 ? readFileSync(out, 'utf8') : r.stdout;
      const lines = written.trimEnd().split('\n');
      expect(lines).toHaveLength(301);
      expect(lines[300]).toMatch(/^299,5,/);
    }
  });

  it('a malformed CSV row (wrong field count, broken quote) names its line', () => {
    const r = rcf(['score', '--seed', '1', '--columns', 'a,b'], 'a,b\n1,2\n3\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('rcf score: <stdin>:3: expected 2 fields (as the header), found 1\n');
    expect(r.stdout).toBe('a,b,ANOMALY_SCORE\n1,2,0\n');
    const q = rcf(['score', '--seed', '1', '--columns', 'a,b'], 'a,b\n1,2\n"3,4\n');
    expect(q.status).toBe(1);
    expect(q.stderr).toMatch(/^rcf score: <stdin>:3: .*quote/);
  });

  it('a malformed JSON line names its line', () => {
    const r = rcf(['score', '--format', 'jsonl', '--seed', '1', '--columns', 'a'], '{"a":1}\n{"a":\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^rcf score: <stdin>:2: /);
    expect(r.stdout).toBe('{"a":1,"ANOMALY_SCORE":0}\n');
  });

  it('usage mistakes exit 2 with the option, value and what is allowed', () => {
    expect(rcf(['score', csvPath, '--trees', '0'])).toMatchObject({ status: 2, stderr: 'rcf score: --trees must be an integer in [1, 1000], got 0\n' });
    const big = rcf(['score', csvPath, '--trees', '1001']);
    expect(big.status).toBe(2);
    expect(big.stderr).toBe('rcf score: --trees must be an integer in [1, 1000], got 1001\n');
    expect(rcf(['score', csvPath, '--columns', 'cpu,nope']).stderr).toMatch(/--columns: "nope" not in the header \(timestamp, cpu, mem, host\)/);
    expect(rcf(['score', csvPath, '--bogus']).status).toBe(2);
    expect(rcf(['score', csvPath, '--format', 'xml']).stderr).toMatch(/--format must be csv or jsonl, got "xml"/);
    expect(rcf(['score', csvPath, '--checkpoint', dir]).stderr).toMatch(/--checkpoint needs an input FILE and --output FILE/);
    const noFolder = rcf(['score', csvPath, '-o', join(dir, 'o.csv'), '--checkpoint', join(dir, 'nope', 'state')]);
    expect(noFolder.status).toBe(2);
    expect(noFolder.stderr).toMatch(/--checkpoint .*: the folder .*nope does not exist \(end the path with \/ to have a checkpoint folder created\)/);
    expect(rcf(['nonsense']).status).toBe(2);
  });
});
