import { setImmediate as nextMacrotask, setTimeout as sleep } from 'node:timers/promises';
import { decodeState, type CheckpointData } from '../checkpoint/format.js';
import type { CheckpointStorage } from '../checkpoint/storage.js';
import type { SourceContext, SplitReader } from '../connectors/source.js';
import { StreamError, StreamErrorCode } from '../core/errors.js';
import type { StreamGraph } from '../graph/stream-graph.js';
import type { Clock } from '../time/clock.js';
import { JobRuntime } from './job-runtime.js';
import { collectMetrics, type CheckpointInfo, type JobMetrics, type MetricsListener } from './metrics.js';
import type { SourceTask, SplitState } from './source-task.js';

/** How a job runs; built by the environment from its configuration. */
export interface ExecutionOptions {
  readonly jobName: string;
  readonly keyGroups: number;
  readonly clock: Clock;
  readonly storage: CheckpointStorage | undefined;
  /** Periodic checkpoint interval; undefined: only the final checkpoint (and savepoints). */
  readonly checkpointIntervalMs: number | undefined;
  readonly restore: CheckpointData | undefined;
  readonly allowNonRestoredState: boolean;
  readonly listener: MetricsListener | undefined;
  readonly metricsIntervalMs: number;
}

/** How a job ended. */
export interface JobResult {
  readonly status: 'finished' | 'cancelled';
  readonly metrics: JobMetrics;
  /** The checkpoint the run resumed from, if any. */
  readonly restoredFrom: number | undefined;
  readonly lastCheckpoint: CheckpointInfo | undefined;
}

interface SplitRun {
  readonly task: SourceTask;
  readonly split: SplitState;
  readonly reader: SplitReader<unknown>;
}

/** Yield to the event loop at least this often so timers, I/O and checkpoints progress. */
const YIELD_EVERY_MS = 10;
const TICK_MS = 50;

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/**
 * A running job (what `env.start()` returns): `done`, `cancel()`, `savepoint()`, `metrics()`.
 * Runs the job on the event loop: one async loop per source split reads batches and pushes them
 * synchronously through the {@link JobRuntime}; between batches it fires processing-time timers,
 * triggers checkpoints and yields. A checkpoint's snapshot is synchronous (consistent by
 * construction); writing it and committing sinks happen in the background while records flow.
 *
 * @example
 * ```ts
 * const job = await env.start();
 * const info = await job.savepoint();
 * await job.cancel(); // later: env.execute({ restore: { path: info.location! } })
 * ```
 */
export class JobExecution {
  readonly done: Promise<JobResult>;
  readonly runtime: JobRuntime;
  private readonly abort = new AbortController();
  private readonly runs: SplitRun[] = [];
  private stopped = false;
  private cancelled = false;
  private failure: unknown;
  private nextCheckpointId = 1;
  private nextCheckpointAt = Infinity;
  private nextMetricsAt = Infinity;
  private lastYield = 0;
  private inFlight: Promise<CheckpointInfo> | undefined;
  private completed = 0;
  private lastCheckpoint: CheckpointInfo | undefined;
  private wakeTicker: (() => void) | undefined;
  /** Resolves when the job stops, so that loops waiting on a source do not hold it up. */
  private readonly stoppedSignal: Promise<null>;
  private signalStopped: () => void = () => undefined;

  constructor(
    graph: StreamGraph,
    private readonly options: ExecutionOptions,
  ) {
    this.runtime = new JobRuntime(graph, { keyGroups: options.keyGroups, clock: options.clock });
    this.stoppedSignal = new Promise<null>((resolve) => {
      this.signalStopped = () => {
        resolve(null);
      };
    });
    this.done = this.run();
  }

  /** Current counters. */
  metrics(): JobMetrics {
    return collectMetrics(this.runtime, { completed: this.completed, last: this.lastCheckpoint });
  }

  /** Stops the job without a final checkpoint; resolves when it has stopped. */
  async cancel(): Promise<JobResult> {
    this.cancelled = true;
    this.stop();
    return this.done;
  }

