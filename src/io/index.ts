/**
 * Streaming input and output: CSV and JSON Lines readers (constant memory, file line numbers in every row
 * and error) and writers (shortest round-trip numbers, backpressure).
 * @example
 * import { CsvReader, CsvWriter } from './io/index.js';
 * const reader = new CsvReader('in.csv');
 * const out = new CsvWriter(process.stdout);
 * await out.writeRow([...(await reader.header()), 'n']);
 * for await (const row of reader) await out.writeRow([...row.fields, row.line]);
 * await out.close({ end: false });
 * @module
 */
export { InputError, RowReader, DEFAULT_MAX_RECORD_SIZE, type InputSource } from './source.js';
export { CsvReader, CsvParser, readCsv, type CsvRow, type CsvReaderOptions } from './csv-reader.js';
export { JsonlReader, JsonlParser, readJsonl, jsonNestingDepth, DEFAULT_MAX_DEPTH, type JsonlRow, type JsonlReaderOptions } from './jsonl-reader.js';
export {
  CsvWriter,
  JsonlWriter,
  formatCsvField,
  formatCsvRow,
  type CsvWriterOptions,
  type WriterOptions,
  type WritableLike,
  type FieldValue,
} from './writers.js';
export { parseFiniteNumber, numericCsvColumns, numericJsonlColumns, chooseScoredColumns, nameKind, type ExcludedColumn } from './columns.js';
