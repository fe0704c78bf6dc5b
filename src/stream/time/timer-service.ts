import type { Key } from '../core/key.js';
import { MinHeap } from '../core/min-heap.js';
import { groupByKeyGroup, forEachGroupedEntry, type KeyGroupedEntries } from '../state/key-groups.js';

/**
 * Timers of one time domain: per distinct time, the set of keys with a timer then. Many keys
 * usually share a time (window ends, "one minute from now" rounded), so a heap of distinct times
 * plus a set per time is smaller and faster than one heap entry per timer. A key has at most one
 * timer per time.
 */
class TimerQueue {
  private readonly heap = new MinHeap<number>();
  private readonly byTime = new Map<number, Set<Key>>();

  register(key: Key, time: number): void {
    let keys = this.byTime.get(time);
    if (keys === undefined) {
      keys = new Set();
      this.byTime.set(time, keys);
      this.heap.push(time, time);
    }
    keys.add(key);
  }

  delete(key: Key, time: number): void {
    const keys = this.byTime.get(time);
    if (keys === undefined) return;
    keys.delete(key);
    if (keys.size === 0) this.byTime.delete(time);
  }

  /** The earliest pending time, or Infinity. */
  next(): number {
    while (this.heap.size > 0) {
      const t = this.heap.peekPriority();
      if (this.byTime.has(t)) return t;
      this.heap.pop();
    }
    return Infinity;
  }

  /** Fires every timer with time ≤ `upTo`, in time order; timers added while firing are fired too. */
  fire(upTo: number, fire: (key: Key, time: number) => void): void {
    for (;;) {
      const t = this.next();
      if (t > upTo || t === Infinity) return;
      this.heap.pop();
      const keys = this.byTime.get(t)!;
      this.byTime.delete(t);
      for (const key of keys) fire(key, t);
    }
  }

  get size(): number {
    let n = 0;
    for (const keys of this.byTime.values()) n += keys.size;
    return n;
  }

  snapshot(keyGroups: number): KeyGroupedEntries {
    const perKey = new Map<Key, number[]>();
    for (const [t, keys] of this.byTime) {
      for (const k of keys) {
        const list = perKey.get(k);
        if (list === undefined) perKey.set(k, [t]);
        else list.push(t);
      }
    }
    return groupByKeyGroup(perKey, keyGroups);
  }

  restore(entries: KeyGroupedEntries, owns: (g: number) => boolean): void {
    forEachGroupedEntry(entries, owns, (key, times) => {
      for (const t of times as number[]) this.register(key, t);
    });
  }
}

/** Version 1 of the timer snapshot format. */
export interface TimerSnapshot {
  readonly format: 1;
  readonly eventTime: KeyGroupedEntries;
  readonly processingTime: KeyGroupedEntries;
}

/**
 * Event-time and processing-time timers of a keyed operator. Event-time timers fire when the
 * watermark reaches their time; processing-time timers when the clock does.
 */
export class KeyedTimerService {
  private readonly eventTime = new TimerQueue();
  private readonly processingTime = new TimerQueue();

  registerEventTime(key: Key, time: number): void {
    this.eventTime.register(key, time);
  }

  deleteEventTime(key: Key, time: number): void {
    this.eventTime.delete(key, time);
  }

  registerProcessingTime(key: Key, time: number): void {
    this.processingTime.register(key, time);
  }

  deleteProcessingTime(key: Key, time: number): void {
    this.processingTime.delete(key, time);
  }

  /** The earliest pending processing-time timer, or Infinity. */
  nextProcessingTime(): number {
    return this.processingTime.next();
  }

  fireEventTime(watermark: number, fire: (key: Key, time: number) => void): void {
    this.eventTime.fire(watermark, fire);
  }

  fireProcessingTime(now: number, fire: (key: Key, time: number) => void): void {
    this.processingTime.fire(now, fire);
  }

  /** Number of pending timers (both domains). */
  get size(): number {
    return this.eventTime.size + this.processingTime.size;
  }

  snapshot(keyGroups: number): TimerSnapshot {
    return {
      format: 1,
      eventTime: this.eventTime.snapshot(keyGroups),
      processingTime: this.processingTime.snapshot(keyGroups),
    };
  }

  restore(snapshot: TimerSnapshot, owns: (g: number) => boolean): void {
    this.eventTime.restore(snapshot.eventTime, owns);
    this.processingTime.restore(snapshot.processingTime, owns);
  }
}
