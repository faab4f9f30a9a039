/**
 * Picking the strongest distinct anomalies out of a scored series.
 * @module
 */

/** One event: the row where a run of high scores peaks. */
export interface ScoredEvent {
  /** Row index of the peak (0-based). */
  index: number;
  /** Time of the peak, epoch milliseconds. */
  time: number;
  /** Score at the peak. */
  score: number;
}

/**
 * The `count` highest-scoring rows such that no two lie within `minSeparation` of each other (in
 * the units of `times`), highest first: each is the peak of a distinct event. Ties keep the earlier row.
 * @param times Row times (epoch milliseconds), same length as `scores`.
 * @param scores Row scores.
 * @example
 * topEvents([0, 1, 2, 10], [5, 6, 1, 4], 2, 3);
 * // [{ index: 1, time: 1, score: 6 }, { index: 3, time: 10, score: 4 }]
 */
export function topEvents(
  times: ArrayLike<number>,
  scores: ArrayLike<number>,
  count: number,
  minSeparation: number,
): ScoredEvent[] {
  if (times.length !== scores.length) {
    throw new RangeError(`times and scores must have the same length, got ${times.length} and ${scores.length}`);
  }
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be an integer >= 0, got ${count}`);
  if (!(minSeparation >= 0)) throw new RangeError(`minSeparation must be >= 0, got ${minSeparation}`);
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || a - b);
  const picked: ScoredEvent[] = [];
  for (const i of order) {
    if (picked.length === count || !(scores[i]! > 0)) break;
    if (picked.some((e) => Math.abs(e.time - times[i]!) < minSeparation)) continue;
    picked.push({ index: i, time: times[i]!, score: scores[i]! });
  }
  return picked;
}
