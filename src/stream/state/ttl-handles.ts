import type { Clock } from '../time/clock.js';
import type { Key } from '../core/key.js';
import type { Aggregator } from '../windows/aggregator.js';
import type { CurrentKeyHolder } from './memory-handles.js';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from './state.js';

/** A value with its expiry time (processing-time ms). Stored in place of the bare value. */
export interface TtlCell<V> {
  v: V;
  t: number;
}

/**
 * What TTL handles share: the clock, the TTL, whether reads refresh it, and an incremental
 * cleaner that inspects a few entries on every write so that keys never read again still go.
 */
export class TtlContext {
  private cursor: Iterator<[Key, unknown]> | undefined;

  constructor(
    readonly owner: CurrentKeyHolder,
    readonly clock: Clock,
    readonly ttlMs: number,
    readonly refreshOnRead: boolean,
    private readonly table: Map<Key, unknown>,
    /** Returns the value with expired parts removed, or undefined when nothing is left. */
    private readonly prune: (value: unknown, now: number) => unknown,
  ) {}

  /** Removes expired entries among the next few of the table. */
  cleanupStep(now: number): void {
    for (let i = 0; i < 2; i++) {
      this.cursor ??= this.table.entries();
      const next = this.cursor.next();
      if (next.done === true) {
        this.cursor = undefined;
        return;
      }
      const [key, value] = next.value;
      const kept = this.prune(value, now);
      if (kept === undefined) this.table.delete(key);
      else if (kept !== value) this.table.set(key, kept);
    }
  }
}

export function pruneCell(value: unknown, now: number): unknown {
  return (value as TtlCell<unknown>).t > now ? value : undefined;
}

export function pruneCellList(value: unknown, now: number): unknown {
  const list = value as TtlCell<unknown>[];
  const kept = list.filter((c) => c.t > now);
  return kept.length === 0 ? undefined : kept.length === list.length ? list : kept;
}

export function pruneCellMap(value: unknown, now: number): unknown {
  const map = value as Map<unknown, TtlCell<unknown>>;
  for (const [k, c] of map) if (c.t <= now) map.delete(k);
  return map.size === 0 ? undefined : map;
}

/** Reads a live cell for the current key, dropping it if expired. */
function liveCell<V>(ctx: TtlContext, map: Map<Key, TtlCell<V>>, now: number): TtlCell<V> | undefined {
  const key = ctx.owner.currentKey;
  const cell = map.get(key);
  if (cell === undefined) return undefined;
  if (cell.t <= now) {
    map.delete(key);
    return undefined;
  }
  if (ctx.refreshOnRead) cell.t = now + ctx.ttlMs;
  return cell;
}

export class TtlValueState<T> implements ValueState<T> {
  constructor(
    private readonly ctx: TtlContext,
    private readonly map: Map<Key, TtlCell<T>>,
    private readonly defaultValue: T | undefined,
  ) {}

  value(): T | undefined {
    const cell = liveCell(this.ctx, this.map, this.ctx.clock.now());
    return cell === undefined ? this.defaultValue : cell.v;
  }

  update(value: T): void {
    const now = this.ctx.clock.now();
    this.map.set(this.ctx.owner.currentKey, { v: value, t: now + this.ctx.ttlMs });
    this.ctx.cleanupStep(now);
  }

  clear(): void {
    this.map.delete(this.ctx.owner.currentKey);
  }
}

export class TtlListState<T> implements ListState<T> {
  constructor(
    private readonly ctx: TtlContext,
    private readonly map: Map<Key, TtlCell<T>[]>,
  ) {}

  get(): readonly T[] {
    const key = this.ctx.owner.currentKey;
    const list = this.map.get(key);
    if (list === undefined) return [];
    const now = this.ctx.clock.now();
    const out: T[] = [];
    const kept: TtlCell<T>[] = [];
    for (const c of list) {
      if (c.t <= now) continue;
      if (this.ctx.refreshOnRead) c.t = now + this.ctx.ttlMs;
      kept.push(c);
      out.push(c.v);
    }
    if (kept.length === 0) this.map.delete(key);
    else if (kept.length !== list.length) this.map.set(key, kept);
    return out;
  }

  add(value: T): void {
    this.addAll([value]);
  }

  addAll(values: readonly T[]): void {
    if (values.length === 0) return;
    const now = this.ctx.clock.now();
    const t = now + this.ctx.ttlMs;
    const key = this.ctx.owner.currentKey;
    let list = this.map.get(key);
    if (list === undefined) {
      list = [];
      this.map.set(key, list);
    }
    for (const v of values) list.push({ v, t });
    this.ctx.cleanupStep(now);
  }

