import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { crc32 } from '../../src/forest/crc32.js';
import { StateError, randomCutForest, randomCutForestWithExplanation } from '../../src/index.js';

const small = { numberOfTrees: 10, subSampleSize: 16, timeDecay: 200, seed: 3 } as const;

function series(n: number): { a: number; b: number; tag: string }[] {
  const rng = seedrandom('state');
  return Array.from({ length: n }, (_, i) => ({ a: Math.sin(i / 4) + 0.1 * rng(), b: 50 + 5 * rng(), tag: `r${i}` }));
}

/** A checkpoint after `at` rows, and the uninterrupted run's rows. */
function checkpointAfter(at: number, n = 90) {
  const rows = series(n);
  let bytes: Uint8Array | undefined;
  const full = [
    ...randomCutForestWithExplanation(rows, {
      ...small,
      withDirectionality: true,
      checkpoint: { every: at, save: (b, seen) => void (seen === at ? (bytes = b) : undefined) },
    }),
  ];
  return { rows, full, bytes: bytes! };
}

const headerLength = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(5, true);
const header = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes.subarray(9, 9 + headerLength(bytes)))) as Record<string, unknown>;

/** The state with its header replaced (and, for version 2, a recomputed checksum, as a deliberate editor would). */
function withHeader(bytes: Uint8Array, edit: (h: Record<string, unknown>) => unknown, version = 2): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(edit(header(bytes))));
  const forest = bytes.subarray(9 + headerLength(bytes), bytes.length - 4);
  const body = new Uint8Array(9 + text.length + forest.length);
  body.set(bytes.subarray(0, 5));
  body[4] = version;
  new DataView(body.buffer).setUint32(5, text.length, true);
  body.set(text, 9);
  body.set(forest, 9 + text.length);
  if (version === 1) return body;
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, crc32(body), true);
  return out;
}

