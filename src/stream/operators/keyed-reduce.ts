import type { Key } from '../core/key.js';
import type { ValueState } from '../state/state.js';
import { valueState } from '../state/state.js';
import { defineOperator } from './definition.js';
import { Operator, type OperatorContext } from './operator.js';

export interface KeyedReduceParams {
  readonly key: (value: unknown) => Key;
  readonly reduce: (acc: unknown, value: unknown) => unknown;
}

/** A rolling reduce: per key, folds each record into the previous result and emits the new one. */
export class KeyedReduceOperator extends Operator {
  private readonly state: ValueState<unknown>;

  constructor(
    ctx: OperatorContext,
    private readonly params: KeyedReduceParams,
  ) {
    super(ctx);
    this.state = ctx.keyedState().getState('reduce', valueState<unknown>());
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[]): void {
    const backend = this.ctx.keyedState();
    const { key, reduce } = this.params;
    const state = this.state;
    const out: unknown[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      backend.currentKey = key(v);
      const prev = state.value();
      const next = prev === undefined ? v : reduce(prev, v);
      state.update(next);
      out.push(next);
    }
    this.out.emit(out, timestamps as number[]);
  }
}

export const keyedReduceOperator = defineOperator<KeyedReduceParams>({
  kind: 'keyed-reduce',
  description: 'rolling reduce per key, emitting every updated result',
  inputs: 1,
  keyed: true,
  create: (p, ctx) => new KeyedReduceOperator(ctx, p),
});
