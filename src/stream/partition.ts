/**
 * Partition keys. A key value must be a primitive: a string, number, boolean, bigint, `null` or
 * `undefined` (a missing column or an undefined value, a key of its own, distinct from `null`); or a
 * valid `Date`, compared by its time. Values compare as `Map` keys do (SameValueZero: `NaN` equals
 * `NaN`, `0` equals `-0`). Anything else (a plain object, array, Map, Invalid Date, function, symbol) raises an {@link InvalidRowError} naming the row and the
 * column, rather than merging partitions that differ.
 * @module
 * @internal
 */
import { InvalidRowError } from './errors.js';
import { field, newRecord, type RowRecord } from './records.js';

/** What a partition key value may be. */
const KEY_RULE = 'is not a valid partition key: it must be a string, number, boolean, bigint, null, undefined or a valid Date';

function encode(value: unknown, position: number, column: string): string {
  switch (typeof value) {
    case 'undefined':
      return 'u';
    case 'string':
      return `s${JSON.stringify(value)}`;
    case 'number':
      return `n${String(value)}`; // String(-0) === "0"; every NaN encodes the same
    case 'bigint':
      return `b${value}`;
    case 'boolean':
      return value ? 't' : 'f';
    default:
      if (value === null) return 'l';
      if (value instanceof Date && !Number.isNaN(value.getTime())) return `d${value.getTime()}`;
      throw new InvalidRowError(position, column, value, KEY_RULE);
  }
}

/** A row's partition: its key string and the values of its partition columns (a null-prototype record). */
export interface PartitionKey {
  key: string;
  values: RowRecord;
}

/**
 * Builds the function giving a row's partition key; it throws {@link InvalidRowError} for a key value
 * that is not a primitive.
 * @example
 * ```ts
 * partitionKey(['host'])({ host: 'a', x: 1 }, 1).key; // 's"a",'
 * ```
 */
export function partitionKey(columns: readonly string[]): (row: object, position: number) => PartitionKey {
  if (columns.length === 0) return () => ({ key: '', values: newRecord() });
  return (row, position) => {
    const values = newRecord();
    let key = '';
    for (const column of columns) {
      const value = field(row, column);
      values[column] = value;
      key += `${encode(value, position, column)},`;
    }
    return { key, values };
  };
}

/**
 * Remembers the order in which keys first appeared.
 * @example
 * ```ts
 * const order = new KeyOrder();
 * order.rank('b'); order.rank('a'); order.rank('b'); // 0, 1, 0
 * ```
 */
export class KeyOrder {
  private readonly order = new Map<string, number>();

  /** The key's rank: 0 for the first key seen, 1 for the next, ... */
  rank(key: string): number {
    let rank = this.order.get(key);
    if (rank === undefined) {
      rank = this.order.size;
      this.order.set(key, rank);
    }
    return rank;
  }
}
