import type { Key } from '../core/key.js';
import type { KeyGroupedEntries } from './key-groups.js';
import type { StateDescriptor, StateKind } from './state.js';

/**
 * Keyed state of one operator. The operator sets `currentKey` before running user code for a
 * record or timer; handles read and write that key's value. The memory backend keeps one `Map`
 * per state; a disk backend can implement the same interface later.
 */
export interface KeyedStateBackend {
  currentKey: Key;
  /** Creates (or returns) the handle of the named state; restored data is attached on creation. */
  getState<H>(name: string, descriptor: StateDescriptor<H>): H;
  /** A copy-free view of every key having a value in the named state (for iteration). */
  keys(name: string): IterableIterator<Key>;
  /** The state, grouped by key group, in the versioned snapshot format. */
  snapshot(): KeyedStateSnapshot;
  /** Loads a snapshot; only the key groups `owns` accepts are kept. */
  restore(snapshot: KeyedStateSnapshot, owns: (keyGroup: number) => boolean): void;
}

/** Version 1 of the keyed state snapshot format. */
export interface KeyedStateSnapshot {
  readonly format: 1;
  readonly states: Record<string, StateTableSnapshot>;
}

/** One state's data: values are TTL cells (`{v, t}`) when `ttl` is true. */
export interface StateTableSnapshot {
  readonly kind: StateKind;
  readonly ttl: boolean;
  readonly groups: KeyGroupedEntries;
}
