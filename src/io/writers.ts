/**
 * The part of a Node `Writable` the writers use (`process.stdout`, `fs.createWriteStream(...)`, ...).
 */
export interface WritableLike {
  write(chunk: string): boolean;
  end(callback?: () => void): unknown;
  once(event: 'drain' | 'error' | 'close' | 'finish', listener: (...args: unknown[]) => void): unknown;
  on(event: 'error', listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** A value a writer accepts for one field. Numbers are written as `String(x)` (shortest round trip). */
export type FieldValue = string | number | bigint | boolean | null | undefined;

/** Options shared by {@link CsvWriter} and {@link JsonlWriter}. */
export interface WriterOptions {
  /**
   * Characters to collect before handing them to the stream (default 65536). 0 writes every row at once.
   * Call `flush()` to push what is collected (for example before reporting an error).
   */
  readonly bufferSize?: number;
}

/** Options of {@link CsvWriter}. */
export interface CsvWriterOptions extends WriterOptions {
  /** Field delimiter, one character (default `,`). */
  readonly delimiter?: string;
  /** Line terminator (default `\n`). */
  readonly eol?: '\n' | '\r\n';
}

/**
 * Formats one CSV field, quoting only when needed (the field holds the delimiter, a quote, CR or LF).
 * Numbers use `String(x)`, `null`/`undefined` give an empty field.
 * @example
 * formatCsvField('a,b'); // '"a,b"'
 * formatCsvField(0.1 + 0.2); // '0.30000000000000004'
 */
export function formatCsvField(value: FieldValue, delimiter: string = ','): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  if (text.indexOf('"') >= 0) return `"${text.replaceAll('"', '""')}"`;
  if (text.indexOf(delimiter) >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) return `"${text}"`;
  return text;
}

/**
 * Formats a CSV row (without its line terminator).
 * @example
 * formatCsvRow(['x', 1.5, 'say "hi"']); // 'x,1.5,"say ""hi"""'
 */
export function formatCsvRow(values: readonly FieldValue[], delimiter: string = ','): string {
  let line = '';
  for (let k = 0; k < values.length; k++) {
    if (k > 0) line += delimiter;
    line += formatCsvField(values[k], delimiter);
  }
  return line;
}

abstract class BufferedWriter {
  private buffer = '';
  private readonly bufferSize: number;
  private failure: unknown;
  private readonly onError = (e: unknown): void => {
    this.failure ??= e;
  };

  constructor(
    protected readonly out: WritableLike,
    options: WriterOptions,
  ) {
    const size = options.bufferSize ?? 65536;
    if (!Number.isInteger(size) || size < 0) {
      throw new RangeError(`bufferSize must be an integer >= 0, got ${String(size)}`);
    }
    this.bufferSize = size;
    out.on('error', this.onError);
  }

  protected async put(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= this.bufferSize) await this.flush();
  }

  /** Hands everything collected to the stream, waiting for 'drain' if the stream asks to. */
  async flush(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.buffer.length === 0) return;
    const text = this.buffer;
    this.buffer = '';
    if (!this.out.write(text)) await waitDrain(this.out);
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * Flushes, then ends the stream and waits until it has finished (pass `end: false` to leave it open,
   * as for `process.stdout`).
   */
  async close(options: { readonly end?: boolean } = {}): Promise<void> {
    await this.flush();
    this.out.removeListener('error', this.onError);
    if (options.end === false) return;
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(() => resolve());
    });
  }
}

async function waitDrain(out: WritableLike): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      out.removeListener('drain', done);
      out.removeListener('close', closed);
      out.removeListener('error', failed);
      resolve();
    };
    const closed = (): void => {
      out.removeListener('drain', done);
      out.removeListener('error', failed);
      reject(new Error('output stream closed before it drained'));
    };
    const failed = (e: unknown): void => {
      out.removeListener('drain', done);
      out.removeListener('close', closed);
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    out.once('drain', done);
    out.once('close', closed);
    out.once('error', failed);
  });
}

/**
 * Writes CSV to a stream, quoting only when needed and writing numbers as `String(x)` (shortest
 * round-trip form), with backpressure: `writeRow` resolves once the stream can take more.
 * @example
 * const csv = new CsvWriter(process.stdout);
 * await csv.writeRow(['timestamp', 'value', 'ANOMALY_SCORE']);
 * await csv.writeRow(['2014-07-01 00:00:00', 10844, 0.8125]);
 * await csv.close({ end: false });
 */
export class CsvWriter extends BufferedWriter {
  private readonly delimiter: string;
  private readonly eol: string;

  /**
   * @param out the destination stream.
   * @param options delimiter, line terminator, buffer size.
   */
  constructor(out: WritableLike, options: CsvWriterOptions = {}) {
    super(out, options);
    const delimiter = options.delimiter ?? ',';
    if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new RangeError(`delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`);
    }
    const eol = options.eol ?? '\n';
    if (eol !== '\n' && eol !== '\r\n') throw new RangeError(`eol must be "\\n" or "\\r\\n", got ${JSON.stringify(eol)}`);
    this.delimiter = delimiter;
    this.eol = eol;
  }

  /** Writes one row (the header is just the first row). */
  writeRow(values: readonly FieldValue[]): Promise<void> {
    return this.put(formatCsvRow(values, this.delimiter) + this.eol);
  }
}

/**
 * Writes JSON Lines (one `JSON.stringify` object per line; JSON numbers are already in shortest
 * round-trip form), with backpressure.
 * @example
 * const out = new JsonlWriter(fs.createWriteStream('scores.jsonl'));
 * await out.write({ t: 1, value: 3.5, ANOMALY_SCORE: 0.92 });
 * await out.close();
 */
export class JsonlWriter extends BufferedWriter {
  /**
   * @param out the destination stream.
   * @param options buffer size.
   */
  constructor(out: WritableLike, options: WriterOptions = {}) {
    super(out, options);
  }

  /** Writes one record. */
  write(record: Readonly<Record<string, unknown>>): Promise<void> {
    return this.put(JSON.stringify(record) + '\n');
  }
}
