import { createReadStream } from 'node:fs';

/**
 * Where a reader takes its text from: a file path, or any byte/string stream (a Node `Readable` such as
 * `process.stdin` or `fs.createReadStream(...)`, or any async iterable of chunks).
 * @example
 * const fromPath: InputSource = 'data/nyc_taxi.csv';
 * const fromStdin: InputSource = process.stdin;
 */
export type InputSource = string | AsyncIterable<string | Uint8Array>;

/**
 * A malformed input: names the file (or stream) and the 1-based line of the file (the header being line 1),
 * and the column when known. The message reads `file:line: what` (or `file:line: column "c": what`).
 * @example
 * try {
 *   for await (const row of new CsvReader('data.csv')) use(row);
 * } catch (e) {
 *   if (e instanceof InputError) console.error(e.message); // data.csv:12: expected 2 fields, found 3
 * }
 */
export class InputError extends Error {
  /** The file path, or the name given to the stream. */
  readonly file: string;
  /** 1-based line number in the file (header = line 1). */
  readonly line: number;
  /** The column concerned, when there is one. */
  readonly column: string | undefined;
  /** The problem, without the location prefix. */
  readonly reason: string;

  /**
   * @param file the file path or stream name.
   * @param line the 1-based line number.
   * @param reason what is wrong.
   * @param column the column concerned, if any.
   */
  constructor(file: string, line: number, reason: string, column?: string) {
    super(`${file}:${line}: ${column === undefined ? '' : `column ${JSON.stringify(column)}: `}${reason}`);
    this.name = 'InputError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/** Default chunk size when reading a file path: 1 MiB. */
const READ_CHUNK = 1 << 20;

/** Characters parsed at a time: the rows of one piece make one batch. */
const BATCH_TEXT = 1 << 14;

/**
 * Decodes a source into UTF-8 text chunks, streaming (a leading byte-order mark is dropped). Text that is
 * surely not UTF-8 fails at once with an {@link InputError}: a UTF-16 byte-order mark, or a NUL character
 * in the first 4096 characters (UTF-16 without a mark, or a binary file).
 * @param source the file path or stream.
 * @param name the source's name in error messages (default from {@link sourceName}).
 * @example
 * for await (const text of textChunks('data.csv')) process.stdout.write(text);
 * @internal
 */
export async function* textChunks(source: InputSource, name?: string): AsyncGenerator<string> {
  const iterable: AsyncIterable<string | Uint8Array> =
    typeof source === 'string' ? createReadStream(source, { highWaterMark: READ_CHUNK }) : source;
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of iterable) {
    if (first && typeof chunk !== 'string' && chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
      const mark = chunk[0] === 0xff ? 'FF FE' : 'FE FF';
      throw new InputError(sourceName(source, name), 1, `UTF-16 text (it starts with the byte-order mark ${mark}): save it as UTF-8`);
    }
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
      const nul = text.indexOf('\0');
      if (nul >= 0 && nul < 4096) {
        let line = 1;
        for (let p = text.indexOf('\n'); p >= 0 && p < nul; p = text.indexOf('\n', p + 1)) line++;
        throw new InputError(sourceName(source, name), line, 'a NUL character: this is not UTF-8 text (UTF-16 without a byte-order mark, or a binary file?)');
      }
    }
    if (text.length > 0) yield text;
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}

/**
 * Name used in error messages for a source.
 * @example
 * sourceName(process.stdin, undefined); // '<stream>'
 * @internal
 */
export function sourceName(source: InputSource, name: string | undefined): string {
  if (name !== undefined) return name;
  return typeof source === 'string' ? source : '<stream>';
}

/**
 * Default longest record (and line) the readers accept: 1 MiB, in UTF-8 bytes.
 * @example
 * new CsvReader('big.csv', { maxRecordSize: 4 * DEFAULT_MAX_RECORD_SIZE }); // accept records up to 4 MiB
 */
export const DEFAULT_MAX_RECORD_SIZE = 1 << 20;

/**
 * Checks a `maxRecordSize` option: a positive integer (the default when undefined).
 * @example
 * checkMaxRecordSize(undefined); // 1048576
 * checkMaxRecordSize(0);         // throws RangeError
 * @internal
 */
export function checkMaxRecordSize(value: number | undefined, option = 'maxRecordSize'): number {
  const max = value ?? DEFAULT_MAX_RECORD_SIZE;
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`${option} must be a positive integer (bytes), got ${String(max)}`);
  return max;
}

/**
 * The reason given when a record is longer than the limit.
 * @example
 * new InputError('data.csv', 3, tooLongReason(1048576)); // data.csv:3: record longer than 1048576 bytes, ...
 * @internal
 */
export function tooLongReason(max: number, what = 'record'): string {
  return `${what} longer than ${max} bytes, the limit on record size (raise it with --max-record-size, or the maxRecordSize option, if such records are intended)`;
}

