import { configError } from '../core/errors.js';
import { toPositiveMillis } from '../core/duration.js';
import type { Key } from '../core/key.js';
import type { Clock } from '../time/clock.js';
import type { Aggregator } from '../windows/aggregator.js';
import type { KeyedStateBackend, KeyedStateSnapshot, StateTableSnapshot } from './backend.js';
import { forEachGroupedEntry, groupByKeyGroup } from './key-groups.js';
import {
  MemoryAggregatingState,
  MemoryListState,
  MemoryMapState,
  MemoryReducingState,
  MemoryValueState,
} from './memory-handles.js';
import type { StateDescriptor } from './state.js';
import {
  pruneCell,
  pruneCellList,
  pruneCellMap,
  TtlAggregatingState,
  TtlContext,
  type TtlCell,
  TtlListState,
  TtlMapState,
  TtlReducingState,
  TtlValueState,
} from './ttl-handles.js';

interface Table {
  readonly descriptor: StateDescriptor<unknown>;
  readonly map: Map<Key, unknown>;
  readonly handle: unknown;
  readonly prune: ((value: unknown, now: number) => unknown) | undefined;
}

/**
 * Keyed state in memory: one `Map<key, value>` per state. Snapshots group entries by key group
 * (hashing keys only then) and drop expired TTL entries.
 *
 * @example
 * ```ts
 * const backend = new MemoryStateBackend(128, systemClock);
 * const count = backend.getState('count', valueState<number>());
 * backend.currentKey = 'a'; count.update(1);
 * ```
 */
export class MemoryStateBackend implements KeyedStateBackend {
  currentKey: Key = '';
  private readonly tables = new Map<string, Table>();
  /** Restored states not (yet) claimed by a `getState` call; kept so they survive the next snapshot. */
  private readonly pending = new Map<string, StateTableSnapshot>();
  private owns: (keyGroup: number) => boolean = () => true;

  constructor(
    private readonly keyGroups: number,
    private readonly clock: Clock,
  ) {}

  getState<H>(name: string, descriptor: StateDescriptor<H>): H {
    const existing = this.tables.get(name);
    if (existing !== undefined) {
      if (existing.descriptor.kind !== descriptor.kind) {
        throw configError(
          `state '${name}' is declared twice, as ${existing.descriptor.kind} and ${descriptor.kind}`,
        );
      }
      return existing.handle as H;
    }
    const map = new Map<Key, unknown>();
    const table = this.createTable(descriptor, map);
    this.tables.set(name, table);
    const restored = this.pending.get(name);
    if (restored !== undefined) {
      this.pending.delete(name);
      this.load(name, table, restored, this.owns);
    }
    return table.handle as H;
  }

  keys(name: string): IterableIterator<Key> {
    const table = this.tables.get(name);
    return (table?.map ?? new Map<Key, unknown>()).keys();
  }

  private createTable(descriptor: StateDescriptor<unknown>, map: Map<Key, unknown>): Table {
    const ttl = descriptor.ttl;
    if (ttl === undefined) {
      return { descriptor, map, handle: this.plainHandle(descriptor, map), prune: undefined };
    }
    const prune =
      descriptor.kind === 'list' ? pruneCellList : descriptor.kind === 'map' ? pruneCellMap : pruneCell;
    const ctx = new TtlContext(
      this,
      this.clock,
      toPositiveMillis(ttl.ttl, 'state ttl'),
      ttl.update === 'onReadAndWrite',
      map,
      prune,
    );
    return { descriptor, map, handle: this.ttlHandle(descriptor, map, ctx), prune };
  }

  private plainHandle(d: StateDescriptor<unknown>, map: Map<Key, unknown>): unknown {
    switch (d.kind) {
      case 'value':
        return new MemoryValueState(this, map, d.defaultValue);
      case 'list':
        return new MemoryListState(this, map as Map<Key, unknown[]>);
      case 'map':
        return new MemoryMapState(this, map as Map<Key, Map<unknown, unknown>>);
      case 'reducing':
        return new MemoryReducingState(this, map, d.reduce!);
      case 'aggregating':
        return new MemoryAggregatingState(this, map, d.aggregator as Aggregator<unknown, unknown, unknown>);
    }
  }

