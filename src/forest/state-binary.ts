/**
 * The binary state form, version 3: written straight from the forest's typed arrays and read
 * straight into new ones, with no intermediate JSON-form state. Version 1 bytes (`stateToBytes`)
 * still load through `state.ts`. See docs/codec.md for the layout and what each choice bought.
 *
 * Layout: the same 12-byte header as version 1 (magic "RCFS", u16 version, u16 boxCacheMinMass,
 * u32 body length), the body, and a CRC-32 of header and body. Body:
 * - options (u32 dimensions, shingleSize, numberOfTrees, subSampleSize; f64 timeDecay; u32
 *   outputAfter; u32 seed length and UTF-8 seed), f64 pointsSeen, f64 recordsSeen, u32 shingle head,
 *   u32 filled, f64 x D shingle ring;
 * - the live points, once each, in store order: u32 count; when shingled, one bit per point "its
 *   first D - stride values are the previous point's last ones" (then only `stride` values follow);
 *   the values as f64, or, when every one of them is exactly `m / 10^k` for one k <= 15 and integers
 *   m, as zigzag integers of 1 to 4 bytes (u8 mode, u8 k, u8 width);
 * - per tree: u32 x 4 generator, sampler size, f64 keys in heap order, each entry's leaf (its number
 *   in preorder), the leaf count, the shape (one bit per node in preorder: 1 internal), per internal
 *   node its cut coordinate (omitted for one coordinate) and f64 cut, per leaf its point.
 * Leaf masses are not written: a leaf's mass is the number of sampler entries naming it.
 * @module
 */
import { crc32 } from './crc32.js';
import { RandomCutForest } from './forest.js';
import { defaultBoxCacheMinMass, resolveForestOptions, type ResolvedForestOptions } from './options.js';
import { PointStore } from './point-store.js';
import { TreeRandom } from './random.js';
import { Sampler, SamplerStorage } from './sampler.js';
import { ShingleBuffer } from './shingle.js';
import { StateError, checkStateInteger, failContent, forestFromState, indexWidthFor, stateFromBytes } from './state.js';
import { MAX_BOX_VALUE, NO_ROOT, RandomCutTree, cachesNoBox, roundDown32, roundUp32 } from './tree.js';
import { TreeStorages } from './tree-storage.js';

/** Version of the binary form `toBytes()` writes (the JSON form stays version 1; 2 is not used). */
export const BINARY_STATE_VERSION = 3;
const MAGIC = [0x52, 0x43, 0x46, 0x53]; // "RCFS"
const HEADER_BYTES = 12;
const TRAILER_BYTES = 4;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------
// writer

class Writer {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(x: number): void {
    this.buf[this.pos++] = x;
  }
  u16(x: number): void {
    this.view.setUint16(this.pos, x, true);
    this.pos += 2;
  }
  u32(x: number): void {
    this.view.setUint32(this.pos, x, true);
    this.pos += 4;
  }
  f64(x: number): void {
    this.view.setFloat64(this.pos, x, true);
    this.pos += 8;
  }
  uint(x: number, width: number): void {
    if (width === 1) this.buf[this.pos++] = x;
    else if (width === 2) this.u16(x);
    else this.u32(x);
  }
}

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * The values as integers m with `m / 10^k` giving back each value's exact bits, for the smallest
 * k <= 15 that works for all (|m| < 2^31 - 1), or null. The decoder computes `m / 10^k`, one
 * correctly rounded division, so the check is that same division (Object.is also tells -0 from 0,
 * which an integer cannot carry).
 */
function decimalIntegers(values: Float64Array, n: number): { k: number; ints: Int32Array } | null {
  const ints = new Int32Array(n);
  let k = 0;
  let p = 1;
  let since = 0; // values from here on were checked at the current k
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    for (;;) {
      const m = Math.round(v * p);
      if (Math.abs(m) < 0x7fffffff && Object.is(m / p, v) && !Object.is(m, -0)) {
        ints[i] = m;
        break;
      }
      if (++k === 16) return null;
      p = POW10[k]!;
      since = i;
    }
  }
  // Values before `since` were checked at a smaller k: check them again at the final one.
  for (let i = 0; i < since; i++) {
    const v = values[i]!;
    const m = Math.round(v * p);
    if (!(Math.abs(m) < 0x7fffffff && Object.is(m / p, v) && !Object.is(m, -0))) return null;
    ints[i] = m;
  }
  return { k, ints };
}

const unzigzag = (z: number): number => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

