/**
 * Saving and restoring an AnomalyDetector: a JSON-safe state (the forest's own state inside), and a
 * binary form with a format version and a CRC-32 checksum. Restores are validated whole before
 * anything is built, and continue bit-identically.
 * @module
 */
import { RandomCutForest, type ForestState } from '../forest/index.js';
import { crc32 } from '../forest/crc32.js';
import { AnomalyDetector } from './detector.js';
import { resolveDetectorOptions, type ResolvedDetectorOptions } from './options.js';

/**
 * The detector state's format version.
 * @example
 * detector.toJSON().version === DETECTOR_STATE_VERSION; // true
 */
export const DETECTOR_STATE_VERSION = 1;

const FORMAT = 'random-cut-forest/anomaly-detector';
const MAGIC = [0x52, 0x43, 0x46, 0x44]; // "RCFD"
const HEADER_BYTES = 4 + 2 + 2 + 4 + 4; // magic, version, reserved, json length, forest length
const TRAILER_BYTES = 4;

/**
 * A detector state that cannot be restored.
 * @example
 * try { AnomalyDetector.fromBytes(bytes); } catch (e) { if (e instanceof DetectorStateError) console.log(e.check); }
 */
export class DetectorStateError extends Error {
  /** Which check failed: "format", "version", "length", "checksum" or "content". */
  readonly check: 'format' | 'version' | 'length' | 'checksum' | 'content';
  constructor(check: DetectorStateError['check'], message: string) {
    super(`invalid detector state (${check}): ${message}`);
    this.name = 'DetectorStateError';
    this.check = check;
  }
}

/**
 * An AnomalyDetector's whole state, JSON-safe.
 * @example
 * const state: DetectorState = detector.toJSON();
 * state.forest.options.numberOfTrees; // 50
 */
export interface DetectorState {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly options: ResolvedDetectorOptions;
  readonly forest: ForestState;
  readonly transform: { weight: number; mean: number[]; m2: number[]; previous: number[]; seen: number };
  readonly threshold: { weight: number; mean: number; m2: number; seen: number; rate: number };
  readonly recent: { head: number; count: number; values: number[] };
  /** Null when the detector keeps no history (`historySize` 0). */
  readonly history: { pushed: number; weight: number; mean: number; values: number[] } | null;
  readonly rings: { actual: number[]; corrected: number[]; raw: number[] };
  readonly counters: {
    records: number;
    lastTimestamp: number | null;
    lastAlarm: number;
    lastCorrected: number;
    inEvent: boolean;
    chain: boolean;
    magnitude: number;
    eventPeak: number;
    quiet: number;
    elevated: boolean;
  };
}

/**
 * @internal The state of `detector` (what `detector.toJSON()` returns).
 * @example
 * const state = detectorToState(detector); // JSON.stringify(state) is safe
 */
export function detectorToState(detector: AnomalyDetector): DetectorState {
  return { ...detectorCoreState(detector), forest: detector.forest.toJSON() };
}

type CoreState = Omit<DetectorState, 'forest'>;

function detectorCoreState(detector: AnomalyDetector): CoreState {
  const t = detector.transform;
  const h = detector.threshold;
  const r = detector.recent;
  return {
    format: FORMAT,
    version: DETECTOR_STATE_VERSION,
    options: { ...detector.options },
    transform: { weight: t.weight, mean: Array.from(t.mean), m2: Array.from(t.m2), previous: Array.from(t.previous), seen: t.seen },
    threshold: { weight: h.weight, mean: h.mean, m2: h.m2, seen: h.seen, rate: h.rate },
    recent: { head: r.head, count: r.count, values: Array.from(r.values.subarray(0, r.count * r.width)) },
    history:
      detector.history === null
        ? null
        : {
            pushed: detector.history.pushed,
            weight: detector.history.weight,
            mean: detector.history.mean,
            values: Array.from(detector.history.values.subarray(0, Math.min(detector.history.pushed, detector.history.capacity) * detector.history.dimensions)),
          },
    rings: { actual: Array.from(detector.actual), corrected: Array.from(detector.corrected), raw: Array.from(detector.raw) },
    counters: {
      records: detector.records,
      lastTimestamp: Number.isNaN(detector.lastTimestamp) ? null : detector.lastTimestamp,
      lastAlarm: detector.lastAlarm,
      lastCorrected: detector.lastCorrected,
      inEvent: detector.inEvent,
      chain: detector.chain,
      magnitude: detector.magnitude,
      eventPeak: detector.eventPeak,
      quiet: detector.quiet,
      elevated: detector.elevated,
    },
  };
}

