/**
 * The Nexmark generator as a stream source: one split whose position is the next event number,
 * so a job restored from a checkpoint regenerates exactly the events after it. Event time and
 * watermarks follow `ddl_gen.sql`: `dateTime`, with a watermark 4 s behind the latest.
 */
import type { DataStream } from '../api/streams.js';
import type { StreamEnvironment } from '../api/environment.js';
import type { Source, SplitReader } from '../connectors/source.js';
import { boundedOutOfOrderness } from '../time/watermark-strategy.js';
import type { NexmarkGeneratorOptions } from './generator.js';
import { NexmarkGenerator } from './generator.js';
import type { NexmarkEvent } from './model.js';
import { eventTime } from './model.js';

/** Which events a {@link nexmarkSource} reads: `position` is ignored (the checkpoint sets it). */
export type NexmarkSourceOptions = Omit<NexmarkGeneratorOptions, 'position'>;

/**
 * Events 0 … events − 1 of a {@link NexmarkGenerator} (bounded; default 1e12 events), read at
 * full speed: the same events `rivulet nexmark generate` writes for the same options.
 *
 * @example
 * ```ts
 * const events = env.fromSource(nexmarkSource({ seed: 7, events: 1_000_000 }), { timestamps: eventTime });
 * ```
 */
export function nexmarkSource(options: NexmarkSourceOptions = {}): Source<NexmarkEvent> {
  // A generator checks the options (a RangeError names a bad one): at job definition, not when
  // the job starts.
  new NexmarkGenerator(options).seek(0);
  return {
    bounded: true,
    splits: () => [{ id: 'nexmark' }],
    createReader: (_split, position): SplitReader<NexmarkEvent> => {
      const generator = new NexmarkGenerator({
        ...options,
        position: typeof position === 'number' ? position : 0,
      });
      return {
        read: (max) => {
          // A new array per batch: the runtime hands batches on and downstream may keep them.
          const values: NexmarkEvent[] = [];
          return generator.nextBatch(values, max) === 0 ? null : { values };
        },
        position: () => generator.position,
        close: () => undefined,
      };
    },
  };
}

/** The DDL's watermark delay: `WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND`. */
export const NEXMARK_WATERMARK_DELAY = '4s';

/**
 * The `datagen` table of `ddl_gen.sql` as a stream: generated events stamped with their
 * `dateTime`, watermarks 4 s behind.
 *
 * @example
 * ```ts
 * const env = new StreamEnvironment();
 * q5(nexmarkEvents(env, { events: 1_000_000 })).print();
 * await env.execute();
 * ```
 */
export function nexmarkEvents(
  env: StreamEnvironment,
  options: NexmarkSourceOptions = {},
): DataStream<NexmarkEvent> {
  return env.fromSource(nexmarkSource(options), {
    timestamps: eventTime,
    watermarks: boundedOutOfOrderness(NEXMARK_WATERMARK_DELAY),
    name: 'nexmark',
    uid: 'nexmark-source',
  });
}