/**
 * Whether `text` takes more than `max` UTF-8 bytes, measuring bytes only when the length in UTF-16 units
 * leaves it open.
 * @example
 * utf8Exceeds('éé', 3); // true (4 bytes)
 * @internal
 */
export function utf8Exceeds(text: string, max: number): boolean {
  const n = text.length;
  if (n > max) return true;
  if (n * 3 <= max) return false;
  return Buffer.byteLength(text, 'utf8') > max;
}

/**
 * Splits streamed text into physical lines (LF or CRLF), numbering them from 1, in constant memory
 * apart from the longest line, which may not exceed `maxLineSize` UTF-8 bytes: a longer line calls
 * `onTooLong(lineNumber)` (which throws) as soon as the excess is seen, before the line is complete.
 * Each character is looked at a bounded number of times, whatever the chunking: a line spread over
 * many chunks is kept as a list of parts and joined once.
 * Calls `onLine(text, terminator, lineNumber)` synchronously.
 * @example
 * const lines = new LineSplitter(1 << 20, (n) => { throw new InputError('x', n, 'too long'); });
 * lines.push('a\r\nb', (text, eol, n) => console.log(n, text)); // 1 'a'
 * lines.end((text, eol, n) => console.log(n, text));              // 2 'b'
 * @internal
 */
export class LineSplitter {
  private readonly parts: string[] = [];
  private partsBytes = 0;
  private lineNumber = 0;

  /**
   * @param maxLineSize longest line in UTF-8 bytes (without its terminator).
   * @param onTooLong called with the line's number when it is longer; must throw.
   */
  constructor(
    private readonly maxLineSize: number = Number.MAX_SAFE_INTEGER,
    private readonly onTooLong: (line: number) => never = (line) => {
      throw new RangeError(`line ${line} is longer than ${maxLineSize} bytes`);
    },
  ) {}

  /** Feeds one chunk; calls `onLine` for every completed line. */
  push(chunk: string, onLine: (text: string, terminator: string, line: number) => void): void {
    const max = this.maxLineSize;
    let pos = 0;
    let nl = chunk.indexOf('\n');
    if (nl >= 0 && this.parts.length > 0) {
      // The line begun in earlier chunks ends here.
      this.parts.push(chunk.slice(0, nl));
      let text = this.parts.join('');
      this.parts.length = 0;
      this.partsBytes = 0;
      let terminator = '\n';
      if (text.charCodeAt(text.length - 1) === 13) {
        text = text.slice(0, -1);
        terminator = '\r\n';
      }
      if (utf8Exceeds(text, max)) this.onTooLong(this.lineNumber + 1);
      onLine(text, terminator, ++this.lineNumber);
      pos = nl + 1;
      nl = chunk.indexOf('\n', pos);
    }
    while (nl >= 0) {
      let end = nl;
      let terminator = '\n';
      if (end > pos && chunk.charCodeAt(end - 1) === 13) {
        end--;
        terminator = '\r\n';
      }
      const text = chunk.slice(pos, end);
      if ((end - pos) * 3 > max && utf8Exceeds(text, max)) this.onTooLong(this.lineNumber + 1);
      onLine(text, terminator, ++this.lineNumber);
      pos = nl + 1;
      nl = chunk.indexOf('\n', pos);
    }
    if (pos < chunk.length) {
      const rest = pos === 0 ? chunk : chunk.slice(pos);
      this.parts.push(rest);
      this.partsBytes += Buffer.byteLength(rest, 'utf8');
      if (this.partsBytes > max + 1) this.onTooLong(this.lineNumber + 1); // +1: the CR of a CRLF may be the last part
    }
  }

  /** Flushes the last line when the text does not end with a newline. */
  end(onLine: (text: string, terminator: string, line: number) => void): void {
    if (this.parts.length > 0) {
      const text = this.parts.join('');
      const bytes = this.partsBytes;
      this.parts.length = 0;
      this.partsBytes = 0;
      if (bytes > this.maxLineSize) this.onTooLong(this.lineNumber + 1);
      onLine(text, '', ++this.lineNumber);
    }
  }

  /** Number of lines completed so far. */
  get lines(): number {
    return this.lineNumber;
  }
}

/**
 * A parser fed text chunk by chunk (the CSV and JSON Lines parsers).
 * @example
 * const parser: ChunkParser<CsvRow> = new CsvParser();
 * const rows: CsvRow[] = [];
 * parser.push('a\n1\n', rows);
 * parser.end(rows);
 */
export interface ChunkParser<R> {
  push(chunk: string, out: R[]): void;
  end(out: R[]): void;
}

/**
 * Feeds the source's text to `parser` and yields the rows of each chunk (`name`: the source's name in
 * errors about its encoding). When a row is malformed,
 * the rows parsed before it in the same chunk are yielded first, then the error is thrown: nothing
 * already accepted is lost.
 * @example
 * for await (const batch of parsedBatches('data.csv', new CsvParser())) handle(batch);
 */
