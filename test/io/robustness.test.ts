import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import {
  CsvReader,
  CsvWriter,
  DEFAULT_MAX_RECORD_SIZE,
  InputError,
  JsonlReader,
  JsonlWriter,
  chooseScoredColumns,
  jsonNestingDepth,
  nameKind,
  type CsvRow,
  type JsonlRow,
} from '../../src/io/index.js';

/** Streams `text` as byte chunks of `size` (as a file or stdin would arrive). */
function byteChunks(text: string, size = 65536): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  return (async function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  })();
}

function strings(...parts: string[]): AsyncIterable<string> {
  return (async function* () {
    yield* parts;
  })();
}

async function drain<R>(reader: AsyncIterable<R>): Promise<R[]> {
  const out: R[] = [];
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

/** A CSV of `rows` data rows whose data row `strayAt` (0-based) opens a quote that never closes. */
function strayQuoteCsv(rows: number, strayAt = 0): string {
  const lines = ['t,value'];
  for (let i = 0; i < rows; i++) lines.push(i === strayAt ? `"${i},${i % 7}` : `${i},${i % 7}`);
  return lines.join('\n') + '\n';
}

async function timeToFail(text: string): Promise<{ ms: number; error: InputError }> {
  const t0 = performance.now();
  const error = await errorOf(drain(new CsvReader(byteChunks(text), { name: 'big.csv' })));
  return { ms: performance.now() - t0, error };
}

describe('item 10: linear parsing and a record size limit', () => {
  it('a stray opening quote in a 200k-row CSV fails fast, naming the line where the record starts', async () => {
    const { ms, error } = await timeToFail(strayQuoteCsv(200_000));
    expect(error.line).toBe(2);
    expect(error.message).toMatch(/^big\.csv:2: record longer than 1048576 bytes.*--max-record-size.*maxRecordSize.*is a quote on this line left open\?/);
    expect(ms).toBeLessThan(3000); // was minutes; now ~1 MiB is read before failing
  });

  it('a stray quote near the end of a file under the limit is "unterminated", in time linear in the rows', async () => {
    const time = async (rows: number): Promise<number> => {
      const text = strayQuoteCsv(rows, rows - 5_000); // the open record swallows the last 5,000 rows
      const t0 = performance.now();
      const error = await errorOf(drain(new CsvReader(byteChunks(text), { name: 's.csv', maxRecordSize: 1 << 30 })));
      expect(error.message).toBe(`s.csv:${rows - 5_000 + 2}: unterminated quoted field (no closing quote before the end of the file)`);
      return performance.now() - t0;
    };
    await time(20_000); // warm up
    const small = Math.min(await time(20_000), await time(20_000));
    const large = Math.min(await time(160_000), await time(160_000));
    // 8x the rows: linear ~8x, the former quadratic parser ~64x. Loose bound against noise.
    expect(large / Math.max(small, 1)).toBeLessThan(24);
  });

  it('an open quote swallowing many short lines fails with the limit, not after the whole file', async () => {
    const text = 'a,b\n1,"open\n' + 'x,y\n'.repeat(400_000); // 1.6 MB after the open quote
    const error = await errorOf(drain(new CsvReader(byteChunks(text), { name: 'q.csv' })));
    expect(error.line).toBe(2);
    expect(error.reason).toMatch(/^record longer than 1048576 bytes/);
  });

  const big = 2 * 1024 * 1024;
  const breaks = Math.floor(big / 3);
  const cases: Array<[string, string, 'csv' | 'jsonl']> = [
    ['an unquoted CSV line', `a,b\n1,2\n3,${'9'.repeat(big)}\n5,6\n`, 'csv'],
    ['a quoted CSV line', `a,b\n1,2\n3,"${'x'.repeat(big)}"\n5,6\n`, 'csv'],
    ['a quoted CSV field with line breaks', `a,b\n1,2\n3,"${'x\r\n'.repeat(breaks)}"\n5,6\n`, 'csv'],
    ['a JSONL line', `{"a":1}\n\n{"a":"${'x'.repeat(big)}"}\n{"a":2}\n`, 'jsonl'],
  ];
  for (const [what, text, format] of cases) {
    it(`${what} of 2 MiB fails by default with file:line naming the limit, from a stream or one string; raising maxRecordSize accepts it`, async () => {
      const open = (source: AsyncIterable<string | Uint8Array>, maxRecordSize?: number): AsyncIterable<CsvRow | JsonlRow> =>
        format === 'csv' ? new CsvReader(source, { name: `long.${format}`, maxRecordSize }) : new JsonlReader(source, { name: `long.${format}`, maxRecordSize });
      const line = 3;
      for (const source of [byteChunks(text), byteChunks(text, 1000), strings(text)]) {
        const error = await errorOf(drain(open(source)));
        expect(error.line).toBe(line);
        expect(error.message).toMatch(new RegExp(`^long\\.${format}:${line}: (record|line) longer than 1048576 bytes, the limit on record size \\(raise it with --max-record-size, or the maxRecordSize option`));
      }
      const rows = await drain(open(byteChunks(text), 3 * 1024 * 1024));
      expect(rows.map((r) => r.line)).toEqual(format === 'csv' ? [2, 3, 3 + (what.includes('breaks') ? breaks + 1 : 1)] : [1, 3, 4]);
    });
  }

  it('counts the limit in UTF-8 bytes, and accepts a record exactly at it', async () => {
    expect(DEFAULT_MAX_RECORD_SIZE).toBe(1_048_576);
    const at = `a\n${'é'.repeat(50)}\n`; // 100 bytes, 50 UTF-16 units
    expect(await drain(new CsvReader(strings(at), { maxRecordSize: 100 }))).toHaveLength(1);
    const error = await errorOf(drain(new CsvReader(strings(at), { maxRecordSize: 99, name: 'u.csv' })));
    expect(error.message).toMatch(/^u\.csv:2: record longer than 99 bytes/);
    const quoted = `a\n"${'é'.repeat(20)}\n${'é'.repeat(20)}"\n`; // 2 + 80 + 1 bytes
    expect((await drain(new CsvReader(strings(quoted), { maxRecordSize: 83 })))[0]!.fields[0]).toBe(`${'é'.repeat(20)}\n${'é'.repeat(20)}`);
    await expect(drain(new CsvReader(strings(quoted), { maxRecordSize: 82 }))).rejects.toThrow(/:2: record longer than 82 bytes/);
    expect(() => new CsvReader('x.csv', { maxRecordSize: 0 })).toThrow(/maxRecordSize must be a positive integer/);
    expect(() => new JsonlReader('x.jsonl', { maxRecordSize: 1.5 })).toThrow(/maxRecordSize must be a positive integer/);
  });

  it('keeps quotes, CRLF, line breaks in quotes, BOM, blank lines and line numbers across any chunking', async () => {
    const text = '\uFEFFt,v\r\n\r\n1,"a\r\nb"\r\n2,"say ""x"""\n\n"3",""\n';
    const expected = [
      [3, '1', 'a\r\nb'],
      [5, '2', 'say "x"'],
      [7, '3', ''],
    ];
    for (const size of [1, 2, 3, 7, 1000]) {
      const rows = await drain(new CsvReader(byteChunks(text, size)));
      expect(rows.map((r) => [r.line, ...r.fields])).toEqual(expected);
    }
  });
});

describe('item 14: sample() and chooseScoredColumns', () => {
  it('CsvReader.sample looks ahead without consuming; iteration yields every row with its line', async () => {
    const lines = ['t,v'];
    for (let i = 0; i < 5000; i++) lines.push(`${i},${i % 10}`);
    const reader = new CsvReader(byteChunks(lines.join('\n') + '\n', 4096));
    const sample = await reader.sample(100);
    expect(sample).toHaveLength(100);
    expect(sample[0]!.line).toBe(2);
    expect(sample[99]!.line).toBe(101);
    expect(await reader.header()).toEqual(['t', 'v']);
    expect((await reader.sample(3)).map((r) => r.line)).toEqual([2, 3, 4]);
    const rows = await drain(reader);
    expect(rows).toHaveLength(5000);
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 2));
    await expect(reader.sample(1)).rejects.toThrow(/before the iteration/);
  });

  it('JsonlReader.sample looks ahead; a short input gives fewer rows; an empty one none', async () => {
    const reader = new JsonlReader(strings('{"a":1}\n\n{"a":2}\n'));
    expect((await reader.sample(100)).map((r) => [r.line, r.record.a])).toEqual([
      [1, 1],
      [3, 2],
    ]);
    expect((await drain(reader)).map((r) => r.line)).toEqual([1, 3]);
    expect(await new JsonlReader(strings('')).sample(100)).toEqual([]);
    expect(await new CsvReader(strings('')).sample(100)).toEqual([]);
    expect(await new CsvReader(strings('a,b\n')).sample(100)).toEqual([]);
  });

  it('an error after some sampled rows is thrown by the iteration at its place; one before any row by sample()', async () => {
    const reader = new CsvReader(strings('a,b\n1,2\n3,4\n5\n7,8\n'), { name: 'e.csv' });
    expect((await reader.sample(100)).map((r) => r.line)).toEqual([2, 3]);
    const seen: number[] = [];
    const error = await errorOf(
      (async () => {
        for await (const row of reader) seen.push(row.line);
      })(),
    );
    expect(seen).toEqual([2, 3]);
    expect(error.message).toBe('e.csv:4: expected 2 fields (as the header), found 1');

    const first = new JsonlReader(strings('{"a":1'), { name: 'f.jsonl' });
    await expect(first.sample(10)).rejects.toThrow(/^f\.jsonl:1: invalid JSON/);
    await expect(drain(first)).rejects.toThrow(/^f\.jsonl:1: invalid JSON/);
    const header = new CsvReader(strings('a,a\n1,2\n'), { name: 'h.csv' });
    await expect(header.header()).rejects.toThrow(/^h\.csv:1: duplicate column name/);
    await expect(drain(header)).rejects.toThrow(/^h\.csv:1: duplicate column name/);
  });

  it('never scores the --time column, timestamp- or identifier-named columns, or strictly increasing integers', () => {
    const header = ['when', 'Timestamp', 'user_id', 'requestId', 'UUID', 'value', 'epoch_ms', 'cpu', 'valid', 'paid'];
    const sample: string[][] = [];
    for (let i = 0; i < 100; i++) {
      sample.push([`2020-01-01 ${i}`, `${i}`, `${i % 3}`, `${i}`, 'x', `${(i * 37) % 11}`, `${1404172800000 + i * 60000}`, `${i % 5}.5`, '1', '0']);
    }
    expect(chooseScoredColumns(header, sample, { timeColumn: 'when' })).toEqual({
      scored: ['value', 'cpu', 'valid', 'paid'],
      excluded: [
        { column: 'when', reason: 'the --time column' },
        { column: 'Timestamp', reason: 'named like a timestamp' },
        { column: 'user_id', reason: 'named like an identifier' },
        { column: 'requestId', reason: 'named like an identifier' },
        { column: 'UUID', reason: 'named like an identifier' },
        { column: 'epoch_ms', reason: 'strictly increasing integers (looks like a timestamp or row id)' },
      ],
    });
    for (const [name, kind] of [
      ['time', 'timestamp'],
      ['TS', 'timestamp'],
      ['date', 'timestamp'],
      ['DateTime', 'timestamp'],
      ['created_at', 'timestamp'],
      ['updatedAt', 'timestamp'],
      ['id', 'identifier'],
      ['ID', 'identifier'],
      ['order-id', 'identifier'],
      ['userID', 'identifier'],
      ['session_uuid', 'identifier'],
      ['guid', 'identifier'],
      ['valid', undefined],
      ['grid', undefined],
      ['PAID', undefined],
      ['heat', undefined],
      ['format', undefined],
      ['response_time_ms', undefined],
    ] as const) {
      expect([name, nameKind(name)]).toEqual([name, kind]);
    }
  });

  it('does not drop a column for an empty or odd first value; judges the whole sample', () => {
    const header = ['a', 'b', 'c', 'd', 'e', 'f'];
    const sample = [
      ['', '1', 'x', '', '1', '3'],
      ['2.5', ' ', '2', '', 'abc', '2'],
      ['3', '4', '3', '  ', '2', '1'],
      ['-1e3', '', '4', '', '3', '5'],
    ];
    expect(chooseScoredColumns(header, sample)).toEqual({
      scored: ['a', 'b', 'f'],
      excluded: [
        { column: 'c', reason: "not numeric (row 1: 'x')" },
        { column: 'd', reason: 'empty in the first 4 rows' },
        { column: 'e', reason: "not numeric (row 2: 'abc')" },
      ],
    });
    // Increasing integers need at least 5 values to be judged: a 4-row file keeps 'c'-like columns.
    expect(chooseScoredColumns(['n'], [['1'], ['2'], ['3'], ['4']]).scored).toEqual(['n']);
    expect(chooseScoredColumns(['n'], [['1'], ['2'], ['3'], ['4'], ['5']]).scored).toEqual([]);
    expect(chooseScoredColumns(['n'], [['1'], ['2'], ['3'], ['4'], ['5.5']]).scored).toEqual(['n']);
    expect(chooseScoredColumns(['n'], [['1'], ['2'], ['2'], ['4'], ['5']]).scored).toEqual(['n']);
  });

  it('takes JSON values: finite numbers and numeric strings are numbers; null/missing are empty; others are not numeric', () => {
    const header = ['x', 'y', 'z', 'w', 'v'];
    const sample: unknown[][] = [
      [null, 1.5, true, { k: 1 }, undefined],
      [2, '2', 1, 3, undefined],
      [undefined, 3, 2, 4],
    ];
    expect(chooseScoredColumns(header, sample)).toEqual({
      scored: ['x', 'y'],
      excluded: [
        { column: 'z', reason: "not numeric (row 1: 'true')" },
        { column: 'w', reason: `not numeric (row 1: '{"k":1}')` },
        { column: 'v', reason: 'empty in the first 3 rows' },
      ],
    });
    expect(chooseScoredColumns(['s'], [['x'.repeat(100)]]).excluded[0]!.reason).toBe(`not numeric (row 1: '${'x'.repeat(37)}...')`);
  });
});

