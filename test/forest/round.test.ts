/** The float32 rounding of box sides: `roundDown32` / `roundUp32` against the bit-pattern definition. */
import { describe, expect, it } from 'vitest';
import { MAX_BOX_VALUE, roundDown32, roundPointBox, roundUp32 } from '../../src/forest/tree.js';
import { mulberry32 } from './helpers.js';

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The largest float32 <= x, by stepping the bit pattern of the nearest float32 (the slow, plain way). */
function plainDown(x: number): number {
  const f = Math.fround(x);
  if (f <= x) return f;
  f32[0] = f;
  if (f > 0) i32[0]! -= 1;
  else if (f < 0) i32[0]! += 1;
  else i32[0] = 0x80000001 | 0;
  return f32[0]!;
}

function values(): number[] {
  const out: number[] = [0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, MAX_BOX_VALUE, -MAX_BOX_VALUE, 0.1, -0.1, 1e8 + 0.5];
  // Around every power of two of the float32 range (normal and subnormal), both signs: the float32
  // values themselves and doubles just beside them, where the spacing changes.
  for (let e = -150; e <= 127; e++) {
    for (const m of [1, 1 + 2 ** -24, 1 + 2 ** -23, 1.5, 2 - 2 ** -23, 2 - 2 ** -24]) {
      for (const sign of [1, -1]) {
        const v = sign * 2 ** e * m;
        const f = Math.fround(v);
        out.push(v, v * (1 + 2 ** -40), v * (1 - 2 ** -40), f, f * (1 + 2 ** -52), f * (1 - 2 ** -53));
      }
    }
  }
  const rnd = mulberry32(5);
  for (let i = 0; i < 200_000; i++) out.push((rnd() - 0.5) * 2 ** (rnd() * 290 - 160));
  return out.filter((v) => Math.abs(v) <= MAX_BOX_VALUE);
}

describe('float32 rounding of box sides', () => {
  it('roundDown32 / roundUp32 give the float32 just below / above, exactly as the bit pattern does', () => {
    let checked = 0;
    for (const x of values()) {
      const down = roundDown32(x);
      const up = roundUp32(x);
      if (down !== plainDown(x) || up !== -plainDown(-x)) throw new Error(`x = ${x}: ${down} / ${up}`);
      if (!(down <= x && x <= up && Math.fround(down) === down && Math.fround(up) === up)) throw new Error(`x = ${x}`);
      checked++;
    }
    expect(checked).toBeGreaterThan(200_000);
    expect(roundDown32(0.1)).toBe(0.09999999403953552);
    expect(roundUp32(0.1)).toBe(0.10000000149011612);
    expect(roundDown32(1)).toBe(1);
    expect(roundUp32(-3)).toBe(-3);
  });

  it('roundPointBox writes the rounded mins, then maxes', () => {
    const out = new Float64Array(4);
    roundPointBox(Float64Array.of(0.1, -2), out);
    expect(Array.from(out)).toEqual([0.09999999403953552, -2, 0.10000000149011612, -2]);
  });
});
