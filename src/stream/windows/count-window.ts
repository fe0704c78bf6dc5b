import type { Key } from '../core/key.js';
import { defineOperator } from '../operators/definition.js';
import { Operator, type OperatorContext } from '../operators/operator.js';
import { forEachGroupedEntry, groupByKeyGroup, type KeyGroupedEntries } from '../state/key-groups.js';
import type { CountAssigner } from './assigners.js';
import { WindowOutput, type WindowParams } from './window-output.js';

export interface CountWindowParams extends WindowParams {
  readonly assigner: CountAssigner;
}

/**
 * A key's pending records. Tumbling: an accumulator, the count and first timestamp. Sliding:
 * the last `size` records (values and timestamps) and how many arrived since the last firing.
 */
interface CountState {
  acc: unknown;
  values: unknown[];
  times: number[];
  count: number;
  first: number;
}

/** Version 1 of the snapshot. */
interface CountSnapshot {
  readonly format: 1;
  readonly keys: KeyGroupedEntries;
}

/**
 * Count windows: tumbling (`size` records per window, aggregated incrementally) or sliding
 * (every `slide` records, the last `size`, which must be kept). A window's time span is
 * `[first timestamp, last timestamp + 1)`; results carry the last record's timestamp. Records
 * of an incomplete window at the end of the input are not emitted (as in Flink).
 */
export class CountWindowOperator extends Operator {
  private readonly keys = new Map<Key, CountState>();
  private readonly output: WindowOutput;
  private readonly sliding: boolean;

  constructor(
    ctx: OperatorContext,
    private readonly params: CountWindowParams,
  ) {
    super(ctx);
    this.output = new WindowOutput(ctx, params);
    this.sliding = params.assigner.slide !== params.assigner.size;
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[]): void {
    const { key: keyOf, aggregator: agg } = this.params;
    const { size, slide } = this.params.assigner;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const ts = timestamps[i]!;
      const k = keyOf(v);
      let st = this.keys.get(k);
      if (st === undefined) {
        st = { acc: this.sliding ? undefined : agg.create(), values: [], times: [], count: 0, first: ts };
        this.keys.set(k, st);
      }
      st.count++;
      if (!this.sliding) {
        st.acc = agg.add(st.acc, v);
        if (st.count === size) {
          this.output.result(k, { start: st.first, end: ts + 1 }, agg.result(st.acc));
          this.keys.delete(k);
        }
        continue;
      }
      st.values.push(v);
      st.times.push(ts);
      if (st.values.length > size) {
        st.values.shift();
        st.times.shift();
      }
      if (st.count === slide) {
        st.count = 0;
        let acc = agg.create();
        for (const x of st.values) acc = agg.add(acc, x);
        this.output.result(k, { start: st.times[0]!, end: ts + 1 }, agg.result(acc));
      }
    }
    this.output.flush();
  }

  override onCheckpoint(): CountSnapshot {
    return { format: 1, keys: groupByKeyGroup(this.keys, this.ctx.keyGroups) };
  }

  override restore(state: unknown): void {
    forEachGroupedEntry(
      (state as CountSnapshot).keys,
      (g) => this.ctx.ownsKeyGroup(g),
      (k, st) => this.keys.set(k, st as CountState),
    );
  }
}

export const countWindowOperator = defineOperator<CountWindowParams>({
  kind: 'count-window',
  description: 'tumbling and sliding count windows per key',
  inputs: 1,
  keyed: true,
  create: (p, ctx) => new CountWindowOperator(ctx, p),
});