describe('item 15: a file in the other format; empty inputs', () => {
  it('JSON Lines read as CSV says to use --format jsonl', async () => {
    for (const text of ['{"a":1,"b":2}\n{"a":3,"b":4}\n', '\n\n  {"a": "x, y"}\n']) {
      const reader = new CsvReader(strings(text), { name: 'x.csv' });
      const error = await errorOf(reader.header());
      expect(error.message).toMatch(/^x\.csv:\d+: this looks like JSON Lines .*--format jsonl/);
    }
  });

  it('CSV read as JSON Lines says to use --format csv', async () => {
    for (const text of ['timestamp,value\n2014-01-01,3\n', 'a;b\n1;2\n', 'a\tb\n', 'value\n1\n', '\n3\n4\n']) {
      const error = await errorOf(drain(new JsonlReader(strings(text), { name: 'x.jsonl' })));
      expect(error.message).toMatch(/^x\.jsonl:\d: .*this looks like CSV, not JSON Lines: read it with --format csv/);
    }
    // Not for a broken object or array, nor after the first line: those are just invalid JSON.
    expect((await errorOf(drain(new JsonlReader(strings('{"a":1,}\n'))))).message).not.toMatch(/--format/);
    const later = await errorOf(drain(new JsonlReader(strings('{"a":1}\na,b\n'), { name: 'x.jsonl' })));
    expect(later.message).toMatch(/^x\.jsonl:2: invalid JSON/);
    expect(later.message).not.toMatch(/--format/);
  });

  it('UTF-16 text (with or without a byte-order mark) and binary input fail at once, naming the line', async () => {
    const utf16 = (text: string, bom: boolean): AsyncIterable<Uint8Array> => {
      const body = Buffer.from(text, 'utf16le');
      const bytes = bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
      return (async function* () {
        yield bytes;
      })();
    };
    const withMark = await errorOf(drain(new CsvReader(utf16('a,b\n1,2\n', true), { name: 'w.csv' })));
    expect(withMark.message).toBe('w.csv:1: UTF-16 text (it starts with the byte-order mark FF FE): save it as UTF-8');
    const noMark = await errorOf(drain(new JsonlReader(utf16('{"a":1}\n', false), { name: 'w.jsonl' })));
    expect(noMark.message).toMatch(/^w\.jsonl:1: a NUL character: this is not UTF-8 text/);
    const binary = await errorOf(new CsvReader(strings('a,b\n1,2\n3\u0000,4\n'), { name: 'b.csv' }).header());
    expect(binary.message).toMatch(/^b\.csv:3: a NUL character/);
  });

  it('an empty CSV and an empty JSONL read alike: no rows, no error (CSV header [])', async () => {
    for (const text of ['', '\n\n', '\uFEFF', '\r\n']) {
      const csv = new CsvReader(strings(text));
      expect(await csv.header()).toEqual([]);
      expect(await drain(csv)).toEqual([]);
      expect(await drain(new JsonlReader(strings(text)))).toEqual([]);
    }
  });
});

