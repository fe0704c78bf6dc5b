import { configError } from '../core/errors.js';
import type { OutputTag } from '../core/output-tag.js';
import type { OperatorNode } from '../graph/stream-graph.js';
import type { Operator, OperatorContext, Output } from '../operators/operator.js';
import type { KeyedStateBackend, KeyedStateSnapshot } from '../state/backend.js';
import { MemoryStateBackend } from '../state/memory-backend.js';
import type { Clock } from '../time/clock.js';
import { KeyedTimerService, type TimerSnapshot } from '../time/timer-service.js';
import type { ProcessingTimeTarget, RuntimeServices } from './services.js';
import { assertNever, MIN_WATERMARK, type Signal } from './signal.js';
import { TaskOutput, type ChannelReceiver } from './task-output.js';

/** Version 1 of a task's snapshot: the operator's own state, keyed state and timers. */
export interface TaskSnapshot {
  readonly format: 1;
  readonly operator: unknown;
  readonly keyed: KeyedStateSnapshot | undefined;
  readonly timers: TimerSnapshot | undefined;
}

const noopOutput: Output<unknown> = { emit: () => undefined };

/**
 * Runs one operator: counts records, combines the watermarks of its input channels (minimum over
 * active channels), aligns checkpoint barriers, and owns the operator's keyed state and timers.
 */
export class Task implements ChannelReceiver, OperatorContext, ProcessingTimeTarget {
  readonly output = new TaskOutput();
  readonly sideOutputs = new Map<string, TaskOutput>();
  readonly keyGroups: number;
  readonly clock: Clock;
  operator!: Operator;

  private readonly channelInput: number[] = [];
  private readonly channelWatermark: number[] = [];
  private readonly channelIdle: boolean[] = [];
  private readonly channelEnded: boolean[] = [];
  private endedChannels = 0;
  private barrierId = -1;
  private barriersSeen = 0;
  private idleForwarded = false;
  private backend: MemoryStateBackend | undefined;
  private timerService: KeyedTimerService | undefined;

  watermark = MIN_WATERMARK;
  /** The last watermark sent downstream. */
  outputWatermark = MIN_WATERMARK;
  recordsIn = 0;
  dropped = 0;
  requestedProcessingTime = Infinity;

  constructor(
    readonly node: OperatorNode,
    readonly uid: string,
    private readonly services: RuntimeServices,
  ) {
    this.keyGroups = services.keyGroups;
    this.clock = services.clock;
  }

  get name(): string {
    return this.node.name;
  }

  /** Adds an input channel feeding logical input `input`; returns the channel number. */
  addChannel(input: number): number {
    this.channelInput.push(input);
    this.channelWatermark.push(MIN_WATERMARK);
    this.channelIdle.push(false);
    this.channelEnded.push(false);
    return this.channelInput.length - 1;
  }

  /** Creates the operator (after every output is connected). */
  instantiate(): void {
    this.operator = this.node.definition.create(this.node.params as never, this);
  }

  // ---- OperatorContext ----

  sideOutput<S>(tag: OutputTag<S>): Output<S> {
    return this.sideOutputs.get(tag.id) ?? noopOutput;
  }

  ownsKeyGroup(keyGroup: number): boolean {
    return this.services.ownsKeyGroup(keyGroup);
  }

  currentWatermark(): number {
    return this.watermark;
  }

  keyedState(): KeyedStateBackend {
    if (!this.node.definition.keyed)
      throw configError(`operator '${this.name}' is not keyed: it has no keyed state`);
    this.backend ??= new MemoryStateBackend(this.keyGroups, this.clock);
    return this.backend;
  }

  timers(): KeyedTimerService {
    if (!this.node.definition.keyed)
      throw configError(`operator '${this.name}' is not keyed: it has no timers`);
    this.timerService ??= new KeyedTimerService();
    return this.timerService;
  }

  requestProcessingTime(time: number): void {
    if (time < this.requestedProcessingTime) {
      this.requestedProcessingTime = time;
      this.services.scheduleProcessingTime(time, this);
    }
  }

