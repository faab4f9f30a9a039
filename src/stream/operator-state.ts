/**
 * The saved state of a forest operator (what `checkpoint.save` receives and `state` takes back): the
 * forest plus the operator's own fields, the scored columns, the rows seen and the STRENGTH statistics.
 *
 * Layout: `"RCFO"`, a version byte, a little-endian u32 header length, the header (UTF-8 JSON
 * `{ columns, rowsSeen, stats }`), the forest's `toBytes()`, and (from version 2) a little-endian
 * CRC-32 of every byte before it. Version 1 (no checksum) is still read, with the same field checks.
 * Restoring validates everything before any operator exists and refuses a bad state with a
 * {@link StateError} naming the check and the field.
 * @module
 * @internal
 */
import { RandomCutForest } from '../forest/forest.js';
import { StateError } from '../forest/state.js';
import { MAX_BOX_VALUE } from '../forest/tree.js';
import { describeValue } from './errors.js';
import { readStateEnvelope, writeStateEnvelope } from './state-envelope.js';

const MAGIC = [0x52, 0x43, 0x46, 0x4f]; // "RCFO"
/**
 * The version written; version 1 (the same without the checksum) is still read.
 * @example
 * savedBytes[4] === OPERATOR_STATE_VERSION; // true for a state this version wrote
 */
export const OPERATOR_STATE_VERSION = 2;
const FIELDS = ['columns', 'rowsSeen', 'stats'] as const;
/** KDA's limit on scored columns. */
const MAX_COLUMNS = 30;

/** An operator's state, decoded and validated. */
export interface OperatorState {
  /** The forest, restored (a fresh copy per call of {@link OperatorState.restoreForest}). */
  restoreForest(): RandomCutForest;
  /** The forest's parameters, for checks against the options. */
  readonly forest: RandomCutForest;
  /** The scored columns (`undefined` for a bare forest state). */
  readonly columns: readonly string[] | undefined;
  /** Source rows the state covers (0 for a bare forest state). */
  readonly rowsSeen: number;
  /** Per column: decayed weight, mean and sum of squared deviations (`undefined` for a bare forest). */
  readonly stats: Float64Array | undefined;
}

/**
 * Encodes an operator's state (the current version, with its checksum).
 * @example
 * ```ts
 * const bytes = writeOperatorState(forest.toBytes(), ['a', 'b'], 1000, stats);
 * ```
 */
export function writeOperatorState(forestBytes: Uint8Array, columns: readonly string[], rowsSeen: number, stats: Float64Array): Uint8Array {
  return writeStateEnvelope(MAGIC, OPERATOR_STATE_VERSION, { columns, rowsSeen, stats: [...stats] }, forestBytes);
}

/** Whether `bytes` starts like an operator state (rather than a bare forest state). */
function isOperatorState(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Decodes and validates an operator's state, or a bare `RandomCutForest#toBytes()`.
 * @param operator The operator's name, for messages.
 * @throws TypeError when `bytes` is not a Uint8Array; StateError naming the failed check and field.
 * @example
 * ```ts
 * const state = readOperatorState('randomCutForest', bytes);
 * state.rowsSeen; // rows the checkpoint covers
 * ```
 */
export function readOperatorState(operator: string, bytes: unknown): OperatorState {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`${operator}: option "state" must be a Uint8Array (got ${describeValue(bytes)})`);
  }
  const fail = (check: StateError['check'], why: string) => new StateError(check, `${operator}: option "state": ${why}`);
  if (!isOperatorState(bytes)) {
    const forest = RandomCutForest.fromBytes(bytes); // a bare forest: its own checks (StateError)
    return { forest, restoreForest: () => RandomCutForest.fromBytes(bytes), columns: undefined, rowsSeen: 0, stats: undefined };
  }
  const { header, body: forestBytes } = readStateEnvelope(bytes, { versions: [1, 2], checksummedFrom: 2 }, fail);
  const forest = RandomCutForest.fromBytes(forestBytes); // StateError naming the forest's own failed check
  const { columns, rowsSeen, stats } = checkHeader(header, forest, (why) => fail('content', why));
  return { forest, restoreForest: () => RandomCutForest.fromBytes(forestBytes), columns, rowsSeen, stats };
}

