/**
 * Partition keys: rows compare by the values of their partition columns (Dates by their time, a
 * missing column is the key `undefined`).
 * @module
 * @internal
 */

function encode(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'u';
    case 'string':
      return `s${JSON.stringify(value)}`;
    case 'number':
      return `n${String(value)}`; // String(-0) === "0"
    case 'bigint':
      return `b${value}`;
    case 'boolean':
      return value ? 't' : 'f';
    case 'symbol':
      return `y${String(value.description)}`;
    case 'function':
      return `F${value.name}`;
    default:
      if (value === null) return 'l';
      if (value instanceof Date) return `d${value.getTime()}`;
      try {
        return `o${JSON.stringify(value)}`;
      } catch {
        return `o${Object.prototype.toString.call(value)}`;
      }
  }
}

/** A row's partition: its key string and the values of its partition columns. */
export interface PartitionKey {
  key: string;
  values: Record<string, unknown>;
}

/** Builds the function giving a row's partition key. */
export function partitionKey(columns: readonly string[]): (row: Record<string, unknown>) => PartitionKey {
  if (columns.length === 0) return () => ({ key: '', values: {} });
  return (row) => {
    const values: Record<string, unknown> = {};
    let key = '';
    for (const column of columns) {
      const value = row[column];
      values[column] = value;
      key += `${encode(value)},`;
    }
    return { key, values };
  };
}

/** Remembers the order in which keys first appeared. */
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
