/**
 * A checkpoint with an intact CRC is still checked field by field: a forged or foreign value is refused
 * naming the field and the value (never printing `null`), and the output and the checkpoint are left
 * byte-identical.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvSeries, forgeCheckpoint, snapshot, tempDir } from './fixtures.js';
import { rcfHere } from './in-process.js';

let dir: string;
let args: string[];
let good: string;
const state = () => join(dir, 'state', 'rcf-score.checkpoint');

beforeAll(async () => {
  dir = tempDir('fields');
  const input = join(dir, 'in.csv');
  writeFileSync(input, csvSeries(300));
  args = ['score', input, '-o', join(dir, 'out.csv'), '--checkpoint', join(dir, 'state/'), '--checkpoint-every', '100', '--resume', '--trees', '5', '--sample-size', '16', '--seed', '3'];
  const r = await rcfHere(args);
  expect(r.status).toBe(0);
  good = join(dir, 'good.checkpoint');
  copyFileSync(state(), good);
});

type Meta = Record<string, Record<string, unknown>>;

describe('rcf score --resume checks every checkpoint field', () => {
  it('refuses each forged field naming it and its value, and changes no file', async () => {
    const cases: [string, (m: Meta) => unknown, RegExp][] = [
      ['output.bytes=-5', (m) => void (m.output!.bytes = -5), /field output\.bytes is -5, expected an integer >= 0/],
      ['output.bytes=1.5', (m) => void (m.output!.bytes = 1.5), /field output\.bytes is 1\.5, expected an integer/],
      ['output.bytes="10"', (m) => void (m.output!.bytes = '10'), /field output\.bytes is "10", expected an integer/],
      ['output.bytes=null', (m) => void (m.output!.bytes = null), /field output\.bytes is missing, expected an integer/],
      ['output.bytes too big', (m) => void (m.output!.bytes = 1e12), /field output\.bytes is 1000000000000, but the output has only \d+ bytes/],
      ['output.bytes mid-line', (m) => void (m.output!.bytes = 40), /field output\.bytes is 40, which is not the end of a line/],
      ['output.bytes one row', (m) => void (m.output!.bytes = readFileSync(join(dir, 'out.csv'), 'utf8').split('\n').slice(0, 2).join('\n').length + 1), /fields rows \(300\) and output\.bytes \(\d+\) disagree: the output's first \d+ bytes hold 2 lines, not 301/],
      ['output.bytes=0', (m) => void (m.output!.bytes = 0), /field output\.bytes is 0, but field rows is 300/],
      ['rows=1e9', (m) => void ((m as Record<string, unknown>).rows = 1e9), /rows.*1000000000/],
      ['rows=1e9, line=1e9+1', (m) => void Object.assign(m, { rows: 1e9, line: 1e9 + 1 }), /fields rows \(1000000000\) and output\.bytes \(\d+\) disagree/],
      ['rows=-1', (m) => void ((m as Record<string, unknown>).rows = -1), /field rows is -1, expected an integer >= 0/],
      ['rows=2.5', (m) => void ((m as Record<string, unknown>).rows = 2.5), /field rows is 2\.5, expected an integer/],
      ['rows=null', (m) => void ((m as Record<string, unknown>).rows = null), /field rows is missing/],
      ['rows=301', (m) => void Object.assign(m, { rows: 301, line: 302 }), /fields rows \(301\) and output\.bytes \(\d+\) disagree: .* hold 301 lines, not 302/],
      ['rows=299', (m) => void ((m as Record<string, unknown>).rows = 299), /fields rows \(299\) and output\.bytes \(\d+\) disagree/],
      [
        'rows=299 with a matching line and output.bytes',
        (m) => void Object.assign(m, { rows: 299, line: 300, output: { ...(m.output as object), bytes: readFileSync(join(dir, 'out.csv'), 'utf8').split('\n').slice(0, 300).join('\n').length + 1 } }),
        /field rows is 299, fewer than the 300 rows its state has seen/,
      ],
      ['line=302', (m) => void ((m as Record<string, unknown>).line = 302), /field line is 302, but row 300 of .*in\.csv is on line 301/],
      ['line=-1', (m) => void ((m as Record<string, unknown>).line = -1), /field line is -1, expected an integer >= 0/],
      ['line=5', (m) => void ((m as Record<string, unknown>).line = 5), /field line is 5, less than rows \(300\)/],
      ['meta=null', () => null, /the metadata is missing, expected an object/],
      ['meta=[]', () => [], /the metadata is a list, expected an object/],
      ['meta=7', () => 7, /the metadata is 7, expected an object/],
      ['input=null', (m) => void ((m as Record<string, unknown>).input = null), /field input is missing, expected an object/],
      ['input.path=5', (m) => void (m.input!.path = 5), /field input\.path is 5, expected a non-empty string/],
      ['input.size=-1', (m) => void (m.input!.size = -1), /field input\.size is -1, expected an integer >= 0/],
      ['input.size other', (m) => void (m.input!.size = 12), /it was made for .*in\.csv \(12 bytes.*not for this input/],
      ['input.mtimeMs="x"', (m) => void (m.input!.mtimeMs = 'x'), /field input\.mtimeMs is "x", expected a time/],
      ['input.format=xml', (m) => void (m.input!.format = 'xml'), /field input\.format is "xml", expected one of csv, jsonl/],
      ['input.path other', (m) => void (m.input!.path = join(dir, 'other.csv')), /it was made for .*other\.csv .*not for this input/],
      ['output=null', (m) => void ((m as Record<string, unknown>).output = null), /field output is missing, expected an object/],
      ['output.path=""', (m) => void (m.output!.path = ''), /field output\.path is "", expected a non-empty string/],
      ['output.path other', (m) => void (m.output!.path = join(dir, 'elsewhere.csv')), /it was made for the output .*elsewhere\.csv/],
      ['options=null', (m) => void ((m as Record<string, unknown>).options = null), /field options is missing, expected an object/],
      ['options.resolvedColumns=[]', (m) => void (m.options!.resolvedColumns = []), /field options\.resolvedColumns is a list, expected 1 to 30 distinct column names/],
      ['options.resolvedColumns=null', (m) => void (m.options!.resolvedColumns = null), /field options\.resolvedColumns is missing/],
      ['options.resolvedColumns unknown', (m) => void (m.options!.resolvedColumns = ['nosuch']), /field options\.resolvedColumns: "nosuch" not in the header/],
      ['options.trees=0', (m) => void (m.options!.trees = 0), /field options\.trees is 0, expected an integer in \[1, 1000\]/],
      ['options.trees="5"', (m) => void (m.options!.trees = '5'), /field options\.trees is "5", expected an integer/],
      ['options.seed={}', (m) => void (m.options!.seed = {}), /field options\.seed is an object, expected a number or a string/],
      ['options.explain="yes"', (m) => void (m.options!.explain = 'yes'), /field options\.explain is "yes", expected true or false/],
      ['options.shingleSize=2', (m) => void (m.options!.shingleSize = 2), /it was made with other options: --shingle-size 2 \(this run: no --shingle-size\)/],
      ['options.trees=null', (m) => void (m.options!.trees = null), /it was made with other options: no --trees \(this run: --trees 5\)/],
    ];
    for (const [what, edit, pattern] of cases) {
      copyFileSync(good, state());
      forgeCheckpoint(state(), edit as (m: Record<string, unknown>) => unknown);
      const before = snapshot(dir);
      const r = await rcfHere(args);
      expect(r.status, what).toBe(1);
      expect(r.stderr, what).toMatch(/^rcf score: checkpoint [^\n]+\n$/);
      expect(r.stderr, what).toMatch(pattern);
      expect(r.stderr, what).not.toMatch(/\bnull\b|undefined|Cannot read/);
      expect(snapshot(dir), what).toEqual(before);
    }
  });

  it('more rows than the input has, consistent with a forged output, is refused before the output is cut', async () => {
    const out = join(dir, 'out.csv');
    const original = readFileSync(out);
    try {
      writeFileSync(out, Buffer.concat([original, Buffer.from('1,2,3,h,0\n')]));
      copyFileSync(good, state());
      forgeCheckpoint(state(), (m) => void Object.assign(m, { rows: 301, line: 302, output: { ...(m.output as object), bytes: original.length + 10 } }));
      const before = snapshot(dir);
      const r = await rcfHere(args);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/field rows is 301, but .*in\.csv has only 300 data rows; not resuming\n$/);
      expect(snapshot(dir)).toEqual(before);
    } finally {
      writeFileSync(out, original);
    }
  });

  it('the untouched checkpoint still resumes (to the same output)', async () => {
    copyFileSync(good, state());
    const before = snapshot(dir);
    const r = await rcfHere(args);
    expect(r.status).toBe(0);
    expect(snapshot(dir)).toEqual(before);
  });
});