  /** Takes a savepoint now (waiting for a checkpoint in progress first). */
  async savepoint(): Promise<CheckpointInfo> {
    if (this.options.storage === undefined) {
      throw new StreamError(
        StreamErrorCode.config,
        'savepoint: the job has no checkpoint storage configured',
      );
    }
    if (this.stopped) throw new StreamError(StreamErrorCode.cancelled, 'savepoint: the job is not running');
    while (this.inFlight !== undefined) await this.inFlight.catch(() => undefined);
    return this.checkpoint('savepoint', false);
  }

  private isStopped(): boolean {
    return this.stopped;
  }

  private stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.wakeTicker?.();
    this.signalStopped();
  }

  private fail(e: unknown): void {
    this.failure ??= e;
    this.stop();
  }

  private async run(): Promise<JobResult> {
    // Let the constructor return (and callers attach handlers) before anything runs.
    await Promise.resolve();
    const { restore, clock } = this.options;
    let ticker: Promise<void> | undefined;
    try {
      if (restore !== undefined) this.restoreFrom(restore);
      await this.runtime.open();
      this.runtime.start();
      await this.openSources();
      const now = clock.now();
      if (this.options.checkpointIntervalMs !== undefined)
        this.nextCheckpointAt = now + this.options.checkpointIntervalMs;
      if (this.options.listener?.onMetrics !== undefined)
        this.nextMetricsAt = now + this.options.metricsIntervalMs;
      this.lastYield = now;
      ticker = this.tickLoop();
      const loops = this.runs.map((r) =>
        this.splitLoop(r).catch((e: unknown) => {
          this.fail(e);
        }),
      );
      await Promise.all(loops);
      if (this.failure === undefined && !this.cancelled) {
        // Every source ended: wait for a checkpoint in progress, then take the final one.
        while (this.inFlight !== undefined) await this.inFlight;
        await this.checkpoint('checkpoint', true);
      }
    } catch (e) {
      this.fail(e);
    } finally {
      this.stop();
      await ticker;
      await this.inFlight?.catch(() => undefined);
      await this.closeAll();
    }
    if (this.failure !== undefined) throw this.failure as Error;
    return {
      status: this.cancelled ? 'cancelled' : 'finished',
      metrics: this.metrics(),
      restoredFrom: restore?.id,
      lastCheckpoint: this.lastCheckpoint,
    };
  }

  private restoreFrom(data: CheckpointData): void {
    if (data.keyGroups !== this.options.keyGroups) {
      throw new StreamError(
        StreamErrorCode.checkpoint,
        `checkpoint ${data.id} was taken with ${data.keyGroups} key groups but the job has ${this.options.keyGroups}; ` +
          'the number of key groups is fixed for the life of a job',
      );
    }
    const states = new Map<string, unknown>();
    for (const [uid, bytes] of data.states) states.set(uid, decodeState(bytes));
    this.runtime.restore(states, this.options.allowNonRestoredState);
    this.nextCheckpointId = data.id + 1;
  }

  private sourceContext(): SourceContext {
    return { clock: this.options.clock, signal: this.abort.signal };
  }

  private async openSources(): Promise<void> {
    const ctx = this.sourceContext();
    for (const task of this.runtime.sources) {
      const source = task.node.source;
      const restored = this.runtime.restoredSources.get(task.uid);
      for (const split of await source.splits(ctx)) {
        const saved = restored?.splits.find((s) => s.id === split.id);
        if (saved?.finished === true) {
          task.addSplit(split, saved.position, true);
          continue;
        }
        const reader = await source.createReader(split, saved?.position, ctx);
        this.runs.push({ task, split: task.addSplit(split, saved?.position, false), reader });
      }
      if (source.bounded) task.endIfDone();
    }
  }

  private async splitLoop(run: SplitRun): Promise<void> {
    const { task, split, reader } = run;
    const max = task.node.batchSize;
    while (!this.stopped) {
      let batch = reader.read(max);
      if (isPromise(batch)) {
        // A source may wait for data indefinitely; stopping the job must not wait for it.
        batch = await Promise.race([batch, this.stoppedSignal]);
        // `stop()` may have run while we waited.
        if (this.isStopped()) return;
      }
      if (batch === null) {
        task.finishSplit(split);
        return;
      }
      if (batch.values.length > 0) {
        // Pushing and recording the position form one synchronous step: a checkpoint can only
        // see positions whose records were fully processed.
        task.emitBatch(split, batch.values, batch.timestamps);
        split.position = reader.position();
      }
      const wait = this.afterBatch(batch.values.length === 0);
      if (wait !== undefined) await wait;
    }
  }

  /** Between batches: timers, checkpoints, backpressure and fairness. */
  private afterBatch(empty: boolean): Promise<unknown> | undefined {
    const now = this.options.clock.now();
    this.housekeeping(now);
    const awaits = this.runtime.takeAwaits();
    if (empty || now - this.lastYield >= YIELD_EVERY_MS) {
      this.lastYield = now;
      const tick = nextMacrotask();
      return awaits === undefined ? tick : Promise.all([...awaits, tick]);
    }
    return awaits === undefined ? undefined : Promise.all(awaits);
  }

  private housekeeping(now: number): void {
    const runtime = this.runtime;
    if (now >= runtime.nextProcessingTime()) runtime.fireProcessingTime(now);
    for (const s of runtime.sources) s.checkIdle(now);
    if (now >= this.nextCheckpointAt && this.inFlight === undefined && !this.stopped) {
      this.nextCheckpointAt = now + this.options.checkpointIntervalMs!;
      this.checkpoint('checkpoint', false).catch((e: unknown) => {
        this.fail(e);
      });
    }
    if (now >= this.nextMetricsAt) {
      this.nextMetricsAt = now + this.options.metricsIntervalMs;
      this.options.listener?.onMetrics?.(this.metrics());
    }
  }

  /** Keeps timers and checkpoints going while every source waits for input. */
  private async tickLoop(): Promise<void> {
    while (!this.stopped) {
      const now = this.options.clock.now();
      try {
        this.housekeeping(now);
      } catch (e) {
        this.fail(e);
        return;
      }
      const due =
        Math.min(this.runtime.nextProcessingTime(), this.nextCheckpointAt, this.nextMetricsAt) - now;
      const wait = Math.max(1, Math.min(TICK_MS, due));
      await new Promise<void>((resolve) => {
        this.wakeTicker = resolve;
        sleep(wait, undefined, { signal: this.abort.signal }).then(resolve, resolve);
      });
    }
  }

  /** Takes a checkpoint: the snapshot now, the rest (flush, write, commit) in the background. */
  private checkpoint(kind: 'checkpoint' | 'savepoint', finished: boolean): Promise<CheckpointInfo> {
    const id = this.nextCheckpointId++;
    const started = performance.now();
    const taken = this.runtime.snapshot(id);
    const { storage } = this.options;
    const complete = async (): Promise<CheckpointInfo> => {
      await Promise.all(taken.preparations);
      const written =
        storage === undefined
          ? undefined
          : await storage.write({
              id,
              kind,
              timestamp: Date.now(),
              jobName: this.options.jobName,
              keyGroups: this.options.keyGroups,
              finished,
              states: taken.states,
            });
      await this.runtime.notifyCheckpointComplete(id);
      for (const r of this.runs) {
        const p = r.reader.onCheckpointComplete?.(id);
        if (p !== undefined) await p;
      }
      const info: CheckpointInfo = {
        id,
        kind,
        durationMs: performance.now() - started,
        bytes: written?.bytes ?? 0,
        location: written?.location,
        finished,
      };
      this.completed++;
      this.lastCheckpoint = info;
      this.options.listener?.onCheckpoint?.(info);
      return info;
    };
    const promise = complete();
    const tracked = promise.finally(() => {
      if (this.inFlight === tracked) this.inFlight = undefined;
    });
    // Whoever awaits `inFlight` sees a failure; the caller of `checkpoint` handles it anyway.
    tracked.catch(() => undefined);
    this.inFlight = tracked;
    return promise;
  }

  private async closeAll(): Promise<void> {
    for (const r of this.runs) {
      try {
        await r.reader.close();
      } catch (e) {
        this.failure ??= e;
      }
    }
    try {
      await this.runtime.close();
    } catch (e) {
      this.failure ??= e;
    }
  }
}
