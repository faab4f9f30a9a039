/**
 * Output records of the stream layer: null-prototype objects, so that every property name, including
 * `__proto__`, `constructor` and `toString`, is an ordinary column.
 * @module
 * @internal
 */

/** A record the stream layer builds: a null-prototype object. */
export type RowRecord = Record<string, unknown>;

/**
 * A new null-prototype record. Plain assignment on it defines own data properties for any name (there
 * is no inherited `__proto__` setter to hit).
 * @example
 * ```ts
 * const out = newRecord();
 * out['__proto__'] = 1; // an own property named "__proto__"
 * ```
 */
export function newRecord(): RowRecord {
  return Object.create(null) as RowRecord;
}

/**
 * A null-prototype copy of `row`'s own enumerable properties (a getter is read once), in key order.
 * @example
 * ```ts
 * const copy = copyRecord(JSON.parse('{"__proto__": 5, "a": 1}'));
 * Object.keys(copy); // ['__proto__', 'a']
 * ```
 */
export function copyRecord(row: object): RowRecord {
  return Object.assign(newRecord(), row);
}

/**
 * The value of `row`'s column `name`: an own `__proto__` property for that name (never the object's
 * prototype), the property (own or inherited, e.g. a class getter) for any other name.
 * @example
 * ```ts
 * field({}, '__proto__');                             // undefined, not Object.prototype
 * field(JSON.parse('{"__proto__": 5}'), '__proto__'); // 5
 * ```
 */
export function field(row: object, name: string): unknown {
  if (name === '__proto__') {
    const own = Object.getOwnPropertyDescriptor(row, name);
    return own === undefined ? undefined : own.get !== undefined ? own.get.call(row) : own.value;
  }
  return (row as RowRecord)[name];
}
