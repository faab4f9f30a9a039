/**
 * Parses a field as a finite number: the trimmed text must be non-empty and `Number(text)` finite.
 * @returns the number, or `undefined` when the text is not a finite number.
 * @example
 * parseFiniteNumber(' 3.5 '); // 3.5
 * parseFiniteNumber('');      // undefined
 * parseFiniteNumber('NaN');   // undefined
 */
export function parseFiniteNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0) return undefined;
  const x = Number(trimmed);
  return Number.isFinite(x) ? x : undefined;
}

/**
 * @deprecated judges by one row: use {@link chooseScoredColumns}, which looks at a sample and says why
 * each column is left out.
 * The numeric columns of a CSV file: those whose value in the first data row parses as a finite number
 * (see {@link parseFiniteNumber}), in column order.
 * @param header the column names.
 * @param firstRow the first data row's fields.
 * @example
 * numericCsvColumns(['timestamp', 'value', 'host'], ['2014-07-01 00:00:00', '10844', 'a']); // ['value']
 */
export function numericCsvColumns(header: readonly string[], firstRow: readonly string[]): string[] {
  if (firstRow.length !== header.length) {
    throw new RangeError(`firstRow must have one field per column (${header.length}), got ${firstRow.length}`);
  }
  const out: string[] = [];
  for (let k = 0; k < header.length; k++) {
    if (parseFiniteNumber(firstRow[k]!) !== undefined) out.push(header[k]!);
  }
  return out;
}

/**
 * @deprecated judges by one record: use {@link chooseScoredColumns}.
 * The numeric columns of a JSON Lines file: the keys whose value in the first record is a finite number,
 * in key order.
 * @param firstRecord the first record.
 * @example
 * numericJsonlColumns({ t: '2014-07-01', value: 10844, ok: true }); // ['value']
 */
export function numericJsonlColumns(firstRecord: Readonly<Record<string, unknown>>): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(firstRecord)) {
    if (typeof value === 'number' && Number.isFinite(value)) out.push(key);
  }
  return out;
}

/**
 * A column {@link chooseScoredColumns} leaves out, and why (a short phrase for a message).
 * @example
 * const left: ExcludedColumn = { column: 'timestamp', reason: 'named like a timestamp' };
 */
export interface ExcludedColumn {
  /** The column's name. */
  readonly column: string;
  /** Why, e.g. `named like a timestamp` or `not numeric (row 3: 'abc')`. */
  readonly reason: string;
}

/** Names taken for timestamps (compared in lower case). */
const TIMESTAMP_NAMES: ReadonlySet<string> = new Set(['timestamp', 'time', 'ts', 'date', 'datetime', 'date_time', 'time_stamp', 'epoch']);
/** Names taken for identifiers (compared in lower case). */
const IDENTIFIER_NAMES: ReadonlySet<string> = new Set(['id', 'uuid', 'guid']);

/**
 * How a column's name marks it as not a measurement: `timestamp` for the names `timestamp`, `time`, `ts`,
 * `date`, `datetime`, `date_time`, `time_stamp`, `epoch` (any case) and the suffixes `_at` / `At`
 * (`created_at`, `createdAt`); `identifier` for `id`, `uuid`, `guid` (any case) and the suffixes
 * `_id` / `-id` / `_uuid` (any case) and `Id` / `ID` after a lower-case letter or digit (`userId`,
 * `userID`, but not `paid` or `valid`). Otherwise `undefined`.
 * @example
 * nameKind('Timestamp'); // 'timestamp'
 * nameKind('user_id');   // 'identifier'
 * nameKind('valid');     // undefined
 */
export function nameKind(name: string): 'timestamp' | 'identifier' | undefined {
  const n = name.trim();
  const lower = n.toLowerCase();
  if (TIMESTAMP_NAMES.has(lower) || lower.endsWith('_at') || /[a-z0-9]At$/.test(n)) return 'timestamp';
  if (IDENTIFIER_NAMES.has(lower) || /[_-](id|uuid)$/.test(lower) || /[a-z0-9](Id|ID)$/.test(n)) return 'identifier';
  return undefined;
}

/** Fewest numeric values a column needs before strictly increasing integers mark it as a timestamp or row id. */
const MIN_ROWS_FOR_INCREASING = 5;

