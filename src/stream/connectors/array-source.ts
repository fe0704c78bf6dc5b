import type { Source, SplitReader } from './source.js';

/**
 * Reads an array, in order, as one split whose position is the index of the next element.
 *
 * @example
 * ```ts
 * env.fromSource(arraySource([1, 2, 3]));
 * ```
 */
export function arraySource<T>(values: readonly T[]): Source<T> {
  return {
    bounded: true,
    splits: () => [{ id: 'array' }],
    createReader: (_split, position): SplitReader<T> => {
      let next = typeof position === 'number' ? position : 0;
      return {
        read: (max) => {
          if (next >= values.length) return null;
          const end = Math.min(values.length, next + max);
          const batch = values.slice(next, end);
          next = end;
          return { values: batch };
        },
        position: () => next,
        close: () => undefined,
      };
    },
  };
}
