import type { Key } from '../core/key.js';
import { forEachGroupedEntry, groupByKeyGroup, type KeyGroupedEntries } from '../state/key-groups.js';
import type { Aggregator } from '../windows/aggregator.js';
import { defineOperator } from './definition.js';
import { Operator, type OperatorContext } from './operator.js';

export interface KeyedAggregateParams {
  readonly key: (value: unknown) => Key;
  readonly aggregator: Aggregator<unknown, unknown, unknown>;
  readonly project: (key: Key, result: unknown) => unknown;
}

/**
 * A rolling aggregation: per key, adds each record to an accumulator and emits the projected
 * result after every record (a continuously updated total, like a SQL GROUP BY without windows).
 */
export class KeyedAggregateOperator extends Operator {
  private readonly accs = new Map<Key, unknown>();

  constructor(
    ctx: OperatorContext,
    private readonly params: KeyedAggregateParams,
  ) {
    super(ctx);
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[]): void {
    const { key: keyOf, aggregator: agg, project } = this.params;
    const accs = this.accs;
    const out: unknown[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const k = keyOf(v);
      const prev = accs.get(k);
      const acc = agg.add(prev === undefined ? agg.create() : prev, v);
      accs.set(k, acc);
      out.push(project(k, agg.result(acc)));
    }
    this.out.emit(out, timestamps as number[]);
  }

  override onCheckpoint(): unknown {
    return { format: 1, accumulators: groupByKeyGroup(this.accs, this.ctx.keyGroups) };
  }

  override restore(state: unknown): void {
    const s = state as { format: number; accumulators: KeyGroupedEntries };
    forEachGroupedEntry(
      s.accumulators,
      (g) => this.ctx.ownsKeyGroup(g),
      (k, acc) => this.accs.set(k, acc),
    );
  }
}

export const keyedAggregateOperator = defineOperator<KeyedAggregateParams>({
  kind: 'keyed-aggregate',
  description: 'rolling aggregation per key, emitting every updated result',
  inputs: 1,
  keyed: true,
  create: (p, ctx) => new KeyedAggregateOperator(ctx, p),
});
