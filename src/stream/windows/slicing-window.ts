import type { Key } from '../core/key.js';
import { defineOperator } from '../operators/definition.js';
import { Operator, type OperatorContext } from '../operators/operator.js';
import { forEachGroupedEntry, groupByKeyGroup, type KeyGroupedEntries } from '../state/key-groups.js';
import { gcd, type SlidingAssigner, type TumblingAssigner } from './assigners.js';
import { missingTimestamp, WindowOutput, type WindowParams } from './window-output.js';
import type { TimeWindow } from './window.js';

export interface SlicingWindowParams extends WindowParams {
  readonly assigner: TumblingAssigner | SlidingAssigner;
}

/** Version 1 of the snapshot: windows up to `watermark` have fired; slices by key group. */
interface SlicingSnapshot {
  readonly format: 1;
  readonly watermark: number;
  readonly slices: Array<[sliceEnd: number, entries: KeyGroupedEntries]>;
}

const mod = (a: number, m: number): number => ((a % m) + m) % m;

/**
 * Tumbling and sliding windows with the default trigger, aggregated incrementally in slices:
 * each record is added to one accumulator (its key's, in the slice of gcd(size, slide) that
 * holds its timestamp); a window merges its size/slice slices when it fires. A slice lives
 * until the last window containing it is past its allowed lateness. Tumbling windows are the
 * case slice = window.
 *
 * Event time: windows fire when the watermark reaches `end - 1`; records for fired windows
 * within allowed lateness update them and make them fire again (once per batch); records too
 * late for every window go to the late side output. Processing time: records go to the slice
 * of the current time; windows fire when the clock reaches `end - 1`.
 */
export class SlicingWindowOperator extends Operator {
  private readonly size: number;
  private readonly slide: number;
  private readonly sliceSize: number;
  private readonly offset: number;
  private readonly lateness: number;
  /** Window ends are ≡ endPhase (mod slide). */
  private readonly endPhase: number;
  private readonly processingTime: boolean;
  private readonly slices = new Map<number, Map<Key, unknown>>();
  /** Windows with `end - 1 ≤ fired` have fired. */
  private fired = -Infinity;
  private readonly output: WindowOutput;
  private lateFirings: Map<number, Set<Key>> | undefined;

  constructor(
    ctx: OperatorContext,
    private readonly params: SlicingWindowParams,
  ) {
    super(ctx);
    const a = params.assigner;
    this.size = a.size;
    this.slide = a.kind === 'sliding' ? a.slide : a.size;
    this.sliceSize = gcd(this.size, this.slide);
    this.offset = a.offset;
    this.lateness = a.time === 'processing' ? 0 : a.lateness;
    this.endPhase = mod(this.offset + this.size, this.slide);
    this.processingTime = a.time === 'processing';
    this.output = new WindowOutput(ctx, params);
  }

  /** The first window end ≥ x. */
  private alignUp(x: number): number {
    return x + mod(this.endPhase - x, this.slide);
  }

