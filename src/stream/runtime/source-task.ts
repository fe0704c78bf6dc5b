import { StreamError, StreamErrorCode } from '../core/errors.js';
import type { SourceSplit } from '../connectors/source.js';
import type { SourceNode } from '../graph/stream-graph.js';
import type { Clock } from '../time/clock.js';
import type { WatermarkGenerator } from '../time/watermark-strategy.js';
import type { RuntimeServices } from './services.js';
import { MAX_WATERMARK, MIN_WATERMARK, type Signal } from './signal.js';
import { TaskOutput } from './task-output.js';

/** The runtime state of one split: its position, watermark and activity. */
export class SplitState {
  position: unknown;
  finished = false;
  idle = false;
  maxTimestamp = MIN_WATERMARK;
  watermark = MIN_WATERMARK;
  lastActivity: number;
  records = 0;

  constructor(
    readonly split: SourceSplit,
    position: unknown,
    readonly generator: WatermarkGenerator<unknown> | undefined,
    now: number,
  ) {
    this.position = position;
    this.lastActivity = now;
  }
}

/** Version 1 of a source's snapshot: the position of every split. */
export interface SourceSnapshot {
  readonly format: 1;
  readonly splits: ReadonlyArray<{
    readonly id: string;
    readonly position: unknown;
    readonly finished: boolean;
  }>;
}

/**
 * The synchronous half of a source: stamps event time on batches read from its splits, derives
 * each split's watermark, combines them (minimum over active splits) and pushes everything
 * downstream. The executor (or the test driver) does the reading.
 */
export class SourceTask {
  readonly output = new TaskOutput();
  readonly splits: SplitState[] = [];
  watermark = MIN_WATERMARK;
  private idleForwarded = false;
  private ended = false;
  private readonly clock: Clock;
  private readonly delay: number;
  private readonly idleTimeout: number;

  constructor(
    readonly node: SourceNode,
    readonly uid: string,
    private readonly services: RuntimeServices,
  ) {
    this.clock = services.clock;
    this.delay = node.watermarks.delayMs;
    this.idleTimeout = node.watermarks.idleTimeoutMs ?? Infinity;
  }

  get name(): string {
    return this.node.name;
  }

  get recordsOut(): number {
    return this.output.records;
  }

  get finished(): boolean {
    return this.ended;
  }

  /** Registers a split (restored position or undefined). */
  addSplit(split: SourceSplit, position: unknown, finished: boolean): SplitState {
    const state = new SplitState(split, position, this.node.watermarks.createGenerator?.(), this.clock.now());
    state.finished = finished;
    this.splits.push(state);
    return state;
  }

  /** Stamps, pushes and watermarks one batch read from `split`. */
  emitBatch(split: SplitState, values: unknown[], nativeTimestamps: number[] | undefined): void {
    const n = values.length;
    if (n === 0) return;
    split.records += n;
    split.lastActivity = this.clock.now();
    const mode = this.node.timestamps;
    let timestamps: number[];
    let max = split.maxTimestamp;
    switch (mode.kind) {
      case 'extractor': {
        const extract = mode.extract;
        timestamps = [];
        for (let i = 0; i < n; i++) {
          const t = extract(values[i]);
          timestamps.push(t);
          if (t > max) max = t;
        }
        break;
      }
      case 'source':
        if (nativeTimestamps?.length !== n) {
          throw new StreamError(
            StreamErrorCode.record,
            `source '${this.name}': timestamps 'source' needs a source that provides timestamps`,
          );
        }
        timestamps = nativeTimestamps;
        for (let i = 0; i < n; i++) if (timestamps[i]! > max) max = timestamps[i]!;
        break;
      case 'ingestion': {
        const now = split.lastActivity;
        timestamps = new Array<number>(n).fill(now);
        if (now > max) max = now;
        break;
      }
      case 'none':
        timestamps = new Array<number>(n).fill(NaN);
        break;
    }
    split.maxTimestamp = max;
    const gen = split.generator;
    if (gen !== undefined) for (let i = 0; i < n; i++) gen.onEvent(values[i], timestamps[i]!);
    this.output.emit(values, timestamps);
    if (split.idle) split.idle = false;
    this.updateSplitWatermark(split);
  }

  private updateSplitWatermark(split: SplitState): void {
    let wm: number;
    switch (this.node.watermarks.kind) {
      case 'bounded':
        wm = split.maxTimestamp - this.delay - 1;
        break;
      case 'custom':
        wm = split.generator!.currentWatermark();
        break;
      case 'none':
        wm = MIN_WATERMARK;
        break;
    }
    if (wm > split.watermark) split.watermark = wm;
    this.combine();
  }

  /** Sets a watermark by hand (the test driver's manual watermarks) on every split. */
  emitWatermark(time: number): void {
    for (const s of this.splits) if (time > s.watermark) s.watermark = time;
    this.combine();
  }

  /** Marks splits idle that have had no records for the idleness timeout. */
  checkIdle(now: number): void {
    if (this.idleTimeout === Infinity) return;
    let changed = false;
    for (const s of this.splits) {
      if (!s.finished && !s.idle && now - s.lastActivity >= this.idleTimeout) {
        s.idle = true;
        changed = true;
      }
    }
    if (changed) this.combine();
  }

  /** The split has no more records. */
  finishSplit(split: SplitState): void {
    if (split.finished) return;
    split.finished = true;
    split.watermark = MAX_WATERMARK;
    this.combine();
    this.endIfDone();
  }

  /** Ends the source if all of its splits are finished (also right at start for restored ones). */
  endIfDone(): void {
    if (this.ended || this.splits.some((s) => !s.finished)) return;
    this.ended = true;
    this.forwardWatermark(MAX_WATERMARK);
    this.output.signal({ kind: 'endOfData' });
  }

  private combine(): void {
    let min = Infinity;
    let active = false;
    for (const s of this.splits) {
      if (s.idle) continue;
      active = true;
      if (s.watermark < min) min = s.watermark;
    }
    if (!active) {
      if (!this.idleForwarded && this.splits.length > 0) {
        this.idleForwarded = true;
        this.output.signal({ kind: 'idle' });
      }
      return;
    }
    this.forwardWatermark(min);
  }

  private forwardWatermark(time: number): void {
    if (time > this.watermark) {
      this.watermark = time;
      this.idleForwarded = false;
      this.output.signal({ kind: 'watermark', time });
    }
  }

  /** Records the split positions for checkpoint `checkpointId` and sends the barrier on. */
  injectBarrier(checkpointId: number): void {
    const snapshot: SourceSnapshot = {
      format: 1,
      splits: this.splits.map((s) => ({ id: s.split.id, position: s.position, finished: s.finished })),
    };
    this.services.collectSnapshot(this.uid, snapshot);
    const barrier: Signal = { kind: 'barrier', checkpointId };
    this.output.signal(barrier);
  }
}
