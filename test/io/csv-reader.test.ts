import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CsvParser, CsvReader, InputError, readCsv, type CsvRow } from '../../src/io/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/io/${name}`, import.meta.url));

async function rowsOf(source: string | AsyncIterable<string | Uint8Array> | CsvReader): Promise<CsvRow[]> {
  const out: CsvRow[] = [];
  const reader = source instanceof CsvReader ? source : new CsvReader(source, { name: 'test.csv' });
  for await (const row of reader) out.push(row);
  return out;
}

async function errorOf(promise: Promise<unknown>): Promise<InputError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

function chunks(...parts: string[]): AsyncIterable<string> {
  return (async function* () {
    yield* parts;
  })();
}

describe('CsvReader', () => {
  it('reads a file path with CRLF, quoted commas and a quoted line break, numbering file lines', async () => {
    const reader = new CsvReader(fixture('small.csv'));
    expect(await reader.header()).toEqual(['timestamp', 'value', 'note']);
    const rows: CsvRow[] = [];
    for await (const row of reader) rows.push(row);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 5]);
    expect(rows[0]!.record).toEqual({ timestamp: '2014-01-01 00:00:00', value: '1.5', note: 'a, b' });
    expect(rows[1]!.record.note).toBe('two\r\nlines');
    expect(rows[2]!.fields).toEqual(['2014-01-01 00:10:00', '-3e2', '']);
    expect(reader.name).toBe(fixture('small.csv'));
  });

  it('handles doubled quotes, empty quoted fields, a BOM, blank lines and no final newline', async () => {
    const rows = await rowsOf(chunks('\uFEFFa,b\n"say ""hi""",""\n\n"x",y'));
    expect(rows.map((r) => [r.line, ...r.fields])).toEqual([
      [2, 'say "hi"', ''],
      [4, 'x', 'y'],
    ]);
  });

  it('gives the same rows whatever the chunking (one character at a time, bytes split inside UTF-8)', async () => {
    const text = 'name,v\n"a\nb",1\n"ç€😀",2\r\nplain,"3"\n';
    const whole = await rowsOf(chunks(text));
    const single = await rowsOf(chunks(...text.split('')));
    const bytes = Buffer.from(text, 'utf8');
    const byteChunks = (async function* () {
      for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
    })();
    const byBytes = await rowsOf(byteChunks);
    const simplify = (rows: CsvRow[]): unknown => rows.map((r) => [r.line, ...r.fields]);
    expect(simplify(whole)).toEqual([
      [2, 'a\nb', '1'],
      [4, 'ç€😀', '2'],
      [5, 'plain', '3'],
    ]);
    expect(simplify(single)).toEqual(simplify(whole));
    expect(simplify(byBytes)).toEqual(simplify(whole));
  });

  it('reads a Node Readable and streams (first row before the source ends)', async () => {
    let produced = 0;
    const source = Readable.from(
      (function* () {
        yield 'i,x\n';
        for (let i = 0; i < 100_000; i++) {
          produced++;
          yield `${i},${i * 0.5}\n`;
        }
      })(),
    );
    let first: number | undefined;
    let count = 0;
    for await (const batch of new CsvReader(source).batches()) {
      if (first === undefined && batch.length > 0) first = produced;
      count += batch.length;
    }
    expect(count).toBe(100_000);
    expect(first).toBeLessThan(100_000);
  });

  it('rejects a row with the wrong number of fields, naming its line', async () => {
    const e = await errorOf(rowsOf(new CsvReader(fixture('bad-count.csv'))));
    expect(e.line).toBe(4);
    expect(e.message).toBe(`${fixture('bad-count.csv')}:4: expected 2 fields (as the header), found 1`);
  });

  it('names the line of the wrong row after a multi-line quoted field', async () => {
    const e = await errorOf(rowsOf(chunks('a,b\n"x\ny\nz",1\n1,2,3\n')));
    expect(e.message).toBe('test.csv:5: expected 2 fields (as the header), found 3');
  });

  it('rejects broken quotes, naming the line', async () => {
    const afterClose = await errorOf(rowsOf(chunks('a,b\n1,2\n"x"y,2\n')));
    expect(afterClose.line).toBe(3);
    expect(afterClose.message).toMatch(/test.csv:3: unexpected character "y" after a closing quote/);

    const inside = await errorOf(rowsOf(chunks('a,b\n1,2\n3,4\nab"c,2\n')));
    expect(inside.message).toMatch(/^test.csv:4: quote inside an unquoted field/);

    const unterminated = await errorOf(rowsOf(chunks('a,b\n1,2\n"open,2\n3,4\n')));
    expect(unterminated.message).toMatch(/^test.csv:3: unterminated quoted field/);

    const tooLong = new CsvReader(chunks('a\n"', 'x'.repeat(100), '\n', 'y'.repeat(100)), { maxRecordLength: 50, name: 'long.csv' });
    expect((await errorOf(rowsOf(tooLong))).message).toMatch(/^long.csv:2: record longer than 50 bytes.*raise it with --max-record-size, or the maxRecordSize option/);
    const openQuote = new CsvReader(chunks('a\n"', 'x\n'.repeat(100), 'y'), { maxRecordSize: 50, name: 'open.csv' });
    expect((await errorOf(rowsOf(openQuote))).message).toMatch(/^open.csv:2: record longer than 50 bytes.*is a quote on this line left open\?/);
  });

  it('reads an empty input as no header and no rows (as JSONL); rejects duplicate column names; accepts a header-only file', async () => {
    expect(await new CsvReader(chunks(''), { name: 'e.csv' }).header()).toEqual([]);
    expect(await new CsvReader(chunks('\n\r\n'), { name: 'e.csv' }).header()).toEqual([]);
    expect(await rowsOf(chunks(''))).toEqual([]);
    expect(await rowsOf(chunks('\uFEFF\n'))).toEqual([]);
    expect((await errorOf(rowsOf(chunks('a,a\n1,2\n')))).message).toMatch(/test.csv:1: duplicate column name "a"/);
    const reader = readCsv(chunks('a,b\n'));
    expect(await reader.header()).toEqual(['a', 'b']);
    expect(await rowsOf(chunks('a,b\n'))).toEqual([]);
  });

  it('supports another delimiter and rejects an invalid one', async () => {
    const rows: CsvRow[] = [];
    for await (const r of new CsvReader(chunks('a;b\n"1;2";3\n'), { delimiter: ';' })) rows.push(r);
    expect(rows[0]!.fields).toEqual(['1;2', '3']);
    expect(() => new CsvReader('x.csv', { delimiter: '"' })).toThrow(RangeError);
    expect(() => new CsvReader('x.csv', { delimiter: ',,' })).toThrow(/delimiter must be one character/);
  });

  it('is iterable only once, and CsvParser works on in-memory text', () => {
    const p = new CsvParser();
    const out: CsvRow[] = [];
    p.push('a,b\n1,', out);
    p.push('2\n', out);
    p.end(out);
    expect(out[0]!.record).toEqual({ a: '1', b: '2' });
    const reader = new CsvReader(chunks('a\n1\n'));
    const it1 = reader.batches();
    return it1.next().then(async () => {
      await expect(reader.batches().next()).rejects.toThrow(/only once/);
    });
  });

  it('reports a missing file with the system error', async () => {
    await expect(new CsvReader('/nonexistent/file.csv').header()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