  private ttlHandle(d: StateDescriptor<unknown>, map: Map<Key, unknown>, ctx: TtlContext): unknown {
    switch (d.kind) {
      case 'value':
        return new TtlValueState(ctx, map as Map<Key, TtlCell<unknown>>, d.defaultValue);
      case 'list':
        return new TtlListState(ctx, map as Map<Key, TtlCell<unknown>[]>);
      case 'map':
        return new TtlMapState(ctx, map as Map<Key, Map<unknown, TtlCell<unknown>>>);
      case 'reducing':
        return new TtlReducingState(ctx, map as Map<Key, TtlCell<unknown>>, d.reduce!);
      case 'aggregating':
        return new TtlAggregatingState(
          ctx,
          map as Map<Key, TtlCell<unknown>>,
          d.aggregator as Aggregator<unknown, unknown, unknown>,
        );
    }
  }

  snapshot(): KeyedStateSnapshot {
    const states: Record<string, StateTableSnapshot> = {};
    const now = this.clock.now();
    for (const [name, table] of this.tables) {
      const prune = table.prune;
      if (prune !== undefined) {
        // Full-snapshot cleanup: expired entries leave memory and never reach the checkpoint.
        for (const [key, value] of table.map) {
          const kept = prune(value, now);
          if (kept === undefined) table.map.delete(key);
          else if (kept !== value) table.map.set(key, kept);
        }
      }
      states[name] = {
        kind: table.descriptor.kind,
        ttl: prune !== undefined,
        groups: groupByKeyGroup(table.map, this.keyGroups),
      };
    }
    for (const [name, snap] of this.pending) states[name] = snap;
    return { format: 1, states };
  }

  restore(snapshot: KeyedStateSnapshot, owns: (keyGroup: number) => boolean): void {
    const format = (snapshot as { format: unknown }).format;
    if (format !== 1) {
      throw configError(`keyed state snapshot format ${String(format)} is not supported (expected 1)`);
    }
    this.owns = owns;
    for (const [name, snap] of Object.entries(snapshot.states)) {
      const table = this.tables.get(name);
      if (table === undefined) this.pending.set(name, snap);
      else this.load(name, table, snap, owns);
    }
  }

  private load(
    name: string,
    table: Table,
    snap: StateTableSnapshot,
    owns: (keyGroup: number) => boolean,
  ): void {
    if (snap.kind !== table.descriptor.kind) {
      throw configError(
        `state '${name}' was saved as ${snap.kind} but the job declares it as ${table.descriptor.kind}`,
      );
    }
    const wantTtl = table.prune !== undefined;
    const expiry = wantTtl ? this.clock.now() + toPositiveMillis(table.descriptor.ttl!.ttl, 'state ttl') : 0;
    const convert = convertTtl(snap.kind, snap.ttl, wantTtl, expiry);
    forEachGroupedEntry(snap.groups, owns, (key, value) => table.map.set(key, convert(value)));
  }
}

/** Converts stored values when a state gained or lost its TTL between the snapshot and now. */
function convertTtl(kind: string, had: boolean, want: boolean, expiry: number): (v: unknown) => unknown {
  if (had === want) return (v) => v;
  const wrap = (v: unknown): TtlCell<unknown> => ({ v, t: expiry });
  const unwrap = (c: unknown): unknown => (c as TtlCell<unknown>).v;
  const one = want ? wrap : unwrap;
  if (kind === 'list') return (v) => (v as unknown[]).map(one);
  if (kind === 'map') return (v) => new Map([...(v as Map<unknown, unknown>)].map(([k, x]) => [k, one(x)]));
  return one;
}