function writeValues(w: Writer, values: Float64Array, n: number): void {
  const dec = decimalIntegers(values, n);
  if (dec === null) {
    w.ensure(1 + 8 * n);
    w.u8(0);
    writeF64s(w, values, n);
    return;
  }
  const ints = dec.ints;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const m = ints[i]!;
    const z = ((m << 1) ^ (m >> 31)) >>> 0; // zigzag, as unsigned
    ints[i] = z;
    if (z > max) max = z;
  }
  const width = max < 0x100 ? 1 : max < 0x10000 ? 2 : max < 0x1000000 ? 3 : 4;
  w.ensure(3 + width * n);
  w.u8(1);
  w.u8(dec.k);
  w.u8(width);
  const buf = w.buf;
  let pos = w.pos;
  for (let i = 0; i < n; i++) {
    let z = ints[i]!;
    for (let b = 0; b < width; b++) {
      buf[pos++] = z & 0xff;
      z >>>= 8;
    }
  }
  w.pos = pos;
}

/**
 * The binary form (version 3) of a forest, written from its arrays.
 * @example
 * const bytes = forestToBytes(forest); // what forest.toBytes() returns
 */
export function forestToBytes(forest: RandomCutForest): Uint8Array {
  const store = forest.store;
  const D = store.dimensions;
  const stride = store.stride;
  const T = forest.numberOfTrees;
  // Live slots, each once.
  const denseOf = new Int32Array(store.maxSlots).fill(-1);
  const liveSlots = new Int32Array(store.maxSlots);
  let pointCount = 0;
  for (let t = 0; t < T; t++) {
    const sampler = forest.samplers[t]!;
    const leafPoint = forest.trees[t]!.leafPoint;
    for (let i = 0; i < sampler.size; i++) {
      const slot = leafPoint[sampler.leafAt(i)]!;
      if (denseOf[slot] === -1) {
        denseOf[slot] = 0;
        liveSlots[pointCount++] = slot;
      }
    }
  }
  // Store order (offset, then slot), so that overlapping shingles are stored overlapping again.
  const slots = liveSlots.subarray(0, pointCount);
  if (store.slotLayout) {
    // offset = slot x D: slot order, by a scan of the marks (no sort).
    let i = 0;
    for (let slot = 0; slot < denseOf.length; slot++) if (denseOf[slot] === 0) slots[i++] = slot;
  } else {
    const radix = store.maxSlots;
    const order = new Float64Array(pointCount);
    for (let i = 0; i < pointCount; i++) order[i] = store.offset(slots[i]!) * radix + slots[i]!;
    order.sort();
    for (let i = 0; i < pointCount; i++) slots[i] = order[i]! % radix;
  }
  for (let i = 0; i < pointCount; i++) denseOf[slots[i]!] = i;

  const cap = forest.subSampleSize;
  const w = new Writer(HEADER_BYTES + 256 + 16 * D + pointCount * (D * 8 + 1) + T * (cap * 32 + 32));
  for (const b of MAGIC) w.u8(b);
  w.u16(BINARY_STATE_VERSION);
  // 0: the default box cache (it only sets how much the restored forest caches, never a score).
  const defaultMass = defaultBoxCacheMinMass(forest.dimensions * forest.shingleSize, cap);
  w.u16(forest.boxCacheMinMass !== defaultMass ? forest.boxCacheMinMass : 0);
  w.u32(0); // body length, patched below
  w.u32(forest.dimensions);
  w.u32(forest.shingleSize);
  w.u32(T);
  w.u32(cap);
  w.f64(forest.timeDecay);
  w.u32(forest.outputAfter);
  const seed = new TextEncoder().encode(forest.seed);
  w.ensure(4 + seed.length + 32 + 8 * D);
  w.u32(seed.length);
  w.buf.set(seed, w.pos);
  w.pos += seed.length;
  w.f64(forest.pointsSeen);
  w.f64(forest.recordsSeen);
  const sh = forest.shingle;
  w.u32(sh.head);
  w.u32(sh.filled);
  for (let i = 0; i < D; i++) w.f64(sh.ring[i]!);

  // Points: continuation bits (shingled), then the values they add.
  w.ensure(4 + (pointCount >> 3) + 1);
  w.u32(pointCount);
  const data = store.data;
  const values = new Float64Array(pointCount * D);
  let n = 0;
  const shingled = stride < D;
  if (shingled) {
    const bitsAt = w.pos;
    const bitBytes = (pointCount + 7) >> 3;
    w.buf.fill(0, bitsAt, bitsAt + bitBytes);
    w.pos += bitBytes;
    let prev = -1;
    for (let p = 0; p < pointCount; p++) {
      const off = store.offset(slots[p]!);
      let continues = prev >= 0;
      for (let k = 0; continues && k < D - stride; k++) if (!Object.is(data[off + k], data[prev + stride + k])) continues = false;
      if (continues) {
        w.buf[bitsAt + (p >> 3)]! |= 1 << (p & 7);
        for (let k = D - stride; k < D; k++) values[n++] = data[off + k]!;
      } else for (let k = 0; k < D; k++) values[n++] = data[off + k]!;
      prev = off;
    }
  } else {
    for (let p = 0; p < pointCount; p++) {
      const off = store.offset(slots[p]!);
      for (let k = 0; k < D; k++) values[n++] = data[off + k]!;
    }
  }
  w.ensure(4);
  w.u32(n);
  writeValues(w, values, n);

  // Trees.
  const sw = indexWidthFor(cap);
  const ow = indexWidthFor(cap - 1);
  const pw = indexWidthFor(pointCount);
  const dw = D === 1 ? 0 : indexWidthFor(D - 1);
  const scratch: WriteScratch = {
    keys: new Float64Array(cap),
    order: new Int32Array(2 * cap), // one tree's refs in preorder
    stack: new Int32Array(2 * cap + 1),
    ordinalOf: new Int32Array(0),
    denseOf,
    sw,
    ow,
    pw,
    dw,
  };
  for (let t = 0; t < T; t++) writeTree(w, forest, t, scratch);
  const bodyLength = w.pos - HEADER_BYTES;
  w.view.setUint32(8, bodyLength, true);
  w.ensure(TRAILER_BYTES);
  w.view.setUint32(w.pos, crc32(w.buf, 0, w.pos), true);
  w.pos += TRAILER_BYTES;
  return w.buf.slice(0, w.pos);
}