describe('item 16: property names such as __proto__', () => {
  const names = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf'];

  it('CSV columns named like Object.prototype members are ordinary columns, and records have no prototype', async () => {
    const rows = await drain(new CsvReader(strings(`${names.join(',')}\n1,2,3,4,5\n`)));
    const record = rows[0]!.record;
    expect(Object.getPrototypeOf(record)).toBeNull();
    expect(Object.keys(record)).toEqual(names);
    expect(names.map((n) => record[n])).toEqual(['1', '2', '3', '4', '5']);
    expect(chooseScoredColumns(names, rows.map((r) => r.fields)).scored).toEqual(names);
  });

  it('JSONL keys such as __proto__ are own keys of a null-prototype record, and survive the writers', async () => {
    const line = '{"__proto__":1,"constructor":2,"hasOwnProperty":3,"toString":{"__proto__":4},"valueOf":[5]}';
    const rows = await drain(new JsonlReader(strings(line + '\n')));
    const record = rows[0]!.record;
    expect(Object.getPrototypeOf(record)).toBeNull();
    expect(Object.keys(record)).toEqual(names);
    expect(record.__proto__).toBe(1);
    expect(record.constructor).toBe(2);
    expect(JSON.stringify(record)).toBe(line);

    const jsink = new PassThrough();
    const jw = new JsonlWriter(jsink);
    await jw.write(record);
    await jw.close();
    const back = await drain(new JsonlReader(jsink));
    expect(JSON.stringify(back[0]!.record)).toBe(line);

    const sink = new PassThrough();
    const cw = new CsvWriter(sink);
    await cw.writeRow(names);
    await cw.writeRow(names.map((n) => JSON.stringify(record[n])));
    await cw.close();
    const csv = await drain(new CsvReader(sink));
    expect(Object.keys(csv[0]!.record)).toEqual(names);
    expect(csv[0]!.record.__proto__).toBe('1');
    expect(csv[0]!.record.toString).toBe('{"__proto__":4}');
  });
});