const refuse = (state: Uint8Array, extra: object = {}) => {
  try {
    randomCutForestWithExplanation([], { withDirectionality: true, state, ...extra });
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('operator state: checksum over the whole state', () => {
  it('any changed byte (header, forest or checksum) is refused with a StateError', () => {
    const { bytes } = checkpointAfter(40);
    const rng = seedrandom('flips');
    const positions = new Set<number>();
    for (let i = 4; i < 9 + headerLength(bytes); i++) positions.add(i); // every header byte (and the version byte)
    for (let k = 0; k < 150; k++) positions.add(Math.floor(rng() * bytes.length));
    for (let i = bytes.length - 4; i < bytes.length; i++) positions.add(i);
    for (const i of positions) {
      const bad = bytes.slice();
      bad[i] = (bad[i]! + 1 + Math.floor(rng() * 255)) & 0xff;
      const e = refuse(bad);
      expect(e, `byte ${i}`).toBeInstanceOf(StateError);
    }
  });

  it('one changed digit of the STRENGTH statistics, swapped columns or an edited rowsSeen: checksum error', () => {
    const { bytes } = checkpointAfter(40);
    const text = new TextDecoder().decode(bytes.subarray(9, 9 + headerLength(bytes)));
    const edits = [
      text.replace(/(\d)(\d)(\])/, (_, x: string, y: string, z: string) => `${x}${(Number(y) + 1) % 10}${z}`),
      text.replace('["a","b"]', '["b","a"]'),
      text.replace('"rowsSeen":40', '"rowsSeen":30'),
    ];
    for (const edited of edits) {
      expect(edited).not.toBe(text);
      expect(edited.length).toBe(text.length);
      const bad = bytes.slice();
      bad.set(new TextEncoder().encode(edited), 9);
      const e = refuse(bad) as StateError;
      expect(e).toBeInstanceOf(StateError);
      expect(e.check).toBe('checksum');
      expect(e.message).toMatch(/randomCutForestWithExplanation: option "state": the CRC-32 does not match/);
    }
  });

  it('truncated, extended, unknown version: refused', () => {
    const { bytes } = checkpointAfter(40);
    for (const bad of [bytes.subarray(0, 5), bytes.subarray(0, 12), bytes.subarray(0, bytes.length - 1), new Uint8Array([...bytes, 0])]) {
      expect(refuse(bad)).toBeInstanceOf(StateError);
    }
    const v3 = bytes.slice();
    v3[4] = 3;
    expect((refuse(v3) as StateError).check).toBe('version');
  });
});

describe('operator state: every field validated (a header rewritten with a valid checksum)', () => {
  const { bytes } = checkpointAfter(40);
  const cases: [string, (h: Record<string, unknown>) => unknown, RegExp][] = [
    ['not an object', () => [1, 2], /header must be a JSON object/],
    ['unknown field', (h) => ({ ...h, extra: 1 }), /unknown field "extra"/],
    ['columns not strings', (h) => ({ ...h, columns: ['a', 5] }), /field "columns" must be an array of column names/],
    ['columns repeated', (h) => ({ ...h, columns: ['a', 'a'] }), /field "columns" repeats a column/],
    ['columns vs forest', (h) => ({ ...h, columns: ['a', 'b', 'c'], stats: [...(h.stats as number[]), 0, 0, 0] }), /field "columns" names 3 columns but the state's forest has 2 dimensions/],
    ['columns missing', (h) => ({ ...h, columns: undefined }), /field "columns"/],
    ['rowsSeen negative', (h) => ({ ...h, rowsSeen: -1 }), /field "rowsSeen" must be a non-negative integer \(got -1\)/],
    ['rowsSeen fraction', (h) => ({ ...h, rowsSeen: 40.5 }), /field "rowsSeen"/],
    ['rowsSeen string', (h) => ({ ...h, rowsSeen: '40' }), /field "rowsSeen"/],
    ['rowsSeen unsafe', (h) => ({ ...h, rowsSeen: 2 ** 53 }), /field "rowsSeen"/],
    ['stats length', (h) => ({ ...h, stats: (h.stats as number[]).slice(1) }), /field "stats" must be an array of 6 numbers/],
    ['stats null (NaN in JSON)', (h) => ({ ...h, stats: (h.stats as number[]).map((x, i) => (i === 1 ? null : x)) }), /field "stats" of column "a": the mean/],
    ['weight above rowsSeen', (h) => ({ ...h, rowsSeen: 3 }), /field "stats" of column "a": the weight must be 0 or from 1 to 3/],
    ['negative weight', (h) => ({ ...h, stats: (h.stats as number[]).map((x, i) => (i === 3 ? -x : x)) }), /column "b": the weight/],
    ['negative deviations', (h) => ({ ...h, stats: (h.stats as number[]).map((x, i) => (i === 5 ? -1 : x)) }), /column "b": the squared deviations/],
    ['weight 0 with a mean', (h) => ({ ...h, stats: (h.stats as number[]).map((x, i) => (i === 0 ? 0 : x)) }), /the mean must be 0 when the weight is 0/],
  ];
  for (const [name, edit, message] of cases) {
    it(name, () => {
      for (const version of [2, 1]) {
        const e = refuse(withHeader(bytes, edit, version)) as StateError;
        expect(e, `version ${version}`).toBeInstanceOf(StateError);
        expect(e.check).toBe('content');
        expect(e.message).toMatch(message);
      }
    });
  }

  it('a state is checked against the options: columns, forest parameters', () => {
    expect(() => randomCutForest([], { state: bytes, columns: ['b', 'a'] })).toThrow(/option "columns" \["b","a"\] differs from the state's columns \["a","b"\]/);
    expect(() => randomCutForest([], { state: bytes, numberOfTrees: 11 })).toThrow(RangeError);
    expect(() => randomCutForest([], { state: 'bytes' as unknown as Uint8Array })).toThrow(TypeError);
  });
});

describe('operator state: versions', () => {
  it('a version 1 state (no checksum) still loads and resumes identically', () => {
    const { rows, full, bytes } = checkpointAfter(40);
    const v1 = withHeader(bytes, (h) => h, 1);
    expect(v1[4]).toBe(1);
    const resumed = [...randomCutForestWithExplanation(rows, { withDirectionality: true, state: v1 })];
    expect(resumed).toEqual(full.slice(40));
  });

  it('writes version 2, whose last 4 bytes are the CRC-32 of the rest', () => {
    const { bytes } = checkpointAfter(40);
    expect([...bytes.subarray(0, 5)]).toEqual([0x52, 0x43, 0x46, 0x4f, 2]);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint32(bytes.length - 4, true)).toBe(crc32(bytes, 0, bytes.length - 4));
    expect(header(bytes)).toMatchObject({ columns: ['a', 'b'], rowsSeen: 40 });
  });
});
