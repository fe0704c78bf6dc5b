import type { Key } from '../core/key.js';
import type { OutputTag } from '../core/output-tag.js';
import type { KeyedStateBackend } from '../state/backend.js';
import type { StateHandles, StateSpec } from '../state/state.js';
import type { KeyedTimerService } from '../time/timer-service.js';
import { BatchCollector } from './collector.js';
import type { OperatorContext } from './operator.js';
import type { KeyedTimerContext, TimerControl } from './process-function.js';
import { SideOutputBuffers } from './side-outputs.js';

/**
 * The single context object a keyed process operator hands its function, updated in place per
 * record or timer: current key, timestamp, state handles and timer control.
 */
export class KeyedContext implements KeyedTimerContext<Key, unknown, StateSpec>, TimerControl {
  key: Key = '';
  timestamp = NaN;
  timeDomain: 'eventTime' | 'processingTime' = 'eventTime';
  readonly main = new BatchCollector<unknown>();
  readonly side: SideOutputBuffers;
  readonly backend: KeyedStateBackend;
  readonly state: StateHandles<StateSpec>;
  private readonly timerService: KeyedTimerService;

  constructor(
    private readonly op: OperatorContext,
    spec: StateSpec | undefined,
  ) {
    this.side = new SideOutputBuffers(op);
    this.backend = op.keyedState();
    this.timerService = op.timers();
    const handles: Record<string, unknown> = {};
    if (spec !== undefined)
      for (const [name, d] of Object.entries(spec)) handles[name] = this.backend.getState(name, d);
    this.state = handles;
  }

  get timers(): TimerControl {
    return this;
  }

  get currentWatermark(): number {
    return this.op.currentWatermark();
  }

  get processingTime(): number {
    return this.op.clock.now();
  }

  /** Makes `key` current for user code and state handles. */
  setKey(key: Key, timestamp: number): void {
    this.key = key;
    this.backend.currentKey = key;
    this.timestamp = timestamp;
  }

  emit(value: unknown, timestamp?: number): void {
    this.main.collectAt(value, timestamp ?? this.timestamp);
  }

  output<S>(tag: OutputTag<S>, value: S, timestamp?: number): void {
    this.side.add(tag, value, timestamp ?? this.timestamp);
  }

  registerEventTime(time: number): void {
    this.timerService.registerEventTime(this.key, time);
  }

  deleteEventTime(time: number): void {
    this.timerService.deleteEventTime(this.key, time);
  }

  registerProcessingTime(time: number): void {
    this.timerService.registerProcessingTime(this.key, time);
    this.op.requestProcessingTime(time);
  }

  deleteProcessingTime(time: number): void {
    this.timerService.deleteProcessingTime(this.key, time);
  }

  /** Emits what user code produced (side outputs first, then the main output). */
  flush(): void {
    this.side.flush();
    this.main.flushTo(this.op.output);
  }

  /** Fires due timers of both domains through `onTimer`. */
  fireEventTimers(watermark: number, onTimer: (time: number, ctx: KeyedContext) => void): void {
    this.timerService.fireEventTime(watermark, (key, time) => {
      this.setKey(key, time);
      this.timeDomain = 'eventTime';
      onTimer(time, this);
    });
    this.flush();
  }

  fireProcessingTimers(now: number, onTimer: (time: number, ctx: KeyedContext) => void): void {
    this.timerService.fireProcessingTime(now, (key, time) => {
      this.setKey(key, NaN);
      this.timeDomain = 'processingTime';
      onTimer(time, this);
    });
    this.flush();
    this.requestNextProcessingTime();
  }

  requestNextProcessingTime(): void {
    const next = this.timerService.nextProcessingTime();
    if (next !== Infinity) this.op.requestProcessingTime(next);
  }
}
