/**
 * Options of a {@link RandomCutForest}: KDA's defaults and allowed ranges, and their validation.
 * @module
 */

/**
 * Options accepted by the `RandomCutForest` constructor. Every field but `dimensions` is optional.
 * @example
 * const options: RandomCutForestOptions = { dimensions: 3, shingleSize: 4, timeDecay: 2560, seed: 'prod-1' };
 */
export interface RandomCutForestOptions {
  /** Values per input record (the forest shingles them internally). Integer, 1 to 1000. */
  dimensions: number;
  /** Records per shingle (KDA's shingleSize). Integer, 1 to 30 as in KDA; up to 256 here. Default 1. */
  shingleSize?: number;
  /** Trees in the forest (KDA's numberOfTrees). Integer, 1 to 1000. Default 100. */
  numberOfTrees?: number;
  /**
   * Points each tree samples (KDA's subSampleSize). Integer; KDA allows 10 to 1000, this library
   * 2 to 4096. Must be less than `timeDecay`. Default 256.
   */
  subSampleSize?: number;
  /**
   * How many points (shingles when shingling) the sample remembers: the sampler's decay rate is
   * `1 / timeDecay`. Number, 1 to 2147483647 as in KDA, and greater than `subSampleSize`.
   * Default 100000.
   */
  timeDecay?: number;
  /**
   * Scores are 0 until this many points have reached the trees. Integer, 1 to 2147483647.
   * Default `subSampleSize` (KDA's warm-up).
   */
  outputAfter?: number;
  /**
   * Seed of every random choice: the same seed and the same input give bit-identical scores on any
   * machine. A number and its decimal string are the same seed. Default: a random seed, as in KDA.
   */
  seed?: number | string;
  /**
   * Memory against speed (not a KDA parameter): a tree keeps the bounding box of a subtree only when
   * the subtree holds at least this many sampled points; smaller subtrees' boxes are recomputed from
   * their points when a score, insert or delete needs them. Integer, 1 to 4096. Scores are
   * bit-identical for every value. Default (`defaultBoxCacheMinMass`):
   * - 3 for points of two or more coordinates: every box is kept but those of two-point subtrees (a
   *   third of them), which are computed exactly from their two points (1 and 2 act as 3). Larger
   *   values save memory at a large cost in speed (see the README's performance section);
   * - `subSampleSize + 1` (no box kept) for one-coordinate points (`dimensions x shingleSize = 1`):
   *   a one-dimensional subtree's box runs from its leftmost leaf's point to its rightmost leaf's,
   *   found in a walk of the subtree's height, so a cache saves less time than elsewhere (config A
   *   of the benchmark: process about a fifth slower without it) for a fifth of the memory (0.24 MB
   *   of a 100-tree forest: the boxes, and the box slots and internal masses that only a cache needs).
   */
  boxCacheMinMass?: number;
}

/** The options with every default filled in (and `seed` resolved to a string). */
export interface ResolvedForestOptions {
  readonly dimensions: number;
  readonly shingleSize: number;
  readonly numberOfTrees: number;
  readonly subSampleSize: number;
  readonly timeDecay: number;
  readonly outputAfter: number;
  readonly seed: string;
  readonly boxCacheMinMass: number;
}

/**
 * KDA's defaults (exported as `FOREST_DEFAULTS`).
 * @example
 * FOREST_DEFAULTS.numberOfTrees; // 100
 */
export const DEFAULTS = Object.freeze({
  shingleSize: 1,
  numberOfTrees: 100,
  subSampleSize: 256,
  timeDecay: 100_000,
  /**
   * Not KDA's: every bounding box cached but those of two-point subtrees (for points of two or more
   * coordinates; see `defaultBoxCacheMinMass`).
   */
  boxCacheMinMass: 3,
});

/**
 * Allowed ranges (inclusive) of the numeric options (exported as `FOREST_LIMITS`); `timeDecay` need not
 * be an integer.
 * @example
 * const [lo, hi] = FOREST_LIMITS.subSampleSize; // [2, 4096]
 */
export const LIMITS = Object.freeze({
  dimensions: [1, 1000],
  shingleSize: [1, 256],
  numberOfTrees: [1, 1000],
  subSampleSize: [2, 4096],
  timeDecay: [1, 2147483647],
  outputAfter: [1, 2147483647],
  boxCacheMinMass: [1, 4096],
} as const);

type LimitName = keyof typeof LIMITS;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}

/**
 * Checks a numeric option against `[lo, hi]` (and integrality where asked).
 * @example
 * checkNumberInRange('zFactor', 3.5, 0, 1000, false); // 3.5
 * @throws TypeError when `value` is not a number; RangeError when it is out of range or not an
 *   integer where one is needed; the message names the option, the value and the range.
 */
export function checkNumberInRange(name: string, value: unknown, lo: number, hi: number, integer: boolean): number {
  if (typeof value !== 'number') {
    throw new TypeError(`option ${name} must be a number, got ${typeof value} ${describe(value)}`);
  }
  if (!Number.isFinite(value) || value < lo || value > hi || (integer && !Number.isInteger(value))) {
    const what = integer ? 'an integer' : 'a number';
    throw new RangeError(`option ${name} must be ${what} from ${lo} to ${hi}, got ${describe(value)}`);
  }
  return value;
}

/**
 * Checks one numeric forest option against its range (`LIMITS`).
 * @example
 * checkNumberOption('numberOfTrees', 50, true); // 50
 * checkNumberOption('numberOfTrees', 0, true);  // RangeError: option numberOfTrees must be an integer from 1 to 1000, got 0
 * @throws as {@link checkNumberInRange}.
 */
