import type { Sink, SinkWriter } from '../connectors/sink.js';
import { defineOperator } from './definition.js';
import { Operator, type OperatorContext } from './operator.js';

export interface SinkParams {
  readonly sink: Sink<unknown>;
}

interface PendingCommit {
  readonly checkpointId: number;
  readonly committables: readonly unknown[];
}

/** Version 1 of a sink's snapshot. */
interface SinkSnapshot {
  readonly format: 1;
  readonly checkpointId: number;
  readonly writerState: unknown;
  /** Sealed writes not yet committed when the snapshot was taken, this checkpoint's included. */
  readonly pending: readonly PendingCommit[];
}

/**
 * Hands records to a sink's writer and drives its two-phase commit: seal at the barrier,
 * commit when the checkpoint is durable, commit again what the restored checkpoint had sealed.
 */
export class SinkOperator extends Operator {
  private writer: SinkWriter<unknown> | undefined;
  private pending: PendingCommit[] = [];
  private restored: SinkSnapshot | undefined;
  private preparing: Promise<void> | undefined;
  private inputEnded = false;
  /** The first checkpoint taken after the input ended: it holds everything the sink will get. */
  private finalCheckpoint = Infinity;
  private finished = false;

  constructor(
    ctx: OperatorContext,
    private readonly sink: Sink<unknown>,
  ) {
    super(ctx);
  }

  override restore(state: unknown): void {
    this.restored = state as SinkSnapshot;
  }

  override async open(): Promise<void> {
    const restored = this.restored;
    if (restored !== undefined) {
      for (const p of restored.pending) await this.sink.commit?.(p.committables);
    }
    this.writer = await this.sink.open(
      { uid: this.ctx.uid, clock: this.ctx.clock },
      restored === undefined
        ? undefined
        : { checkpointId: restored.checkpointId, writerState: restored.writerState },
    );
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[]): void {
    const writer = this.writer!;
    writer.write(values, timestamps);
    const ready = writer.ready?.();
    if (ready !== undefined) this.ctx.awaitBeforeNextBatch(ready);
  }

  override onEndOfInput(): void {
    this.inputEnded = true;
  }

  override onCheckpoint(checkpointId: number): unknown {
    const writer = this.writer!;
    if (this.inputEnded && checkpointId < this.finalCheckpoint) this.finalCheckpoint = checkpointId;
    const prepared = writer.prepareCommit?.(checkpointId);
    if (prepared !== undefined && prepared.committables.length > 0) {
      this.pending.push({ checkpointId, committables: prepared.committables });
    }
    this.preparing = prepared?.ready;
    const snapshot: SinkSnapshot = {
      format: 1,
      checkpointId,
      writerState: writer.snapshotState?.(),
      pending: this.pending.slice(),
    };
    return snapshot;
  }

  override prepareCheckpoint(): Promise<void> | undefined {
    const p = this.preparing;
    this.preparing = undefined;
    return p;
  }

  override async onCheckpointComplete(checkpointId: number): Promise<void> {
    while (this.pending.length > 0 && this.pending[0]!.checkpointId <= checkpointId) {
      await this.sink.commit?.(this.pending[0]!.committables);
      this.pending.shift();
    }
    if (checkpointId >= this.finalCheckpoint && !this.finished) {
      this.finished = true;
      await this.sink.finish?.();
    }
  }

  override onClose(): Promise<void> | undefined {
    return this.writer?.close();
  }
}

export const sinkOperator = defineOperator<SinkParams>({
  kind: 'sink',
  description: 'writes records to a sink (two-phase commit with checkpoints when the sink supports it)',
  inputs: 1,
  keyed: false,
  create: (p, ctx) => new SinkOperator(ctx, p.sink),
});
