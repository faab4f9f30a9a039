/**
 * Unknown options: in plain JavaScript a misspelt option (`numTrees`, `windowSize`) would otherwise be
 * ignored silently. Each options object is checked against the names its operator reads.
 * @module
 * @internal
 */

/** Levenshtein distance between `a` and `b` (case-insensitive). */
function distance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const substitution = (previous[j - 1] as number) + (s[i - 1] === t[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[t.length] as number;
}

/**
 * The valid name closest to `name` by edit distance (ties: the first in `valid`).
 * @example
 * ```ts
 * closestName('numTrees', ['numberOfTrees', 'seed']); // 'numberOfTrees'
 * ```
 */
export function closestName(name: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of valid) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

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
