/**
 * A binary min-heap of (priority, payload) pairs kept in two parallel arrays, so pushing and
 * popping allocate nothing per entry. Ties pop in no particular order.
 */
export class MinHeap<T> {
  private readonly prio: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.prio.length;
  }

  /** The smallest priority, or `Infinity` when empty. */
  peekPriority(): number {
    return this.prio.length === 0 ? Infinity : this.prio[0]!;
  }

  /** The payload with the smallest priority; only valid when not empty. */
  peek(): T {
    return this.items[0]!;
  }

  push(priority: number, item: T): void {
    const prio = this.prio;
    const items = this.items;
    let i = prio.length;
    prio.push(priority);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pp = prio[parent]!;
      if (pp <= priority) break;
      prio[i] = pp;
      items[i] = items[parent]!;
      i = parent;
    }
    prio[i] = priority;
    items[i] = item;
  }

  /** Removes and returns the payload with the smallest priority; only valid when not empty. */
  pop(): T {
    const prio = this.prio;
    const items = this.items;
    const top = items[0]!;
    const lastPrio = prio.pop()!;
    const lastItem = items.pop()!;
    const n = prio.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && prio[r]! < prio[l]! ? r : l;
        if (prio[c]! >= lastPrio) break;
        prio[i] = prio[c]!;
        items[i] = items[c]!;
        i = c;
      }
      prio[i] = lastPrio;
      items[i] = lastItem;
    }
    return top;
  }

  /** Every entry, in heap order (for snapshots). */
  entries(): Array<[number, T]> {
    return this.prio.map((p, i) => [p, this.items[i]!]);
  }

  clear(): void {
    this.prio.length = 0;
    this.items.length = 0;
  }
}
