import { InputError, LineSplitter, parsedBatches, sourceName, type InputSource } from './source.js';

/**
 * One data row of a CSV file.
 * @example
 * for await (const row of new CsvReader('data.csv')) {
 *   console.log(row.line, row.record.timestamp, row.fields[1]);
 * }
 */
export interface CsvRow {
  /** 1-based line number of the row's first line in the file (the header is line 1). */
  readonly line: number;
  /** The row's fields, in column order. */
  readonly fields: readonly string[];
  /** The row keyed by the header's column names (built on first access). */
  readonly record: Readonly<Record<string, string>>;
  /** The header's column names. */
  readonly header: readonly string[];
}

/** Options of {@link CsvReader}. */
export interface CsvReaderOptions {
  /** Field delimiter, one character (default `,`). */
  readonly delimiter?: string;
  /** Name of the source in error messages (default: the path, or `<stream>`). */
  readonly name?: string;
  /**
   * Longest record accepted, in characters (default 64 MiB): beyond it a quoted field is taken to be
   * unterminated, so that a broken quote cannot make the reader hold the rest of the file in memory.
   */
  readonly maxRecordLength?: number;
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
      const h = this.header;
      for (let k = 0; k < h.length; k++) o[h[k]!] = this.fields[k]!;
      this.cached = o;
    }
    return this.cached;
  }
}

const INCOMPLETE = Symbol('incomplete');

/**
 * The synchronous core of the CSV reader: feed it text, get rows. Exported for callers that already hold
 * text in memory.
 * @example
 * const parser = new CsvParser({ name: 'inline' });
 * const rows: CsvRow[] = [];
 * parser.push('a,b\n1,2\n', rows);
 * parser.end(rows);
 * rows[0].record; // { a: '1', b: '2' }
 */
export class CsvParser {
  /** The header's column names, once the first line has been read. */
  header: readonly string[] | undefined;
  private readonly delimiter: string;
  private readonly name: string;
  private readonly maxRecordLength: number;
  private readonly lines = new LineSplitter();
  private pending: string | undefined;
  private pendingLine = 0;
  private readonly onLine: (text: string, terminator: string, line: number) => void;
  private out: CsvRow[] = [];

  /**
   * @param options delimiter, name for messages, longest record.
   */
  constructor(options: CsvReaderOptions = {}) {
    const delimiter = options.delimiter ?? ',';
    if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new RangeError(`delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`);
    }
    const max = options.maxRecordLength ?? 64 * 1024 * 1024;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`maxRecordLength must be a positive integer, got ${String(max)}`);
    }
    this.delimiter = delimiter;
    this.name = options.name ?? '<input>';
    this.maxRecordLength = max;
    this.onLine = (text, terminator, line) => this.handleLine(text, terminator, line);
  }

  /** Parses a chunk of text; appends the completed rows to `out`. */
  push(chunk: string, out: CsvRow[]): void {
    this.out = out;
    this.lines.push(chunk, this.onLine);
  }

  /** Signals the end of the text; appends the last row to `out`, or throws on an unterminated quote. */
  end(out: CsvRow[]): void {
    this.out = out;
    this.lines.end(this.onLine);
    if (this.pending !== undefined) {
      throw new InputError(this.name, this.pendingLine, 'unterminated quoted field (no closing quote before the end of the file)');
    }
    if (this.header === undefined) throw new InputError(this.name, 1, 'empty input: expected a header row');
  }

  private handleLine(text: string, terminator: string, line: number): void {
    let record: string;
    let start: number;
    if (this.pending !== undefined) {
      record = this.pending + text;
      start = this.pendingLine;
    } else {
      if (text.length === 0) return; // blank line
      record = text;
      start = line;
    }
    let fields: string[];
    if (record.indexOf('"') < 0) {
      fields = record.split(this.delimiter);
    } else {
      const parsed = this.parseQuoted(record, start);
      if (parsed === INCOMPLETE) {
        if (record.length > this.maxRecordLength) {
          throw new InputError(this.name, start, `unterminated quoted field (record longer than ${this.maxRecordLength} characters)`);
        }
        this.pending = record + terminator;
        this.pendingLine = start;
        return;
      }
      fields = parsed;
    }
    this.pending = undefined;
    this.emit(fields, start);
  }

  private emit(fields: string[], line: number): void {
    const header = this.header;
    if (header === undefined) {
      const seen = new Set<string>();
      for (const f of fields) {
        if (seen.has(f)) throw new InputError(this.name, line, `duplicate column name ${JSON.stringify(f)} in the header`);
        seen.add(f);
      }
      this.header = fields;
      return;
    }
    if (fields.length !== header.length) {
      throw new InputError(this.name, line, `expected ${header.length} fields (as the header), found ${fields.length}`);
    }
    this.out.push(new Row(line, fields, header));
  }

  private parseQuoted(text: string, startLine: number): string[] | typeof INCOMPLETE {
    const d = this.delimiter;
    const n = text.length;
    const fields: string[] = [];
    let i = 0;
    for (;;) {
      if (text.charCodeAt(i) === 34 /* " */) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) return INCOMPLETE;
          if (text.charCodeAt(q + 1) === 34) {
            value += text.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        fields.push(value);
        if (i === n) return fields;
        if (text[i] !== d) {
          throw new InputError(
            this.name,
            startLine + countNewlines(text, i),
            `unexpected character ${JSON.stringify(text[i])} after a closing quote (field ${fields.length})`,
          );
        }
        i++;
      } else {
        const next = text.indexOf(d, i);
        const end = next < 0 ? n : next;
        const value = text.slice(i, end);
        const q = value.indexOf('"');
        if (q >= 0) {
          throw new InputError(
            this.name,
            startLine + countNewlines(text, i + q),
            `quote inside an unquoted field (field ${fields.length + 1}); quote the field and double its quotes`,
          );
        }
        fields.push(value);
        if (next < 0) return fields;
        i = next + 1;
      }
      if (i === n) {
        fields.push('');
        return fields;
      }
    }
  }
}

