/**
 * Measures one side of a Nexmark benchmark row in its own process, so that every measurement
 * starts from a fresh heap and JIT state, as `rivulet nexmark run` does:
 *
 *   npx tsx bench/nexmark-measure.ts --side engine|baseline --query q5 [--events N] [--rate R]
 *     [--seed S] [--checkpoint-interval MS]
 *
 * `engine` runs the query on the engine (`runNexmarkQuery`, checkpoints on) into a sink that
 * computes the baseline's row checksum; `baseline` runs the hand-written loop. Each side first
 * runs over {@link WARM_UP_EVENTS} events, then over all of them, measured. The last line of
 * stdout is the measurement as JSON (`NexmarkMeasurement`).
 */
import { parseArgs } from 'node:util';
import type { Sink } from '../src/stream/index.js';
import type { NexmarkQuery } from '../src/stream/nexmark/index.js';
import {
  DEFAULT_CHECKPOINT_INTERVAL_MS,
  isNexmarkQuery,
  runNexmarkQuery,
} from '../src/stream/nexmark/index.js';
import { baselines } from './nexmark-baseline.js';
import type { BaselineResult } from './nexmark-checksum.js';
import { rowHashes } from './nexmark-checksum.js';
import type { NexmarkBenchOptions, NexmarkMeasurement } from './nexmark.js';
import { measure } from './nexmark.js';

const WARM_UP_EVENTS = 300_000;

/** A sink that keeps only the count and checksum of the rows, as the baselines compute them. */
function checksumSink(query: NexmarkQuery): Sink<object> & { result(): BaselineResult } {
  const hash = rowHashes[query];
  let rows = 0;
  let checksum = 0;
  return {
    open: () => ({
      write: (values) => {
        for (const row of values as readonly Readonly<Record<string, unknown>>[]) {
          checksum = (checksum + hash(row)) | 0;
        }
        rows += values.length;
      },
      close: () => undefined,
    }),
    result: () => ({ rows, checksum: checksum >>> 0 }),
  };
}

/** The query on the engine over the options' events, after a warm-up run. */
export async function measureEngine(
  query: NexmarkQuery,
  options: NexmarkBenchOptions,
  checkpointIntervalMs = DEFAULT_CHECKPOINT_INTERVAL_MS,
): Promise<NexmarkMeasurement> {
  const { rate, seed } = options;
  const run = async (events: number) => {
    const sink = checksumSink(query);
    const r = await runNexmarkQuery({ query, events, rate, seed, sink, checkpointIntervalMs });
    return { ...r, ...sink.result() };
  };
  await run(Math.min(options.events, WARM_UP_EVENTS));
  const r = await run(options.events);
  return {
    query: `${query} engine`,
    events: r.events,
    seconds: r.seconds,
    cpuSeconds: r.cpuSeconds,
    eventsPerSecond: r.eventsPerSecond,
    rows: r.rows,
    checksum: r.checksum,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      side: { type: 'string' },
      query: { type: 'string' },
      events: { type: 'string', default: '10000000' },
      rate: { type: 'string', default: '10000000' },
      seed: { type: 'string', default: '0' },
      'checkpoint-interval': { type: 'string', default: String(DEFAULT_CHECKPOINT_INTERVAL_MS) },
    },
  });
  const query = values.query ?? '';
  if (!isNexmarkQuery(query)) throw new Error(`--query: unknown query '${query}'`);
  const options = { events: Number(values.events), rate: Number(values.rate), seed: Number(values.seed) };
  let m: NexmarkMeasurement;
  if (values.side === 'engine') {
    m = await measureEngine(query, options, Number(values['checkpoint-interval']));
  } else if (values.side === 'baseline') {
    m = measure(`${query} baseline`, baselines[query], options);
  } else {
    throw new Error(`--side must be 'engine' or 'baseline' (got '${values.side ?? ''}')`);
  }
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

await main();
