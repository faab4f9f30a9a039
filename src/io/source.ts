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

/**
 * Decodes a source into UTF-8 text chunks, streaming (a leading byte-order mark is dropped).
 * @internal
 */
export async function* textChunks(source: InputSource): AsyncGenerator<string> {
  const iterable: AsyncIterable<string | Uint8Array> =
    typeof source === 'string' ? createReadStream(source, { highWaterMark: READ_CHUNK }) : source;
  const decoder = new TextDecoder('utf-8');
  let first = true;
  for await (const chunk of iterable) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text.length > 0) yield text;
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}

/** Name used in error messages for a source. @internal */
export function sourceName(source: InputSource, name: string | undefined): string {
  if (name !== undefined) return name;
  return typeof source === 'string' ? source : '<stream>';
}

/**
 * Splits streamed text into physical lines (LF or CRLF), numbering them from 1, in constant memory
 * apart from the longest line. Calls `onLine(text, terminator, lineNumber)` synchronously.
 * @internal
 */
export class LineSplitter {
  private rest = '';
  private lineNumber = 0;

  /** Feeds one chunk; calls `onLine` for every completed line. */
  push(chunk: string, onLine: (text: string, terminator: string, line: number) => void): void {
    const text = this.rest.length > 0 ? this.rest + chunk : chunk;
    let pos = 0;
    for (;;) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0) break;
      let end = nl;
      let terminator = '\n';
      if (end > pos && text.charCodeAt(end - 1) === 13) {
        end--;
        terminator = '\r\n';
      }
      onLine(text.slice(pos, end), terminator, ++this.lineNumber);
      pos = nl + 1;
    }
    this.rest = pos === 0 ? text : text.slice(pos);
  }

  /** Flushes the last line when the text does not end with a newline. */
  end(onLine: (text: string, terminator: string, line: number) => void): void {
    if (this.rest.length > 0) {
      const text = this.rest;
      this.rest = '';
      onLine(text, '', ++this.lineNumber);
    }
  }

  /** Number of lines completed so far. */
  get lines(): number {
    return this.lineNumber;
  }
}

/** A parser fed text chunk by chunk (the CSV and JSON Lines parsers). */
export interface ChunkParser<R> {
  push(chunk: string, out: R[]): void;
  end(out: R[]): void;
}

/**
 * Feeds the source's text to `parser` and yields the rows of each chunk. When a row is malformed,
 * the rows parsed before it in the same chunk are yielded first, then the error is thrown: nothing
 * already accepted is lost.
 * @example
 * for await (const batch of parsedBatches('data.csv', new CsvParser())) handle(batch);
 */
export async function* parsedBatches<R>(source: InputSource, parser: ChunkParser<R>): AsyncGenerator<R[]> {
  for await (const chunk of textChunks(source)) {
    const out: R[] = [];
    try {
      parser.push(chunk, out);
    } catch (error) {
      if (out.length > 0) yield out;
      throw error;
    }
    if (out.length > 0) yield out;
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
