/**
 * Seeded random numbers. `seedrandom` turns the user's seed (any string or number) into one
 * independent 128-bit state per tree; each tree then draws from its own small generator (sfc32, a
 * chaotic counter-based generator on 32-bit integers). Integer arithmetic only, so the stream is
 * bit-identical on every machine, and the whole state is four numbers: a checkpoint stores it as is.
 * One generator per tree keeps each tree's randomness independent of the others, which is what
 * lets trees be split across workers without changing a single score.
 * @module
 */
import seedrandom from 'seedrandom';

const TWO_POW_32 = 4294967296;

/** A sfc32 generator. Plain integer fields; monomorphic and allocation-free. */
export class TreeRandom {
  /** Invariant: a, b, c, d are unsigned 32-bit integers (the generator's whole state). */
  a: number;
  b: number;
  c: number;
  d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    this.d = d >>> 0;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) >>> 0;
    this.a = (b ^ (b >>> 9)) >>> 0;
    this.b = (c + (c << 3)) >>> 0;
    this.c = (((c << 21) | (c >>> 11)) + t) >>> 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1), a multiple of 2^-32. */
  nextDouble(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** The generator's state, for checkpoints. */
  getState(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }
}

/**
 * Derives `count` independent generators from a seed.
 * @example
 * const [first] = treeRandoms('42', 1);
 * first!.nextDouble(); // the same value on every machine
 */
export function treeRandoms(seed: string, count: number): TreeRandom[] {
  const source = seedrandom(seed);
  const out: TreeRandom[] = [];
  for (let i = 0; i < count; i++) {
    const g = new TreeRandom(source.int32(), source.int32(), source.int32(), source.int32());
    // sfc32's recommended warm-up: mix the seed words before the first value is used.
    for (let k = 0; k < 12; k++) g.nextUint32();
    out.push(g);
  }
  return out;
}
