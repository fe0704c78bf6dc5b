import { keyGroupOf, type Key } from '../core/key.js';
import { MinHeap } from '../core/min-heap.js';
import { defineOperator } from '../operators/definition.js';
import { Operator, type OperatorContext } from '../operators/operator.js';
import { forEachGroupedEntry, type KeyGroupedEntries } from '../state/key-groups.js';
import type { SessionAssigner } from './assigners.js';
import { missingTimestamp, WindowOutput, type WindowParams } from './window-output.js';

export interface SessionWindowParams extends WindowParams {
  readonly assigner: SessionAssigner;
}

/** One session of a key: `[start, end)` with `end` = last timestamp + gap. */
interface Session {
  start: number;
  end: number;
  acc: unknown;
  fired: boolean;
}

/** A key's open sessions (sorted by start; usually one) and its earliest scheduled check. */
interface KeySessions {
  sessions: Session[];
  scheduled: number;
}

/** Version 1 of the snapshot (still restored). */
interface SessionSnapshotV1 {
  readonly format: 1;
  readonly watermark: number;
  /** Per key group: key → sessions. */
  readonly sessions: KeyGroupedEntries;
}

/**
 * Version 2 of the snapshot: per key group one flat array, `key, n` then `start, end, acc,
 * fired (0 | 1)` for each of the key's n sessions, and so on. Flat because the V8 serializer
 * writes every property name of every object: a session object cost about five times as much
 * to serialise as its four values in an array (a checkpoint of 200K sessions: ~60 ms, not 300).
 */
interface SessionSnapshotV2 {
  readonly format: 2;
  readonly watermark: number;
  readonly sessions: Map<number, unknown[]>;
}

type SessionSnapshot = SessionSnapshotV1 | SessionSnapshotV2;

/**
 * Event-time session windows with the default trigger, aggregated incrementally. A record
 * opens `[t, t + gap)` and merges with every session of its key it overlaps or touches (as
 * Flink's do: `[0,10)` and `[10,20)` merge). A session fires when the watermark reaches
 * `end - 1`; within allowed lateness late records update (and re-fire) it; a record that would
 * only form a session already past its lateness goes to the late side output.
 *
 * Firing is scheduled per key in a heap by the key's earliest due time, pushed when a session
 * is created, not when one is extended: a session extended past its scheduled time is simply
 * re-scheduled when that time comes.
 */
export class SessionWindowOperator extends Operator {
  private readonly gap: number;
  private readonly lateness: number;
  private readonly keys = new Map<Key, KeySessions>();
  private readonly due = new MinHeap<Key>();
  private wm = -Infinity;
  private readonly output: WindowOutput;
  private refire: Set<Key> | undefined;

