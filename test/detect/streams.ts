/** Generated test streams (fixed seeds) and a helper that runs a detector over them. */
import seedrandom from 'seedrandom';
import { AnomalyDetector, type AnomalyDetectorOptions, type DetectionResult } from '../../src/detect/index.js';

/** A standard normal draw from a seeded generator (Box-Muller). */
export function gaussian(rnd: () => number): number {
  let u = rnd();
  while (u === 0) u = rnd();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
}

/** `n` rows of a noisy sine (period 100 unless given, amplitude 5, noise sd 0.5 unless given) around 10, plus `f(t)`. */
export function noisySine(
  seed: string,
  n: number,
  f: (t: number) => number = () => 0,
  period = (_t: number) => 100,
  noise = 0.5,
): number[][] {
  const rnd = seedrandom(seed);
  const rows: number[][] = [];
  let phase = 0;
  for (let t = 0; t < n; t++) {
    phase += (2 * Math.PI) / period(t);
    rows.push([10 + 5 * Math.sin(phase) + noise * gaussian(rnd) + f(t)]);
  }
  return rows;
}

/** Runs a fresh detector (seed 42 unless given) over `rows`, one minute apart. */
export function detect(rows: readonly number[][], options: Partial<AnomalyDetectorOptions> = {}): DetectionResult[] {
  const detector = new AnomalyDetector({ dimensions: rows[0]!.length, seed: 42, ...options });
  return rows.map((r, t) => detector.process(r, 1_700_000_000_000 + 60_000 * t));
}

/** Indices of the records that raised an alarm. */
export function alarms(results: readonly DetectionResult[]): number[] {
  const out: number[] = [];
  results.forEach((r, i) => r.isAnomaly && out.push(i));
  return out;
}

/** Alarms in [from, to). */
export function alarmsIn(results: readonly DetectionResult[], from: number, to: number): number[] {
  return alarms(results).filter((i) => i >= from && i < to);
}
