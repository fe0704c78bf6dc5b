import type { Key } from '../core/key.js';
import { MinHeap } from '../core/min-heap.js';
import { BatchCollector, type Collector } from '../operators/collector.js';
import { defineOperator } from '../operators/definition.js';
import { Operator, type OperatorContext } from '../operators/operator.js';
import { missingTimestamp } from '../windows/window-output.js';
import { forEachGroupedEntry, groupByKeyGroup, type KeyGroupedEntries } from '../state/key-groups.js';

/** Timestamps of the pair being joined, for join functions that want them. */
export interface JoinContext {
  readonly leftTimestamp: number;
  readonly rightTimestamp: number;
}

export interface IntervalJoinParams {
  readonly leftKey: (value: unknown) => Key;
  readonly rightKey: (value: unknown) => Key;
  /** Right timestamps must lie in [left + lower, left + upper] (bounds inclusive). */
  readonly lower: number;
  readonly upper: number;
  readonly join: (left: unknown, right: unknown, out: Collector<unknown>, ctx: JoinContext) => void;
}

/** Buffered records of one key: timestamps and values per side, and its scheduled cleanup. */
interface Buffers {
  lt: number[];
  lv: unknown[];
  rt: number[];
  rv: unknown[];
  scheduled: number;
}

/** Version 1 of the snapshot. */
interface IntervalJoinSnapshot {
  readonly format: 1;
  readonly watermark: number;
  readonly buffers: KeyGroupedEntries;
}

/**
 * Event-time interval join of two keyed streams: a left record at `l` joins every right record
 * of its key at `r` with `l + lower ≤ r ≤ l + upper`. Each side is buffered per key until the
 * watermark proves no future record of the other side can match it; records already late on
 * arrival are dropped (and counted), as in Flink. Results carry `max(l, r)`.
 */
export class IntervalJoinOperator extends Operator implements JoinContext {
  private readonly keys = new Map<Key, Buffers>();
  private readonly cleanup = new MinHeap<Key>();
  private readonly collector = new BatchCollector<unknown>();
  private wm = -Infinity;
  leftTimestamp = NaN;
  rightTimestamp = NaN;

  constructor(
    ctx: OperatorContext,
    private readonly params: IntervalJoinParams,
  ) {
    super(ctx);
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[], input: number): void {
    const { lower, upper, join } = this.params;
    const keyOf = input === 0 ? this.params.leftKey : this.params.rightKey;
    const out = this.collector;
    let dropped = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const ts = timestamps[i]!;
      if (ts !== ts) throw missingTimestamp();
      // Flink's rule for interval joins: a record is late when strictly behind the watermark.
      if (ts < this.wm) {
        dropped++;
        continue;
      }
      const k = keyOf(v);
      let b = this.keys.get(k);
      if (b === undefined) {
        b = { lt: [], lv: [], rt: [], rv: [], scheduled: Infinity };
        this.keys.set(k, b);
      }
      if (input === 0) {
        const lo = ts + lower;
        const hi = ts + upper;
        this.leftTimestamp = ts;
        for (let j = 0; j < b.rt.length; j++) {
          const r = b.rt[j]!;
          if (r < lo || r > hi) continue;
          this.rightTimestamp = r;
          out.timestamp = Math.max(ts, r);
          join(v, b.rv[j], out, this);
        }
        b.lt.push(ts);
        b.lv.push(v);
        this.schedule(b, k, ts + upper);
      } else {
        const lo = ts - upper;
        const hi = ts - lower;
        this.rightTimestamp = ts;
        for (let j = 0; j < b.lt.length; j++) {
          const l = b.lt[j]!;
          if (l < lo || l > hi) continue;
          this.leftTimestamp = l;
          out.timestamp = Math.max(ts, l);
          join(b.lv[j], v, out, this);
        }
        b.rt.push(ts);
        b.rv.push(v);
        this.schedule(b, k, ts - lower);
      }
    }
    if (dropped > 0) this.ctx.countDropped(dropped);
    out.flushTo(this.out);
  }

  private schedule(b: Buffers, k: Key, time: number): void {
    if (time < b.scheduled) {
      b.scheduled = time;
      this.cleanup.push(time, k);
    }
  }

  /**
   * A left record at l can match only rights ≤ l + upper, and rights behind the watermark are
   * dropped: once the watermark passes l + upper the left record can go (rights alike).
   */
  override onWatermark(watermark: number): void {
    this.wm = watermark;
    const { lower, upper } = this.params;
    while (this.cleanup.size > 0 && this.cleanup.peekPriority() < watermark) {
      const time = this.cleanup.peekPriority();
      const k = this.cleanup.pop();
      const b = this.keys.get(k);
      if (b?.scheduled !== time) continue;
      let next = Infinity;
      const keepL = (t: number): boolean => t + upper >= watermark;
      const keepR = (t: number): boolean => t - lower >= watermark;
      [b.lt, b.lv] = prune(b.lt, b.lv, keepL);
      [b.rt, b.rv] = prune(b.rt, b.rv, keepR);
      for (const t of b.lt) next = Math.min(next, t + upper);
      for (const t of b.rt) next = Math.min(next, t - lower);
      b.scheduled = Infinity;
      if (next === Infinity) this.keys.delete(k);
      else this.schedule(b, k, next);
    }
  }

  override onCheckpoint(): IntervalJoinSnapshot {
    return { format: 1, watermark: this.wm, buffers: groupByKeyGroup(this.keys, this.ctx.keyGroups) };
  }

  override restore(state: unknown): void {
    const s = state as IntervalJoinSnapshot;
    this.wm = Math.max(this.wm, s.watermark);
    const { lower, upper } = this.params;
    forEachGroupedEntry(
      s.buffers,
      (g) => this.ctx.ownsKeyGroup(g),
      (k, value) => {
        const b = { ...(value as Buffers), scheduled: Infinity };
        this.keys.set(k, b);
        let next = Infinity;
        for (const t of b.lt) next = Math.min(next, t + upper);
        for (const t of b.rt) next = Math.min(next, t - lower);
        this.schedule(b, k, next);
      },
    );
  }
}

function prune(times: number[], values: unknown[], keep: (t: number) => boolean): [number[], unknown[]] {
  const t2: number[] = [];
  const v2: unknown[] = [];
  for (let i = 0; i < times.length; i++) {
    if (keep(times[i]!)) {
      t2.push(times[i]!);
      v2.push(values[i]);
    }
  }
  return [t2, v2];
}

export const intervalJoinOperator = defineOperator<IntervalJoinParams>({
  kind: 'interval-join',
  description: 'event-time interval join of two keyed streams',
  inputs: 2,
  keyed: true,
  create: (p, ctx) => new IntervalJoinOperator(ctx, p),
});