describe('item 17: nesting', () => {
  it('100,000-deep arrays or objects fail with file:line naming the limit; 64 levels pass; maxDepth raises it', async () => {
    const deepArray = '{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    const deepObject = '{"a":' + '{"b":'.repeat(100_000) + '1' + '}'.repeat(100_000) + '}';
    for (const deep of [deepArray, deepObject]) {
      const error = await errorOf(drain(new JsonlReader(strings('{"a":1}\n\n' + deep + '\n'), { name: 'd.jsonl' })));
      expect(error.message).toBe('d.jsonl:3: arrays and objects nested deeper than 64 levels (the maxDepth limit)');
    }
    const ok = '{"a":' + '['.repeat(63) + ']'.repeat(63) + '}';
    expect(await drain(new JsonlReader(strings(ok)))).toHaveLength(1);
    await expect(drain(new JsonlReader(strings('{"a":' + '['.repeat(64) + ']'.repeat(64) + '}')))).rejects.toThrow(/deeper than 64/);
    expect(await drain(new JsonlReader(strings('{"a":' + '['.repeat(100) + ']'.repeat(100) + '}'), { maxDepth: 101 }))).toHaveLength(1);
    expect(() => new JsonlReader('x', { maxDepth: 0 })).toThrow(/maxDepth must be a positive integer/);
  });

  it('counts brackets outside strings only', () => {
    expect(jsonNestingDepth('{"a":[1,{"b":"[[{{\\"[["}]}', 64)).toBe(3);
    expect(jsonNestingDepth('{"a":"\\\\"}', 64)).toBe(1);
    expect(jsonNestingDepth('[[[[[', 3)).toBe(4);
  });
});
