/**
 * The rows a resumed operator drops: with `resumeFrom: "start"` the source is replayed from its first
 * row, and the rows the checkpoint covers were learned and emitted before it. Shared by the scoring
 * operators' cores.
 * @module
 * @internal
 */
import type { ResumeFrom } from './rcf-operators.js';

/**
 * Counts off the first `covered` rows of a replayed source, and says when the source ended too soon.
 * @example
 * const skip = new ResumeSkip('randomCutForest', 1000, 'start');
 * skip.skips(); // true for the first 1000 calls, then false
 */
export class ResumeSkip {
  /** Rows still to drop; 0 with `resumeFrom: "position"` or a fresh start. */
  private left: number;

  constructor(
    private readonly operator: string,
    private readonly covered: number,
    resumeFrom: ResumeFrom,
  ) {
    this.left = resumeFrom === 'start' ? covered : 0;
  }

  /** Whether the next source row is one the state covers (to drop), counting it off. */
  skips(): boolean {
    if (this.left === 0) return false;
    this.left--;
    return true;
  }

  /** At the end of the source: throws a RangeError when it ended before the rows to drop. */
  end(): void {
    if (this.left === 0) return;
    throw new RangeError(
      `${this.operator}: the source ended after ${this.covered - this.left} rows, before the ${this.covered} rows the state covers ` +
        '(resumeFrom "start" replays the source from its first row and drops those; pass resumeFrom: "position" ' +
        'for a source that continues after the checkpoint)',
    );
  }
}
