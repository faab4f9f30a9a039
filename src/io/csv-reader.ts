import { InputError, LineSplitter, RowReader, checkMaxRecordSize, tooLongReason, type ChunkParser, type InputSource } from './source.js';

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
   * Longest record accepted, in UTF-8 bytes, line breaks inside quoted fields included (default
   * 1,048,576 = 1 MiB). A longer record, or a broken quote that would swallow the rest of the file, raises
   * an {@link InputError} naming the line where the record starts, as soon as the limit is passed: the
   * reader never holds more than this (plus one chunk) in memory.
   */
  readonly maxRecordSize?: number;
  /** @deprecated the former name of {@link CsvReaderOptions.maxRecordSize}; used when that is absent. */
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

/**
 * The synchronous core of the CSV reader: feed it text, get rows. Exported for callers that already hold
 * text in memory. Linear in the input whatever it holds: every character is looked at a bounded number of
 * times (lines are found with `indexOf`, a line without a quote is split at once, and a quoted field that
 * spans lines is continued where it stopped, never re-parsed).
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
  private readonly maxRecordSize: number;
  private readonly lines: LineSplitter;
  /** Fields of the record whose quoted field is still open at the end of a line; undefined if none. */
  private open: string[] | undefined;
  /** Parts of the open quoted field's value. */
  private readonly quoted: string[] = [];
  private openLine = 0;
  private openBytes = 0;
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
    this.delimiter = delimiter;
    this.name = options.name ?? '<input>';
    this.maxRecordSize = checkMaxRecordSize(
      options.maxRecordSize ?? options.maxRecordLength,
      options.maxRecordSize === undefined && options.maxRecordLength !== undefined ? 'maxRecordLength' : 'maxRecordSize',
    );
    this.lines = new LineSplitter(this.maxRecordSize, (line) => this.tooLong(line));
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
    if (this.open !== undefined) {
      throw new InputError(this.name, this.openLine, 'unterminated quoted field (no closing quote before the end of the file)');
    }
  }

  private tooLong(line: number): never {
    if (this.open !== undefined) {
      throw new InputError(this.name, this.openLine, `${tooLongReason(this.maxRecordSize)}; is a quote on this line left open?`);
    }
    throw new InputError(this.name, line, tooLongReason(this.maxRecordSize));
  }

  private handleLine(text: string, terminator: string, line: number): void {
    const open = this.open;
    if (open !== undefined) {
      this.openBytes += Buffer.byteLength(text, 'utf8');
      if (this.openBytes > this.maxRecordSize) this.tooLong(line);
      this.parse(text, open, line, terminator, true);
      return;
    }
    if (text.length === 0) return; // blank line
    if (this.header === undefined) this.checkNotJson(text, line);
    if (text.indexOf('"') < 0) {
      this.emit(text.split(this.delimiter), line);
      return;
    }
    this.openLine = line;
    this.parse(text, [], line, terminator, false);
  }

  /** A first line that opens a JSON object is JSON Lines, not CSV. */
  private checkNotJson(text: string, line: number): void {
    let i = 0;
    while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (text.charCodeAt(i) === 123 /* { */) {
      throw new InputError(this.name, line, 'this looks like JSON Lines (the first line starts with "{"), not CSV: read it with --format jsonl');
    }
  }

  /**
   * Parses the fields of `text` from its start, appending to `fields`; `inQuoted` when the line continues
   * a quoted field left open by the previous line. Leaves the record open (to be continued by the next
   * line) when a quoted field does not close on this line.
   */
  private parse(text: string, fields: string[], line: number, terminator: string, inQuoted: boolean): void {
    const d = this.delimiter;
    const n = text.length;
    const quoted = this.quoted;
    let i = 0;
    for (;;) {
      if (inQuoted || text.charCodeAt(i) === 34 /* " */) {
        let from = inQuoted ? 0 : i + 1;
        inQuoted = false;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) {
            quoted.push(text.slice(from), terminator);
            if (this.open === undefined) this.openBytes = Buffer.byteLength(text, 'utf8');
            this.openBytes += terminator.length;
            this.open = fields;
            return;
          }
          if (text.charCodeAt(q + 1) === 34) {
            quoted.push(text.slice(from, q + 1));
            from = q + 2;
            continue;
          }
          quoted.push(text.slice(from, q));
          i = q + 1;
          break;
        }
        fields.push(quoted.length === 1 ? quoted[0]! : quoted.join(''));
        quoted.length = 0;
        if (i === n) break;
        if (text[i] !== d) {
          throw new InputError(this.name, line, `unexpected character ${JSON.stringify(text[i])} after a closing quote (field ${fields.length})`);
        }
        i++;
      } else {
        const next = text.indexOf(d, i);
        const end = next < 0 ? n : next;
        const value = text.slice(i, end);
        if (value.indexOf('"') >= 0) {
          throw new InputError(this.name, line, `quote inside an unquoted field (field ${fields.length + 1}); quote the field and double its quotes`);
        }
        fields.push(value);
        if (next < 0) break;
        i = next + 1;
      }
      if (i === n) {
        fields.push('');
        break;
      }
    }
    const start = this.open === undefined ? line : this.openLine;
    this.open = undefined;
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
}

/**
 * A streaming CSV reader (RFC 4180: quoted fields, doubled quotes, line breaks inside quotes; LF or CRLF).
 * The first line is the header; each data row is yielded with its file line number. Memory stays
 * constant whatever the file's size, and time linear. Blank lines are skipped (but counted in line
 * numbers), a leading byte-order mark is dropped. A row with the wrong number of fields, a broken quote,
 * or a record longer than `maxRecordSize` raises an {@link InputError} naming the line.
 * An empty input (nothing but blank lines) has no header and no rows: `header()` returns `[]`, and the
 * iteration yields nothing, as a {@link JsonlReader} does on an empty input.
 * @example
 * const reader = new CsvReader('data.csv');
 * const header = await reader.header(); // ['timestamp', 'value']
 * const first = await reader.sample(100); // look ahead, nothing consumed
 * for await (const row of reader) {
 *   const v = Number(row.record.value);
 * }
 */
export class CsvReader extends RowReader<CsvRow> {
  private readonly parser: CsvParser;

  /**
   * @param source a file path, or a stream/async iterable of text or bytes.
   * @param options delimiter, name for error messages, longest record.
   */
  constructor(source: InputSource, options: CsvReaderOptions = {}) {
    super(source, options.name);
    this.parser = new CsvParser({ ...options, name: this.name });
  }

  protected override makeParser(): ChunkParser<CsvRow> {
    return this.parser;
  }

  /**
   * Reads up to the header and returns its column names (rows read meanwhile are kept for iteration);
   * `[]` for an empty input.
   * @throws InputError when the header line is malformed (a duplicate name, a broken quote, JSON Lines).
   */
  async header(): Promise<readonly string[]> {
    while (this.parser.header === undefined && (await this.readAhead()));
    if (this.parser.header === undefined) {
      this.throwFailure();
      return [];
    }
    return this.parser.header;
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
