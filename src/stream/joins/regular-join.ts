import type { Key } from '../core/key.js';
import { BatchCollector, type Collector } from '../operators/collector.js';
import { defineOperator } from '../operators/definition.js';
import { Operator, type OperatorContext } from '../operators/operator.js';
import type { ListState, StateOptions } from '../state/state.js';
import { listState } from '../state/state.js';
import type { JoinContext } from './interval-join.js';

export interface RegularJoinParams {
  readonly leftKey: (value: unknown) => Key;
  readonly rightKey: (value: unknown) => Key;
  readonly join: (left: unknown, right: unknown, out: Collector<unknown>, ctx: JoinContext) => void;
  /** State retention (processing time) per side; unbounded when undefined. */
  readonly ttl: StateOptions['ttl'];
}

interface Stamped {
  readonly v: unknown;
  readonly t: number;
}

/**
 * An unbounded inner equi-join (SQL's regular join): every record of either side is kept in
 * keyed list state and joined with every record of the other side with the same key, so each
 * matching pair is emitted once, when its later record arrives. State grows with the inputs;
 * give a TTL to bound it. Results carry the later of the two timestamps.
 */
export class RegularJoinOperator extends Operator implements JoinContext {
  private readonly left: ListState<Stamped>;
  private readonly right: ListState<Stamped>;
  private readonly collector = new BatchCollector<unknown>();
  leftTimestamp = NaN;
  rightTimestamp = NaN;

  constructor(
    ctx: OperatorContext,
    private readonly params: RegularJoinParams,
  ) {
    super(ctx);
    const options = params.ttl === undefined ? undefined : { ttl: params.ttl };
    this.left = ctx.keyedState().getState('left', listState<Stamped>(options));
    this.right = ctx.keyedState().getState('right', listState<Stamped>(options));
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[], input: number): void {
    const backend = this.ctx.keyedState();
    const { join } = this.params;
    const out = this.collector;
    const isLeft = input === 0;
    const keyOf = isLeft ? this.params.leftKey : this.params.rightKey;
    const mine = isLeft ? this.left : this.right;
    const other = isLeft ? this.right : this.left;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const ts = timestamps[i]!;
      backend.currentKey = keyOf(v);
      for (const o of other.get()) {
        out.timestamp = ts !== ts ? o.t : o.t !== o.t ? ts : Math.max(ts, o.t);
        if (isLeft) {
          this.leftTimestamp = ts;
          this.rightTimestamp = o.t;
          join(v, o.v, out, this);
        } else {
          this.leftTimestamp = o.t;
          this.rightTimestamp = ts;
          join(o.v, v, out, this);
        }
      }
      mine.add({ v, t: ts });
    }
    out.flushTo(this.out);
  }
}

export const regularJoinOperator = defineOperator<RegularJoinParams>({
  kind: 'regular-join',
  description: 'unbounded inner equi-join of two keyed streams with keyed state',
  inputs: 2,
  keyed: true,
  create: (p, ctx) => new RegularJoinOperator(ctx, p),
});
