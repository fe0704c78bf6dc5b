import { configError } from '../core/errors.js';
import type { Key } from '../core/key.js';
import { MinHeap } from '../core/min-heap.js';
import { defineOperator } from '../operators/definition.js';
import { Operator, type OperatorContext } from '../operators/operator.js';
import { forEachGroupedEntry, groupByKeyGroup, type KeyGroupedEntries } from '../state/key-groups.js';
import {
  windowStart,
  type GlobalAssigner,
  type SessionAssigner,
  type SlidingAssigner,
  type TumblingAssigner,
} from './assigners.js';
import type { Trigger, TriggerContext, TriggerResult } from './triggers.js';
import { missingTimestamp, WindowOutput, type WindowParams } from './window-output.js';
import { GLOBAL_WINDOW, type TimeWindow } from './window.js';

export interface GeneralWindowParams extends WindowParams {
  readonly assigner: TumblingAssigner | SlidingAssigner | SessionAssigner | GlobalAssigner;
  readonly trigger: Trigger<unknown>;
}

/** The state of one (key, window). */
interface WindowState {
  start: number;
  end: number;
  acc: unknown;
  trigger: unknown;
}

type Domain = 'e' | 'p';

interface TimerRef {
  readonly domain: Domain;
  readonly key: Key;
  readonly start: number;
  readonly end: number;
  readonly time: number;
}

/** Version 1 of the snapshot. */
interface GeneralSnapshot {
  readonly format: 1;
  readonly watermark: number;
  /** Per key group: key → window states. */
  readonly windows: KeyGroupedEntries;
  /** Per key group: key → [domain, start, end, time][]. */
  readonly timers: KeyGroupedEntries;
}

const keyId = (k: Key): string => (typeof k === 'number' ? `n${k}` : `s${k}`);
const timerId = (d: Domain, k: Key, start: number, end: number, time: number): string =>
  `${d}|${start}|${end}|${time}|${keyId(k)}`;

/**
 * Windows with any trigger, in the general form: state per (key, window), trigger state per
 * window, timers per (key, window). Handles tumbling, sliding, session (merging) and global
 * windows in event or processing time; early/late firing, count, delta and custom triggers.
 * Sliding windows here keep one accumulator per window (a trigger decides per window), unlike
 * the sliced operator used with the default trigger.
 */
export class GeneralWindowOperator extends Operator implements TriggerContext {
  private readonly windows = new Map<Key, WindowState[]>();
  private readonly eventTimers = new MinHeap<TimerRef>();
  private readonly processingTimers = new MinHeap<TimerRef>();
  private readonly liveTimers = new Set<string>();
  private readonly eventTime: boolean;
  private readonly lateness: number;
  private readonly output: WindowOutput;
  private readonly trigger: Trigger<unknown>;
  private wm = -Infinity;
  /** The (key, window) the trigger is deciding for. */
  private curKey: Key = '';
  private curWindow: TimeWindow = GLOBAL_WINDOW;

  constructor(
    ctx: OperatorContext,
    private readonly params: GeneralWindowParams,
  ) {
    super(ctx);
    const a = params.assigner;
    this.eventTime = a.kind === 'global' || a.time === 'event';
    this.lateness = a.kind === 'global' || a.time === 'processing' ? 0 : a.lateness;
    this.trigger = params.trigger;
    if (a.kind === 'session' && params.trigger.mergeState === undefined) {
      throw configError('session windows need a trigger that can merge (one with mergeState)');
    }
    this.output = new WindowOutput(ctx, params);
  }

  // ---- TriggerContext (for the current key and window) ----

  get currentWatermark(): number {
    return this.wm;
  }

  get currentProcessingTime(): number {
    return this.ctx.clock.now();
  }

  registerEventTimeTimer(time: number): void {
    this.addTimer('e', this.curKey, this.curWindow, time);
  }

  registerProcessingTimeTimer(time: number): void {
    this.addTimer('p', this.curKey, this.curWindow, time);
  }

  deleteEventTimeTimer(time: number): void {
    this.liveTimers.delete(timerId('e', this.curKey, this.curWindow.start, this.curWindow.end, time));
  }

  deleteProcessingTimeTimer(time: number): void {
    this.liveTimers.delete(timerId('p', this.curKey, this.curWindow.start, this.curWindow.end, time));
  }

