import type { Key } from '../core/key.js';
import type { StateSpec } from '../state/state.js';
import { defineOperator } from './definition.js';
import { KeyedContext } from './keyed-context.js';
import { Operator, type OperatorContext } from './operator.js';
import type { KeyedCoProcessFunction } from './process-function.js';

export interface KeyedCoProcessParams {
  readonly key1: (value: unknown) => Key;
  readonly key2: (value: unknown) => Key;
  readonly fn: KeyedCoProcessFunction<unknown, unknown, Key, unknown, StateSpec>;
}

/** Runs a {@link KeyedCoProcessFunction} over two inputs keyed alike. */
export class KeyedCoProcessOperator extends Operator {
  private readonly context: KeyedContext;
  private readonly onTimer: (time: number, ctx: KeyedContext) => void;

  constructor(
    ctx: OperatorContext,
    private readonly params: KeyedCoProcessParams,
  ) {
    super(ctx);
    this.context = new KeyedContext(ctx, params.fn.state);
    const fn = params.fn;
    this.onTimer = (time, c) => fn.onTimer?.(time, c);
  }

  override onStart(): void {
    this.context.requestNextProcessingTime();
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[], input: number): void {
    const c = this.context;
    const fn = this.params.fn;
    if (input === 0) {
      const key = this.params.key1;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        c.setKey(key(v), timestamps[i]!);
        fn.processElement1(v, c);
      }
    } else {
      const key = this.params.key2;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        c.setKey(key(v), timestamps[i]!);
        fn.processElement2(v, c);
      }
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

export const keyedCoProcessOperator = defineOperator<KeyedCoProcessParams>({
  kind: 'keyed-co-process',
  description: 'runs a keyed co-process function over two connected keyed streams',
  inputs: 2,
  keyed: true,
  create: (p, ctx) => new KeyedCoProcessOperator(ctx, p),
});
