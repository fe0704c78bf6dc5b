import type { JobRuntime } from './job-runtime.js';

/** Counters of one operator (sinks included). */
export interface OperatorMetrics {
  readonly uid: string;
  readonly name: string;
  readonly kind: string;
  readonly recordsIn: number;
  readonly recordsOut: number;
  /** Records the operator dropped (late records without a side output …). */
  readonly dropped: number;
  /** The operator's input watermark (-Infinity before the first, Infinity after the input ended). */
  readonly watermark: number;
  /** Processing time minus the watermark, when both are finite. */
  readonly watermarkLagMs: number | undefined;
}

/** Counters of one source. */
export interface SourceMetrics {
  readonly uid: string;
  readonly name: string;
  readonly recordsOut: number;
  readonly watermark: number;
  readonly watermarkLagMs: number | undefined;
  readonly splits: number;
  readonly finishedSplits: number;
}

/** What one checkpoint took. */
export interface CheckpointInfo {
  readonly id: number;
  readonly kind: 'checkpoint' | 'savepoint';
  /** From the barrier to the commit of every sink, in ms. */
  readonly durationMs: number;
  /** Size of the checkpoint file (0 when checkpoints are not stored). */
  readonly bytes: number;
  readonly location: string | undefined;
  readonly finished: boolean;
}

/** Checkpoint counters of a job. */
export interface CheckpointMetrics {
  readonly completed: number;
  readonly last: CheckpointInfo | undefined;
}

/** A snapshot of a running job's metrics. */
export interface JobMetrics {
  readonly sources: readonly SourceMetrics[];
  readonly operators: readonly OperatorMetrics[];
  readonly checkpoints: CheckpointMetrics;
}

/** Hooks a job calls as it runs; all optional. */
export interface MetricsListener {
  /** After every completed checkpoint (and savepoint). */
  onCheckpoint?(info: CheckpointInfo): void;
  /** Every `metricsIntervalMs` of processing time while the job runs. */
  onMetrics?(metrics: JobMetrics): void;
}

function lag(now: number, watermark: number): number | undefined {
  return Number.isFinite(watermark) ? now - watermark : undefined;
}

/** Reads the counters of every task of a runtime. */
export function collectMetrics(runtime: JobRuntime, checkpoints: CheckpointMetrics): JobMetrics {
  const now = runtime.clock.now();
  return {
    sources: runtime.sources.map((s) => ({
      uid: s.uid,
      name: s.name,
      recordsOut: s.recordsOut,
      watermark: s.watermark,
      watermarkLagMs: lag(now, s.watermark),
      splits: s.splits.length,
      finishedSplits: s.splits.filter((x) => x.finished).length,
    })),
    operators: runtime.tasks.map((t) => {
      let out = t.output.records;
      for (const side of t.sideOutputs.values()) out += side.records;
      return {
        uid: t.uid,
        name: t.name,
        kind: t.node.definition.kind,
        recordsIn: t.recordsIn,
        recordsOut: out,
        dropped: t.dropped,
        watermark: t.watermark,
        watermarkLagMs: lag(now, t.watermark),
      };
    }),
    checkpoints,
  };
}