  private addTimer(domain: Domain, key: Key, w: TimeWindow, time: number): void {
    const id = timerId(domain, key, w.start, w.end, time);
    if (this.liveTimers.has(id)) return;
    this.liveTimers.add(id);
    const ref: TimerRef = { domain, key, start: w.start, end: w.end, time };
    if (domain === 'e') this.eventTimers.push(time, ref);
    else {
      this.processingTimers.push(time, ref);
      this.ctx.requestProcessingTime(time);
    }
  }

  // ---- records ----

  private assign(t: number): TimeWindow[] {
    const a = this.params.assigner;
    switch (a.kind) {
      case 'tumbling': {
        const s = windowStart(t, a.size, a.offset);
        return [{ start: s, end: s + a.size }];
      }
      case 'sliding': {
        const out: TimeWindow[] = [];
        for (let s = windowStart(t, a.slide, a.offset); s > t - a.size; s -= a.slide)
          out.push({ start: s, end: s + a.size });
        return out;
      }
      case 'session':
        return [{ start: t, end: t + a.gap }];
      case 'global':
        return [GLOBAL_WINDOW];
    }
  }

  private cleanupTime(w: TimeWindow): number {
    return this.eventTime ? w.end - 1 + this.lateness : w.end - 1;
  }

  private isLate(w: TimeWindow): boolean {
    return this.eventTime && this.cleanupTime(w) <= this.wm;
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[]): void {
    const keyOf = this.params.key;
    const agg = this.params.aggregator;
    const global = this.params.assigner.kind === 'global';
    const merging = this.params.assigner.kind === 'session';
    const now = this.ctx.clock.now();
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const ts = timestamps[i]!;
      const t = this.eventTime ? ts : now;
      if (t !== t && !global) throw missingTimestamp();
      const k = keyOf(v);
      let accepted = false;
      for (const w of this.assign(t)) {
        const st = merging ? this.mergeSessions(k, w) : this.isLate(w) ? undefined : this.stateFor(k, w);
        if (st === undefined) continue;
        accepted = true;
        st.acc = agg.add(st.acc, v);
        this.setCurrent(k, st);
        this.handle(k, st, this.trigger.onElement(v, ts, this.curWindow, st.trigger, this));
      }
      if (!accepted) this.output.lateRecord(v, ts);
    }
    this.output.flush();
  }

  private setCurrent(k: Key, st: WindowState): void {
    this.curKey = k;
    this.curWindow = st.start === -Infinity ? GLOBAL_WINDOW : { start: st.start, end: st.end };
  }

  /** The state of (k, w), created (with its cleanup timer) if absent. */
  private stateFor(k: Key, w: TimeWindow): WindowState {
    let list = this.windows.get(k);
    if (list === undefined) {
      list = [];
      this.windows.set(k, list);
    }
    for (const st of list) if (st.start === w.start && st.end === w.end) return st;
    const st: WindowState = {
      start: w.start,
      end: w.end,
      acc: this.params.aggregator.create(),
      trigger: this.trigger.createState(),
    };
    list.push(st);
    const cleanup = this.cleanupTime(w);
    if (cleanup !== Infinity) this.addTimer(this.eventTime ? 'e' : 'p', k, w, cleanup);
    return st;
  }

  /** Merges `w` with the key's sessions it overlaps or touches; undefined when it is late. */
  private mergeSessions(k: Key, w: TimeWindow): WindowState | undefined {
    const list = this.windows.get(k) ?? [];
    const overlapping = list.filter((s) => s.start <= w.end && s.end >= w.start);
    if (overlapping.length === 0) return this.isLate(w) ? undefined : this.stateFor(k, w);
    let start = w.start;
    let end = w.end;
    for (const s of overlapping) {
      start = Math.min(start, s.start);
      end = Math.max(end, s.end);
    }
    if (overlapping.length === 1 && overlapping[0]!.start === start && overlapping[0]!.end === end)
      return overlapping[0];
    const agg = this.params.aggregator;
    let acc = agg.create();
    let trig: unknown;
    for (const s of overlapping) {
      acc = agg.merge(acc, s.acc);
      trig = trig === undefined ? s.trigger : this.trigger.mergeState!(trig, s.trigger);
      this.discard(k, s);
    }
    const merged = this.stateFor(k, { start, end });
    merged.acc = agg.merge(merged.acc, acc);
    merged.trigger = this.trigger.mergeState!(merged.trigger, trig);
    this.setCurrent(k, merged);
    this.trigger.onMerge?.(this.curWindow, merged.trigger, this);
    return merged;
  }

  /** Removes a window: its trigger clears its timers; its cleanup timer goes too. */
  private discard(k: Key, st: WindowState): void {
    this.setCurrent(k, st);
    this.trigger.clear(this.curWindow, st.trigger, this);
    const cleanup = this.cleanupTime(this.curWindow);
    this.liveTimers.delete(timerId(this.eventTime ? 'e' : 'p', k, st.start, st.end, cleanup));
    const list = this.windows.get(k)!;
    list.splice(list.indexOf(st), 1);
    if (list.length === 0) this.windows.delete(k);
  }

  private handle(k: Key, st: WindowState, result: TriggerResult): void {
    if (result === 'continue') return;
    const agg = this.params.aggregator;
    if (result === 'fire' || result === 'fireAndPurge')
      this.output.result(k, this.curWindow, agg.result(st.acc));
    if (result === 'purge' || result === 'fireAndPurge') st.acc = agg.create();
  }

  // ---- time ----

  override onWatermark(watermark: number): void {
    if (watermark <= this.wm) return;
    this.wm = watermark;
    this.fireTimers(this.eventTimers, watermark);
  }

  override onProcessingTime(now: number): void {
    this.fireTimers(this.processingTimers, now);
    const next = this.processingTimers.peekPriority();
    if (next !== Infinity) this.ctx.requestProcessingTime(next);
  }

  private fireTimers(heap: MinHeap<TimerRef>, upTo: number): void {
    while (heap.size > 0 && heap.peekPriority() <= upTo) {
      const ref = heap.pop();
      const id = timerId(ref.domain, ref.key, ref.start, ref.end, ref.time);
      if (!this.liveTimers.delete(id)) continue;
      const st = this.windows.get(ref.key)?.find((s) => s.start === ref.start && s.end === ref.end);
      if (st === undefined) continue;
      this.setCurrent(ref.key, st);
      const result =
        ref.domain === 'e'
          ? this.trigger.onEventTime(ref.time, this.curWindow, st.trigger, this)
          : this.trigger.onProcessingTime(ref.time, this.curWindow, st.trigger, this);
      this.handle(ref.key, st, result);
      const cleanupDomain: Domain = this.eventTime ? 'e' : 'p';
      if (ref.domain === cleanupDomain && ref.time === this.cleanupTime(this.curWindow))
        this.discard(ref.key, st);
    }
    this.output.flush();
  }

  // ---- checkpoints ----

  override onCheckpoint(): GeneralSnapshot {
    const timers = new Map<Key, Array<[Domain, number, number, number]>>();
    for (const heap of [this.eventTimers, this.processingTimers]) {
      for (const [, ref] of heap.entries()) {
        if (!this.liveTimers.has(timerId(ref.domain, ref.key, ref.start, ref.end, ref.time))) continue;
        let list = timers.get(ref.key);
        if (list === undefined) timers.set(ref.key, (list = []));
        list.push([ref.domain, ref.start, ref.end, ref.time]);
      }
    }
    return {
      format: 1,
      watermark: this.wm,
      windows: groupByKeyGroup(this.windows, this.ctx.keyGroups),
      timers: groupByKeyGroup(timers, this.ctx.keyGroups),
    };
  }

  override restore(state: unknown): void {
    const s = state as GeneralSnapshot;
    this.wm = Math.max(this.wm, s.watermark);
    const owns = (g: number): boolean => this.ctx.ownsKeyGroup(g);
    forEachGroupedEntry(s.windows, owns, (k, list) => this.windows.set(k, list as WindowState[]));
    forEachGroupedEntry(s.timers, owns, (k, list) => {
      for (const [d, start, end, time] of list as Array<[Domain, number, number, number]>) {
        this.addTimer(d, k, { start, end }, time);
      }
    });
  }
}

export const generalWindowOperator = defineOperator<GeneralWindowParams>({
  kind: 'window',
  description: 'windows with any trigger (early/late firing, count, delta, custom), incl. merging sessions',
  inputs: 1,
  keyed: true,
  create: (p, ctx) => new GeneralWindowOperator(ctx, p),
});
