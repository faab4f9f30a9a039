/**
 * An output file written with synchronous writes, so that after `write` returns its bytes are in the
 * file: the length a checkpoint records is exactly what a crash leaves behind (before fsync, at least
 * the kernel has them; `sync` makes them durable).
 * @module
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { WritableLike } from '../io/writers.js';

/** Writing the output failed (a full disk...): names the file and the cause. */
export class OutputError extends Error {
  /** The system error code (ENOSPC...), when there is one. */
  readonly code: string | undefined;
  constructor(path: string, cause: unknown) {
    const e = cause as NodeJS.ErrnoException;
    const what = e.code === 'ENOSPC' ? 'no space left on device' : e.code === 'EDQUOT' ? 'disk quota exceeded' : e instanceof Error ? e.message : String(cause);
    super(`could not write the output ${path}: ${what}`);
    this.name = 'OutputError';
    this.code = e.code;
  }
}

/**
 * A `WritableLike` over a file descriptor. Invariant: `bytes` is the file's length (the file is
 * opened for appending at `bytes`, and only this sink writes it).
 * @example
 * const sink = FileSink.open('out.csv', 0); // truncate
 * sink.write('a,b\n');
 * sink.sync();
 * sink.end();
 */
export class FileSink implements WritableLike {
  private fd: number | undefined;
  /** Bytes in the file. */
  bytes: number;

  private constructor(
    fd: number,
    bytes: number,
    /** The file's path, for messages. */
    readonly path: string,
  ) {
    this.fd = fd;
    this.bytes = bytes;
  }

  /**
   * Opens `path` for writing from byte `start`: 0 truncates (or creates) it; a positive `start`
   * (resuming) expects the file to be exactly that long already.
   */
  static open(path: string, start: number): FileSink {
    const fd = openSync(path, start === 0 ? 'w' : 'a');
    return new FileSink(fd, start, path);
  }

  write(chunk: string): boolean {
    if (this.fd === undefined) throw new Error('write after end');
    const buffer = Buffer.from(chunk, 'utf8');
    let done = 0;
    try {
      while (done < buffer.length) done += writeSync(this.fd, buffer, done, buffer.length - done);
    } catch (error) {
      throw new OutputError(this.path, error);
    }
    this.bytes += buffer.length;
    return true;
  }

  /** Makes what was written durable (fsync). */
  sync(): void {
    try {
      if (this.fd !== undefined) fsyncSync(this.fd);
    } catch (error) {
      throw new OutputError(this.path, error);
    }
  }

  end(callback?: () => void): this {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    callback?.();
    return this;
  }

  // A synchronous sink never needs to wait for 'drain' and reports errors by throwing.
  once(): this {
    return this;
  }
  on(): this {
    return this;
  }
  removeListener(): this {
    return this;
  }
}