function fail(message: string): never {
  throw new DetectorStateError('content', message);
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${name} must be an object`);
  return value as Record<string, unknown>;
}

function finite(value: unknown, name: string, lo = -Infinity, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || (integer && !Number.isInteger(value))) {
    fail(`${name} must be ${integer ? 'an integer' : 'a finite number'} >= ${lo}, got ${String(value)}`);
  }
  return value;
}

function bool(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') fail(`${name} must be a boolean`);
  return value;
}

function numbers(value: unknown, name: string, length: number): Float64Array {
  if (!Array.isArray(value) || value.length !== length) fail(`${name} must be an array of ${length} numbers`);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = finite(value[i], `${name}[${i}]`);
  return out;
}

/**
 * @internal Validates `state` whole, then builds the detector it describes (`AnomalyDetector.fromJSON`).
 * @throws DetectorStateError naming the failed check.
 * @example
 * const detector = detectorFromState(JSON.parse(text));
 */
export function detectorFromState(state: unknown): AnomalyDetector {
  const s = object(state, 'state');
  if (s.format !== FORMAT) throw new DetectorStateError('format', `not a detector state (format ${JSON.stringify(s.format)})`);
  if (s.version !== DETECTOR_STATE_VERSION) {
    throw new DetectorStateError('version', `unknown format version ${String(s.version)} (this library reads ${DETECTOR_STATE_VERSION})`);
  }
  let options: ResolvedDetectorOptions;
  try {
    options = resolveDetectorOptions(object(s.options, 'options') as never);
  } catch (e) {
    fail(`options: ${(e as Error).message}`);
  }
  const stored = object(s.options, 'options');
  for (const key of Object.keys(options) as (keyof ResolvedDetectorOptions)[]) {
    if (stored[key] !== options[key]) fail(`options.${key} is missing or not resolved`);
  }
  const d = options.dimensions;
  const width = d * options.shingleSize;
  let forest: RandomCutForest;
  try {
    forest = RandomCutForest.fromJSON(s.forest);
  } catch (e) {
    fail(`forest: ${(e as Error).message}`);
  }
  if (
    forest.dimensions !== width ||
    forest.shingleSize !== 1 ||
    forest.numberOfTrees !== options.numberOfTrees ||
    forest.subSampleSize !== options.subSampleSize ||
    forest.timeDecay !== options.timeDecay ||
    forest.outputAfter !== options.outputAfter ||
    forest.seed !== options.seed
  ) {
    fail('the forest does not match the options');
  }
  const tr = object(s.transform, 'transform');
  const th = object(s.threshold, 'threshold');
  const re = object(s.recent, 'recent');
  const ri = object(s.rings, 'rings');
  const c = object(s.counters, 'counters');
  const records = finite(c.records, 'counters.records', 0, true);
  const count = finite(re.count, 'recent.count', 0, true);
  if (count > options.subSampleSize) fail(`recent.count must be at most ${options.subSampleSize}`);
  const head = finite(re.head, 'recent.head', 0, true);
  if (head >= options.subSampleSize || (count < options.subSampleSize && head !== count)) fail('recent.head is inconsistent with recent.count');
  const recentValues = numbers(re.values, 'recent.values', count * width);
  const lastTimestamp = c.lastTimestamp === null ? Number.NaN : finite(c.lastTimestamp, 'counters.lastTimestamp');
  const detector = new AnomalyDetector(options, { forest });
  const history = detector.history;
  if (history === null) {
    if (s.history !== null) fail('history must be null when the detector keeps none');
  } else {
    const hi = object(s.history, 'history');
    history.pushed = finite(hi.pushed, 'history.pushed', 0, true);
    if (history.pushed !== records) fail('history.pushed must equal counters.records');
    history.values.set(numbers(hi.values, 'history.values', Math.min(history.pushed, history.capacity) * d));
    history.weight = finite(hi.weight, 'history.weight', 0);
    history.mean = finite(hi.mean, 'history.mean', 0);
  }
  const t = detector.transform;
  t.weight = finite(tr.weight, 'transform.weight', 0);
  t.mean.set(numbers(tr.mean, 'transform.mean', d));
  t.m2.set(numbers(tr.m2, 'transform.m2', d));
  t.previous.set(numbers(tr.previous, 'transform.previous', d));
  t.seen = finite(tr.seen, 'transform.seen', 0, true);
  if (t.seen !== records) fail('transform.seen must equal counters.records');
  const h = detector.threshold;
  h.weight = finite(th.weight, 'threshold.weight', 0);
  h.mean = finite(th.mean, 'threshold.mean');
  h.m2 = finite(th.m2, 'threshold.m2');
  h.seen = finite(th.seen, 'threshold.seen', 0, true);
  h.rate = finite(th.rate, 'threshold.rate', 0);
  detector.recent.values.set(recentValues);
  detector.recent.head = head;
  detector.recent.count = count;
  detector.actual.set(numbers(ri.actual, 'rings.actual', width));
  detector.corrected.set(numbers(ri.corrected, 'rings.corrected', width));
  detector.raw.set(numbers(ri.raw, 'rings.raw', width));
  detector.records = records;
  detector.lastTimestamp = lastTimestamp;
  detector.lastAlarm = finite(c.lastAlarm, 'counters.lastAlarm', -1, true);
  detector.lastCorrected = finite(c.lastCorrected, 'counters.lastCorrected', -1, true);
  if (detector.lastAlarm >= records || detector.lastCorrected >= records) fail('counters point past the records processed');
  detector.inEvent = bool(c.inEvent, 'counters.inEvent');
  detector.chain = bool(c.chain, 'counters.chain');
  detector.magnitude = finite(c.magnitude, 'counters.magnitude', 0);
  detector.eventPeak = finite(c.eventPeak, 'counters.eventPeak', 0);
  detector.quiet = finite(c.quiet, 'counters.quiet', 0, true);
  detector.elevated = bool(c.elevated, 'counters.elevated');
  return detector;
}

/**
 * @internal Binary form: header (magic "RCFD", u16 version, u16 reserved, u32 length of the JSON part,
 * u32 length of the forest part), the detector's state without its forest as UTF-8 JSON (finite
 * doubles round-trip exactly), the forest's own `toBytes()`, and a CRC-32 of all that.
 * @example
 * const bytes = detectorToBytes(detector); // what detector.toBytes() returns
 */
export function detectorToBytes(detector: AnomalyDetector): Uint8Array {
  const state = detectorCoreState(detector);
  const json = new TextEncoder().encode(JSON.stringify(state));
  const forestBytes = detector.forest.toBytes();
  const out = new Uint8Array(HEADER_BYTES + json.length + forestBytes.length + TRAILER_BYTES);
  const view = new DataView(out.buffer);
  MAGIC.forEach((b, i) => (out[i] = b));
  view.setUint16(4, state.version, true);
  view.setUint16(6, 0, true);
  view.setUint32(8, json.length, true);
  view.setUint32(12, forestBytes.length, true);
  out.set(json, HEADER_BYTES);
  out.set(forestBytes, HEADER_BYTES + json.length);
  const end = out.length - TRAILER_BYTES;
  view.setUint32(end, crc32(out, 0, end), true);
  return out;
}

/**
 * @internal Decodes the binary form, checking magic, version, length and checksum.
 * @throws DetectorStateError naming the failed check.
 * @example
 * const detector = detectorFromState(detectorStateFromBytes(bytes)); // AnomalyDetector.fromBytes
 */
export function detectorStateFromBytes(bytes: Uint8Array): DetectorState {
  if (!(bytes instanceof Uint8Array)) throw new DetectorStateError('format', 'expected a Uint8Array');
  if (bytes.length < HEADER_BYTES + TRAILER_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DetectorStateError('format', 'not a detector state (bad magic bytes)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version !== DETECTOR_STATE_VERSION) {
    throw new DetectorStateError('version', `unknown format version ${version} (this library reads ${DETECTOR_STATE_VERSION})`);
  }
  const jsonLength = view.getUint32(8, true);
  const forestLength = view.getUint32(12, true);
  const expected = HEADER_BYTES + jsonLength + forestLength + TRAILER_BYTES;
  if (bytes.length !== expected) throw new DetectorStateError('length', `expected ${expected} bytes, got ${bytes.length}`);
  const end = bytes.length - TRAILER_BYTES;
  if (view.getUint32(end, true) !== crc32(bytes, 0, end)) throw new DetectorStateError('checksum', 'CRC-32 mismatch');
  let rest: unknown;
  try {
    rest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + jsonLength)));
  } catch (e) {
    throw new DetectorStateError('content', `the JSON part does not parse: ${(e as Error).message}`);
  }
  let forest: ForestState;
  try {
    forest = RandomCutForest.fromBytes(bytes.subarray(HEADER_BYTES + jsonLength, end)).toJSON();
  } catch (e) {
    throw new DetectorStateError('content', `forest: ${(e as Error).message}`);
  }
  return { ...object(rest, 'state'), forest } as unknown as DetectorState;
}
