import { FileCheckpointStorage } from '../checkpoint/file-storage.js';
import type { CheckpointData } from '../checkpoint/format.js';
import type { CheckpointStorage } from '../checkpoint/storage.js';
import { arraySource } from '../connectors/array-source.js';
import { asyncIterableSource } from '../connectors/async-iterable-source.js';
import type { Source } from '../connectors/source.js';
import { toMillis, toPositiveMillis, type Duration } from '../core/duration.js';
import { configError } from '../core/errors.js';
import { DEFAULT_KEY_GROUPS } from '../core/key.js';
import { StreamGraph, type TimestampMode } from '../graph/stream-graph.js';
import { JobExecution, type JobResult } from '../runtime/executor.js';
import type { MetricsListener } from '../runtime/metrics.js';
import { systemClock, type Clock } from '../time/clock.js';
import { monotonousTimestamps, noWatermarks, type WatermarkStrategy } from '../time/watermark-strategy.js';
import type { NodeOptions } from './options.js';
import { DataStream } from './streams.js';

/** Checkpointing of a job. */
export interface CheckpointOptions {
  /** A directory for {@link FileCheckpointStorage}, or any {@link CheckpointStorage}. */
  readonly storage: string | CheckpointStorage;
  /** Time between periodic checkpoints (default 10s); `0` disables periodic ones. */
  readonly interval?: Duration;
  /** Completed checkpoints to keep in a directory (default 3). */
  readonly retain?: number;
}

/** Options of a {@link StreamEnvironment}. */
export interface EnvironmentOptions {
  /** The job's name (in checkpoints and logs). */
  readonly name?: string;
  /** Number of key groups, fixed for the life of the job (default 128). */
  readonly keyGroups?: number;
  /** Processing time (default: the wall clock). */
  readonly clock?: Clock;
  /** Records per source batch (default 1024). */
  readonly batchSize?: number;
  readonly checkpoints?: CheckpointOptions;
}

/** How a source's records get their event time and watermarks. */
export interface SourceOptions<T> extends NodeOptions {
  /**
   * Event time of each record: an extractor, `'ingestion'` (the clock when read), or `'source'`
   * (the source's own timestamps, e.g. Kafka's). Default: none (processing-time jobs).
   */
  readonly timestamps?: ((value: T) => number) | 'ingestion' | 'source';
  /** Watermarks per split (default: monotonous when timestamps are given, otherwise none). */
  readonly watermarks?: WatermarkStrategy<T>;
  /** Records per batch read from this source. */
  readonly batchSize?: number;
}

/** Options of one run. */
export interface ExecuteOptions {
  /**
   * Where to resume: `'latest'` checkpoint of the configured storage (default), `'none'`, or a
   * checkpoint or savepoint file.
   */
  readonly restore?: 'latest' | 'none' | { readonly path: string };
  /** Drop state of operators the restored snapshot has but the job does not (default false). */
  readonly allowNonRestoredState?: boolean;
  readonly listener?: MetricsListener;
  /** How often `listener.onMetrics` is called (default 1s). */
  readonly metricsInterval?: Duration;
}

/**
 * Builds a job (sources, transformations, sinks) and runs it.
 *
 * @example
 * ```ts
 * const env = new StreamEnvironment({ checkpoints: { storage: './chk', interval: '10s' } });
 * env.fromArray(orders, { timestamps: (o) => o.time, watermarks: boundedOutOfOrderness('5s') })
 *   .keyBy((o) => o.customer)
 *   .window(tumbling('1m'))
 *   .aggregate(sum((o) => o.amount))
 *   .print();
 * await env.execute();
 * ```
 */
export class StreamEnvironment {
  /** @internal */
  readonly graph = new StreamGraph();
  readonly name: string;
  readonly keyGroups: number;
  readonly clock: Clock;
  readonly batchSize: number;
  private readonly storage: CheckpointStorage | undefined;
  private readonly intervalMs: number | undefined;

