import type { Clock } from '../time/clock.js';

/** What a sink gets when it opens. */
export interface SinkContext {
  /** The sink operator's uid (stable; use it to name files or transactional ids). */
  readonly uid: string;
  readonly clock: Clock;
}

/** What a sink writer sealed at a checkpoint barrier. */
export interface PreparedCommit {
  /**
   * What {@link Sink.commit} needs to make the sealed writes visible once the checkpoint is
   * durable (file names, a transaction id …). Stored in the checkpoint: structured-cloneable.
   */
  readonly committables: readonly unknown[];
  /** Resolves when the sealed writes are durable (flushed, fsynced); the checkpoint waits for it. */
  readonly ready?: Promise<void>;
}

/** Where a restored sink resumes. */
export interface SinkRestore {
  /** The checkpoint the job restarts from; staged work of later checkpoints must be discarded. */
  readonly checkpointId: number;
  /** What the writer's `snapshotState` returned at that checkpoint. */
  readonly writerState: unknown;
}

/**
 * Writes the records of one sink. `write` is synchronous (buffer, or start I/O without awaiting
 * it); a transactional writer stages its writes and seals them in `prepareCommit` at each
 * checkpoint barrier, to be committed by {@link Sink.commit} once the checkpoint is durable.
 */
export interface SinkWriter<T> {
  write(values: readonly T[], timestamps: readonly number[]): void;
  /** Seals the writes since the last call (synchronously); omit for non-transactional sinks. */
  prepareCommit?(checkpointId: number): PreparedCommit | undefined;
  /** The writer's own state to checkpoint (structured-cloneable). */
  snapshotState?(): unknown;
  /** A promise the runtime awaits before the next batch when the writer is behind (backpressure). */
  ready?(): Promise<void> | undefined;
  close(): Promise<void> | undefined;
}

/**
 * A sink: creates its writer and commits sealed writes. Exactly-once sinks implement
 * two-phase commit: `prepareCommit` at the barrier (pre-commit), `commit` when the checkpoint
 * completes, and again after a restart for the committables of the checkpoint restored from,
 * so `commit` must be idempotent.
 *
 * @example
 * ```ts
 * const console: Sink<string> = {
 *   open: () => ({ write: (values) => { for (const v of values) process.stdout.write(v + '\n'); }, close: () => undefined }),
 * };
 * ```
 */
export interface Sink<T> {
  open(ctx: SinkContext, restored: SinkRestore | undefined): SinkWriter<T> | Promise<SinkWriter<T>>;
  commit?(committables: readonly unknown[]): Promise<void>;
  /** The job finished and its last commit is done (e.g. publish one output file). Must be idempotent. */
  finish?(): Promise<void>;
}