  update(values: readonly T[]): void {
    this.clear();
    this.addAll(values);
  }

  clear(): void {
    this.map.delete(this.ctx.owner.currentKey);
  }
}

export class TtlMapState<UK, UV> implements MapState<UK, UV> {
  constructor(
    private readonly ctx: TtlContext,
    private readonly map: Map<Key, Map<UK, TtlCell<UV>>>,
  ) {}

  /** The current key's map with expired entries removed. */
  private live(): Map<UK, TtlCell<UV>> | undefined {
    const key = this.ctx.owner.currentKey;
    const m = this.map.get(key);
    if (m === undefined) return undefined;
    const now = this.ctx.clock.now();
    for (const [k, c] of m) {
      if (c.t <= now) m.delete(k);
      else if (this.ctx.refreshOnRead) c.t = now + this.ctx.ttlMs;
    }
    if (m.size === 0) {
      this.map.delete(key);
      return undefined;
    }
    return m;
  }

  get(key: UK): UV | undefined {
    const m = this.map.get(this.ctx.owner.currentKey);
    const c = m?.get(key);
    if (c === undefined) return undefined;
    const now = this.ctx.clock.now();
    if (c.t <= now) {
      m!.delete(key);
      return undefined;
    }
    if (this.ctx.refreshOnRead) c.t = now + this.ctx.ttlMs;
    return c.v;
  }

  put(key: UK, value: UV): void {
    const now = this.ctx.clock.now();
    let m = this.map.get(this.ctx.owner.currentKey);
    if (m === undefined) {
      m = new Map();
      this.map.set(this.ctx.owner.currentKey, m);
    }
    m.set(key, { v: value, t: now + this.ctx.ttlMs });
    this.ctx.cleanupStep(now);
  }

  remove(key: UK): void {
    const m = this.map.get(this.ctx.owner.currentKey);
    if (m === undefined) return;
    m.delete(key);
    if (m.size === 0) this.map.delete(this.ctx.owner.currentKey);
  }

  has(key: UK): boolean {
    return this.get(key) !== undefined;
  }

  *entries(): IterableIterator<[UK, UV]> {
    const m = this.live();
    if (m !== undefined) for (const [k, c] of m) yield [k, c.v];
  }

  *keys(): IterableIterator<UK> {
    const m = this.live();
    if (m !== undefined) yield* m.keys();
  }

  *values(): IterableIterator<UV> {
    const m = this.live();
    if (m !== undefined) for (const c of m.values()) yield c.v;
  }

  size(): number {
    return this.live()?.size ?? 0;
  }

  clear(): void {
    this.map.delete(this.ctx.owner.currentKey);
  }
}

export class TtlReducingState<T> implements ReducingState<T> {
  constructor(
    private readonly ctx: TtlContext,
    private readonly map: Map<Key, TtlCell<T>>,
    private readonly reduce: (a: T, b: T) => T,
  ) {}

  get(): T | undefined {
    return liveCell(this.ctx, this.map, this.ctx.clock.now())?.v;
  }

  add(value: T): void {
    const now = this.ctx.clock.now();
    const cell = liveCell(this.ctx, this.map, now);
    const v = cell === undefined ? value : this.reduce(cell.v, value);
    this.map.set(this.ctx.owner.currentKey, { v, t: now + this.ctx.ttlMs });
    this.ctx.cleanupStep(now);
  }

  clear(): void {
    this.map.delete(this.ctx.owner.currentKey);
  }
}

export class TtlAggregatingState<T, A, R> implements AggregatingState<T, R> {
  constructor(
    private readonly ctx: TtlContext,
    private readonly map: Map<Key, TtlCell<A>>,
    private readonly aggregator: Aggregator<T, A, R>,
  ) {}

  get(): R | undefined {
    const cell = liveCell(this.ctx, this.map, this.ctx.clock.now());
    return cell === undefined ? undefined : this.aggregator.result(cell.v);
  }

  add(value: T): void {
    const now = this.ctx.clock.now();
    const cell = liveCell(this.ctx, this.map, now);
    const acc = this.aggregator.add(cell === undefined ? this.aggregator.create() : cell.v, value);
    this.map.set(this.ctx.owner.currentKey, { v: acc, t: now + this.ctx.ttlMs });
    this.ctx.cleanupStep(now);
  }

  clear(): void {
    this.map.delete(this.ctx.owner.currentKey);
  }
}
