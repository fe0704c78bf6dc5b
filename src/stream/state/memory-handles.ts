import type { Key } from '../core/key.js';
import type { Aggregator } from '../windows/aggregator.js';
import type { AggregatingState, ListState, MapState, ReducingState, ValueState } from './state.js';

/** Where a handle finds the current key. */
export interface CurrentKeyHolder {
  currentKey: Key;
}

export class MemoryValueState<T> implements ValueState<T> {
  constructor(
    private readonly owner: CurrentKeyHolder,
    private readonly map: Map<Key, T>,
    private readonly defaultValue: T | undefined,
  ) {}

  value(): T | undefined {
    const v = this.map.get(this.owner.currentKey);
    return v === undefined ? this.defaultValue : v;
  }

  update(value: T): void {
    this.map.set(this.owner.currentKey, value);
  }

  clear(): void {
    this.map.delete(this.owner.currentKey);
  }
}

const EMPTY: readonly never[] = Object.freeze([]);

export class MemoryListState<T> implements ListState<T> {
  constructor(
    private readonly owner: CurrentKeyHolder,
    private readonly map: Map<Key, T[]>,
  ) {}

  get(): readonly T[] {
    return this.map.get(this.owner.currentKey) ?? EMPTY;
  }

  add(value: T): void {
    const list = this.map.get(this.owner.currentKey);
    if (list === undefined) this.map.set(this.owner.currentKey, [value]);
    else list.push(value);
  }

  addAll(values: readonly T[]): void {
    if (values.length === 0) return;
    const list = this.map.get(this.owner.currentKey);
    if (list === undefined) this.map.set(this.owner.currentKey, values.slice());
    else for (const v of values) list.push(v);
  }

  update(values: readonly T[]): void {
    if (values.length === 0) this.map.delete(this.owner.currentKey);
    else this.map.set(this.owner.currentKey, values.slice());
  }

  clear(): void {
    this.map.delete(this.owner.currentKey);
  }
}

const EMPTY_MAP: ReadonlyMap<unknown, unknown> = new Map<unknown, unknown>();

export class MemoryMapState<UK, UV> implements MapState<UK, UV> {
  constructor(
    private readonly owner: CurrentKeyHolder,
    private readonly map: Map<Key, Map<UK, UV>>,
  ) {}

  private current(): ReadonlyMap<UK, UV> {
    return this.map.get(this.owner.currentKey) ?? (EMPTY_MAP as ReadonlyMap<UK, UV>);
  }

  get(key: UK): UV | undefined {
    return this.current().get(key);
  }

  put(key: UK, value: UV): void {
    let m = this.map.get(this.owner.currentKey);
    if (m === undefined) {
      m = new Map();
      this.map.set(this.owner.currentKey, m);
    }
    m.set(key, value);
  }

  remove(key: UK): void {
    const m = this.map.get(this.owner.currentKey);
    if (m === undefined) return;
    m.delete(key);
    if (m.size === 0) this.map.delete(this.owner.currentKey);
  }

  has(key: UK): boolean {
    return this.current().has(key);
  }

  entries(): IterableIterator<[UK, UV]> {
    return this.current().entries() as IterableIterator<[UK, UV]>;
  }

  keys(): IterableIterator<UK> {
    return this.current().keys() as IterableIterator<UK>;
  }

  values(): IterableIterator<UV> {
    return this.current().values() as IterableIterator<UV>;
  }

  size(): number {
    return this.current().size;
  }

  clear(): void {
    this.map.delete(this.owner.currentKey);
  }
}

export class MemoryReducingState<T> implements ReducingState<T> {
  constructor(
    private readonly owner: CurrentKeyHolder,
    private readonly map: Map<Key, T>,
    private readonly reduce: (a: T, b: T) => T,
  ) {}

  get(): T | undefined {
    return this.map.get(this.owner.currentKey);
  }

  add(value: T): void {
    const k = this.owner.currentKey;
    const prev = this.map.get(k);
    this.map.set(k, prev === undefined ? value : this.reduce(prev, value));
  }

  clear(): void {
    this.map.delete(this.owner.currentKey);
  }
}

export class MemoryAggregatingState<T, A, R> implements AggregatingState<T, R> {
  constructor(
    private readonly owner: CurrentKeyHolder,
    private readonly map: Map<Key, A>,
    private readonly aggregator: Aggregator<T, A, R>,
  ) {}

  get(): R | undefined {
    const acc = this.map.get(this.owner.currentKey);
    return acc === undefined ? undefined : this.aggregator.result(acc);
  }

  add(value: T): void {
    const k = this.owner.currentKey;
    const acc = this.map.get(k);
    this.map.set(k, this.aggregator.add(acc === undefined ? this.aggregator.create() : acc, value));
  }

  clear(): void {
    this.map.delete(this.owner.currentKey);
  }
}
