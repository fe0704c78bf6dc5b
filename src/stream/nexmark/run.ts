/**
 * Runs one Nexmark query on the engine over generated events, with checkpoints on, and measures
 * it: what `rivulet nexmark run` and the Nexmark benchmark both call.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment } from '../api/environment.js';
import type { Sink } from '../connectors/sink.js';
import type { JobResult } from '../runtime/executor.js';
import type { MetricsListener } from '../runtime/metrics.js';
import type { NexmarkQuery } from './queries.js';
import { queryPipelines } from './queries/index.js';
import { nexmarkEvents } from './source.js';

/** Default time between checkpoints of a Nexmark run, ms. */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;
/** Default events per source batch of a Nexmark run. */
export const DEFAULT_NEXMARK_BATCH_SIZE = 4096;

const SINK_UID = 'sink';

/** What to run. */
export interface NexmarkRunOptions {
  readonly query: NexmarkQuery;
  /** Events 0 … events − 1 of the generator. */
  readonly events: number;
  readonly seed?: number;
  /** Events per second of event time (default 10,000). */
  readonly rate?: number;
  /** Where the query's rows go. */
  readonly sink: Sink<object>;
  /** Time between periodic checkpoints, ms (default {@link DEFAULT_CHECKPOINT_INTERVAL_MS}). */
  readonly checkpointIntervalMs?: number;
  /** Where checkpoints go (default: a new temporary directory, removed when the run ends). */
  readonly checkpointDir?: string;
  /** Events per source batch (default {@link DEFAULT_NEXMARK_BATCH_SIZE}). */
  readonly batchSize?: number;
  readonly listener?: MetricsListener;
  /** How often `listener.onMetrics` is called, ms (default 1000). */
  readonly metricsIntervalMs?: number;
}

/** How a run went: the fields of `rivulet nexmark run --json`, and the job's result. */
export interface NexmarkRunResult {
  readonly query: NexmarkQuery;
  /** All generated events (persons, auctions and bids). */
  readonly events: number;
  /** Wall-clock seconds of the job. */
  readonly seconds: number;
  /** CPU seconds of the process (user + system, every thread) during the job. */
  readonly cpuSeconds: number;
  /** `events / cpuSeconds`, rounded: the per-core figure. */
  readonly eventsPerSecond: number;
  /** Rows the sink received. */
  readonly rows: number;
  readonly job: JobResult;
}

/**
 * Builds the query's pipeline on a fresh environment and runs it to the end of the events, from
 * scratch (never restoring), checkpointing periodically and once at the end. CPU time is the
 * whole process's (`process.cpuUsage()`), so garbage collection on helper threads counts.
 *
 * @example
 * ```ts
 * const sink = blackholeSink<object>();
 * const r = await runNexmarkQuery({ query: 'q5', events: 10_000_000, rate: 10_000_000, sink });
 * console.log(r.eventsPerSecond, sink.count);
 * ```
 */
export async function runNexmarkQuery(options: NexmarkRunOptions): Promise<NexmarkRunResult> {
  const ownDir = options.checkpointDir === undefined;
  const dir = options.checkpointDir ?? (await mkdtemp(join(tmpdir(), `rivulet-nexmark-${options.query}-`)));
  try {
    const env = new StreamEnvironment({
      name: `nexmark-${options.query}`,
      batchSize: options.batchSize ?? DEFAULT_NEXMARK_BATCH_SIZE,
      checkpoints: {
        storage: dir,
        interval: options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS,
        retain: 1,
      },
    });
    const events = nexmarkEvents(env, {
      events: options.events,
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.rate === undefined ? {} : { rate: options.rate }),
    });
    queryPipelines[options.query](events).sinkTo(options.sink, { name: 'sink', uid: SINK_UID });
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const job = await env.execute({
      restore: 'none',
      ...(options.listener === undefined ? {} : { listener: options.listener }),
      ...(options.metricsIntervalMs === undefined ? {} : { metricsInterval: options.metricsIntervalMs }),
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    return {
      query: options.query,
      events: options.events,
      seconds,
      cpuSeconds,
      eventsPerSecond: cpuSeconds > 0 ? Math.round(options.events / cpuSeconds) : 0,
      rows: job.metrics.operators.find((o) => o.uid === SINK_UID)?.recordsIn ?? 0,
      job,
    };
  } finally {
    if (ownDir) await rm(dir, { recursive: true, force: true });
  }
}
