import { defineOperator } from './definition.js';
import { Operator, type OperatorContext } from './operator.js';

export interface FilterParams {
  readonly predicate: (value: unknown) => boolean;
}

/** Keeps the records the predicate accepts; a batch that keeps everything is passed on as is. */
export class FilterOperator extends Operator {
  constructor(
    ctx: OperatorContext,
    private readonly predicate: (value: unknown) => boolean,
  ) {
    super(ctx);
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[]): void {
    const predicate = this.predicate;
    const out: unknown[] = [];
    const ts: number[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (predicate(v)) {
        out.push(v);
        ts.push(timestamps[i]!);
      }
    }
    if (out.length === values.length) this.out.emit(values as unknown[], timestamps as number[]);
    else this.out.emit(out, ts);
  }
}

export const filterOperator = defineOperator<FilterParams>({
  kind: 'filter',
  description: 'keeps the records a predicate accepts',
  inputs: 1,
  keyed: false,
  create: (p, ctx) => new FilterOperator(ctx, p.predicate),
});
