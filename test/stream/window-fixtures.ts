import type { TimeWindow } from '../../src/stream/windows/window.js';

/** A record of the window tests: a key, an event time and a value. */
export interface Ev {
  readonly k: string;
  readonly t: number;
  readonly v: number;
}

/** A window result as the tests compare them. */
export interface Row {
  readonly k: string;
  readonly start: number;
  readonly end: number;
  readonly n: number;
  readonly total: number;
}

export const row = (k: string, w: TimeWindow, r: { n: number; total: number }): Row => ({
  k,
  start: w.start,
  end: w.end,
  n: r.n,
  total: r.total,
});

/** Orders rows for comparison regardless of emission order. */
export function sortRows(rows: readonly Row[]): Row[] {
  return [...rows].sort((a, b) => a.start - b.start || a.end - b.end || a.k.localeCompare(b.k) || a.n - b.n);
}

/** Naive sliding (or tumbling: slide = size) windows: every window, every record, no slices. */
export function naiveSliding(events: readonly Ev[], size: number, slide: number, offset = 0): Row[] {
  const rows = new Map<string, Row>();
  for (const e of events) {
    const lastStart = e.t - ((((e.t - offset) % slide) + slide) % slide);
    for (let s = lastStart; s > e.t - size; s -= slide) {
      const id = `${e.k}|${s}`;
      const r = rows.get(id) ?? { k: e.k, start: s, end: s + size, n: 0, total: 0 };
      rows.set(id, { ...r, n: r.n + 1, total: r.total + e.v });
    }
  }
  return sortRows([...rows.values()]);
}

/** Naive session windows: per key, sort by time; a record within `gap` of the session's end joins it. */
export function naiveSessions(events: readonly Ev[], gap: number): Row[] {
  const byKey = new Map<string, Ev[]>();
  for (const e of events) byKey.set(e.k, [...(byKey.get(e.k) ?? []), e]);
  const rows: Row[] = [];
  for (const [k, list] of byKey) {
    const sorted = [...list].sort((a, b) => a.t - b.t);
    let cur: Row | undefined;
    for (const e of sorted) {
      // [t, t+gap) touches [start, end) when t <= end: Flink merges touching windows.
      if (cur !== undefined && e.t <= cur.end) {
        cur = { ...cur, end: Math.max(cur.end, e.t + gap), n: cur.n + 1, total: cur.total + e.v };
      } else {
        if (cur !== undefined) rows.push(cur);
        cur = { k, start: e.t, end: e.t + gap, n: 1, total: e.v };
      }
    }
    if (cur !== undefined) rows.push(cur);
  }
  return sortRows(rows);
}
