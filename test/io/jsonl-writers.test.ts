import { describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  CsvReader,
  CsvWriter,
  InputError,
  JsonlParser,
  JsonlReader,
  JsonlWriter,
  formatCsvField,
  formatCsvRow,
  numericCsvColumns,
  numericJsonlColumns,
  parseFiniteNumber,
  readJsonl,
  type CsvRow,
  type JsonlRow,
} from '../../src/io/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/io/${name}`, import.meta.url));

function chunks(...parts: string[]): AsyncIterable<string> {
  return (async function* () {
    yield* parts;
  })();
}

async function jsonlRows(source: string | AsyncIterable<string>): Promise<JsonlRow[]> {
  const out: JsonlRow[] = [];
  for await (const r of new JsonlReader(source, { name: 'test.jsonl' })) out.push(r);
  return out;
}

/** A slow sink with a tiny buffer, so that writers must wait for 'drain'. */
function slowSink(): { sink: Writable; text: () => string; drains: () => number } {
  let data = '';
  let drains = 0;
  const sink = new Writable({
    highWaterMark: 16,
    decodeStrings: false,
    write(chunk: string, _enc, done) {
      data += chunk;
      setImmediate(done);
    },
  });
  sink.on('drain', () => drains++);
  return { sink, text: () => data, drains: () => drains };
}

describe('JsonlReader', () => {
  it('reads objects with their file line numbers, skipping blank lines', async () => {
    const rows = await jsonlRows(fixture('small.jsonl'));
    expect(rows.map((r) => r.line)).toEqual([1, 3]);
    expect(rows[0]!.record).toEqual({ timestamp: '2014-01-01 00:00:00', value: 1.5, note: 'a' });
    expect(rows[1]!.record.note).toBeNull();
  });

  it('handles CRLF, whitespace-only lines and chunks split anywhere', async () => {
    const text = '{"a":1}\r\n   \r\n{"a":"é"}';
    const rows = await jsonlRows(chunks(...text.split('')));
    expect(rows.map((r) => [r.line, r.record.a])).toEqual([
      [1, 1],
      [3, 'é'],
    ]);
  });

  it('rejects a malformed line or a non-object, naming the line', async () => {
    await expect(jsonlRows(chunks('{"a":1}\n\n{"a":\n'))).rejects.toThrow(/^test.jsonl:3: invalid JSON/);
    await expect(jsonlRows(chunks('{"a":1}\n[1,2]\n'))).rejects.toThrow('test.jsonl:2: expected a JSON object, found an array');
    await expect(jsonlRows(chunks('3\n'))).rejects.toBeInstanceOf(InputError);
    const parser = new JsonlParser('p');
    const out: JsonlRow[] = [];
    parser.push('{"x":1}\n{"x":', out);
    parser.push('2}', out);
    parser.end(out);
    expect(out.map((r) => r.record.x)).toEqual([1, 2]);
    expect(readJsonl('x.jsonl').name).toBe('x.jsonl');
  });
});

describe('formatting', () => {
  it('quotes only when needed and writes numbers as String(x)', () => {
    expect(formatCsvField('plain')).toBe('plain');
    expect(formatCsvField('a,b')).toBe('"a,b"');
    expect(formatCsvField('say "hi"')).toBe('"say ""hi"""');
    expect(formatCsvField('two\nlines')).toBe('"two\nlines"');
    expect(formatCsvField('cr\r')).toBe('"cr\r"');
    expect(formatCsvField('a;b')).toBe('a;b');
    expect(formatCsvField('a;b', ';')).toBe('"a;b"');
    expect(formatCsvField(null)).toBe('');
    expect(formatCsvField(undefined)).toBe('');
    expect(formatCsvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatCsvField(1e21)).toBe('1e+21');
    expect(formatCsvField(-0)).toBe('0');
    expect(formatCsvRow(['x', 1.5, true, 10n])).toBe('x,1.5,true,10');
  });

  it('round-trips doubles exactly through CSV and JSONL', async () => {
    const xs = [Math.PI, 1 / 3, 5e-324, 1.7976931348623157e308, -123.456, 0.1 + 0.2];
    const sink = new PassThrough();
    const w = new CsvWriter(sink);
    await w.writeRow(['x']);
    for (const x of xs) await w.writeRow([x]);
    await w.close();
    const back: number[] = [];
    for await (const row of new CsvReader(sink)) back.push(Number(row.record.x));
    expect(back).toEqual(xs);

    const jsink = new PassThrough();
    const jw = new JsonlWriter(jsink);
    for (const x of xs) await jw.write({ x });
    await jw.close();
    const jback: number[] = [];
    for await (const row of new JsonlReader(jsink)) jback.push(row.record.x as number);
    expect(jback).toEqual(xs);
  });
});

