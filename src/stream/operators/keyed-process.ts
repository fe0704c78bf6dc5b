import type { Key } from '../core/key.js';
import type { StateSpec } from '../state/state.js';
import { defineOperator } from './definition.js';
import { KeyedContext } from './keyed-context.js';
import { Operator, type OperatorContext } from './operator.js';
import type { KeyedProcessFunction } from './process-function.js';

export interface KeyedProcessParams {
  readonly key: (value: unknown) => Key;
  readonly fn: KeyedProcessFunction<unknown, Key, unknown, StateSpec>;
}

/** Runs a {@link KeyedProcessFunction}: keyed state, event- and processing-time timers. */
export class KeyedProcessOperator extends Operator {
  private readonly context: KeyedContext;
  private readonly onTimer: (time: number, ctx: KeyedContext) => void;

  constructor(
    ctx: OperatorContext,
    private readonly params: KeyedProcessParams,
  ) {
    super(ctx);
    this.context = new KeyedContext(ctx, params.fn.state);
    const fn = params.fn;
    this.onTimer = (time, c) => fn.onTimer?.(time, c);
  }

  override onStart(): void {
    this.context.requestNextProcessingTime();
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[]): void {
    const c = this.context;
    const key = this.params.key;
    const fn = this.params.fn;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      c.setKey(key(v), timestamps[i]!);
      fn.processElement(v, c);
    }
    c.flush();
  }

  override onWatermark(watermark: number): void {
    this.context.fireEventTimers(watermark, this.onTimer);
  }

  override onProcessingTime(now: number): void {
    this.context.fireProcessingTimers(now, this.onTimer);
  }
}

export const keyedProcessOperator = defineOperator<KeyedProcessParams>({
  kind: 'keyed-process',
  description: 'runs a keyed process function with keyed state and timers',
  inputs: 1,
  keyed: true,
  create: (p, ctx) => new KeyedProcessOperator(ctx, p),
});