export async function* parsedBatches<R>(source: InputSource, parser: ChunkParser<R>, name?: string): AsyncGenerator<R[]> {
  for await (const text of textChunks(source, name)) {
    // Parse in pieces of BATCH_TEXT characters: a batch of a few hundred rows is consumed while young,
    // where the rows of a whole 1 MiB chunk would outlive the young generation (measured: the reader
    // takes half the time on a 2M-row CSV with 16 KiB pieces rather than 1 MiB).
    for (let from = 0; from < text.length; from += BATCH_TEXT) {
      const chunk = from === 0 && text.length <= BATCH_TEXT ? text : text.slice(from, from + BATCH_TEXT);
      const out: R[] = [];
      try {
        parser.push(chunk, out);
      } catch (error) {
        if (out.length > 0) yield out;
        throw error;
      }
      if (out.length > 0) yield out;
    }
  }
  const out: R[] = [];
  try {
    parser.end(out);
  } catch (error) {
    if (out.length > 0) yield out;
    throw error;
  }
  if (out.length > 0) yield out;
}

/**
 * What the CSV and JSON Lines readers share: reading a source through a {@link ChunkParser}, a
 * non-consuming look-ahead ({@link RowReader.sample}), and iteration (once) by batch or by row. An error
 * met while looking ahead is kept and thrown by the iteration at its place, after the rows before it.
 * @example
 * const reader = new CsvReader('data.csv'); // a RowReader<CsvRow>
 * const first = await reader.sample(100);   // nothing consumed
 * for await (const row of reader) use(row);  // from the first row again
 */
export abstract class RowReader<R> implements AsyncIterable<R> {
  /** The name used in error messages. */
  readonly name: string;
  private readonly source: InputSource;
  private generator: AsyncGenerator<R[]> | undefined;
  private readonly buffered: R[][] = [];
  private bufferedRows = 0;
  private finished = false;
  private failed = false;
  private failure: unknown;
  private started = false;

  /**
   * @param source a file path, or a stream/async iterable of text or bytes.
   * @param name the name for error messages (default: the path, or `<stream>`).
   */
  protected constructor(source: InputSource, name: string | undefined) {
    this.name = sourceName(source, name);
    this.source = source;
  }

  /** The parser that turns the source's text into rows (called once). */
  protected abstract makeParser(): ChunkParser<R>;

  /**
   * Reads one more batch into the look-ahead buffer.
   * @returns false at the end of the input or on an error (kept for the iteration to throw).
   */
  protected async readAhead(): Promise<boolean> {
    if (this.finished || this.failed) return false;
    this.generator ??= parsedBatches(this.source, this.makeParser(), this.name);
    try {
      const next = await this.generator.next();
      if (next.done === true) {
        this.finished = true;
        return false;
      }
      if (next.value.length > 0) {
        this.buffered.push(next.value);
        this.bufferedRows += next.value.length;
      }
      return true;
    } catch (error) {
      this.failed = true;
      this.failure = error;
      return false;
    }
  }

  /** Throws the error met while reading ahead, if any. */
  protected throwFailure(): void {
    if (this.failed) throw this.failure;
  }

  /**
   * Returns up to the first `n` rows without consuming them: a later iteration still yields every row
   * from the first, with the same line numbers. Memory is that of the rows looked at (plus at most one
   * chunk's rows). May be called again, before the iteration, for more rows.
   * An error among the first rows is thrown here only when no row precedes it; otherwise the rows before
   * it are returned and the iteration throws it after yielding them.
   * @param n how many rows to look at, an integer >= 0.
   * @example
   * const reader = new JsonlReader('data.jsonl');
   * const rows = await reader.sample(100);
   * const columns = chooseScoredColumns(header, rows.map((r) => header.map((c) => r.record[c])));
   */
  async sample(n: number): Promise<R[]> {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`sample size must be an integer >= 0, got ${String(n)}`);
    if (this.started) throw new Error(`${this.name}: sample() must be called before the iteration starts`);
    while (this.bufferedRows < n && (await this.readAhead()));
    if (this.bufferedRows === 0 && n > 0) this.throwFailure();
    const out: R[] = [];
    for (const batch of this.buffered) {
      for (const row of batch) {
        if (out.length === n) return out;
        out.push(row);
      }
    }
    return out;
  }

  /** Yields the rows in batches (one per chunk read): the fastest way to consume a large file. */
  async *batches(): AsyncGenerator<R[]> {
    if (this.started) throw new Error(`${this.name}: a ${this.constructor.name} can be iterated only once`);
    this.started = true;
    while (this.buffered.length > 0) {
      const batch = this.buffered.shift()!;
      this.bufferedRows -= batch.length;
      yield batch;
    }
    this.throwFailure();
    if (this.finished) return;
    this.generator ??= parsedBatches(this.source, this.makeParser(), this.name);
    for (;;) {
      const next = await this.generator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }

  /** Yields the rows one by one. */
  async *[Symbol.asyncIterator](): AsyncGenerator<R> {
    for await (const batch of this.batches()) {
      for (const row of batch) yield row;
    }
  }
}