/** Shows a sampled value in a reason: quoted and cut short. */
function show(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  if (text.length > 40) text = `${text.slice(0, 37)}...`;
  return `'${text}'`;
}

/**
 * Chooses the columns to score from the header and a sample of the first rows, and says why each other
 * column is left out. A column is scored when all of these hold:
 * - it is not `options.timeColumn` (reason `the --time column`);
 * - its name does not mark it as a timestamp or an identifier (see {@link nameKind}; reasons
 *   `named like a timestamp`, `named like an identifier`);
 * - at least one sampled value is present (`null`, `undefined` and blank strings are missing; reason
 *   `empty in the first N rows`);
 * - every present value is a number: a finite JSON number, or a string that {@link parseFiniteNumber}
 *   reads (reason `not numeric (row 3: 'abc')`, the row counted from 1 in the sample); so a missing or
 *   odd value in the first row alone does not decide;
 * - its values are not strictly increasing integers, when there are at least 5 of them (reason
 *   `strictly increasing integers (looks like a timestamp or row id)`).
 *
 * @param header the column names, in order.
 * @param sample up to the first 100 data rows, each an array aligned with `header`: the fields' text for
 * CSV, the record's values for JSON Lines (any JSON value; a short row reads as missing values).
 * @param options `timeColumn`, the column holding the time (never scored).
 * @returns the scored columns in header order, and the excluded ones in header order with a reason.
 * @example
 * chooseScoredColumns(['timestamp', 'value', 'host', 'seq'], [
 *   ['2014-07-01 00:00:00', '', 'a', '1'],
 *   ['2014-07-01 00:30:00', '10844', 'b', '2'],
 *   ['2014-07-01 01:00:00', '8127', 'a', '3'],
 *   ['2014-07-01 01:30:00', '6210', 'a', '4'],
 *   ['2014-07-01 02:00:00', '4656', 'b', '5'],
 * ]);
 * // { scored: ['value'], excluded: [
 * //   { column: 'timestamp', reason: 'named like a timestamp' },
 * //   { column: 'host', reason: "not numeric (row 1: 'a')" },
 * //   { column: 'seq', reason: 'strictly increasing integers (looks like a timestamp or row id)' } ] }
 */
export function chooseScoredColumns(
  header: readonly string[],
  sample: ReadonlyArray<ReadonlyArray<unknown>>,
  options: { readonly timeColumn?: string } = {},
): { scored: string[]; excluded: Array<{ column: string; reason: string }> } {
  const scored: string[] = [];
  const excluded: Array<{ column: string; reason: string }> = [];
  for (let k = 0; k < header.length; k++) {
    const column = header[k]!;
    const reason = exclusionReason(column, k, sample, options.timeColumn);
    if (reason === undefined) scored.push(column);
    else excluded.push({ column, reason });
  }
  return { scored, excluded };
}

function exclusionReason(column: string, k: number, sample: ReadonlyArray<ReadonlyArray<unknown>>, timeColumn: string | undefined): string | undefined {
  if (timeColumn !== undefined && column === timeColumn) return 'the --time column';
  const kind = nameKind(column);
  if (kind === 'timestamp') return 'named like a timestamp';
  if (kind === 'identifier') return 'named like an identifier';
  let present = 0;
  let increasing = true;
  let previous = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < sample.length; r++) {
    const value = sample[r]![k];
    let x: number | undefined;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return `not numeric (row ${r + 1}: ${show(value)})`;
      x = value;
    } else if (typeof value === 'string') {
      if (value.trim().length === 0) continue;
      x = parseFiniteNumber(value);
      if (x === undefined) return `not numeric (row ${r + 1}: ${show(value)})`;
    } else if (value === null || value === undefined) {
      continue;
    } else {
      return `not numeric (row ${r + 1}: ${show(value)})`;
    }
    present++;
    if (increasing && (!Number.isInteger(x) || x <= previous)) increasing = false;
    previous = x;
  }
  if (present === 0) return `empty in the first ${sample.length} rows`;
  if (increasing && present >= MIN_ROWS_FOR_INCREASING) return 'strictly increasing integers (looks like a timestamp or row id)';
  return undefined;
}