  constructor(options: EnvironmentOptions = {}) {
    this.name = options.name ?? 'job';
    this.keyGroups = options.keyGroups ?? DEFAULT_KEY_GROUPS;
    if (!Number.isInteger(this.keyGroups) || this.keyGroups < 1 || this.keyGroups > 32768) {
      throw configError(`keyGroups: ${this.keyGroups} must be an integer in [1, 32768]`);
    }
    this.clock = options.clock ?? systemClock;
    this.batchSize = positiveInt(options.batchSize ?? 1024, 'batchSize');
    const chk = options.checkpoints;
    if (chk !== undefined) {
      this.storage =
        typeof chk.storage === 'string'
          ? new FileCheckpointStorage(chk.storage, chk.retain === undefined ? {} : { retain: chk.retain })
          : chk.storage;
      const interval = toMillis(chk.interval ?? '10s', 'checkpoints.interval');
      this.intervalMs = interval === 0 ? undefined : interval;
    }
  }

  /**
   * Reads a {@link Source}.
   *
   * @example
   * ```ts
   * env.fromSource(jsonLinesSource<Click>({ path: 'clicks.jsonl' }), { timestamps: (c) => c.time });
   * ```
   */
  fromSource<T>(source: Source<T>, options: SourceOptions<T> = {}): DataStream<T> {
    const ts = options.timestamps;
    const timestamps: TimestampMode<T> =
      ts === undefined
        ? { kind: 'none' }
        : typeof ts === 'function'
          ? { kind: 'extractor', extract: ts }
          : { kind: ts };
    const watermarks =
      options.watermarks ?? (ts === undefined ? noWatermarks<T>() : monotonousTimestamps<T>());
    const node = this.graph.addSource({
      source: source,
      timestamps: timestamps as TimestampMode<unknown>,
      watermarks: watermarks,
      batchSize: positiveInt(options.batchSize ?? this.batchSize, 'batchSize'),
      name: options.name ?? 'source',
      uid: options.uid,
    });
    return new DataStream<T>(this, [{ node, tag: undefined }]);
  }

  /**
   * Reads an array (bounded).
   *
   * @example
   * ```ts
   * env.fromArray([{ user: 'a', t: 1000 }], { timestamps: (e) => e.t });
   * ```
   */
  fromArray<T>(values: readonly T[], options?: SourceOptions<T>): DataStream<T> {
    return this.fromSource(arraySource(values), { name: 'array', ...options });
  }

  /**
   * Reads an async or sync iterable (bounded).
   *
   * @example
   * ```ts
   * env.fromIterable(readLines(file));
   * ```
   */
  fromIterable<T>(iterable: AsyncIterable<T> | Iterable<T>, options?: SourceOptions<T>): DataStream<T> {
    return this.fromSource(asyncIterableSource(iterable), { name: 'iterable', ...options });
  }

  /**
   * Starts the job and returns its handle (cancel, savepoint, metrics, `done`).
   *
   * @example
   * ```ts
   * const job = await env.start(); setTimeout(() => void job.cancel(), 60_000); await job.done;
   * ```
   */
  async start(options: ExecuteOptions = {}): Promise<JobExecution> {
    const restore = await this.resolveRestore(options.restore ?? 'latest');
    return new JobExecution(this.graph, {
      jobName: this.name,
      keyGroups: this.keyGroups,
      clock: this.clock,
      storage: this.storage,
      checkpointIntervalMs: this.intervalMs,
      restore,
      allowNonRestoredState: options.allowNonRestoredState ?? false,
      listener: options.listener,
      metricsIntervalMs: toPositiveMillis(options.metricsInterval ?? '1s', 'metricsInterval'),
    });
  }

  /**
   * Runs the job until its bounded sources end (or forever) and resolves with its result.
   *
   * @example
   * ```ts
   * const result = await env.execute(); console.log(result.metrics.operators);
   * ```
   */
  async execute(options?: ExecuteOptions): Promise<JobResult> {
    const job = await this.start(options);
    return job.done;
  }

  private async resolveRestore(
    restore: NonNullable<ExecuteOptions['restore']>,
  ): Promise<CheckpointData | undefined> {
    if (restore === 'none') return undefined;
    if (restore === 'latest') return this.storage?.latest();
    return (this.storage ?? new FileCheckpointStorage('.')).read(restore.path);
  }
}

function positiveInt(n: number, field: string): number {
  if (!Number.isInteger(n) || n < 1) throw configError(`${field}: ${n} must be a positive integer`);
  return n;
}
