import { setTimeout as sleep } from 'node:timers/promises';
import { configError } from '../core/errors.js';
import type { Source, SplitReader } from './source.js';

/** Options of {@link dataGenerator}. */
export interface DataGeneratorOptions<T> {
  /** Number of records (default: unbounded). */
  readonly count?: number;
  /** Records per second of wall-clock time (default: as fast as possible). */
  readonly rate?: number;
  /** Creates record `index` (0, 1, 2 …). Must be deterministic for exactly-once restarts. */
  readonly generate?: (index: number) => T;
  /** Fills `out` with records `start … start+count-1` (faster than `generate` per record). */
  readonly generateBatch?: (start: number, count: number, out: T[]) => void;
}

/**
 * A deterministic, optionally rate-limited generator as one split whose position is the next
 * index: a restarted job regenerates exactly the records after its checkpoint.
 *
 * @example
 * ```ts
 * env.fromSource(dataGenerator({ count: 1_000_000, rate: 50_000, generate: (i) => ({ id: i, user: i % 100 }) }));
 * ```
 */
export function dataGenerator<T>(options: DataGeneratorOptions<T>): Source<T> {
  const count = options.count ?? Infinity;
  const rate = options.rate ?? Infinity;
  if (!(count >= 0)) throw configError(`dataGenerator count: ${count} must be ≥ 0`);
  if (!(rate > 0)) throw configError(`dataGenerator rate: ${rate} must be > 0 records per second`);
  const fill =
    options.generateBatch ??
    (options.generate === undefined
      ? undefined
      : (start: number, n: number, out: T[]): void => {
          const g = options.generate!;
          for (let i = 0; i < n; i++) out.push(g(start + i));
        });
  if (fill === undefined) throw configError('dataGenerator: give generate or generateBatch');
  return {
    bounded: count !== Infinity,
    splits: () => [{ id: 'generator' }],
    createReader: (_split, position, ctx): SplitReader<T> => {
      let next = typeof position === 'number' ? position : 0;
      const startIndex = next;
      const startTime = ctx.clock.now();
      const read = (max: number): { values: T[] } | null | Promise<{ values: T[] }> => {
        if (next >= count) return null;
        let n = Math.min(max, count - next);
        if (rate !== Infinity) {
          const allowed = Math.floor(((ctx.clock.now() - startTime) * rate) / 1000) + 1 - (next - startIndex);
          if (allowed <= 0) {
            const wait = Math.max(
              1,
              Math.ceil(((next - startIndex) * 1000) / rate - (ctx.clock.now() - startTime)),
            );
            return sleep(wait, undefined, { signal: ctx.signal }).then(
              () => ({ values: [] }),
              () => ({ values: [] }),
            );
          }
          n = Math.min(n, allowed);
        }
        const values: T[] = [];
        fill(next, n, values);
        next += n;
        return { values };
      };
      return { read, position: () => next, close: () => undefined };
    },
  };
}
