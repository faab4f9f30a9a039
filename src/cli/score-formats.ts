/**
 * What differs between CSV and JSON Lines for `rcf score`: reading rows (with a look-ahead sample),
 * naming the columns, reading the scored values with file:line errors, and writing scored rows. The
 * scoring loop in `score.ts` is shared.
 * @module
 */
import { parseFiniteNumber } from '../io/columns.js';
import { CsvReader, type CsvRow } from '../io/csv-reader.js';
import { JsonlReader, type JsonlRow } from '../io/jsonl-reader.js';
import { InputError } from '../io/source.js';
import { CsvWriter, JsonlWriter, type FieldValue, type WritableLike } from '../io/writers.js';
import { MAX_BOX_VALUE } from '../forest/tree.js';
import { UsageError } from './common.js';
import { Lookahead } from './lookahead.js';

/** One row of either format, with its file line. */
export interface InputRow {
  readonly line: number;
}

/** A field as given to column detection. */
export type SampleField = unknown;

/**
 * The reading and writing side of one input format.
 * @typeParam R the reader's row type.
 */
export interface InputFormat<R extends InputRow> {
  /** The rows, with a look-ahead for sampling. */
  readonly rows: Lookahead<R>;
  /** The column names: the CSV header, or the keys of the sampled JSON records in order of appearance. */
  columnNames(sample: readonly R[]): string[];
  /** The row's values aligned with `names` (for column detection). */
  fields(row: R, names: readonly string[]): SampleField[];
  /** Approximate size of the row in the file, in bytes (for the progress line). */
  rowBytes(row: R): number;
  /**
   * Fills `record` with the row's scored values.
   * @returns undefined, or the error naming file, line and column when a value is not a number.
   */
  read(row: R, columns: readonly string[], record: Record<string, number>): InputError | undefined;
  /** The row's value in `column` as read (a CSV field's text, a JSON value; undefined when absent). */
  value(row: R, column: string): unknown;
  /** Starts writing to `sink` (the CSV header first unless `writeHeader` is false). */
  start(sink: WritableLike, writeHeader: boolean): Promise<void>;
  /** Writes the row with the values of the appended columns, in {@link FormatOptions.appended} order (null: not scored). */
  write(row: R, values: readonly FieldValue[]): Promise<void>;
  /** Hands all written rows to the sink. */
  flush(): Promise<void>;
}

/** Options of the format readers. */
export interface FormatOptions {
  /** Name of the input in messages. */
  readonly name: string;
  /** The columns appended to every row: `ANOMALY_SCORE` (and `ANOMALY_EXPLANATION`, or the detector's columns). */
  readonly appended: readonly string[];
  /** Longest record accepted, in bytes. */
  readonly maxRecordSize: number;
}

const invalid = (name: string, line: number, column: string, got: string) =>
  new InputError(name, line, `not a finite number within +-${MAX_BOX_VALUE} (got ${got})`, column);

/**
 * The CSV side. Reads the header first.
 * @throws InputError for a malformed or missing header (an empty input).
 */
export async function csvFormat(source: AsyncIterable<Uint8Array>, options: FormatOptions): Promise<InputFormat<CsvRow> & { header: readonly string[] }> {
  const readerOptions = { name: options.name, maxRecordSize: options.maxRecordSize };
  const reader = new CsvReader(source, readerOptions);
  const header = await reader.header();
  let writer: CsvWriter | undefined;
  let indexes: number[] = [];
  let indexed: readonly string[] = [];
  const out: FieldValue[] = [];
  return {
    header,
    rows: new Lookahead(reader),
    columnNames: () => [...header],
    fields: (row) => row.fields as string[],
    rowBytes: (row) => Buffer.byteLength(row.fields.join(',')) + 1,
    value: (row, column) => {
      const i = header.indexOf(column);
      return i < 0 ? undefined : row.fields[i];
    },
    read(row, columns, record) {
      if (indexed !== columns) {
        indexes = columns.map((c) => header.indexOf(c));
        indexed = columns;
      }
      for (let j = 0; j < indexes.length; j++) {
        const text = row.fields[indexes[j]!]!;
        const value = parseFiniteNumber(text);
        if (value === undefined || !(Math.abs(value) <= MAX_BOX_VALUE)) return invalid(options.name, row.line, columns[j]!, JSON.stringify(text));
        record[columns[j]!] = value;
      }
      return undefined;
    },
    async start(sink, writeHeader) {
      writer = new CsvWriter(sink);
      if (writeHeader) await writer.writeRow([...header, ...options.appended]);
    },
    write(row, values) {
      out.length = 0;
      for (const f of row.fields) out.push(f);
      for (const v of values) out.push(v);
      return writer!.writeRow(out);
    },
    flush: () => writer?.flush() ?? Promise.resolve(),
  };
}

/** The JSON Lines side. */
export function jsonlFormat(source: AsyncIterable<Uint8Array>, options: FormatOptions): InputFormat<JsonlRow> {
  const readerOptions = { name: options.name, maxRecordSize: options.maxRecordSize };
  let writer: JsonlWriter | undefined;
  return {
    rows: new Lookahead(new JsonlReader(source, readerOptions)),
    columnNames(sample) {
      const names = new Set<string>();
      for (const row of sample) for (const key of Object.keys(row.record)) names.add(key);
      return [...names];
    },
    fields(row, names) {
      return names.map((k) => {
        if (!Object.hasOwn(row.record, k)) return undefined;
        const v = row.record[k];
        // only JSON numbers are scored: a numeric string is shown quoted, so that it reads as not numeric
        if (typeof v === 'string' && parseFiniteNumber(v) !== undefined) return JSON.stringify(v);
        return v;
      });
    },
    rowBytes: (row) => Buffer.byteLength(JSON.stringify(row.record)) + 1,
    value: (row, column) => (Object.hasOwn(row.record, column) ? row.record[column] : undefined),
    read(row, columns, record) {
      for (const c of columns) {
        const v = Object.hasOwn(row.record, c) ? row.record[c] : undefined;
        if (typeof v !== 'number' || !(Math.abs(v) <= MAX_BOX_VALUE)) {
          return invalid(options.name, row.line, c, v === undefined ? 'nothing' : JSON.stringify(v));
        }
        record[c] = v;
      }
      return undefined;
    },
    async start(sink) {
      writer = new JsonlWriter(sink);
    },
    write(row, values) {
      const output = Object.create(null) as Record<string, unknown>;
      Object.assign(output, row.record);
      options.appended.forEach((column, j) => (output[column] = values[j]));
      return writer!.write(output);
    },
    flush: () => writer?.flush() ?? Promise.resolve(),
  };
}

/**
 * Checks that every name in `wanted` is a column of the input.
 * @throws UsageError such as `--columns: "nosuch" not in the header (a, b)`.
 */
export function assertColumnsExist(flag: string, wanted: readonly string[], names: readonly string[], where: string): void {
  const missing = wanted.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new UsageError(`${flag}: ${missing.map((c) => JSON.stringify(c)).join(', ')} not in ${where} (${names.join(', ')})`);
  }
}
