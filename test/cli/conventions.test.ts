/**
 * `rcf score`'s conventions: columns chosen from a sample (never the time or an id column, said on
 * stderr), `--invalid-rows`, `--max-record-size`, `--version`, examples in `--help`, EPIPE, empty
 * inputs, and a column named `__proto__`.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvSeries, tempDir } from './fixtures.js';
import { rcfHere } from './in-process.js';
import { CLI } from './run-cli.js';

let dir: string;
const FOREST = ['--trees', '5', '--sample-size', '16', '--seed', '2'];

beforeAll(() => {
  dir = tempDir('conventions');
});

/** A metrics export: `ts` (epoch ms), `id`, `value`; the first row's value is empty. */
function metrics(rows: number): { csv: string; jsonl: string } {
  const rnd = seedrandom('metrics');
  const csv = ['ts,id,value'];
  const jsonl: string[] = [];
  for (let i = 0; i < rows; i++) {
    const ts = 1_700_000_000_000 + i * 60_000;
    const id = 1000 + Math.floor(rnd() * 50);
    const value = i === 0 ? '' : (20 + 5 * rnd()).toFixed(2);
    csv.push(`${ts},${id},${value}`);
    jsonl.push(JSON.stringify(i === 0 ? { ts, id } : { ts, id, value: Number(value) }));
  }
  return { csv: csv.join('\n') + '\n', jsonl: jsonl.join('\n') + '\n' };
}

describe('rcf score: which columns are scored', () => {
  it('a metrics export scores only value (not ts, not id), says so, and a first row without value does not drop it', async () => {
    const { csv, jsonl } = metrics(120);
    writeFileSync(join(dir, 'm.csv'), csv);
    writeFileSync(join(dir, 'm.jsonl'), jsonl);
    for (const file of ['m.csv', 'm.jsonl']) {
      const out = join(dir, `scored-${file}`);
      const r = await rcfHere(['score', join(dir, file), ...FOREST, '--explain', '--invalid-rows', 'skip', '-o', out]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^rcf score: scoring value; left out: ts \[named like a timestamp\], id \[named like an identifier\]\n/);
      const text = readFileSync(out, 'utf8');
      const explanation = file.endsWith('.csv') ? text.split('\n')[10]! : (JSON.parse(text.split('\n')[10]!) as { ANOMALY_EXPLANATION: string }).ANOMALY_EXPLANATION;
      expect(explanation).toContain('value');
      expect(explanation).not.toMatch(/\bts\b|\bid\b/);
    }
  });

  it('--time names a column never scored; more than 30 numeric columns asks for --columns', async () => {
    writeFileSync(join(dir, 't.csv'), 'when,a\n' + Array.from({ length: 40 }, (_, i) => `${(i * 7919) % 101},${i % 5}`).join('\n') + '\n');
    const r = await rcfHere(['score', join(dir, 't.csv'), ...FOREST, '--time', 'when']);
    expect(r.stderr).toMatch(/^rcf score: scoring a; left out: when \[the --time column\]\n/);
    const wide = Array.from({ length: 31 }, (_, k) => `c${k}`);
    writeFileSync(join(dir, 'wide.csv'), wide.join(',') + '\n' + Array.from({ length: 10 }, (_, i) => wide.map((_, k) => (i * k) % 7).join(',')).join('\n') + '\n');
    const w = await rcfHere(['score', join(dir, 'wide.csv'), ...FOREST]);
    expect(w.status).toBe(2);
    expect(w.stderr).toBe(`rcf score: 31 numeric columns found in ${join(dir, 'wide.csv')}, more than the 30 a forest takes: pick them with --columns a,b,...\n`);
  });
});

