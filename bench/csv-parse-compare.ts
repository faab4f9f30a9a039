/**
 * The hand-written CSV parser (`src/io/csv-reader.ts`) against `csv-parse` (v7) behind the same
 * interface, for docs/io-parsing.md.
 *
 * `CsvParseParser` feeds each text chunk to csv-parse's synchronous core (the `api` object its stream
 * `Parser` wraps: no stream or per-record event overhead, so csv-parse at its fastest), with the options
 * that give our reader's behaviour: `,` or another delimiter, LF or CRLF (`record_delimiter`), blank lines
 * skipped, `max_record_size`, the first record as the header, the line where each record starts (from
 * csv-parse's `info.lines` and `info.empty_lines`).
 *
 * `node dist/bench/csv-parse-compare.js <file.csv> [runs]` parses the file with both (reading the file
 * as `CsvReader` does) and prints the median time of each. The whole-CLI comparison (`rcf score
 * --trees 1`) swaps `CsvReader`'s parser for this one in a copy of the tree: see docs/io-parsing.md.
 * @module
 */
import { Parser } from 'csv-parse';
import { InputError, type ChunkParser } from '../src/io/source.js';
import { CsvReader, type CsvRow } from '../src/io/csv-reader.js';
import { pathToFileURL } from 'node:url';

/** The part of csv-parse's internal core that its stream `Parser` calls. */
interface CsvParseCore {
  parse(buf: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
  readonly info: { readonly lines: number; readonly empty_lines: number };
}

class Row implements CsvRow {
  private cached: Record<string, string> | undefined;
  constructor(
    readonly line: number,
    readonly fields: readonly string[],
    readonly header: readonly string[],
  ) {}

  get record(): Readonly<Record<string, string>> {
    if (this.cached === undefined) {
      const o = Object.create(null) as Record<string, string>;
      for (let k = 0; k < this.header.length; k++) o[this.header[k]!] = this.fields[k]!;
      this.cached = o;
    }
    return this.cached;
  }
}

/**
 * A {@link ChunkParser} on csv-parse, with the hand-written `CsvParser`'s behaviour.
 * @example
 * const p = new CsvParseParser({ name: 'x.csv' });
 * const out: CsvRow[] = [];
 * p.push('a,b\n1,2\n', out);
 * p.end(out);
 */
export class CsvParseParser implements ChunkParser<CsvRow> {
  header: readonly string[] | undefined;
  private readonly core: CsvParseCore;
  private readonly name: string;
  private out: CsvRow[] = [];
  private lastEnd = 0;
  private lastEmpty = 0;
  private readonly onRecord = (record: string[]): void => this.record(record);

  /** @param options delimiter, name, longest record (bytes). */
  constructor(options: { delimiter?: string; name?: string; maxRecordSize?: number } = {}) {
    this.name = options.name ?? '<input>';
    const parser = new Parser({
      delimiter: options.delimiter ?? ',',
      record_delimiter: ['\r\n', '\n'],
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: options.maxRecordSize ?? 1 << 20,
    });
    this.core = (parser as unknown as { api: CsvParseCore }).api;
  }

  push(chunk: string, out: CsvRow[]): void {
    this.out = out;
    this.check(this.core.parse(Buffer.from(chunk, 'utf8'), false, this.onRecord, () => undefined));
  }

  end(out: CsvRow[]): void {
    this.out = out;
    this.check(this.core.parse(undefined, true, this.onRecord, () => undefined));
  }

  private check(error: Error | undefined): void {
    if (error !== undefined) throw new InputError(this.name, this.core.info.lines, error.message);
  }

  private record(fields: string[]): void {
    const info = this.core.info;
    const line = this.lastEnd + 1 + (info.empty_lines - this.lastEmpty);
    this.lastEnd = info.lines;
    this.lastEmpty = info.empty_lines;
    const header = this.header;
    if (header === undefined) {
      this.header = fields;
      return;
    }
    if (fields.length !== header.length) {
      throw new InputError(this.name, line, `expected ${header.length} fields (as the header), found ${fields.length}`);
    }
    this.out.push(new Row(line, fields, header));
  }
}

/** A CsvReader whose parser is csv-parse. */
export class CsvParseReader extends CsvReader {
  private readonly csvParse: CsvParseParser;
  constructor(source: string, options: { name?: string } = {}) {
    super(source, options);
    this.csvParse = new CsvParseParser({ name: this.name });
  }
  protected override makeParser(): ChunkParser<CsvRow> {
    return this.csvParse;
  }
}

async function time(make: () => AsyncIterable<CsvRow[]>): Promise<{ ms: number; rows: number; check: number }> {
  const t0 = performance.now();
  let rows = 0;
  let check = 0;
  for await (const batch of make()) {
    rows += batch.length;
    for (const row of batch) check += row.line + row.fields.length;
  }
  return { ms: performance.now() - t0, rows, check };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const file = process.argv[2];
  if (file === undefined) {
    console.error('usage: node dist/bench/csv-parse-compare.js <file.csv> [runs]');
    process.exit(2);
  }
  const runs = Number(process.argv[3] ?? 5);
  const hand: number[] = [];
  const lib: number[] = [];
  let summary = '';
  for (let r = 0; r < runs; r++) {
    const a = await time(() => new CsvReader(file).batches());
    const b = await time(() => new CsvParseReader(file).batches());
    if (a.rows !== b.rows || a.check !== b.check) throw new Error(`the parsers disagree: ${a.rows}/${a.check} vs ${b.rows}/${b.check}`);
    hand.push(a.ms);
    lib.push(b.ms);
    summary = `${a.rows} rows`;
  }
  console.log(`${file}: ${summary}, ${runs} runs, median parse time: hand-written ${median(hand).toFixed(0)} ms, csv-parse ${median(lib).toFixed(0)} ms`);
}