export function checkNumberOption(name: LimitName, value: unknown, integer: boolean): number {
  const [lo, hi] = LIMITS[name];
  return checkNumberInRange(name, value, lo, hi, integer);
}

/**
 * A fresh random seed (64 bits from `crypto.getRandomValues`, as hex), for a model given none.
 * @example
 * const seed = randomSeed(); // e.g. '9f1c2ab04d7e3f21'
 */
export function randomSeed(): string {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return `${words[0]!.toString(16)}${words[1]!.toString(16)}`;
}

/**
 * The default `boxCacheMinMass` of a forest whose points have `coordinates` values
 * (`dimensions x shingleSize`): `DEFAULTS.boxCacheMinMass` (3), or `subSampleSize + 1` (no box
 * cached) for one-coordinate points, whose boxes the trees read from their outermost leaves.
 * @example
 * defaultBoxCacheMinMass(8, 256); // 3
 * defaultBoxCacheMinMass(1, 256); // 257: no subtree holds that many points
 */
export function defaultBoxCacheMinMass(coordinates: number, subSampleSize: number): number {
  return coordinates === 1 ? subSampleSize + 1 : DEFAULTS.boxCacheMinMass;
}

/**
 * The names a `RandomCutForestOptions` object may hold (exported for the parallel forest, which adds
 * its own).
 * @example
 * FOREST_OPTION_NAMES.includes('numberOfTrees'); // true
 */
export const FOREST_OPTION_NAMES: readonly string[] = Object.freeze([
  'dimensions',
  'shingleSize',
  'numberOfTrees',
  'subSampleSize',
  'timeDecay',
  'outputAfter',
  'seed',
  'boxCacheMinMass',
]);

/** Levenshtein distance of `a` and `b`, case-insensitive (a typo's distance to the name meant). */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[y.length]!;
}

/**
 * The valid name closest to `name` by case-insensitive edit distance (ties: the first in `valid`);
 * `undefined` when `valid` is empty. Every "unknown option" message of the package uses it.
 * @example
 * closestName('numTrees', ['numberOfTrees', 'seed']); // 'numberOfTrees'
 */
export function closestName(name: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of valid) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Refuses an option name that is not in `known` (a typo such as `numTrees`, silently ignored
 * otherwise in plain JavaScript), suggesting the closest known name by edit distance.
 * @example
 * checkOptionNames({ numTrees: 5 }, FOREST_OPTION_NAMES, 'RandomCutForest');
 * // TypeError: RandomCutForest: unknown option "numTrees" (did you mean "numberOfTrees"?)
 * @throws TypeError naming the first unknown option and the closest known one.
 */
export function checkOptionNames(options: object, known: readonly string[], owner: string): void {
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const best = closestName(name, known);
    throw new TypeError(
      `${owner}: unknown option ${JSON.stringify(name)} (did you mean ${JSON.stringify(best)}?); the options are ${known.join(', ')}`,
    );
  }
}

/**
 * Validates forest options and fills in KDA's defaults.
 * @throws TypeError for a wrong type or an unknown option name (naming the closest valid one),
 *   RangeError for a value out of range; the message names the option, the value and what is allowed.
 * @example
 * resolveForestOptions({ dimensions: 2 }).numberOfTrees; // 100
 */
export function resolveForestOptions(options: RandomCutForestOptions): ResolvedForestOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`options must be an object with at least { dimensions }, got ${describe(options)}`);
  }
  checkOptionNames(options, FOREST_OPTION_NAMES, 'RandomCutForest');
  const dimensions = checkNumberOption('dimensions', options.dimensions, true);
  const shingleSize = checkNumberOption('shingleSize', options.shingleSize ?? DEFAULTS.shingleSize, true);
  const numberOfTrees = checkNumberOption('numberOfTrees', options.numberOfTrees ?? DEFAULTS.numberOfTrees, true);
  const subSampleSize = checkNumberOption('subSampleSize', options.subSampleSize ?? DEFAULTS.subSampleSize, true);
  const timeDecay = checkNumberOption('timeDecay', options.timeDecay ?? DEFAULTS.timeDecay, false);
  if (timeDecay <= subSampleSize) {
    throw new RangeError(
      `option timeDecay must be greater than subSampleSize (${subSampleSize}), got ${timeDecay}`,
    );
  }
  const outputAfter = checkNumberOption('outputAfter', options.outputAfter ?? subSampleSize, true);
  if (dimensions * shingleSize > 10_000) {
    throw new RangeError(
      `dimensions x shingleSize must be at most 10000, got ${dimensions} x ${shingleSize} = ${dimensions * shingleSize}`,
    );
  }
  let seed: string;
  if (options.seed === undefined) seed = randomSeed();
  else if (typeof options.seed === 'number') {
    if (!Number.isFinite(options.seed)) {
      throw new RangeError(`option seed must be a finite number or a string, got ${options.seed}`);
    }
    seed = String(options.seed);
  } else if (typeof options.seed === 'string') seed = options.seed;
  else throw new TypeError(`option seed must be a number or a string, got ${typeof options.seed}`);
  const boxCacheMinMass =
    options.boxCacheMinMass === undefined
      ? defaultBoxCacheMinMass(dimensions * shingleSize, subSampleSize)
      : checkNumberOption('boxCacheMinMass', options.boxCacheMinMass, true);
  return { dimensions, shingleSize, numberOfTrees, subSampleSize, timeDecay, outputAfter, seed, boxCacheMinMass };
}
