/**
 * Cost of one `roundDown32` call against `Math.fround`, on 65,536 uniform values in [-5, 5) (half of
 * them round up to the nearest float32, so a branch on that would mispredict half the time):
 * `node dist/bench/round.js`. Prints nanoseconds per call, best of 5 passes of 1,000 rounds.
 * @module
 */
import { roundDown32 } from '../src/forest/tree.js';

const xs = new Float64Array(1 << 16);
let seed = 1;
for (let i = 0; i < xs.length; i++) {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  xs[i] = (seed / 4294967296) * 10 - 5;
}

function timeRoundDown(): number {
  let sum = 0;
  const t0 = performance.now();
  for (let r = 0; r < 1000; r++) for (let i = 0; i < xs.length; i++) sum += roundDown32(xs[i]!);
  return (performance.now() - t0) / 65.536 + (sum === 0.5 ? 1 : 0);
}

function timeFround(): number {
  let sum = 0;
  const t0 = performance.now();
  for (let r = 0; r < 1000; r++) for (let i = 0; i < xs.length; i++) sum += Math.fround(xs[i]!);
  return (performance.now() - t0) / 65.536 + (sum === 0.5 ? 1 : 0);
}

let best = Infinity;
let bestFround = Infinity;
for (let pass = 0; pass < 5; pass++) {
  best = Math.min(best, timeRoundDown());
  bestFround = Math.min(bestFround, timeFround());
}
console.log(`roundDown32 ${best.toFixed(2)} ns a call, Math.fround ${bestFround.toFixed(2)} ns`);