  awaitBeforeNextBatch(promise: Promise<unknown>): void {
    this.services.awaitBeforeNextBatch(promise);
  }

  countDropped(n: number): void {
    this.dropped += n;
  }

  fireProcessingTime(now: number): void {
    this.requestedProcessingTime = Infinity;
    this.operator.onProcessingTime(now);
  }

  // ---- data and signals ----

  processBatch(values: readonly unknown[], timestamps: readonly number[], channel: number): void {
    this.recordsIn += values.length;
    if (this.channelIdle[channel] === true) this.channelIdle[channel] = false;
    this.operator.processBatch(values, timestamps, this.channelInput[channel]!);
  }

  handleSignal(channel: number, signal: Signal): void {
    switch (signal.kind) {
      case 'watermark':
        this.channelIdle[channel] = false;
        if (signal.time > this.channelWatermark[channel]!) {
          this.channelWatermark[channel] = signal.time;
          this.combineWatermarks();
        }
        return;
      case 'idle':
        this.channelIdle[channel] = true;
        this.combineWatermarks();
        return;
      case 'barrier':
        this.onBarrier(signal.checkpointId, signal);
        return;
      case 'endOfData':
        if (this.channelEnded[channel] === true) return;
        this.channelEnded[channel] = true;
        this.endedChannels++;
        if (this.endedChannels === this.channelInput.length) {
          this.operator.onEndOfInput();
          this.broadcast(signal);
        }
        return;
      default:
        assertNever(signal);
    }
  }

  private combineWatermarks(): void {
    let min = Infinity;
    let active = false;
    for (let c = 0; c < this.channelWatermark.length; c++) {
      if (this.channelIdle[c] === true) continue;
      active = true;
      const wm = this.channelWatermark[c]!;
      if (wm < min) min = wm;
    }
    if (!active) {
      if (!this.idleForwarded) {
        this.idleForwarded = true;
        this.broadcast({ kind: 'idle' });
      }
      return;
    }
    if (min > this.watermark) {
      this.watermark = min;
      this.idleForwarded = false;
      this.operator.onWatermark(min);
      if (!this.operator.ownWatermarks || min === Infinity) this.emitWatermark(min);
    }
  }

  emitWatermark(time: number): void {
    if (time > this.outputWatermark) {
      this.outputWatermark = time;
      this.broadcast({ kind: 'watermark', time });
    }
  }

  /**
   * The runtime is single-threaded and every source injects its barrier in the same synchronous
   * step, so alignment is a count: once the barrier arrived on every channel, no record of the
   * next epoch can have arrived yet.
   */
  private onBarrier(checkpointId: number, signal: Signal): void {
    if (checkpointId !== this.barrierId) {
      this.barrierId = checkpointId;
      this.barriersSeen = 0;
    }
    this.barriersSeen++;
    if (this.barriersSeen < this.channelInput.length) return;
    const snapshot: TaskSnapshot = {
      format: 1,
      operator: this.operator.onCheckpoint(checkpointId),
      keyed: this.backend?.snapshot(),
      timers: this.timerService?.snapshot(this.keyGroups),
    };
    this.services.collectSnapshot(this.uid, snapshot);
    const preparation = this.operator.prepareCheckpoint(checkpointId);
    if (preparation !== undefined) this.services.collectPreparation(preparation);
    this.broadcast(signal);
  }

  /** Loads a snapshot taken by this task's uid. */
  restore(snapshot: TaskSnapshot): void {
    const format = (snapshot as { format: unknown }).format;
    if (format !== 1) {
      throw configError(`task snapshot format ${String(format)} of '${this.uid}' is not supported`);
    }
    const owns = (g: number): boolean => this.services.ownsKeyGroup(g);
    if (snapshot.keyed !== undefined) this.keyedState().restore(snapshot.keyed, owns);
    if (snapshot.timers !== undefined) this.timers().restore(snapshot.timers, owns);
    if (snapshot.operator !== undefined) this.operator.restore(snapshot.operator);
  }

  private broadcast(signal: Signal): void {
    this.output.signal(signal);
    for (const side of this.sideOutputs.values()) side.signal(signal);
  }
}
