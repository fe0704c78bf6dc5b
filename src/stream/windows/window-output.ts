import { StreamError, StreamErrorCode } from '../core/errors.js';
import type { Key } from '../core/key.js';
import type { OutputTag } from '../core/output-tag.js';
import { BatchCollector } from '../operators/collector.js';
import type { OperatorContext } from '../operators/operator.js';
import type { Aggregator } from './aggregator.js';
import type { TimeWindow, WindowEmitter } from './window.js';

/** What every window operator is configured with besides its assigner. */
export interface WindowParams {
  readonly key: (value: unknown) => Key;
  readonly aggregator: Aggregator<unknown, unknown, unknown>;
  readonly emit: WindowEmitter<Key, unknown, unknown>;
  /** Where records too late for every window go; dropped (and counted) when undefined. */
  readonly lateTag: OutputTag<unknown> | undefined;
}

/**
 * Collects a window operator's results (stamped `window.end - 1`) and its late records during
 * one batch or watermark, and emits them together.
 */
export class WindowOutput {
  private readonly results = new BatchCollector<unknown>();
  private readonly late = new BatchCollector<unknown>();

  constructor(
    private readonly ctx: OperatorContext,
    private readonly params: WindowParams,
  ) {}

  /** Emits `result` of `key`'s `window` through the window function. */
  result(key: Key, window: TimeWindow, result: unknown): void {
    this.results.timestamp = window.end - 1;
    this.params.emit(key, window, result, this.results);
  }

  lateRecord(value: unknown, timestamp: number): void {
    if (this.params.lateTag === undefined) this.ctx.countDropped(1);
    else this.late.collectAt(value, timestamp);
  }

  flush(): void {
    if (this.params.lateTag !== undefined) this.late.flushTo(this.ctx.sideOutput(this.params.lateTag));
    this.results.flushTo(this.ctx.output);
  }
}

/** The error for an event-time window meeting a record without a timestamp. */
export function missingTimestamp(): StreamError {
  return new StreamError(
    StreamErrorCode.record,
    "window: a record has no event timestamp; give the source a 'timestamps' extractor " +
      "(or use processing-time windows: { time: 'processing' })",
  );
}