describe('writers', () => {
  it('CsvWriter waits for drain and loses nothing; tricky fields read back identical', async () => {
    const { sink, text, drains } = slowSink();
    const w = new CsvWriter(sink, { bufferSize: 0 });
    const rows: (string | number)[][] = [['name', 'value']];
    for (let i = 0; i < 500; i++) rows.push([i % 3 === 0 ? `a,"b"\n${i}` : `r${i}`, i / 7]);
    for (const r of rows) await w.writeRow(r);
    await w.close();
    expect(drains()).toBeGreaterThan(0);
    const back: CsvRow[] = [];
    for await (const row of new CsvReader(chunks(text()))) back.push(row);
    expect(back.map((r) => [r.fields[0], Number(r.fields[1])])).toEqual(rows.slice(1));
  });

  it('buffers up to bufferSize, flush() pushes, close({ end: false }) leaves the stream open', async () => {
    const sink = new PassThrough();
    let seen = '';
    sink.on('data', (c: Buffer) => (seen += c.toString()));
    const w = new CsvWriter(sink, { bufferSize: 1000, eol: '\r\n' });
    await w.writeRow(['a', 'b']);
    await new Promise((r) => setImmediate(r));
    expect(seen).toBe('');
    await w.flush();
    await new Promise((r) => setImmediate(r));
    expect(seen).toBe('a,b\r\n');
    await w.close({ end: false });
    expect(sink.writableEnded).toBe(false);
    expect(() => new CsvWriter(sink, { bufferSize: -1 })).toThrow(/bufferSize must be an integer >= 0, got -1/);
    expect(() => new CsvWriter(sink, { delimiter: '\n' })).toThrow(RangeError);
  });

  it('JsonlWriter writes one object per line with backpressure', async () => {
    const { sink, text, drains } = slowSink();
    const w = new JsonlWriter(sink, { bufferSize: 0 });
    for (let i = 0; i < 200; i++) await w.write({ i, x: i / 3, s: 'q"\n' });
    await w.close();
    expect(drains()).toBeGreaterThan(0);
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(200);
    expect(JSON.parse(lines[5]!)).toEqual({ i: 5, x: 5 / 3, s: 'q"\n' });
  });

  it('reports a stream error', async () => {
    const sink = new Writable({
      write(_c, _e, done) {
        done(new Error('disk full'));
      },
    });
    const w = new CsvWriter(sink, { bufferSize: 0 });
    await w.writeRow(['a']).catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    await expect(w.writeRow(['b'])).rejects.toThrow('disk full');
  });
});

describe('numeric columns', () => {
  it('parses finite numbers only', () => {
    expect(parseFiniteNumber(' 3.5 ')).toBe(3.5);
    expect(parseFiniteNumber('-1e3')).toBe(-1000);
    expect(parseFiniteNumber('')).toBeUndefined();
    expect(parseFiniteNumber('  ')).toBeUndefined();
    expect(parseFiniteNumber('NaN')).toBeUndefined();
    expect(parseFiniteNumber('Infinity')).toBeUndefined();
    expect(parseFiniteNumber('12abc')).toBeUndefined();
  });

  it('chooses CSV columns from the first data row, in column order', async () => {
    const reader = new CsvReader(fixture('small.csv'));
    const header = await reader.header();
    for await (const row of reader) {
      expect(numericCsvColumns(header, row.fields)).toEqual(['value']);
      break;
    }
    expect(numericCsvColumns(['t', 'b', 'a', 'c'], ['x', '2', '-1.5e3', ''])).toEqual(['b', 'a']);
    expect(() => numericCsvColumns(['a'], [])).toThrow(/firstRow must have one field per column \(1\), got 0/);
  });

  it('chooses JSONL columns whose value is a number, in key order', () => {
    expect(numericJsonlColumns({ t: '2014', z: 1, s: '3', a: 2.5, n: null, b: true, inf: Number.POSITIVE_INFINITY })).toEqual(['z', 'a']);
  });
});