/** What `writeTree` shares across the trees of one save. */
interface WriteScratch {
  keys: Float64Array;
  order: Int32Array;
  stack: Int32Array;
  ordinalOf: Int32Array;
  denseOf: Int32Array;
  sw: number;
  ow: number;
  pw: number;
  dw: number;
}

/** Writes tree t: generator, sampler (keys, entries as leaf numbers), shape, cuts, leaf points. */
function writeTree(w: Writer, forest: RandomCutForest, t: number, x: WriteScratch): void {
  const { order, stack, denseOf, sw, ow, pw, dw } = x;
  const keyScratch = x.keys;
  const tree = forest.trees[t]!;
  const sampler = forest.samplers[t]!;
  if (x.ordinalOf.length < tree.leafPoint.length) x.ordinalOf = new Int32Array(tree.leafPoint.length);
  const ordinalOf = x.ordinalOf;
  let count = 0;
  let leaves = 0;
  if (tree.root !== NO_ROOT) {
    let top = 0;
    stack[top++] = tree.root;
    while (top > 0) {
      const ref = stack[--top]!;
      order[count++] = ref;
      if (ref < 0) ordinalOf[~ref] = leaves++;
      else {
        stack[top++] = tree.right[ref]!;
        stack[top++] = tree.left[ref]!;
      }
    }
  }
  const size = sampler.size;
  w.ensure(16 + 2 * sw + size * (8 + ow) + (count >> 3) + 1 + (leaves - 1 > 0 ? leaves - 1 : 0) * (8 + dw) + leaves * pw);
  const rs = forest.randoms[t]!.getState();
  for (let i = 0; i < 4; i++) w.u32(rs[i]!);
  w.uint(size, sw);
  for (let i = 0; i < size; i++) keyScratch[i] = sampler.keyAt(i);
  writeF64s(w, keyScratch, size);
  for (let i = 0; i < size; i++) w.uint(ordinalOf[sampler.leafAt(i)]!, ow);
  w.uint(leaves, sw);
  const buf = w.buf;
  const shapeAt = w.pos;
  const shapeBytes = (count + 7) >> 3;
  buf.fill(0, shapeAt, shapeAt + shapeBytes);
  for (let i = 0; i < count; i++) if (order[i]! >= 0) buf[shapeAt + (i >> 3)]! |= 1 << (i & 7);
  w.pos += shapeBytes;
  for (let i = 0; i < count; i++) {
    const ref = order[i]!;
    if (ref < 0) continue;
    if (dw > 0) w.uint(tree.cutDimension(ref), dw);
    w.f64(tree.cutValue[ref]!);
  }
  for (let i = 0; i < count; i++) {
    const ref = order[i]!;
    if (ref < 0) w.uint(denseOf[tree.leafPoint[~ref]!]!, pw);
  }
}

// ---------------------------------------------------------------------------------------------
// reader

class Reader {
  readonly view: DataView;
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
  }
  /** Checks that `n` more bytes are there (the per-value readers below do not check). */
  need(n: number): void {
    if (!(this.pos + n <= this.end)) failContent('the body ends early');
  }
  u8(): number {
    return this.bytes[this.pos++]!;
  }
  u16(): number {
    const x = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return x;
  }
  u32(): number {
    const x = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return x;
  }
  f64(): number {
    const x = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return x;
  }
  uint(width: number): number {
    if (width === 1) return this.bytes[this.pos++]!;
    return width === 2 ? this.u16() : this.u32();
  }
}

