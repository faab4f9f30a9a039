import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { RandomCutForest, StateError, type RandomCutForestOptions } from '../../src/index.js';
import { crc32 } from '../../src/forest/crc32.js';
import { BINARY_STATE_VERSION } from '../../src/forest/state-binary.js';
import { forestToState, stateToBytes } from '../../src/forest/state.js';
import { checkPools, checkTree } from './helpers.js';

function stream(seed: string, n: number, dims: number, decimals: number | null): number[][] {
  const rnd = seedrandom(seed);
  return Array.from({ length: n }, (_, t) =>
    Array.from({ length: dims }, (_, j) => {
      const v = Math.sin(t / (7 + j)) + 0.3 * rnd() + (rnd() < 0.01 ? 4 : 0);
      return decimals === null ? v : Math.round(v * 10 ** decimals) / 10 ** decimals;
    }),
  );
}

function scores(forest: RandomCutForest, rest: number[][]): number[] {
  const out: number[] = [];
  rest.forEach((r, i) => {
    if (i % 7 === 0) {
      const a = forest.attribution(r);
      out.push(a.score, ...a.high, ...a.low);
    }
    out.push(forest.process(r));
  });
  return out;
}

function withCrc(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out, 0, out.length - 4), true);
  return out;
}

/** The version-1 bytes of a forest (what toBytes wrote before version 3). */
const v1Bytes = (forest: RandomCutForest): Uint8Array => stateToBytes(forestToState(forest));

const configs: [string, RandomCutForestOptions, number | null][] = [
  ['one value, 6 decimals', { dimensions: 1, numberOfTrees: 8, subSampleSize: 64, seed: 1 }, 6],
  ['shingled, raw doubles', { dimensions: 2, shingleSize: 4, numberOfTrees: 6, subSampleSize: 32, timeDecay: 50, seed: 'x' }, null],
  ['wide, box cache 3', { dimensions: 5, numberOfTrees: 5, subSampleSize: 32, boxCacheMinMass: 3, seed: 2 }, 2],
  ['sample of 300 (two-byte leaf numbers)', { dimensions: 3, numberOfTrees: 3, subSampleSize: 300, timeDecay: 1000, seed: 3 }, 3],
];

describe('forest state: version 3 binary form, and version 1 still loads', () => {
  /** CRC-32 a byte at a time, the textbook way: what crc32.ts's eight-bytes-a-step loop must equal. */
  function crc32Bytewise(bytes: Uint8Array, start: number, end: number): number {
    let c = 0xffffffff;
    for (let i = start; i < end; i++) {
      c ^= bytes[i]!;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  }

  it('toBytes writes version 3; its checksum is the CRC-32 of crc32.ts', () => {
    const forest = new RandomCutForest({ dimensions: 2, seed: 1 });
    for (const r of stream('v', 100, 2, 3)) forest.process(r);
    const bytes = forest.toBytes();
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(4, true)).toBe(BINARY_STATE_VERSION);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(view.getUint32(bytes.length - 4, true)).toBe(crc32(bytes, 0, bytes.length - 4));
    for (const n of [0, 1, 7, 8, 63, 64, 65, 200, 1001]) {
      const b = Uint8Array.from({ length: n + 3 }, (_, i) => (i * 37 + n) & 0xff);
      for (const start of [0, 1, 3]) expect(crc32(b, start, b.length)).toBe(crc32Bytewise(b, start, b.length));
      // a view that starts off a 4-byte boundary of its buffer
      const shifted = new Uint8Array(b.buffer, 1);
      expect(crc32(shifted)).toBe(crc32Bytewise(shifted, 0, shifted.length));
    }
  });

  for (const [name, options, decimals] of configs) {
    it(`${name}: version 1 and version 3 bytes restore the same forest, which continues bit for bit`, () => {
      const data = stream(name, 700, options.dimensions, decimals);
      const forest = new RandomCutForest(options);
      for (const r of data.slice(0, 500)) forest.process(r);
      const old = v1Bytes(forest);
      const now = forest.toBytes();
      const fromOld = RandomCutForest.fromBytes(old);
      const fromNew = RandomCutForest.fromBytes(now);
      expect(fromOld.toJSON()).toEqual(forest.toJSON());
      expect(fromNew.toJSON()).toEqual(forest.toJSON());
      // A version-1 checkpoint, loaded, saves as version 3 and the same bytes as the forest's own.
      expect(fromOld.toBytes()).toEqual(now);
      for (const f of [fromOld, fromNew]) {
        f.trees.forEach((t) => checkTree(t, f.store, false));
        checkPools(f.trees);
      }
      const rest = data.slice(500);
      const expected = scores(forest, rest);
      expect(scores(fromOld, rest)).toEqual(expected);
      expect(scores(fromNew, rest)).toEqual(expected);
    });
  }

  it('empty and barely started forests round-trip in both versions', () => {
    for (const n of [0, 1, 2, 3, 5]) {
      const forest = new RandomCutForest({ dimensions: 2, shingleSize: 3, numberOfTrees: 4, subSampleSize: 8, seed: n });
      for (const r of stream('e', n, 2, 1)) forest.process(r);
      for (const bytes of [forest.toBytes(), v1Bytes(forest)]) {
        const again = RandomCutForest.fromBytes(bytes);
        expect(again.toJSON()).toEqual(forest.toJSON());
        const rest = stream('e2', 30, 2, 1);
        expect(scores(again, rest)).toEqual(scores(RandomCutForest.fromBytes(bytes), rest));
      }
    }
  });

  it('values the decimal coding cannot carry exactly (-0, 1e30, 0.1 + 0.2, tiny) keep their bits', () => {
    const forest = new RandomCutForest({ dimensions: 2, numberOfTrees: 3, subSampleSize: 16, seed: 5 });
    const rows = [
      [0, -0],
      [0.1 + 0.2, 1e-9],
      [1e30, -1e30],
      [123456.789, 5e-324],
      [-0, 0.5],
      [0.25, 2],
    ];
    for (const r of rows) forest.update(r);
    const again = RandomCutForest.fromBytes(forest.toBytes());
    const a = again.toJSON().points;
    const b = forest.toJSON().points;
    expect(a.length).toBe(b.length);
    a.forEach((x, i) => expect(Object.is(x, b[i]), `point value ${i}`).toBe(true));
    // Decimal values alone take the integer coding and come back exact as well.
    const dec = new RandomCutForest({ dimensions: 1, numberOfTrees: 3, subSampleSize: 16, seed: 6 });
    for (const x of [0.1, -0.7, 3, 0.333333, 12.5, -1e-6]) dec.update([x]);
    expect(RandomCutForest.fromBytes(dec.toBytes()).toJSON()).toEqual(dec.toJSON());
    expect(dec.toBytes().length).toBeLessThan(v1Bytes(dec).length);
  });
});