  /** The end of the last window containing the slice ending at `sliceEnd`. */
  private lastEnd(sliceEnd: number): number {
    const x = sliceEnd - this.sliceSize + this.size;
    return x - mod(x - this.endPhase, this.slide);
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[]): void {
    const keyOf = this.params.key;
    const agg = this.params.aggregator;
    const sliceSize = this.sliceSize;
    const offset = this.offset;
    const slices = this.slices;
    const processingTime = this.processingTime;
    const now = processingTime ? this.ctx.clock.now() : 0;
    // The slice of the previous record, reused while records fall into it (they mostly do).
    let curStart = NaN;
    let curEnd = NaN;
    let cur: Map<Key, unknown> | undefined;
    let curLate = false;
    let curFired = false;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const ts = processingTime ? now : timestamps[i]!;
      if (!(ts >= curStart && ts < curEnd)) {
        const sliceEnd = ts - mod(ts - offset, sliceSize) + sliceSize;
        if (sliceEnd !== sliceEnd) throw missingTimestamp();
        curEnd = sliceEnd;
        curStart = sliceEnd - sliceSize;
        curLate = this.lastEnd(sliceEnd) - 1 + this.lateness <= this.fired;
        curFired = sliceEnd - 1 <= this.fired;
        cur = curLate ? undefined : slices.get(sliceEnd);
        if (cur === undefined && !curLate) {
          cur = new Map();
          slices.set(sliceEnd, cur);
          if (processingTime) this.ctx.requestProcessingTime(this.alignUp(sliceEnd) - 1);
        }
      }
      if (curLate) {
        this.output.lateRecord(v, ts);
        continue;
      }
      const k = keyOf(v);
      const acc = cur!.get(k);
      const next = agg.add(acc === undefined ? agg.create() : acc, v);
      if (next !== acc) cur!.set(k, next);
      if (curFired) this.noteLateFiring(curEnd, k);
    }
    if (this.lateFirings !== undefined) this.fireLate();
    this.output.flush();
  }

  private noteLateFiring(sliceEnd: number, key: Key): void {
    this.lateFirings ??= new Map();
    let keys = this.lateFirings.get(sliceEnd);
    if (keys === undefined) {
      keys = new Set();
      this.lateFirings.set(sliceEnd, keys);
    }
    keys.add(key);
  }

  /** Re-fires, for the keys that got late records, the fired windows still within lateness. */
  private fireLate(): void {
    const firings = this.lateFirings!;
    this.lateFirings = undefined;
    const done = new Set<string>();
    for (const [sliceEnd, keys] of firings) {
      const last = this.lastEnd(sliceEnd);
      for (let e = this.alignUp(sliceEnd); e <= last; e += this.slide) {
        if (e - 1 > this.fired || e - 1 + this.lateness <= this.fired) continue;
        const window: TimeWindow = { start: e - this.size, end: e };
        for (const k of keys) {
          const id = `${e}\u0000${String(k)}`;
          if (done.has(id)) continue;
          done.add(id);
          const acc = this.mergeKey(e, k);
          if (acc !== undefined) this.output.result(k, window, this.params.aggregator.result(acc));
        }
      }
    }
  }

  /** The accumulator of `key` in the window ending at `end`, merged from its slices. */
  private mergeKey(end: number, key: Key): unknown {
    const agg = this.params.aggregator;
    let acc: unknown;
    for (let s = end - this.size + this.sliceSize; s <= end; s += this.sliceSize) {
      const a = this.slices.get(s)?.get(key);
      if (a !== undefined) acc = agg.merge(acc === undefined ? agg.create() : acc, a);
    }
    return acc;
  }

  override onWatermark(watermark: number): void {
    if (!this.processingTime) this.fire(watermark);
  }

  override onProcessingTime(now: number): void {
    if (!this.processingTime) return;
    this.fire(now);
    let next = Infinity;
    for (const sliceEnd of this.slices.keys()) next = Math.min(next, this.alignUp(sliceEnd));
    if (next !== Infinity) this.ctx.requestProcessingTime(next - 1);
  }

  /** Fires every window with `fired < end - 1 ≤ upTo` that has data, in order, then cleans up. */
  private fire(upTo: number): void {
    const prev = this.fired;
    if (upTo <= prev) return;
    this.fired = upTo;
    const ends = new Set<number>();
    for (const sliceEnd of this.slices.keys()) {
      const last = this.lastEnd(sliceEnd);
      for (let e = this.alignUp(sliceEnd); e <= last; e += this.slide) {
        if (e - 1 > prev && e - 1 <= upTo) ends.add(e);
      }
    }
    const sorted = [...ends].sort((a, b) => a - b);
    for (const e of sorted) this.emitWindow(e);
    for (const sliceEnd of [...this.slices.keys()]) {
      if (this.lastEnd(sliceEnd) - 1 + this.lateness <= upTo) this.slices.delete(sliceEnd);
    }
    this.output.flush();
  }

  private emitWindow(end: number): void {
    const agg = this.params.aggregator;
    const window: TimeWindow = { start: end - this.size, end };
    let merged: Map<Key, unknown> | undefined;
    if (this.sliceSize === this.size) {
      merged = this.slices.get(end);
    } else {
      const present: Array<Map<Key, unknown>> = [];
      for (let s = end - this.size + this.sliceSize; s <= end; s += this.sliceSize) {
        const slice = this.slices.get(s);
        if (slice !== undefined) present.push(slice);
      }
      // One slice with data: its accumulators are the window's (result() does not mutate).
      if (present.length === 1) merged = present[0];
      else if (present.length > 1) {
        merged = new Map();
        for (const slice of present) {
          for (const [k, a] of slice) {
            const acc = merged.get(k);
            merged.set(k, agg.merge(acc === undefined ? agg.create() : acc, a));
          }
        }
      }
    }
    if (merged === undefined) return;
    for (const [k, acc] of merged) this.output.result(k, window, agg.result(acc));
  }

  override onCheckpoint(): SlicingSnapshot {
    const slices: SlicingSnapshot['slices'] = [];
    for (const [end, m] of this.slices) slices.push([end, groupByKeyGroup(m, this.ctx.keyGroups)]);
    return { format: 1, watermark: this.fired, slices };
  }

  override restore(state: unknown): void {
    const s = state as SlicingSnapshot;
    this.fired = Math.max(this.fired, s.watermark);
    for (const [end, entries] of s.slices) {
      const m = new Map<Key, unknown>();
      forEachGroupedEntry(
        entries,
        (g) => this.ctx.ownsKeyGroup(g),
        (k, acc) => m.set(k, acc),
      );
      if (m.size > 0) this.slices.set(end, m);
    }
  }

  override onStart(): void {
    if (!this.processingTime) return;
    for (const sliceEnd of this.slices.keys()) this.ctx.requestProcessingTime(this.alignUp(sliceEnd) - 1);
  }
}

export const slicingWindowOperator = defineOperator<SlicingWindowParams>({
  kind: 'slicing-window',
  description: 'tumbling and sliding windows aggregated incrementally in shared slices',
  inputs: 1,
  keyed: true,
  create: (p, ctx) => new SlicingWindowOperator(ctx, p),
});
