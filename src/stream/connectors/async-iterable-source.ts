import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { Source, SourceBatch, SplitReader } from './source.js';

const TICK = Symbol('tick');

/**
 * Reads an async (or sync) iterable as one split. Items that are ready without I/O are batched;
 * a batch is handed on as soon as the iterable has to wait. The position is the number of items
 * consumed: a restored job skips that many, so the iterable must yield the same items again
 * after a restart for exactly-once results.
 *
 * @example
 * ```ts
 * async function* ticks() { for (let i = 0; i < 10; i++) yield { i, at: Date.now() }; }
 * env.fromSource(asyncIterableSource(ticks()));
 * ```
 */
export function asyncIterableSource<T>(iterable: AsyncIterable<T> | Iterable<T>): Source<T> {
  return {
    bounded: true,
    splits: () => [{ id: 'iterable' }],
    createReader: async (_split, position): Promise<SplitReader<T>> => {
      const it: AsyncIterator<T> | Iterator<T> =
        Symbol.asyncIterator in iterable ? iterable[Symbol.asyncIterator]() : iterable[Symbol.iterator]();
      let consumed = 0;
      let done = false;
      const skip = typeof position === 'number' ? position : 0;
      while (consumed < skip) {
        const r = await it.next();
        if (r.done === true) {
          done = true;
          break;
        }
        consumed++;
      }
      let pending: Promise<IteratorResult<T>> | undefined;
      const read = async (max: number): Promise<SourceBatch<T> | null> => {
        if (done) return null;
        const values: T[] = [];
        let tick: Promise<typeof TICK> | undefined;
        while (values.length < max) {
          pending ??= Promise.resolve(it.next());
          let r: IteratorResult<T> | typeof TICK;
          if (values.length === 0) {
            r = await pending;
          } else {
            tick ??= nextMacrotask(TICK);
            r = await Promise.race([pending, tick]);
            if (r === TICK) break;
          }
          pending = undefined;
          if (r.done === true) {
            done = true;
            break;
          }
          values.push(r.value);
          consumed++;
        }
        return values.length === 0 && done ? null : { values };
      };
      return {
        read,
        position: () => consumed,
        close: () => {
          done = true;
          // Not awaited: a generator suspended in an await would hold the job's shutdown up.
          Promise.resolve(it.return?.()).catch(() => undefined);
          return undefined;
        },
      };
    },
  };
}
