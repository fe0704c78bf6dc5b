import { keyGroupOf, type Key } from '../core/key.js';

/**
 * Keyed data in a snapshot: per key group, a flat `[key, value, key, value, …]` array. Grouping
 * happens only when a snapshot is taken, so the hot path never hashes keys.
 */
export type KeyGroupedEntries = Map<number, unknown[]>;

/** Groups a keyed map's entries by key group; `encode` can convert values on the way. */
export function groupByKeyGroup<V>(
  map: ReadonlyMap<Key, V>,
  keyGroups: number,
  encode?: (value: V) => unknown,
): KeyGroupedEntries {
  const out: KeyGroupedEntries = new Map();
  for (const [key, value] of map) {
    const g = keyGroupOf(key, keyGroups);
    let list = out.get(g);
    if (list === undefined) {
      list = [];
      out.set(g, list);
    }
    list.push(key, encode === undefined ? value : encode(value));
  }
  return out;
}

/** Visits every (key, value) of grouped entries whose key group is accepted by `owns`. */
export function forEachGroupedEntry(
  entries: KeyGroupedEntries,
  owns: (keyGroup: number) => boolean,
  visit: (key: Key, value: unknown) => void,
): void {
  for (const [g, list] of entries) {
    if (!owns(g)) continue;
    for (let i = 0; i < list.length; i += 2) visit(list[i] as Key, list[i + 1]);
  }
}
