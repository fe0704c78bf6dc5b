import { BatchCollector, type Collector, type FlatMapResult } from './collector.js';
import { defineOperator } from './definition.js';
import { Operator, type OperatorContext } from './operator.js';

export interface FlatMapParams {
  readonly fn: (value: unknown, out: Collector<unknown>) => FlatMapResult<unknown>;
}

/**
 * Zero or more outputs per input, collected or returned as an iterable; outputs keep the
 * input's timestamp.
 */
export class FlatMapOperator extends Operator {
  private readonly collector = new BatchCollector<unknown>();

  constructor(
    ctx: OperatorContext,
    private readonly fn: FlatMapParams['fn'],
  ) {
    super(ctx);
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[]): void {
    const fn = this.fn;
    const c = this.collector;
    for (let i = 0; i < values.length; i++) {
      const ts = timestamps[i]!;
      c.timestamp = ts;
      const r = fn(values[i], c);
      if (r != null) for (const v of r) c.collectAt(v, ts);
    }
    c.flushTo(this.out);
  }
}

export const flatMapOperator = defineOperator<FlatMapParams>({
  kind: 'flat-map',
  description: 'applies a function emitting zero or more records per record',
  inputs: 1,
  keyed: false,
  create: (p, ctx) => new FlatMapOperator(ctx, p.fn),
});
