import type { Key } from '../core/key.js';
import { BatchCollector } from '../operators/collector.js';
import { defineOperator } from '../operators/definition.js';
import { Operator, type OperatorContext } from '../operators/operator.js';
import type { StateOptions, ValueState } from '../state/state.js';
import { valueState } from '../state/state.js';

export interface TableJoinParams {
  readonly streamKey: (value: unknown) => Key;
  readonly tableKey: (value: unknown) => Key;
  readonly join: (record: unknown, latest: unknown) => unknown;
  /** 'inner': records without a table value are dropped; 'left': joined with undefined. */
  readonly kind: 'inner' | 'left';
  /** A table record for which this is true deletes its key's value. */
  readonly isDelete: ((value: unknown) => boolean) | undefined;
  readonly ttl: StateOptions['ttl'];
}

/**
 * Joins each record of a stream with the latest value of its key in a second stream (a table,
 * like a Kafka Streams KStream–KTable join): table records update keyed state, stream records
 * read it. Matching is by arrival order (processing time), not event time; results keep the
 * stream record's timestamp.
 */
export class TableJoinOperator extends Operator {
  private readonly latest: ValueState<unknown>;
  private readonly collector = new BatchCollector<unknown>();

  constructor(
    ctx: OperatorContext,
    private readonly params: TableJoinParams,
  ) {
    super(ctx);
    const options = params.ttl === undefined ? undefined : { ttl: params.ttl };
    this.latest = ctx.keyedState().getState('latest', valueState<unknown>(options));
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[], input: number): void {
    const backend = this.ctx.keyedState();
    const p = this.params;
    if (input === 1) {
      for (const v of values) {
        backend.currentKey = p.tableKey(v);
        if (p.isDelete?.(v) === true) this.latest.clear();
        else this.latest.update(v);
      }
      return;
    }
    const out = this.collector;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      backend.currentKey = p.streamKey(v);
      const t = this.latest.value();
      if (t === undefined && p.kind === 'inner') continue;
      out.collectAt(p.join(v, t), timestamps[i]!);
    }
    out.flushTo(this.out);
  }
}

export const tableJoinOperator = defineOperator<TableJoinParams>({
  kind: 'table-join',
  description: 'joins a stream with the latest value per key of a second stream (a table)',
  inputs: 2,
  keyed: true,
  create: (p, ctx) => new TableJoinOperator(ctx, p),
});