describe('rcf score: options and conventions', () => {
  it('--invalid-rows fail (default) stops at file:line; skip writes the row unscored and counts it', async () => {
    const data = 'a,b\n' + Array.from({ length: 30 }, (_, i) => (i === 19 ? '3,N/A' : `${i % 4},${i % 3}`)).join('\n') + '\n';
    writeFileSync(join(dir, 'na.csv'), data);
    const fail = await rcfHere(['score', join(dir, 'na.csv'), ...FOREST, '--columns', 'a,b']);
    expect(fail.status).toBe(1);
    expect(fail.stderr).toBe(`rcf score: ${join(dir, 'na.csv')}:21: column "b": not a finite number within +-3.4028234663852886e+38 (got "N/A") (--invalid-rows skip writes such rows unscored)\n`);
    const skip = await rcfHere(['score', join(dir, 'na.csv'), ...FOREST, '--columns', 'a,b', '--invalid-rows', 'skip']);
    expect(skip.status).toBe(0);
    const lines = skip.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(31);
    expect(lines[20]).toBe('3,N/A,');
    expect(skip.stderr).toMatch(/^rcf score: 1 row not scored \(--invalid-rows skip\); first: .*na\.csv:21: column "b"/);
    writeFileSync(join(dir, 'na.jsonl'), '{"a":1}\n{"a":"N/A"}\n{"a":2}\n');
    const j = await rcfHere(['score', join(dir, 'na.jsonl'), ...FOREST, '--columns', 'a', '--invalid-rows', 'skip']);
    expect(j.stdout).toBe('{"a":1,"ANOMALY_SCORE":0}\n{"a":"N/A","ANOMALY_SCORE":null}\n{"a":2,"ANOMALY_SCORE":0}\n');
  });

  it('--max-record-size limits a row, with file:line', async () => {
    writeFileSync(join(dir, 'long.csv'), `a,b\n1,2\n3,${'9'.repeat(5000)}\n`);
    const r = await rcfHere(['score', join(dir, 'long.csv'), ...FOREST, '--columns', 'a', '--max-record-size', '1000']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^rcf score: ${join(dir, 'long.csv')}:3: .*1000 bytes.*--max-record-size`));
    expect((await rcfHere(['score', join(dir, 'long.csv'), ...FOREST, '--columns', 'a'])).status).toBe(0);
  });

  it('--version, and examples in --help', async () => {
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(await rcfHere(['--version'])).toEqual({ status: 0, stdout: `rcf ${version}\n`, stderr: '' });
    expect(await rcfHere(['score', '--version'])).toEqual({ status: 0, stdout: `rcf ${version}\n`, stderr: '' });
    expect((await rcfHere(['--help'])).stdout).toMatch(/Examples:\n {2}rcf score /);
    expect((await rcfHere(['score', '--help'])).stdout).toMatch(/Examples:\n {2}rcf score .*\n.*--checkpoint state\//s);
  });

  it('empty CSV and empty JSON Lines end alike: exit 0, nothing written, one note', async () => {
    for (const [name, text] of [['e.csv', ''], ['e.jsonl', ''], ['blank.csv', '\n\n'], ['blank.jsonl', '\n \n']] as const) {
      const file = join(dir, name);
      writeFileSync(file, text);
      const out = join(dir, `out-${name}`);
      writeFileSync(out, 'old');
      const r = await rcfHere(['score', file, ...FOREST, '-o', out]);
      expect(r).toEqual({ status: 0, stdout: '', stderr: `rcf score: ${file} has no data rows: nothing scored\n` });
      expect(readFileSync(out, 'utf8')).toBe('');
    }
    writeFileSync(join(dir, 'header-only.csv'), 'a,b\n');
    const h = await rcfHere(['score', join(dir, 'header-only.csv'), ...FOREST]);
    expect(h).toEqual({ status: 0, stdout: 'a,b,ANOMALY_SCORE\n', stderr: `rcf score: ${join(dir, 'header-only.csv')} has no data rows: nothing scored\n` });
  });

  it('the progress line (on a terminal) counts rows scored', async () => {
    writeFileSync(join(dir, 'progress.csv'), csvSeries(3000));
    const r = await rcfHere(['score', join(dir, 'progress.csv'), ...FOREST, '--columns', 'cpu'], { ttyStderr: true });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/\rrcf score .*progress\.csv: 1,024 rows +[\d,]+ rows\/s +~3\d\.\d% +ETA /);
  });

  it('EPIPE (rcf score big.csv | head -1) ends quietly with exit 0', async () => {
    writeFileSync(join(dir, 'big.csv'), csvSeries(20_000));
    const child = spawn(process.execPath, [CLI, 'score', join(dir, 'big.csv'), ...FOREST, '--columns', 'cpu'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('a numeric column named __proto__ is scored end to end; an error in it names file:line', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => [(i % 5) + (i === 30 ? 50 : 0), `h${i % 2}`]);
    writeFileSync(join(dir, 'proto.csv'), '__proto__,host\n' + rows.map((r) => r.join(',')).join('\n') + '\n');
    writeFileSync(join(dir, 'proto.jsonl'), rows.map(([v, h]) => `{"__proto__":${v},"host":"${h}"}`).join('\n') + '\n');
    for (const file of ['proto.csv', 'proto.jsonl']) {
      const r = await rcfHere(['score', join(dir, file), ...FOREST, '--explain']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^rcf score: scoring __proto__; left out: host/);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(file.endsWith('.csv') ? 41 : 40);
      expect(r.stdout).toContain('__proto__');
      if (file.endsWith('.jsonl')) {
        const last = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        expect(Object.keys(last[30]!)).toEqual(['__proto__', 'host', 'ANOMALY_SCORE', 'ANOMALY_EXPLANATION']);
        expect(last[30]!.ANOMALY_SCORE).toBeGreaterThan(0);
      }
    }
    writeFileSync(join(dir, 'proto-bad.jsonl'), '{"__proto__":1}\n{"__proto__":{"x":1}}\n');
    const bad = await rcfHere(['score', join(dir, 'proto-bad.jsonl'), ...FOREST, '--columns', '__proto__']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(`rcf score: ${join(dir, 'proto-bad.jsonl')}:2: column "__proto__": not a finite number within +-3.4028234663852886e+38 (got {"x":1}) (--invalid-rows skip writes such rows unscored)\n`);
  });
});
