import type { OutputTag } from '../core/output-tag.js';
import type { KeyedStateBackend } from '../state/backend.js';
import type { Clock } from '../time/clock.js';
import type { KeyedTimerService } from '../time/timer-service.js';

/**
 * Where an operator sends records: a batch is two parallel arrays, values and their event
 * timestamps (`NaN` when a record has none). The arrays are handed over: the receiver may keep
 * them, and nobody may mutate them afterwards.
 */
export interface Output<T> {
  emit(values: T[], timestamps: number[]): void;
}

/** What the runtime gives an operator. */
export interface OperatorContext<O = unknown> {
  /** Stable id under which the operator's state is checkpointed. */
  readonly uid: string;
  readonly name: string;
  /** Number of key groups of the job (fixed for its life). */
  readonly keyGroups: number;
  /** True when this instance owns the key group (restore only the state of owned groups). */
  ownsKeyGroup(keyGroup: number): boolean;
  readonly output: Output<O>;
  /** The output for a side-output tag (a no-op when nothing consumes it). */
  sideOutput<S>(tag: OutputTag<S>): Output<S>;
  readonly clock: Clock;
  /** The operator's current input watermark (the minimum over its inputs). */
  currentWatermark(): number;
  /** Keyed state of this operator (created on first use; keyed operators only). */
  keyedState(): KeyedStateBackend;
  /** Keyed timers of this operator (created on first use; keyed operators only). */
  timers(): KeyedTimerService;
  /**
   * Asks for {@link Operator.onProcessingTime} once the clock reaches `time`. Only the earliest
   * request is remembered: the operator must ask again for its next time when called.
   */
  requestProcessingTime(time: number): void;
  /** Makes the runtime await `promise` before pushing the next batch (backpressure for I/O). */
  awaitBeforeNextBatch(promise: Promise<unknown>): void;
  /**
   * Sends a watermark downstream; only for operators with `ownWatermarks` (they replace the
   * input's watermarks with their own). Watermarks that do not advance are ignored.
   */
  emitWatermark(time: number): void;
  /** Counts a record dropped by the operator (late data without a side output …) in its metrics. */
  countDropped(n: number): void;
}

/**
 * A stream operator. `processBatch` is the one required method; the lifecycle hooks default to
 * doing nothing. Operators run synchronously: they receive a batch, emit zero or more batches
 * through `this.out` and return. The runtime forwards watermarks itself, after
 * {@link Operator.onWatermark} returns, so results emitted there precede the watermark.
 *
 * @example
 * ```ts
 * class Double extends Operator<number, number> {
 *   processBatch(values: readonly number[], timestamps: readonly number[]): void {
 *     this.out.emit(values.map((v) => v * 2), timestamps as number[]);
 *   }
 * }
 * ```
 */
export abstract class Operator<I = unknown, O = unknown> {
  protected readonly out: Output<O>;
  /**
   * True when the operator generates its own watermarks (`ctx.emitWatermark`) instead of the
   * runtime forwarding the input's; the input's end (+∞) is still forwarded.
   */
  readonly ownWatermarks: boolean = false;

  constructor(protected readonly ctx: OperatorContext<O>) {
    this.out = ctx.output;
  }

  /** Processes one batch from input `input` (0, or 1 for the second input of a two-input operator). */
  abstract processBatch(values: readonly I[], timestamps: readonly number[], input: number): void;

  /** Asynchronous set-up after {@link Operator.restore} (a sink opening files, committing restored work). */
  open(): Promise<void> | undefined {
    return undefined;
  }

  /** Called once before the first batch, after {@link Operator.open}. */
  onStart(): void {}

  /** The input watermark advanced to `watermark`: fire event-time timers and windows here. */
  onWatermark(_watermark: number): void {}

  /** The clock reached a time requested with `requestProcessingTime`. */
  onProcessingTime(_now: number): void {}

  /**
   * A checkpoint barrier passed: return the operator's own state (structured-cloneable data; it
   * is serialised at once, so later mutation is safe). Keyed state and timers are included by
   * the runtime.
   */
  onCheckpoint(_checkpointId: number): unknown {
    return undefined;
  }

  /** After the synchronous snapshot: a promise the checkpoint waits for (a sink flushing). */
  prepareCheckpoint(_checkpointId: number): Promise<void> | undefined {
    return undefined;
  }

  /** The checkpoint is durable: commit side effects staged for it. */
  onCheckpointComplete(_checkpointId: number): Promise<void> | undefined {
    return undefined;
  }

  /** Loads what {@link Operator.onCheckpoint} returned, before {@link Operator.onStart}. */
  restore(_state: unknown): void {}

  /** Every input has ended (after the final watermark). */
  onEndOfInput(): void {}

  /** The job is stopping (finished, failed or cancelled): release resources. */
  onClose(): Promise<void> | undefined {
    return undefined;
  }
}
