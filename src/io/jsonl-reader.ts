import { InputError, LineSplitter, RowReader, checkMaxRecordSize, tooLongReason, type ChunkParser, type InputSource } from './source.js';

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
  /**
   * Longest line accepted, in UTF-8 bytes (default 1,048,576 = 1 MiB): a longer one raises an
   * {@link InputError} naming it as soon as the limit is passed, without holding the rest of it.
   */
  readonly maxRecordSize?: number;
  /**
   * Deepest nesting of arrays and objects accepted in a line (default 64; the record itself is depth 1):
   * deeper values raise an {@link InputError} naming the line, instead of overflowing the stack later
   * when the value is written out.
   */
  readonly maxDepth?: number;
}

/**
 * Default of {@link JsonlReaderOptions.maxDepth}.
 * @example
 * new JsonlReader('nested.jsonl', { maxDepth: 2 * DEFAULT_MAX_DEPTH });
 */
export const DEFAULT_MAX_DEPTH = 64;

/**
 * How deep the arrays and objects of a JSON text nest (outside strings), stopping as soon as `max` is
 * passed: a linear scan that allocates nothing.
 * @returns the depth reached, at most `max + 1`.
 * @example
 * jsonNestingDepth('{"a":[1,{"b":"[["}]}', 64); // 3
 */
export function jsonNestingDepth(text: string, max: number): number {
  let depth = 0;
  let deepest = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < n; i++) {
        const s = text.charCodeAt(i);
        if (s === 92 /* \\ */) i++;
        else if (s === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > max) return deepest;
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    }
  }
  return deepest;
}

/**
 * The synchronous core of the JSON Lines reader: feed it text, get records. Each record is a
 * null-prototype copy of the line's object, so that keys such as `__proto__` or `constructor` are
 * ordinary keys.
 * @example
 * const parser = new JsonlParser('inline');
 * const rows: JsonlRow[] = [];
 * parser.push('{"a":1}\n\n{"a":2}', rows);
 * parser.end(rows);
 * rows.map((r) => r.line); // [1, 3]
 */
export class JsonlParser {
  private readonly lines: LineSplitter;
  private out: JsonlRow[] = [];
  private readonly onLine: (text: string, terminator: string, line: number) => void;
  private readonly name: string;
  private readonly maxDepth: number;
  private first = true;

  /**
   * @param options the source's name in error messages, longest line, deepest nesting (a string is
   * taken as the name, as before).
   */
  constructor(options: string | JsonlReaderOptions = {}) {
    const o: JsonlReaderOptions = typeof options === 'string' ? { name: options } : options;
    this.name = o.name ?? '<input>';
    const maxDepth = o.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!Number.isInteger(maxDepth) || maxDepth < 1) throw new RangeError(`maxDepth must be a positive integer, got ${String(maxDepth)}`);
    this.maxDepth = maxDepth;
    const maxSize = checkMaxRecordSize(o.maxRecordSize);
    this.lines = new LineSplitter(maxSize, (line) => {
      throw new InputError(this.name, line, tooLongReason(maxSize, 'line'));
    });
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
    const first = this.first;
    this.first = false;
    if (text.length > this.maxDepth && jsonNestingDepth(text, this.maxDepth) > this.maxDepth) {
      throw new InputError(this.name, line, `arrays and objects nested deeper than ${this.maxDepth} levels (the maxDepth limit)`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new InputError(this.name, line, `invalid JSON: ${e instanceof Error ? e.message : String(e)}${first ? csvHint(text) : ''}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
      throw new InputError(this.name, line, `expected a JSON object, found ${found}${first ? csvHint(text) : ''}`);
    }
    this.out.push({ line, record: nullPrototypeCopy(value as Record<string, unknown>) });
  }
}

/** For a first line that is not a JSON object: a hint unless it opens an object or array (a broken one). */
function csvHint(text: string): string {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) return '';
  return ' (this looks like CSV, not JSON Lines: read it with --format csv)';
}

/**
 * Copies an object's own enumerable keys into a null-prototype object. Plain assignment is safe there:
 * with no `Object.prototype` above it, `__proto__` is an ordinary key, not the prototype setter.
 */
function nullPrototypeCopy(value: Record<string, unknown>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) out[key] = value[key];
  return out;
}

/**
 * A streaming JSON Lines reader: one JSON object per line, blank lines skipped (but counted in line
 * numbers), constant memory, linear time. A line that is not a JSON object, is longer than
 * `maxRecordSize` or nests deeper than `maxDepth` raises an {@link InputError} naming it. Records are
 * null-prototype objects. An empty input yields no rows (as a {@link CsvReader} does).
 * @example
 * const reader = new JsonlReader(process.stdin, { name: 'stdin' });
 * const first = await reader.sample(100); // look ahead, nothing consumed
 * for await (const { line, record } of reader) console.log(line, record);
 */
export class JsonlReader extends RowReader<JsonlRow> {
  private readonly parser: JsonlParser;

  /**
   * @param source a file path, or a stream/async iterable of text or bytes.
   * @param options name for error messages, longest line, deepest nesting.
   */
  constructor(source: InputSource, options: JsonlReaderOptions = {}) {
    super(source, options.name);
    this.parser = new JsonlParser({ ...options, name: this.name });
  }

  protected override makeParser(): ChunkParser<JsonlRow> {
    return this.parser;
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
