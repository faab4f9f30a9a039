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

const OBJECT_PROTOTYPE = Object.prototype as unknown as RowRecord;

/**
 * The value of `row`'s column `name`: the property, own or inherited (a class getter is a column),
 * except what every object inherits from `Object.prototype`: a row without its own `__proto__`,
 * `constructor`, `toString`, ... column has the value `undefined` there (a missing column), never
 * its prototype or a built-in method.
 * @example
 * ```ts
 * field({}, '__proto__');                             // undefined, not Object.prototype
 * field({}, 'toString');                              // undefined, not Object.prototype.toString
 * field(JSON.parse('{"__proto__": 5}'), '__proto__'); // 5
 * ```
 */
export function field(row: object, name: string): unknown {
  if (name === '__proto__') {
    const own = Object.getOwnPropertyDescriptor(row, name);
    return own === undefined ? undefined : own.get !== undefined ? own.get.call(row) : own.value;
  }
  const value = (row as RowRecord)[name];
  if (typeof value === 'function' && value === OBJECT_PROTOTYPE[name] && !Object.hasOwn(row, name)) return undefined;
  return value;
}
