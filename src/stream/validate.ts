/**
 * Option validation shared by the operators: `TypeError` for a wrong type, `RangeError` for a bad
 * value; messages name the operator, the option, the value and what is allowed.
 * @module
 * @internal
 */
import { describeValue } from './errors.js';

/** Throws unless `options` is a plain object (or, when optional, undefined). */
export function checkObject(operator: string, name: string, value: unknown, optional = false): Record<string, unknown> {
  if (value === undefined && optional) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${operator}: ${name} must be an object (got ${describeValue(value)})`);
  }
  return value as Record<string, unknown>;
}

export interface NumberRule {
  /** Smallest allowed value. */
  min?: number;
  /** Whether `min` itself is excluded. */
  exclusiveMin?: boolean;
  /** Largest allowed value. */
  max?: number;
  integer?: boolean;
}

function describeRule(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a finite number';
  const parts: string[] = [];
  if (rule.min !== undefined) parts.push(`${rule.exclusiveMin ? 'greater than' : 'at least'} ${rule.min}`);
  if (rule.max !== undefined) parts.push(`at most ${rule.max}`);
  if (rule.min !== undefined && rule.max !== undefined && !rule.exclusiveMin) {
    return `${kind} from ${rule.min} to ${rule.max}`;
  }
  return parts.length === 0 ? kind : `${kind} ${parts.join(' and ')}`;
}

/** Validates a numeric option (required unless `fallback` is given). */
export function checkNumber(operator: string, name: string, value: unknown, rule: NumberRule, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const allowed = describeRule(rule);
  if (typeof value !== 'number') {
    throw new TypeError(`${operator}: option "${name}" must be ${allowed} (got ${describeValue(value)})`);
  }
  const ok =
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.min === undefined || (rule.exclusiveMin ? value > rule.min : value >= rule.min)) &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) throw new RangeError(`${operator}: option "${name}" must be ${allowed} (got ${describeValue(value)})`);
  return value;
}

/** Validates an optional function option. */
export function checkFunction<F>(operator: string, name: string, value: unknown): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new TypeError(`${operator}: option "${name}" must be a function (got ${describeValue(value)})`);
  }
  return value as F;
}

/** Validates the `time` option: a column name or a function of the row. */
export function checkTime<T>(operator: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'function') return value as T;
  throw new TypeError(`${operator}: option "time" must be a column name or a function of the row (got ${describeValue(value)})`);
}

/** Validates `partitionBy`: a column name or a list of them. */
export function checkColumns(operator: string, name: string, value: unknown, required: boolean): string[] {
  if (value === undefined) {
    if (required) throw new TypeError(`${operator}: option "${name}" is required: a column name or a list of them`);
    return [];
  }
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((c): c is string => typeof c === 'string')) {
    throw new TypeError(`${operator}: option "${name}" must be a column name or a list of them (got ${describeValue(value)})`);
  }
  if (required && list.length === 0) {
    throw new RangeError(`${operator}: option "${name}" must name at least one column (got [])`);
  }
  return [...list];
}
