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
