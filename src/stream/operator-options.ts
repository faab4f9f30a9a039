/**
 * The options every scoring operator shares (`randomCutForest`, `randomCutForestWithExplanation`,
 * `anomalyDetector`): scored columns, `invalidRows`, `resumeFrom` and `checkpoint`. One checker each,
 * so the operators accept and refuse alike, with the same messages.
 * @module
 * @internal
 */
import { describeValue } from './errors.js';
import { checkKnownOptions } from './known-options.js';
import type { CheckpointOptions, InvalidRowsMode, ResumeFrom } from './rcf-operators.js';
import { checkNumber, checkObject } from './validate.js';

const CHECKPOINT_OPTIONS = ['every', 'save'] as const;

/**
 * The `columns` option: `undefined` (choose from the first row), or 1 to `max` distinct names.
 * @example
 * checkScoredColumns('randomCutForest', ['a', 'b'], 30); // ['a', 'b'] (a copy)
 */
export function checkScoredColumns(operator: string, value: unknown, max: number): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((c): c is string => typeof c === 'string')) {
    throw new TypeError(`${operator}: option "columns" must be an array of column names (got ${describeValue(value)})`);
  }
  if (value.length < 1 || value.length > max) {
    throw new RangeError(`${operator}: option "columns" must name 1 to ${max} columns (got ${value.length})`);
  }
  if (new Set(value).size !== value.length) {
    throw new RangeError(`${operator}: option "columns" must not repeat a column (got ${describeValue(value)})`);
  }
  return [...value];
}

/**
 * The `invalidRows` option: `"error"` (the default) or `"skip"`.
 * @example
 * checkInvalidRows('randomCutForest', undefined); // 'error'
 */
export function checkInvalidRows(operator: string, value: unknown): InvalidRowsMode {
  const mode = value ?? 'error';
  if (mode === 'error' || mode === 'skip') return mode;
  const kind = typeof mode === 'string' ? RangeError : TypeError;
  throw new kind(`${operator}: option "invalidRows" must be "error" or "skip" (got ${describeValue(mode)})`);
}

/**
 * The `resumeFrom` option: `"start"` (the default) or `"position"`.
 * @example
 * checkResumeFrom('randomCutForest', 'position'); // 'position'
 */
export function checkResumeFrom(operator: string, value: unknown): ResumeFrom {
  const resumeFrom = value === undefined ? 'start' : value;
  if (resumeFrom === 'start' || resumeFrom === 'position') return resumeFrom;
  const kind = typeof resumeFrom === 'string' ? RangeError : TypeError;
  throw new kind(`${operator}: option "resumeFrom" must be "start" or "position" (got ${describeValue(resumeFrom)})`);
}

/**
 * The `checkpoint` option, with whether its `save` is an `async` function (refused with a sync source).
 * @example
 * checkCheckpoint('randomCutForest', { every: 1000, save: (bytes) => store(bytes) }).checkpoint?.every; // 1000
 */
export function checkCheckpoint(
  operator: string,
  value: unknown,
): { checkpoint: CheckpointOptions | undefined; asyncSave: boolean } {
  if (value === undefined) return { checkpoint: undefined, asyncSave: false };
  const c = checkObject(operator, 'option "checkpoint"', value);
  checkKnownOptions(operator, c, CHECKPOINT_OPTIONS, 'checkpoint.');
  const every = checkNumber(operator, 'checkpoint.every', c.every, { min: 1, integer: true });
  if (typeof c.save !== 'function') {
    throw new TypeError(`${operator}: option "checkpoint.save" must be a function (got ${describeValue(c.save)})`);
  }
  const save = c.save as CheckpointOptions['save'];
  return {
    checkpoint: { every, save: (bytes, rowsSeen) => save.call(c, bytes, rowsSeen) },
    asyncSave: Object.prototype.toString.call(save) === '[object AsyncFunction]',
  };
}