  constructor(
    ctx: OperatorContext,
    private readonly params: SessionWindowParams,
  ) {
    super(ctx);
    this.gap = params.assigner.gap;
    this.lateness = params.assigner.lateness;
    this.output = new WindowOutput(ctx, params);
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[]): void {
    const keyOf = this.params.key;
    const agg = this.params.aggregator;
    const gap = this.gap;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const ts = timestamps[i]!;
      if (ts !== ts) throw missingTimestamp();
      const k = keyOf(v);
      let ks = this.keys.get(k);
      const end = ts + gap;
      // Fast path: extends (or lies within) the key's single session.
      if (ks !== undefined && ks.sessions.length === 1) {
        const s = ks.sessions[0]!;
        if (s.start <= end && s.end >= ts) {
          if (ts < s.start) s.start = ts;
          if (end > s.end) s.end = end;
          s.acc = agg.add(s.acc, v);
          if (s.fired) {
            // A late record within lateness: fire the update now, or, if it moved the end past
            // the watermark, let the session fire again at its new end.
            if (s.end - 1 <= this.wm) this.noteRefire(k);
            else {
              s.fired = false;
              this.schedule(ks, k, s.end - 1);
            }
          }
          continue;
        }
      }
      if (ks === undefined) {
        if (end - 1 + this.lateness <= this.wm) {
          this.output.lateRecord(v, ts);
          continue;
        }
        ks = { sessions: [], scheduled: Infinity };
        this.keys.set(k, ks);
      }
      this.addSlow(ks, k, v, ts, end);
    }
    if (this.refire !== undefined) this.fireUpdated();
    this.output.flush();
  }

  /** Adds a record to a key's sessions, merging every session it overlaps or touches. */
  private addSlow(ks: KeySessions, k: Key, v: unknown, ts: number, end: number): void {
    const agg = this.params.aggregator;
    const list = ks.sessions;
    let merged: Session | undefined;
    let fired = false;
    const kept: Session[] = [];
    for (const s of list) {
      if (s.start <= end && s.end >= ts) {
        if (merged === undefined) {
          merged = s;
        } else {
          merged.start = Math.min(merged.start, s.start);
          merged.end = Math.max(merged.end, s.end);
          merged.acc = agg.merge(merged.acc, s.acc);
        }
        fired ||= s.fired;
      } else {
        kept.push(s);
      }
    }
    if (merged === undefined) {
      if (end - 1 + this.lateness <= this.wm) {
        this.output.lateRecord(v, ts);
        if (list.length === 0) this.keys.delete(k);
        return;
      }
      merged = { start: ts, end, acc: agg.create(), fired: false };
    } else {
      merged.start = Math.min(merged.start, ts);
      merged.end = Math.max(merged.end, end);
    }
    merged.acc = agg.add(merged.acc, v);
    merged.fired = fired && merged.end - 1 <= this.wm;
    if (merged.fired) this.noteRefire(k);
    kept.push(merged);
    kept.sort((a, b) => a.start - b.start);
    ks.sessions = kept;
    this.schedule(ks, k, this.dueTime(merged));
  }

  private dueTime(s: Session): number {
    return s.fired ? s.end - 1 + this.lateness : s.end - 1;
  }

  private schedule(ks: KeySessions, k: Key, time: number): void {
    if (time < ks.scheduled) {
      ks.scheduled = time;
      this.due.push(time, k);
    }
  }

  private noteRefire(k: Key): void {
    (this.refire ??= new Set()).add(k);
  }

  /** Late records updated fired sessions (within lateness): emit their new results. */
  private fireUpdated(): void {
    const keys = this.refire!;
    this.refire = undefined;
    const agg = this.params.aggregator;
    for (const k of keys) {
      const ks = this.keys.get(k);
      if (ks === undefined) continue;
      for (const s of ks.sessions) {
        if (s.fired && s.end - 1 <= this.wm)
          this.output.result(k, { start: s.start, end: s.end }, agg.result(s.acc));
      }
    }
  }

  override onWatermark(watermark: number): void {
    if (watermark <= this.wm) return;
    this.wm = watermark;
    const agg = this.params.aggregator;
    const due = this.due;
    // Keys are scheduled by their earliest known due time; sessions may have grown since, so
    // collect what fires and emit it ordered by session end, as timers would have fired.
    const fired: Array<[Key, Session]> = [];
    while (due.size > 0 && due.peekPriority() <= watermark) {
      const time = due.peekPriority();
      const k = due.pop();
      const ks = this.keys.get(k);
      if (ks?.scheduled !== time) continue;
      ks.scheduled = Infinity;
      let next = Infinity;
      const remaining: Session[] = [];
      for (const s of ks.sessions) {
        if (!s.fired && s.end - 1 <= watermark) {
          fired.push([k, s]);
          s.fired = true;
        }
        if (s.fired && s.end - 1 + this.lateness <= watermark) continue;
        remaining.push(s);
        next = Math.min(next, this.dueTime(s));
      }
      if (remaining.length === 0) {
        this.keys.delete(k);
      } else {
        ks.sessions = remaining;
        this.schedule(ks, k, next);
      }
    }
    if (fired.length > 1) fired.sort((x, y) => x[1].end - y[1].end);
    for (const [k, s] of fired) this.output.result(k, { start: s.start, end: s.end }, agg.result(s.acc));
    this.output.flush();
  }

  override onCheckpoint(): SessionSnapshotV2 {
    const groups = new Map<number, unknown[]>();
    const keyGroups = this.ctx.keyGroups;
    for (const [k, ks] of this.keys) {
      const g = keyGroupOf(k, keyGroups);
      let flat = groups.get(g);
      if (flat === undefined) {
        flat = [];
        groups.set(g, flat);
      }
      flat.push(k, ks.sessions.length);
      for (const x of ks.sessions) flat.push(x.start, x.end, x.acc, x.fired ? 1 : 0);
    }
    return { format: 2, watermark: this.wm, sessions: groups };
  }

  override restore(state: unknown): void {
    const s = state as SessionSnapshot;
    this.wm = Math.max(this.wm, s.watermark);
    const owns = (g: number): boolean => this.ctx.ownsKeyGroup(g);
    if (s.format === 1) {
      forEachGroupedEntry(s.sessions, owns, (k, sessions) => {
        this.restoreKey(k, sessions as Session[]);
      });
      return;
    }
    for (const [g, flat] of s.sessions) {
      if (!owns(g)) continue;
      for (let i = 0; i < flat.length;) {
        const k = flat[i] as Key;
        const n = flat[i + 1] as number;
        i += 2;
        const sessions: Session[] = [];
        for (let j = 0; j < n; j++, i += 4) {
          sessions.push({
            start: flat[i] as number,
            end: flat[i + 1] as number,
            acc: flat[i + 2],
            fired: flat[i + 3] === 1,
          });
        }
        this.restoreKey(k, sessions);
      }
    }
  }

  private restoreKey(k: Key, sessions: Session[]): void {
    const ks: KeySessions = { sessions, scheduled: Infinity };
    this.keys.set(k, ks);
    let next = Infinity;
    for (const x of sessions) next = Math.min(next, this.dueTime(x));
    this.schedule(ks, k, next);
  }
}

export const sessionWindowOperator = defineOperator<SessionWindowParams>({
  kind: 'session-window',
  description: 'event-time session windows (merging, incremental aggregation)',
  inputs: 1,
  keyed: true,
  create: (p, ctx) => new SessionWindowOperator(ctx, p),
});
