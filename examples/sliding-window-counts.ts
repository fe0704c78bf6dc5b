/**
 * Events per user every 5 seconds over the last 30 seconds: Flink SQL's
 * `HOP(TABLE clicks, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '30' SECOND)` with the
 * DataStream API. Records are aggregated once into 5-second slices; each window merges six.
 *
 * Run: `npx tsx examples/sliding-window-counts.ts [events.jsonl]` (without a file it generates
 * a minute of clicks for a few users).
 */
import { pathToFileURL } from 'node:url';
import {
  boundedOutOfOrderness,
  count,
  dataGenerator,
  jsonLinesSource,
  sliding,
  StreamEnvironment,
  type DataStream,
} from '../src/stream/index.js';

/** A user action with its event time (epoch ms). */
export interface Click {
  readonly user: string;
  readonly ts: number;
}

/** One window's count for one user. */
export interface UserCount {
  readonly user: string;
  readonly window_start: number;
  readonly window_end: number;
  readonly events: number;
}

/** The pipeline: reusable by the job below and by its tests. */
export function eventsPerUser(clicks: DataStream<Click>): DataStream<UserCount> {
  return clicks
    .keyBy((c) => c.user)
    .window(sliding('30s', '5s'))
    .aggregate(count(), (user, w, events) => ({ user, window_start: w.start, window_end: w.end, events }))
    .uid('events-per-user');
}

/** Deterministic sample clicks: `n` clicks over `n * 100` ms, users u0…u4 at different paces. */
export function sampleClick(i: number): Click {
  return { user: `u${(i * i) % 5}`, ts: 1_700_000_000_000 + i * 100 };
}

export async function main(argv: string[]): Promise<void> {
  const env = new StreamEnvironment({ name: 'sliding-window-counts' });
  const source =
    argv[0] === undefined
      ? dataGenerator({ count: 600, generate: sampleClick })
      : jsonLinesSource<Click>({ path: argv[0] });
  const clicks = env.fromSource(source, { timestamps: (c) => c.ts, watermarks: boundedOutOfOrderness('2s') });
  eventsPerUser(clicks).print();
  await env.execute();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