/** Validates every header field, alone and against the forest. */
function checkHeader(
  header: unknown,
  forest: RandomCutForest,
  fail: (why: string) => StateError,
): { columns: string[]; rowsSeen: number; stats: Float64Array } {
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw fail(`the header must be a JSON object (got ${describeValue(header)})`);
  }
  const h = header as Record<string, unknown>;
  for (const key of Object.keys(h)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw fail(`unknown field ${JSON.stringify(key)} in the header`);
  }
  const columns = h.columns;
  if (!Array.isArray(columns) || !columns.every((c): c is string => typeof c === 'string')) {
    throw fail(`field "columns" must be an array of column names (got ${describeValue(columns)})`);
  }
  if (columns.length < 1 || columns.length > MAX_COLUMNS) {
    throw fail(`field "columns" must name 1 to ${MAX_COLUMNS} columns (got ${columns.length})`);
  }
  if (new Set(columns).size !== columns.length) throw fail(`field "columns" repeats a column (got ${describeValue(columns)})`);
  if (columns.length !== forest.dimensions) {
    throw fail(`field "columns" names ${columns.length} columns but the state's forest has ${forest.dimensions} dimensions`);
  }
  const rowsSeen = h.rowsSeen;
  if (typeof rowsSeen !== 'number' || !Number.isSafeInteger(rowsSeen) || rowsSeen < 0) {
    throw fail(`field "rowsSeen" must be a non-negative integer (got ${describeValue(rowsSeen)})`);
  }
  const stats = h.stats;
  if (!Array.isArray(stats) || stats.length !== 3 * columns.length) {
    throw fail(`field "stats" must be an array of ${3 * columns.length} numbers, 3 per column (got ${describeValue(stats)})`);
  }
  // The decayed weight w = sum of decay^k over the rows observed: 0, or from 1 to min(rowsSeen, 1 / (1 - decay)).
  const decay = Math.exp(-1 / forest.timeDecay);
  // 1 - decay is exact (Sterbenz); the running weight's rounding error grows to about 2^-52 * limit relative.
  const limit = 1 / (1 - decay);
  const maxWeight = Math.min(rowsSeen, limit * (1 + 1e-9 + 2 ** -48 * limit));
  const maxMean = MAX_BOX_VALUE * (1 + 1e-9);
  for (let j = 0; j < columns.length; j++) {
    const [w, mean, m2] = [stats[3 * j], stats[3 * j + 1], stats[3 * j + 2]];
    const at = (name: string, value: unknown) => `field "stats" of column ${JSON.stringify(columns[j])}: ${name} (got ${describeValue(value)})`;
    if (typeof w !== 'number' || !(w === 0 || (w >= 1 && w <= maxWeight))) {
      throw fail(at(`the weight must be 0 or from 1 to ${maxWeight}`, w));
    }
    if (typeof mean !== 'number' || !(Math.abs(mean) <= maxMean) || (w === 0 && mean !== 0)) {
      throw fail(at(w === 0 ? 'the mean must be 0 when the weight is 0' : `the mean must be a number within +-${MAX_BOX_VALUE}`, mean));
    }
    if (typeof m2 !== 'number' || !(m2 >= 0 && m2 < Infinity) || (w === 0 && m2 !== 0)) {
      throw fail(at(w === 0 ? 'the squared deviations must be 0 when the weight is 0' : 'the squared deviations must be a finite number >= 0', m2));
    }
  }
  return { columns: [...columns], rowsSeen, stats: Float64Array.from(stats as number[]) };
}
