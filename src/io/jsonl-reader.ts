import { InputError, LineSplitter, parsedBatches, sourceName, type InputSource } from './source.js';

/**
 * One record of a JSON Lines file.
 * @example
 * for await (const row of new JsonlReader('data.jsonl')) console.log(row.line, row.record.value);
 */
export interface JsonlRow {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The parsed JSON object. */
  readonly record: Readonly<Record<string, unknown>>;
}

/** Options of {@link JsonlReader}. */
export interface JsonlReaderOptions {
  /** Name of the source in error messages (default: the path, or `<stream>`). */
  readonly name?: string;
}

/**
 * The synchronous core of the JSON Lines reader: feed it text, get records.
 * @example
 * const parser = new JsonlParser('inline');
 * const rows: JsonlRow[] = [];
 * parser.push('{"a":1}\n\n{"a":2}', rows);
 * parser.end(rows);
 * rows.map((r) => r.line); // [1, 3]
 */
export class JsonlParser {
  private readonly lines = new LineSplitter();
  private out: JsonlRow[] = [];
  private readonly onLine: (text: string, terminator: string, line: number) => void;

  /** @param name the source's name in error messages. */
  constructor(private readonly name: string = '<input>') {
    this.onLine = (text, _terminator, line) => this.handleLine(text, line);
  }

  /** Parses a chunk of text; appends the completed records to `out`. */
  push(chunk: string, out: JsonlRow[]): void {
    this.out = out;
    this.lines.push(chunk, this.onLine);
  }

  /** Signals the end of the text; appends the last record to `out`. */
  end(out: JsonlRow[]): void {
    this.out = out;
    this.lines.end(this.onLine);
  }

  private handleLine(text: string, line: number): void {
    if (text.trim().length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new InputError(this.name, line, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InputError(this.name, line, `expected a JSON object, found ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
    }
    this.out.push({ line, record: value as Record<string, unknown> });
  }
}

/**
 * A streaming JSON Lines reader: one JSON object per line, blank lines skipped (but counted in line
 * numbers), constant memory. A line that is not a JSON object raises an {@link InputError} naming it.
 * @example
 * for await (const { line, record } of new JsonlReader(process.stdin, { name: 'stdin' })) {
 *   console.log(line, record);
 * }
 */
export class JsonlReader implements AsyncIterable<JsonlRow> {
  /** The name used in error messages. */
  readonly name: string;
  private readonly source: InputSource;
  private started = false;

  /**
   * @param source a file path, or a stream/async iterable of text or bytes.
   * @param options name for error messages.
   */
  constructor(source: InputSource, options: JsonlReaderOptions = {}) {
    this.name = sourceName(source, options.name);
    this.source = source;
  }

  /** Yields the records in batches (one per chunk read). */
  async *batches(): AsyncGenerator<JsonlRow[]> {
    if (this.started) throw new Error(`${this.name}: a JsonlReader can be iterated only once`);
    this.started = true;
    yield* parsedBatches(this.source, new JsonlParser(this.name));
  }

  /** Yields the records one by one. */
  async *[Symbol.asyncIterator](): AsyncGenerator<JsonlRow> {
    for await (const batch of this.batches()) {
      for (const row of batch) yield row;
    }
  }
}

/**
 * Reads a JSON Lines source record by record (shorthand for `new JsonlReader(source, options)`).
 * @example
 * for await (const row of readJsonl('data.jsonl')) console.log(row.record);
 */
export function readJsonl(source: InputSource, options: JsonlReaderOptions = {}): JsonlReader {
  return new JsonlReader(source, options);
}
