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
export { InputError, type InputSource } from './source.js';
export { CsvReader, CsvParser, readCsv, type CsvRow, type CsvReaderOptions } from './csv-reader.js';
export { JsonlReader, JsonlParser, readJsonl, type JsonlRow, type JsonlReaderOptions } from './jsonl-reader.js';
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
export { parseFiniteNumber, numericCsvColumns, numericJsonlColumns } from './columns.js';
