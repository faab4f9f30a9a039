/**
 * A look-ahead over an async sequence: read its first rows (to choose columns, estimate sizes) and
 * still iterate over all of them afterwards.
 * @module
 */

/**
 * Wraps an async iterable so that its first rows can be sampled without being consumed. An error met
 * while sampling is kept and thrown by the iteration after the rows before it, in order.
 * @example
 * const rows = new Lookahead(reader);
 * const first = await rows.sample(100);
 * for await (const row of rows) use(row); // starts with first[0]
 */
export class Lookahead<R> implements AsyncIterable<R> {
  private readonly iterator: AsyncIterator<R>;
  private readonly buffer: R[] = [];
  private ended = false;
  private failed = false;
  private failure: unknown;
  private started = false;

  /** @param source the sequence to wrap (iterated once). */
  constructor(source: AsyncIterable<R>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Up to the first `n` rows (fewer when the sequence is shorter or fails early). */
  async sample(n: number): Promise<R[]> {
    if (this.started) throw new Error('sample() after the iteration started');
    while (this.buffer.length < n && !this.ended) {
      try {
        const next = await this.iterator.next();
        if (next.done === true) this.ended = true;
        else this.buffer.push(next.value);
      } catch (error) {
        this.ended = true;
        this.failed = true;
        this.failure = error;
      }
    }
    return this.buffer.slice(0, n);
  }

  /** Yields every row: the sampled ones first, then the rest. */
  async *[Symbol.asyncIterator](): AsyncGenerator<R> {
    if (this.started) throw new Error('a Lookahead can be iterated only once');
    this.started = true;
    while (this.buffer.length > 0) yield this.buffer.shift()!;
    if (this.failed) throw this.failure;
    if (this.ended) return;
    for (;;) {
      const next = await this.iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
}