function countNewlines(text: string, upTo: number): number {
  let count = 0;
  for (let p = text.indexOf('\n'); p >= 0 && p < upTo; p = text.indexOf('\n', p + 1)) count++;
  return count;
}

/**
 * A streaming CSV reader (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes; LF or CRLF).
 * The first line is the header; each data row is yielded with its file line number. Memory stays
 * constant whatever the file's size. Blank lines are skipped (but counted in line numbers). A row with the
 * wrong number of fields, or a broken quote, raises an {@link InputError} naming the line.
 * @example
 * const reader = new CsvReader('data.csv');
 * const header = await reader.header(); // ['timestamp', 'value']
 * for await (const row of reader) {
 *   const v = Number(row.record.value);
 * }
 */
export class CsvReader implements AsyncIterable<CsvRow> {
  /** The name used in error messages. */
  readonly name: string;
  private readonly source: InputSource;
  private readonly parser: CsvParser;
  private generator: AsyncGenerator<CsvRow[]> | undefined;
  private buffered: CsvRow[][] = [];
  private started = false;

  /**
   * @param source a file path, or a stream/async iterable of text or bytes.
   * @param options delimiter, name for error messages.
   */
  constructor(source: InputSource, options: CsvReaderOptions = {}) {
    this.name = sourceName(source, options.name);
    this.source = source;
    this.parser = new CsvParser({ ...options, name: this.name });
  }

  /**
   * Reads up to the header and returns its column names (rows read meanwhile are kept for iteration).
   * @throws InputError on an empty input.
   */
  async header(): Promise<readonly string[]> {
    const gen = this.open();
    while (this.parser.header === undefined) {
      const next = await gen.next();
      if (next.done === true) break;
      if (next.value.length > 0) this.buffered.push(next.value);
    }
    if (this.parser.header === undefined) throw new InputError(this.name, 1, 'empty input: expected a header row');
    return this.parser.header;
  }

  /** Yields the rows in batches (one per chunk read): the fastest way to consume a large file. */
  async *batches(): AsyncGenerator<CsvRow[]> {
    if (this.started) throw new Error(`${this.name}: a CsvReader can be iterated only once`);
    this.started = true;
    const gen = this.open();
    while (this.buffered.length > 0) yield this.buffered.shift()!;
    for (;;) {
      const next = await gen.next();
      if (next.done === true) return;
      yield next.value;
    }
  }

  /** Yields the data rows one by one. */
  async *[Symbol.asyncIterator](): AsyncGenerator<CsvRow> {
    for await (const batch of this.batches()) {
      for (const row of batch) yield row;
    }
  }

  private open(): AsyncGenerator<CsvRow[]> {
    if (this.generator === undefined) this.generator = this.produce();
    return this.generator;
  }

  private produce(): AsyncGenerator<CsvRow[]> {
    return parsedBatches(this.source, this.parser);
  }
}

/**
 * Reads a CSV source row by row (shorthand for `new CsvReader(source, options)`).
 * @example
 * for await (const row of readCsv('data.csv')) console.log(row.line, row.record);
 */
export function readCsv(source: InputSource, options: CsvReaderOptions = {}): CsvReader {
  return new CsvReader(source, options);
}