/** Offsets of the parts of a version-3 state (for targeted damage). */
function layout(bytes: Uint8Array) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 12;
  const dimensions = v.getUint32(p, true);
  const shingleSize = v.getUint32(p + 4, true);
  const subSampleSize = v.getUint32(p + 12, true);
  p += 28;
  p += 4 + v.getUint32(p, true); // seed
  const D = dimensions * shingleSize;
  p += 24 + 8 * D;
  const pointCount = v.getUint32(p, true);
  p += 4;
  if (shingleSize > 1) p += (pointCount + 7) >> 3;
  const valueCount = v.getUint32(p, true);
  p += 4;
  const mode = bytes[p]!;
  const valuesAt = mode === 0 ? p + 1 : p + 3;
  const width = mode === 0 ? 8 : bytes[p + 2]!;
  p = valuesAt + width * valueCount;
  const w = (max: number) => (max < 0x100 ? 1 : max < 0x10000 ? 2 : 4);
  const sw = w(subSampleSize);
  const ow = w(subSampleSize - 1);
  const pw = w(pointCount);
  const dw = D === 1 ? 0 : w(D - 1);
  const tree0 = p;
  p += 16;
  const size = bytes[p]!; // sw === 1 in the tests below
  p += sw;
  const keysAt = p;
  p += 8 * size;
  const entriesAt = p;
  p += ow * size;
  const leafCountAt = p;
  const leafCount = bytes[p]!;
  p += sw;
  const shapeAt = p;
  p += (2 * leafCount - 1 + 7) >> 3;
  const internalAt = p;
  p += (leafCount - 1) * (dw + 8);
  const leavesAt = p;
  return { D, pointCount, valuesAt, mode, tree0, size, keysAt, entriesAt, leafCountAt, leafCount, shapeAt, internalAt, leavesAt, pw, dw };
}

