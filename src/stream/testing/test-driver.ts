import { decodeState, type CheckpointData } from '../checkpoint/format.js';
import type { Source } from '../connectors/source.js';
import { StreamEnvironment } from '../api/environment.js';
import type { DataStream } from '../api/streams.js';
import { StreamError, StreamErrorCode } from '../core/errors.js';
import { JobRuntime } from '../runtime/job-runtime.js';
import { collectMetrics, type JobMetrics } from '../runtime/metrics.js';
import type { SourceTask, SplitState } from '../runtime/source-task.js';
import { ManualClock } from '../time/clock.js';
import { noWatermarks, type WatermarkStrategy } from '../time/watermark-strategy.js';

/** Options of a {@link TestDriver}. */
export interface TestDriverOptions {
  /** Key groups of the job (default 128). */
  readonly keyGroups?: number;
  /** Initial simulated processing time (default 0). */
  readonly startTime?: number;
}

/** Options of a test input. */
export interface TestInputOptions<T> {
  readonly name?: string;
  readonly uid?: string;
  /** Derive watermarks from pushed timestamps (default: none; set them with `watermark()`). */
  readonly watermarks?: WatermarkStrategy<T>;
}

/** A never-read source: test inputs are pushed by hand. */
const manualSource: Source<unknown> = {
  bounded: false,
  splits: () => [],
  createReader: () => {
    throw new StreamError(StreamErrorCode.config, 'test inputs are pushed by the test driver, not read');
  },
};

/**
 * A hand-driven input of a {@link TestDriver}: push records with timestamps, move its watermark,
 * or end it. Everything runs synchronously: when a call returns, every operator has processed
 * its effects.
 *
 * @example
 * ```ts
 * const orders = driver.input<Order>();
 * orders.push({ id: 1 }, 1_000).push({ id: 2 }, 2_000).watermark(1_999).end();
 * ```
 */
export class TestInput<T> {
  private task: SourceTask | undefined;
  private split: SplitState | undefined;

  /** @internal */
  constructor(
    /** The stream to build the pipeline under test on. */
    readonly stream: DataStream<T>,
  ) {}

  /** @internal */
  attach(task: SourceTask): void {
    this.task = task;
    this.split = task.addSplit({ id: 'test' }, undefined, false);
  }

  private target(): [SourceTask, SplitState] {
    if (this.task === undefined || this.split === undefined) {
      throw new StreamError(StreamErrorCode.config, 'test driver: call start() before pushing records');
    }
    return [this.task, this.split];
  }

  /** Pushes one record with event time `timestamp` (NaN: none). */
  push(value: T, timestamp = NaN): this {
    const [task, split] = this.target();
    task.emitBatch(split, [value], [timestamp]);
    return this;
  }

  /** Pushes records as one batch; `timestamp` gives each record's event time. */
  pushAll(values: readonly T[], timestamp?: (value: T) => number): this {
    const [task, split] = this.target();
    task.emitBatch(
      split,
      values.slice(),
      values.map((v) => (timestamp === undefined ? NaN : timestamp(v))),
    );
    return this;
  }

  /** Advances this input's watermark to `time`. */
  watermark(time: number): this {
    this.target()[0].emitWatermark(time);
    return this;
  }

  /** Ends this input: its watermark goes to +∞ and it sends end-of-data. */
  end(): this {
    const [task, split] = this.target();
    task.finishSplit(split);
    return this;
  }
}

/**
 * A deterministic driver for unit-testing pipelines: inputs pushed by hand, manual watermarks,
 * simulated processing time, checkpoints and restores in memory. The pipeline is built with the
 * same API as a real job, on `driver.env`.
 *
 * @example
 * ```ts
 * const driver = new TestDriver();
 * const clicks = driver.input<Click>();
 * const counts = clicks.stream.keyBy((c) => c.user).window(tumbling('1m')).aggregate(count()).collect();
 * await driver.start();
 * clicks.push({ user: 'a' }, 1_000).push({ user: 'a' }, 2_000).watermark(60_000);
 * expect(counts.values).toEqual([{ key: 'a', start: 0, end: 60_000, value: 2 }]);
 * ```
 */
export class TestDriver {
  readonly clock: ManualClock;
  readonly env: StreamEnvironment;
  private readonly inputs: Array<{ attach(task: SourceTask): void; end(): unknown }> = [];
  private runtimeInstance: JobRuntime | undefined;
  private nextCheckpointId = 1;

  constructor(options: TestDriverOptions = {}) {
    this.clock = new ManualClock(options.startTime ?? 0);
    this.env = new StreamEnvironment({
      name: 'test',
      clock: this.clock,
      ...(options.keyGroups === undefined ? {} : { keyGroups: options.keyGroups }),
    });
  }

  /** Declares an input; build the pipeline on its `stream`. */
  input<T>(options: TestInputOptions<T> = {}): TestInput<T> {
    const stream = this.env.fromSource(manualSource as Source<T>, {
      name: options.name ?? `input-${this.inputs.length}`,
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      timestamps: 'source',
      watermarks: options.watermarks ?? noWatermarks<T>(),
    });
    const input = new TestInput(stream);
    this.inputs.push(input);
    return input;
  }

  /** The running job (after `start`). */
  get runtime(): JobRuntime {
    if (this.runtimeInstance === undefined)
      throw new StreamError(StreamErrorCode.config, 'test driver: not started');
    return this.runtimeInstance;
  }

  /** Builds and opens the job, optionally from a snapshot taken by {@link TestDriver.checkpoint}. */
  async start(restore?: CheckpointData, allowNonRestoredState = false): Promise<void> {
    const runtime = new JobRuntime(this.env.graph, { keyGroups: this.env.keyGroups, clock: this.clock });
    if (restore !== undefined) {
      const states = new Map<string, unknown>();
      for (const [uid, bytes] of restore.states) states.set(uid, decodeState(bytes));
      runtime.restore(states, allowNonRestoredState);
      this.nextCheckpointId = restore.id + 1;
    }
    await runtime.open();
    runtime.start();
    this.inputs.forEach((input, i) => {
      input.attach(runtime.sources[i]!);
    });
    this.runtimeInstance = runtime;
  }

  /** Moves processing time forward by `ms`, firing due processing-time timers and windows. */
  advanceProcessingTime(ms: number): void {
    this.setProcessingTime(this.clock.now() + ms);
  }

  /** Sets processing time (never backwards), firing due timers. */
  setProcessingTime(time: number): void {
    this.clock.set(time);
    const now = this.clock.now();
    this.runtime.fireProcessingTime(now);
    for (const s of this.runtime.sources) s.checkIdle(now);
  }

  /** Takes a checkpoint (sinks commit), returned in memory for {@link TestDriver.start}. */
  async checkpoint(): Promise<CheckpointData> {
    const id = this.nextCheckpointId++;
    const taken = this.runtime.snapshot(id);
    await Promise.all(taken.preparations);
    await this.runtime.notifyCheckpointComplete(id);
    return {
      id,
      kind: 'checkpoint',
      timestamp: this.clock.now(),
      jobName: this.env.name,
      keyGroups: this.env.keyGroups,
      finished: false,
      states: taken.states,
    };
  }

  /** Ends every input not yet ended. */
  endAll(): void {
    for (const input of this.inputs) input.end();
  }

  metrics(): JobMetrics {
    return collectMetrics(this.runtime, { completed: this.nextCheckpointId - 1, last: undefined });
  }

  /** Closes every operator. */
  async close(): Promise<void> {
    await this.runtime.close();
  }
}
