/**
 * Unknown options: in plain JavaScript a misspelt option (`numTrees`, `windowSize`) would otherwise be
 * ignored silently. Each options object is checked against the names its operator reads.
 * @module
 * @internal
 */
import { closestName } from '../forest/options.js';

/**
 * Throws a `TypeError` for the first own enumerable key of `options` that is not in `valid`, naming
 * it, the closest valid name and all of them. `prefix` names a nested object (`"checkpoint."`).
 * @example
 * ```ts
 * checkKnownOptions('tumblingWindows', { windowSize: 5 }, ['size', 'time']);
 * // TypeError: tumblingWindows: unknown option "windowSize" (did you mean "size"? valid options: size, time)
 * ```
 */
export function checkKnownOptions(operator: string, options: object, valid: readonly string[], prefix = ''): void {
  for (const key of Object.keys(options)) {
    if (valid.includes(key)) continue;
    const closest = closestName(key, valid);
    const hint = closest === undefined ? '' : `did you mean "${prefix}${closest}"? `;
    throw new TypeError(
      `${operator}: unknown option "${prefix}${key}" (${hint}valid options: ${valid.map((v) => prefix + v).join(', ')})`,
    );
  }
}