describe('forest state: damaged version 3 bytes are refused whole', () => {
  const make = (decimals: number | null) => {
    const forest = new RandomCutForest({ dimensions: 2, shingleSize: 2, numberOfTrees: 5, subSampleSize: 16, timeDecay: 100, seed: 'd' });
    for (const r of stream('dmg', 300, 2, decimals)) forest.process(r);
    return forest.toBytes();
  };
  const refuse = (bytes: Uint8Array, message: RegExp) => {
    let error: unknown;
    try {
      RandomCutForest.fromBytes(withCrc(bytes));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).check).toBe('content');
    expect((error as Error).message).toMatch(message);
  };

  it('every content check names what failed', () => {
    const bytes = make(4);
    const L = layout(bytes);
    expect(L.mode).toBe(1);
    const edit = (f: (b: Uint8Array, v: DataView) => void) => {
      const b = bytes.slice();
      f(b, new DataView(b.buffer));
      return b;
    };
    refuse(edit((b, v) => v.setFloat64(L.keysAt + 8, v.getFloat64(L.keysAt, true) + 1, true)), /tree 0: sampler keys are not a max-heap/);
    refuse(edit((b, v) => v.setFloat64(L.keysAt, NaN, true)), /tree 0 keys\[0\] is not a finite number/);
    refuse(edit((b) => (b[L.entriesAt] = L.leafCount)), /tree 0 sample 0: leaf/);
    refuse(edit((b) => (b[L.leafCountAt] = 0)), /tree 0: 0 leaves for/);
    refuse(edit((b) => (b[L.leavesAt] = L.pointCount)), /tree 0 leaf point must be an integer/);
    refuse(edit((b) => (b[L.internalAt] = L.D)), /tree 0 cut dimension \+ 1 must be an integer from 1 to 4/);
    refuse(edit((b, v) => v.setFloat64(L.internalAt + L.dw, Infinity, true)), /tree 0: a cut value is not a finite number/);
    refuse(edit((b, v) => v.setFloat64(L.internalAt + L.dw, 1e6, true)), /tree 0: a cut does not separate its children/);
    refuse(edit((b) => (b[L.shapeAt] = 0)), /tree 0/); // the root a leaf: the preorder ends with bits left
    refuse(edit((b) => (b[L.shapeAt] = 0xff)), /tree 0/);
    // Every leaf must be named by some sampler entry (its mass is their count).
    const twoNames = edit((b) => {
      for (let i = 0; i < L.size; i++) b[L.entriesAt + i] = 0;
    });
    refuse(twoNames, /tree 0: leaves do not match its sampler/);
    // Bytes after the last tree.
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes.subarray(0, bytes.length - 4));
    new DataView(longer.buffer).setUint32(8, bytes.length + 1 - 16, true);
    refuse(longer, /1 bytes left after the last tree/);
  });

  it('one coordinate: the in-order cut check refuses a cut moved out of its gap, either way', () => {
    const forest = new RandomCutForest({ dimensions: 1, numberOfTrees: 3, subSampleSize: 16, seed: 9 });
    for (const r of stream('one', 200, 1, 3)) forest.process(r);
    const bytes = forest.toBytes();
    const L = layout(bytes);
    expect(L.dw).toBe(0);
    for (const value of [1e6, -1e6]) {
      for (let cut = 0; cut < L.leafCount - 1; cut += 5) {
        const b = bytes.slice();
        new DataView(b.buffer).setFloat64(L.internalAt + 8 * cut, value, true);
        refuse(b, /tree 0: a cut does not separate its children/);
      }
    }
    // Two leaves swapped: the points are out of order.
    const b = bytes.slice();
    const p0 = b[L.leavesAt]!;
    b[L.leavesAt] = b[L.leavesAt + 1]!;
    b[L.leavesAt + 1] = p0;
    refuse(b, /tree 0: (a cut does not separate its children|leaves do not match)/);
  });

  it('raw (non-decimal) coordinates are range-checked like the JSON form', () => {
    const bytes = make(null);
    const L = layout(bytes);
    expect(L.mode).toBe(0);
    const b = bytes.slice();
    new DataView(b.buffer).setFloat64(L.valuesAt, -1e39, true);
    refuse(b, /points: value 0 = -1e\+39 is outside/);
    const c = bytes.slice();
    new DataView(c.buffer).setFloat64(L.valuesAt, NaN, true);
    refuse(c, /points: value 0 = NaN is outside/);
  });

  it('the version field: 1 and 3 are read, anything else refused by name; v1 damage is still caught', () => {
    const bytes = make(4);
    for (const version of [0, 2, 4, 0xffff]) {
      const b = bytes.slice();
      new DataView(b.buffer).setUint16(4, version, true);
      expect(() => RandomCutForest.fromBytes(withCrc(b))).toThrow(new RegExp(`\\(version\\): unknown format version ${version} \\(this library reads 1 and 3\\)`));
    }
    const forest = RandomCutForest.fromBytes(bytes);
    const old = v1Bytes(forest);
    expect(() => RandomCutForest.fromBytes(old.subarray(0, old.length - 1))).toThrow(/\(length\)/);
    const flipped = old.slice();
    flipped[40]! ^= 4;
    expect(() => RandomCutForest.fromBytes(flipped)).toThrow(/\(checksum\)/);
  });

  it('fuzz: random mutations of a shingled raw-double state with a recomputed checksum fail validation or give a working forest', () => {
    const bytes = make(null);
    const rnd = seedrandom('v3 mutations');
    let refused = 0;
    for (let n = 0; n < 1500; n++) {
      const bad = bytes.slice();
      const edits = 1 + Math.floor(rnd() * 3);
      for (let e = 0; e < edits; e++) bad[12 + Math.floor(rnd() * (bad.length - 16))] = Math.floor(rnd() * 256);
      let forest: RandomCutForest | undefined;
      try {
        forest = RandomCutForest.fromBytes(withCrc(bad));
      } catch (e) {
        expect(e).toBeInstanceOf(StateError);
        refused++;
        continue;
      }
      forest.trees.forEach((t) => checkTree(t, forest!.store, false));
      checkPools(forest.trees);
      for (const r of stream('after', 10, 2, null)) expect(Number.isFinite(forest.process(r))).toBe(true);
    }
    expect(refused).toBeGreaterThan(300);
  });
});