/**
 * Restores a forest from the binary form: version 3 directly, version 1 through the JSON-form
 * path of state.ts. Checks magic, length, checksum and version first, then every content check of
 * `forestFromState` (or what makes it hold by construction), before any forest exists.
 * @throws StateError naming the check that failed; nothing is half-restored.
 * @example
 * const forest = forestFromBytes(bytes); // what RandomCutForest.fromBytes does
 */
export function forestFromBytes(bytes: Uint8Array): RandomCutForest {
  if (!(bytes instanceof Uint8Array)) throw new StateError('format', 'expected a Uint8Array');
  if (bytes.length < HEADER_BYTES + TRAILER_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new StateError('format', 'not a forest state (bad magic bytes)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, true);
  if (version === 1) return forestFromState(stateFromBytes(bytes));
  const bodyLength = view.getUint32(8, true);
  const expected = HEADER_BYTES + bodyLength + TRAILER_BYTES;
  if (bytes.length !== expected) {
    throw new StateError('length', `expected ${expected} bytes, got ${bytes.length} (truncated or padded)`);
  }
  const crcAt = HEADER_BYTES + bodyLength;
  if (crc32(bytes, 0, crcAt) !== view.getUint32(crcAt, true)) {
    throw new StateError('checksum', 'the CRC-32 does not match (corrupted bytes)');
  }
  if (version !== BINARY_STATE_VERSION) {
    throw new StateError('version', `unknown format version ${version} (this library reads 1 and ${BINARY_STATE_VERSION})`);
  }
  try {
    return restore3(bytes, view.getUint16(6, true), crcAt);
  } catch (e) {
    if (e instanceof StateError) throw e;
    // A typed array the state asks for could not be allocated (RangeError), or memory ran out.
    const err = e as Error;
    throw new StateError('content', `cannot build the forest it describes (${err.name}: ${err.message})`);
  }
}

function restore3(bytes: Uint8Array, boxCacheMinMass: number, end: number): RandomCutForest {
  const r = new Reader(bytes, HEADER_BYTES, end);
  r.need(28);
  const dimensions = r.u32();
  const shingleSize = r.u32();
  const numberOfTrees = r.u32();
  const subSampleSize = r.u32();
  const timeDecay = r.f64();
  const outputAfter = r.u32();
  r.need(4);
  const seedLength = r.u32();
  r.need(seedLength);
  let seed: string;
  try {
    seed = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(r.pos, r.pos + seedLength));
  } catch {
    failContent('the seed is not valid UTF-8');
  }
  r.pos += seedLength;
  const given = { dimensions, shingleSize, numberOfTrees, subSampleSize, timeDecay, outputAfter, seed, ...(boxCacheMinMass > 0 ? { boxCacheMinMass } : {}) };
  let o: ResolvedForestOptions;
  try {
    o = resolveForestOptions(given);
  } catch (e) {
    failContent(`options: ${(e as Error).message}`);
  }
  const D = dimensions * shingleSize;
  const k = shingleSize;
  r.need(24 + 8 * D);
  const pointsSeen = checkStateInteger(r.f64(), 'pointsSeen', 0, Number.MAX_SAFE_INTEGER);
  const recordsSeen = checkStateInteger(r.f64(), 'recordsSeen', 0, Number.MAX_SAFE_INTEGER);
  if (pointsSeen !== Math.max(0, recordsSeen - (k - 1))) failContent('pointsSeen does not match recordsSeen and the shingle size');
  const head = checkStateInteger(r.u32(), 'shingle.head', 0, k - 1);
  const filled = checkStateInteger(r.u32(), 'shingle.filled', 0, k);
  if (filled !== Math.min(k, recordsSeen)) failContent('shingle.filled does not match recordsSeen');
  if (head !== recordsSeen % k) failContent('shingle.head does not match recordsSeen');
  const ring = new Float64Array(D);
  for (let i = 0; i < D; i++) {
    const v = r.f64();
    if (!(Math.abs(v) <= MAX_BOX_VALUE)) failContent(`shingle.values[${i}] = ${v} is outside +-${MAX_BOX_VALUE}`);
    ring[i] = v;
  }

  // Points.
  const maxPoints = numberOfTrees * subSampleSize;
  r.need(4);
  const pointCount = r.u32();
  if (pointCount > maxPoints) failContent(`${pointCount} points, more than trees x sample size`);
  if (pointCount > pointsSeen) failContent(`points holds ${pointCount} points but pointsSeen is ${pointsSeen}`);
  const stride = dimensions;
  const shingled = stride < D;
  const bitsAt = r.pos;
  if (shingled) {
    r.need((pointCount + 7) >> 3);
    r.pos += (pointCount + 7) >> 3;
    if (pointCount % 8 !== 0 && bytes[r.pos - 1]! >> pointCount % 8 !== 0) failContent('points: bits after the last point');
    if (pointCount > 0 && (bytes[bitsAt]! & 1) !== 0) failContent('points: the first point continues none');
  }
  let n = 0;
  for (let p = 0; p < pointCount; p++) n += shingled && (bytes[bitsAt + (p >> 3)]! >> (p & 7)) & 1 ? stride : D;
  r.need(5);
  if (r.u32() !== n) failContent(`points: the value count does not match the points`);
  const values = new Float64Array(n);
  const mode = r.u8();
  if (mode === 0) {
    r.need(8 * n);
    readF64s(r, values, n);
  } else if (mode === 1) {
    r.need(2);
    const scale = r.u8();
    const width = r.u8();
    if (scale > 15 || width < 1 || width > 4) failContent('points: bad value encoding');
    r.need(width * n);
    const p10 = POW10[scale]!;
    let pos = r.pos;
    for (let i = 0; i < n; i++) {
      let z = 0;
      let mul = 1;
      for (let b = 0; b < width; b++) {
        z += bytes[pos++]! * mul;
        mul *= 256;
      }
      values[i] = unzigzag(z) / p10;
    }
    r.pos = pos;
  } else failContent(`points: unknown value encoding ${mode}`);
  for (let i = 0; i < n; i++) {
    if (!(Math.abs(values[i]!) <= MAX_BOX_VALUE)) failContent(`points: value ${i} = ${values[i]} is outside +-${MAX_BOX_VALUE}`);
  }
  const store = new PointStore(D, maxPoints + 1, Math.max(256, pointCount), o.dimensions);
  const point = new Float64Array(D);
  let at = 0;
  for (let p = 0; p < pointCount; p++) {
    if (shingled && (bytes[bitsAt + (p >> 3)]! >> (p & 7)) & 1) {
      point.copyWithin(0, stride);
      for (let j = D - stride; j < D; j++) point[j] = values[at++]!;
    } else for (let j = 0; j < D; j++) point[j] = values[at++]!;
    store.add(point); // slot p: a fresh store hands out slots in order
  }

  // Trees.
  const sampleSize = Math.min(pointsSeen, subSampleSize);
  const cap = subSampleSize;
  const sw = indexWidthFor(cap);
  const ow = indexWidthFor(cap - 1);
  const pw = indexWidthFor(pointCount);
  const dw = D === 1 ? 0 : indexWidthFor(D - 1);
  const trees: RandomCutTree[] = [];
  const samplers: Sampler[] = [];
  const randoms: TreeRandom[] = [];
  const randomStates = new Int32Array(4 * numberOfTrees);
  const storages = new TreeStorages(D, cap, numberOfTrees, !cachesNoBox(o.boxCacheMinMass, cap));
  const samplerStorage = new SamplerStorage(cap, numberOfTrees, Math.max(16, sampleSize));
  // Boxes are rebuilt bottom-up from the children's (a stack of the completed subtrees' boxes), the
  // leaves' from each point's float32 rounding computed once: the same values as settleBox's fold
  // (rounding is monotone, so the rounded minimum is the minimum of the rounded values).
  const keepsBoxes = !cachesNoBox(o.boxCacheMinMass, cap);
  const D2 = 2 * D;
  const pointBoxes = new Float32Array(keepsBoxes ? pointCount * D2 : 0);
  if (keepsBoxes) {
    const data = store.data;
    for (let p = 0; p < pointCount; p++) {
      const off = store.offset(p);
      for (let j = 0; j < D; j++) {
        pointBoxes[p * D2 + j] = roundDown32(data[off + j]!);
        pointBoxes[p * D2 + D + j] = roundUp32(data[off + j]!);
      }
    }
  }
  const keys = new Float64Array(cap); // one sampler's keys
  const masses = new Int32Array(cap); // per leaf ordinal: sampler entries naming it
  const leafRefs = new Int32Array(cap); // per leaf ordinal: its leaf slot
  const ctx: BuildContext = {
    bytes,
    store,
    D,
    pointCount,
    dw,
    pw,
    keepsBoxes,
    pointBoxes,
    boxStack: new Float32Array(keepsBoxes ? 64 * D2 : 0),
    massStack: new Int32Array(64),
    boxFrom: new Int32Array(64),
    boxIn: new Uint8Array(64),
    masses,
    leafRefs,
    open: new Int32Array(cap), // internal nodes waiting for a child, root first
    hasLeft: new Uint8Array(cap),
    trees: numberOfTrees,
    above: new Float64Array(D),
    atMost: new Float64Array(D),
    uses: new Int32Array(D),
    active: new Int32Array(D),
    where: new Int32Array(D),
    saved: new Float64Array(cap),
    openDim: new Int32Array(cap),
    openCut: new Float64Array(cap),
  };
  for (let t = 0; t < numberOfTrees; t++) {
    r.need(16 + sw);
    const rs0 = r.u32();
    const rs1 = r.u32();
    const rs2 = r.u32();
    const rs3 = r.u32();
    randoms.push(new TreeRandom(rs0, rs1, rs2, rs3, randomStates, 4 * t));
    const size = r.uint(sw);
    if (size !== sampleSize) {
      failContent(`tree ${t} samples: ${size} entries, but pointsSeen ${pointsSeen} and subSampleSize ${subSampleSize} make every sampler hold ${sampleSize}`);
    }
    r.need(size * (8 + ow) + sw);
    readF64s(r, keys, size);
    for (let i = 0; i < size; i++) {
      const key = keys[i]!;
      if (!Number.isFinite(key)) failContent(`tree ${t} keys[${i}] is not a finite number`);
      if (i > 0 && !(keys[(i - 1) >> 1]! >= key)) failContent(`tree ${t}: sampler keys are not a max-heap`);
    }
    const entriesAt = r.pos;
    r.pos += size * ow;
    const leafCount = r.uint(sw);
    if (leafCount > size || (size > 0) !== (leafCount > 0)) failContent(`tree ${t}: ${leafCount} leaves for ${size} samples`);
    masses.fill(0, 0, leafCount);
    for (let i = 0; i < size; i++) {
      const ord = ow === 1 ? bytes[entriesAt + i]! : ow === 2 ? r.view.getUint16(entriesAt + 2 * i, true) : r.view.getUint32(entriesAt + 4 * i, true);
      if (ord >= leafCount) failContent(`tree ${t} sample ${i}: leaf ${ord} of ${leafCount}`);
      masses[ord]!++;
    }
    const tree = new RandomCutTree(D, cap, o.boxCacheMinMass, storages.next());
    if (leafCount > 0) buildTree3(ctx, tree, t, r, leafCount, size);
    const sampler = new Sampler(cap, samplerStorage);
    for (let i = 0; i < size; i++) {
      const ord = ow === 1 ? bytes[entriesAt + i]! : ow === 2 ? r.view.getUint16(entriesAt + 2 * i, true) : r.view.getUint32(entriesAt + 4 * i, true);
      const leaf = leafRefs[ord]!;
      store.incRef(tree.leafPoint[leaf]!);
      sampler.appendRaw(keys[i]!, leaf);
    }
    samplers.push(sampler);
    trees.push(tree);
  }
  if (r.pos !== end) failContent(`${end - r.pos} bytes left after the last tree`);
  if (keepsBoxes) for (const tree of trees) tree.pool.trim();
  for (let p = 0; p < pointCount; p++) if (store.references(p) === 0) failContent(`point ${p} is not sampled by any tree`);

  const shingle = new ShingleBuffer(dimensions, k);
  shingle.ring.set(ring);
  shingle.head = head;
  shingle.filled = filled;
  const { boxCacheMinMass: resolvedMass, ...rest } = o;
  const options = boxCacheMinMass > 0 ? { ...rest, boxCacheMinMass: resolvedMass } : rest;
  return new RandomCutForest(options, { store, trees, samplers, randoms, shingle, pointsSeen, recordsSeen });
}

/** What `buildTree3` shares across the trees of one restore (scratch arrays, widths). */
interface BuildContext {
  bytes: Uint8Array;
  store: PointStore;
  D: number;
  pointCount: number;
  dw: number;
  pw: number;
  keepsBoxes: boolean;
  pointBoxes: Float32Array;
  boxStack: Float32Array;
  massStack: Int32Array;
  boxFrom: Int32Array;
  /** 1: the entry's box is in boxStack, 0: in pointBoxes. */
  boxIn: Uint8Array;
  masses: Int32Array;
  leafRefs: Int32Array;
  open: Int32Array;
  hasLeft: Uint8Array;
  /** Trees in the forest (a first tree reserves box slots for all, as if they were alike). */
  trees: number;
  above: Float64Array;
  atMost: Float64Array;
  uses: Int32Array;
  active: Int32Array;
  where: Int32Array;
  saved: Float64Array;
  openDim: Int32Array;
  openCut: Float64Array;
}

/**
 * Builds one tree from its shape bits, cuts and leaf points (at `r.pos`), checking structure, cut
 * coordinates, leaf points and masses, and rebuilding masses and boxes bottom-up; then checks the
 * cuts. Linear in the tree, no recursion.
 */
function buildTree3(ctx: BuildContext, tree: RandomCutTree, t: number, r: Reader, leafCount: number, size: number): void {
  const { bytes, store, D, pointCount, dw, pw, keepsBoxes, pointBoxes, masses, leafRefs, open, hasLeft } = ctx;
  const D2 = 2 * D;
  let boxStack = ctx.boxStack;
  let massStack = ctx.massStack;
  let boxFrom = ctx.boxFrom; // where each stack entry's box is: offset in boxStack or pointBoxes
  let boxIn = ctx.boxIn;
  const nodeCount = 2 * leafCount - 1;
  const shapeAt = r.pos;
  const shapeBytes = (nodeCount + 7) >> 3;
  const internalAt = shapeAt + shapeBytes;
  const leavesAt = internalAt + (leafCount - 1) * (dw + 8);
  r.need(leavesAt - shapeAt + leafCount * pw);
  if (nodeCount % 8 !== 0 && bytes[internalAt - 1]! >> nodeCount % 8 !== 0) failContent(`tree ${t}: values after the preorder`);
  let ip = internalAt;
  let lp = leavesAt;
  let depth = 0;
  let leaves = 0;
  let internals = 0;
  // The cut check (as checkCuts in state.ts, during the build instead of a second walk). One
  // coordinate: in order (see checkCuts1), `last` being the last leaf value or cut seen in order.
  // Otherwise per-path bounds: a leaf's point is above `above[d]` and at most `atMost[d]` for the
  // coordinates d cut on its path (`active[0 .. nActive)`); `saved[k]` holds the bound that open
  // node k replaced.
  const oneD = D === 1;
  const data = store.data;
  let last = -Infinity;
  const { above, atMost, uses, active, where, saved, openDim, openCut } = ctx;
  let nActive = 0;
  if (!oneD) {
    above.fill(-Infinity);
    atMost.fill(Infinity);
    uses.fill(0);
  }
  let sp = 0; // entries on the mass and box stacks
  if (keepsBoxes) {
    // The first tree of a pool reserves for as many trees as the rest of the body can hold (each
    // writes `size` keys of 8 bytes), so memory still follows the content.
    const alike = tree.pool.used === 0 ? Math.min(ctx.trees, 1 + Math.floor((r.end - r.pos) / (8 * size))) : 1;
    tree.pool.reserve((leafCount - 1) * alike);
  }
  let root = NO_ROOT;
  let i = 0;
  read: for (;;) {
    if (i >= nodeCount) failContent(`tree ${t}: preorder ends early`);
    const internal = (bytes[shapeAt + (i >> 3)]! >> (i & 7)) & 1;
    i++;
    if (internal) {
      if (++internals >= leafCount) failContent(`tree ${t}: more than ${leafCount - 1} internal nodes`);
      const dim = dw === 0 ? 0 : dw === 1 ? bytes[ip]! : dw === 2 ? r.view.getUint16(ip, true) : r.view.getUint32(ip, true);
      if (dim >= D) failContent(`tree ${t} cut dimension + 1 must be an integer from 1 to ${D}, got ${dim + 1}`);
      const value = r.view.getFloat64(ip + dw, true);
      if (!Number.isFinite(value)) failContent(`tree ${t}: a cut value is not a finite number`);
      ip += dw + 8;
      tree.reserve();
      const nd = tree.allocNode();
      tree.setCut(nd, dim, value);
      open[depth] = nd;
      hasLeft[depth] = 0;
      if (!oneD) {
        // Going down its left side: the points there lie at or below the cut.
        openDim[depth] = dim;
        openCut[depth] = value;
        saved[depth] = atMost[dim]!;
        if (value < atMost[dim]!) atMost[dim] = value;
        if (uses[dim]++ === 0) {
          where[dim] = nActive;
          active[nActive++] = dim;
        }
      }
      depth++;
      continue;
    }
    if (leaves === leafCount) failContent(`tree ${t}: more than ${leafCount} leaves`);
    const pnt = pw === 1 ? bytes[lp]! : pw === 2 ? r.view.getUint16(lp, true) : r.view.getUint32(lp, true);
    lp += pw;
    if (pnt >= pointCount) failContent(`tree ${t} leaf point must be an integer from 0 to ${pointCount - 1}, got ${pnt}`);
    const mass = masses[leaves]!;
    if (mass === 0) failContent(`tree ${t}: leaves do not match its sampler`);
    if (oneD) {
      // In order, a leaf follows a cut (or starts): it must lie above it.
      const x = data[store.offset(pnt)]!;
      if (!(x > last)) failContent(`tree ${t}: a cut does not separate its children`);
      last = x;
    } else {
      // The leaf's point within the bounds of every cut on its path (coordinates cut on only).
      const off = store.offset(pnt);
      for (let a = 0; a < nActive; a++) {
        const d = active[a]!;
        const x = data[off + d]!;
        if (!(x > above[d]! && x <= atMost[d]!)) failContent(`tree ${t}: a cut does not separate its children`);
      }
    }
    tree.reserve();
    const leaf = tree.allocLeaf();
    tree.leafPoint[leaf] = pnt;
    tree.leafMass[leaf] = mass;
    leafRefs[leaves++] = leaf;
    // Push the leaf's mass and box (by reference: its point's box).
    if (sp === massStack.length) {
      const grown = new Int32Array(2 * sp);
      grown.set(massStack);
      massStack = ctx.massStack = grown;
      const from = new Int32Array(2 * sp);
      from.set(boxFrom);
      boxFrom = ctx.boxFrom = from;
      const inStack = new Uint8Array(2 * sp);
      inStack.set(boxIn);
      boxIn = ctx.boxIn = inStack;
      if (keepsBoxes) {
        const g = new Float32Array(2 * sp * D2);
        g.set(boxStack);
        boxStack = ctx.boxStack = g;
      }
    }
    massStack[sp] = mass;
    boxFrom[sp] = pnt * D2;
    boxIn[sp] = 0;
    sp++;
    let child = ~leaf;
    for (;;) {
      if (depth === 0) {
        root = child;
        break read;
      }
      const parent = open[depth - 1]!;
      if (!hasLeft[depth - 1]) {
        tree.left[parent] = child;
        hasLeft[depth - 1] = 1;
        if (oneD) {
          // In order, the parent's cut follows its left subtree's last leaf: at or above it.
          const c = tree.cutValue[parent]!;
          if (!(last <= c)) failContent(`tree ${t}: a cut does not separate its children`);
          last = c;
        } else {
          // Now its right side: the points there lie above the cut.
          const k = depth - 1;
          const d = openDim[k]!;
          atMost[d] = saved[k]!;
          saved[k] = above[d]!;
          if (openCut[k]! > above[d]!) above[d] = openCut[k]!;
        }
        break;
      }
      tree.right[parent] = child;
      depth--;
      if (!oneD) {
        const d = openDim[depth]!;
        above[d] = saved[depth]!;
        if (--uses[d] === 0) {
          const lastActive = active[--nActive]!;
          if (lastActive !== d) {
            active[where[d]!] = lastActive;
            where[lastActive] = where[d]!;
          }
        }
      }
      // Both children complete: the top two entries of the stacks, left below right. The
      // parent's box goes to the stack (left first, as settleBox folds).
      sp--;
      const m = massStack[sp - 1]! + massStack[sp]!;
      massStack[sp - 1] = m;
      if (keepsBoxes) {
        const out = (sp - 1) * D2;
        const A = boxIn[sp - 1] ? boxStack : pointBoxes;
        const ao = boxFrom[sp - 1]!;
        const B = boxIn[sp] ? boxStack : pointBoxes;
        const bo = boxFrom[sp]!;
        mergeBoxes(A, ao, B, bo, boxStack, out, D);
        boxFrom[sp - 1] = out;
        boxIn[sp - 1] = 1;
        tree.mass[parent] = m;
        if (m >= tree.boxCacheMass) {
          const pool = tree.pool;
          const slot = pool.alloc();
          tree.boxSlot[parent] = slot;
          const boxes = pool.boxes; // the allocation may have grown it
          copyBox(boxStack, out, boxes, slot * D2, D2);
        }
      }
      child = parent;
    }
  }
  if (i !== nodeCount || leaves !== leafCount) failContent(`tree ${t}: values after the preorder`);
  tree.root = root;
  r.pos = lp;
  tree.totalMass = size;
}

/** `out` box = the union of boxes a and b (mins then maxes), a's value kept on ties. */
function mergeBoxes(a: Float32Array, ao: number, b: Float32Array, bo: number, out: Float32Array, oo: number, D: number): void {
  for (let j = 0; j < D; j++) {
    const x = a[ao + j]!;
    const y = b[bo + j]!;
    out[oo + j] = y < x ? y : x;
    const u = a[ao + D + j]!;
    const v = b[bo + D + j]!;
    out[oo + D + j] = v > u ? v : u;
  }
}

function copyBox(from: Float32Array, fo: number, to: Float32Array, to0: number, n: number): void {
  for (let j = 0; j < n; j++) to[to0 + j] = from[fo + j]!;
}

/** Writes `n` float64 values (little-endian): one copy of their bytes on a little-endian platform. */
function writeF64s(w: Writer, values: Float64Array, n: number): void {
  if (LITTLE_ENDIAN) {
    w.buf.set(new Uint8Array(values.buffer, values.byteOffset, 8 * n), w.pos);
    w.pos += 8 * n;
  } else for (let i = 0; i < n; i++) w.f64(values[i]!);
}

/** Reads `n` float64 values into `out` (the caller has checked that the bytes are there). */
function readF64s(r: Reader, out: Float64Array, n: number): void {
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer, out.byteOffset, 8 * n).set(r.bytes.subarray(r.pos, r.pos + 8 * n));
    r.pos += 8 * n;
  } else for (let i = 0; i < n; i++) out[i] = r.f64();
}
