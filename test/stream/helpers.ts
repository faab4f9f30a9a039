/** Test helpers for the stream operators. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

export async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

/** A source that records how many items were read. */
export function tracked<T>(items: T[]): { source: Iterable<T>; read: () => number } {
  let read = 0;
  return {
    source: {
      *[Symbol.iterator]() {
        for (const item of items) {
          read++;
          yield item;
        }
      },
    },
    read: () => read,
  };
}

/** A source that throws if anyone reads it. */
export const untouchable: Iterable<never> = {
  [Symbol.iterator]() {
    throw new Error('the source was read');
  },
};

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export const utc = (s: string): number => Date.parse(s.replace(' ', 'T') + 'Z');
