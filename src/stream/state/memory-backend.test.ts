import { describe, expect, it } from 'vitest';
import { keyGroupOf } from '../core/key.js';
import { ManualClock } from '../time/clock.js';
import { avg } from '../windows/aggregators.js';
import { MemoryStateBackend } from './memory-backend.js';
import { aggregatingState, listState, mapState, reducingState, valueState } from './state.js';

function backend(clock = new ManualClock(0)) {
  return { b: new MemoryStateBackend(16, clock), clock };
}

describe('memory state backend', () => {
  it('keeps every kind of state per current key', () => {
    const { b } = backend();
    const value = b.getState('v', valueState<number>({ default: -1 }));
    const list = b.getState('l', listState<string>());
    const map = b.getState('m', mapState<string, number>());
    const red = b.getState(
      'r',
      reducingState<number>((x, y) => x + y),
    );
    const agg = b.getState('a', aggregatingState(avg((x: number) => x)));

    b.currentKey = 'k1';
    expect(value.value()).toBe(-1);
    value.update(5);
    list.add('x');
    list.addAll(['y', 'z']);
    map.put('p', 1);
    map.put('q', 2);
    red.add(3);
    red.add(4);
    agg.add(2);
    agg.add(4);

    b.currentKey = 'k2';
    expect(value.value()).toBe(-1);
    expect(list.get()).toEqual([]);
    expect(map.size()).toBe(0);
    expect(red.get()).toBeUndefined();
    expect(agg.get()).toBeUndefined();
    value.update(9);

    b.currentKey = 'k1';
    expect(value.value()).toBe(5);
    expect(list.get()).toEqual(['x', 'y', 'z']);
    expect([...map.entries()]).toEqual([
      ['p', 1],
      ['q', 2],
    ]);
    expect(map.get('q')).toBe(2);
    map.remove('q');
    expect(map.has('q')).toBe(false);
    expect(red.get()).toBe(7);
    expect(agg.get()).toBe(3);
    list.update(['only']);
    expect(list.get()).toEqual(['only']);
    value.clear();
    expect(value.value()).toBe(-1);
    expect([...b.keys('v')]).toEqual(['k2']);
  });

  it('returns the same handle for the same name and rejects a different kind', () => {
    const { b } = backend();
    expect(b.getState('s', valueState<number>())).toBe(b.getState('s', valueState<number>()));
    expect(() => b.getState('s', listState<number>())).toThrow(/declared twice, as value and list/);
  });

  it('snapshots by key group and restores only owned groups', () => {
    const { b } = backend();
    const v = b.getState('v', valueState<string>());
    const keys = Array.from({ length: 50 }, (_, i) => `key-${i}`);
    for (const k of keys) {
      b.currentKey = k;
      v.update(k.toUpperCase());
    }
    const snap = b.snapshot();
    expect(snap.format).toBe(1);
    for (const [g, entries] of snap.states.v!.groups) {
      for (let i = 0; i < entries.length; i += 2) expect(keyGroupOf(entries[i] as string, 16)).toBe(g);
    }
    const { b: even } = backend();
    even.restore(snap, (g) => g % 2 === 0);
    const v2 = even.getState('v', valueState<string>());
    for (const k of keys) {
      even.currentKey = k;
      expect(v2.value()).toBe(keyGroupOf(k, 16) % 2 === 0 ? k.toUpperCase() : undefined);
    }
  });

  it('keeps restored state of undeclared names across the next snapshot', () => {
    const { b } = backend();
    const v = b.getState('old', valueState<number>());
    b.currentKey = 'a';
    v.update(1);
    const { b: b2 } = backend();
    b2.restore(b.snapshot(), () => true);
    const again = b2.snapshot();
    const { b: b3 } = backend();
    b3.restore(again, () => true);
    b3.currentKey = 'a';
    expect(b3.getState('old', valueState<number>()).value()).toBe(1);
  });

  it('rejects a restored state of another kind', () => {
    const { b } = backend();
    b.currentKey = 'a';
    b.getState('s', valueState<number>()).update(1);
    const { b: b2 } = backend();
    b2.restore(b.snapshot(), () => true);
    expect(() => b2.getState('s', mapState<string, number>())).toThrow(
      /saved as value but the job declares it as map/,
    );
  });
});

describe('state TTL', () => {
  it('expires values after the TTL since the last write', () => {
    const { b, clock } = backend();
    const v = b.getState('v', valueState<number>({ ttl: 1000 }));
    b.currentKey = 'a';
    v.update(1);
    clock.advance(999);
    expect(v.value()).toBe(1);
    v.update(2); // restarts the clock
    clock.advance(999);
    expect(v.value()).toBe(2);
    clock.advance(1);
    expect(v.value()).toBeUndefined();
  });

  it('refreshes on read with onReadAndWrite', () => {
    const { b, clock } = backend();
    const v = b.getState('v', valueState<number>({ ttl: { ttl: '1s', update: 'onReadAndWrite' } }));
    b.currentKey = 'a';
    v.update(1);
    clock.advance(800);
    expect(v.value()).toBe(1);
    clock.advance(800);
    expect(v.value()).toBe(1);
    clock.advance(1000);
    expect(v.value()).toBeUndefined();
  });

  it('expires list elements and map entries individually', () => {
    const { b, clock } = backend();
    const l = b.getState('l', listState<number>({ ttl: 100 }));
    const m = b.getState('m', mapState<string, number>({ ttl: 100 }));
    b.currentKey = 'a';
    l.add(1);
    m.put('x', 1);
    clock.advance(60);
    l.add(2);
    m.put('y', 2);
    clock.advance(50);
    expect(l.get()).toEqual([2]);
    expect([...m.keys()]).toEqual(['y']);
    expect(m.get('x')).toBeUndefined();
    clock.advance(100);
    expect(l.get()).toEqual([]);
    expect(m.size()).toBe(0);
  });

  it('expires reducing and aggregating state', () => {
    const { b, clock } = backend();
    const r = b.getState(
      'r',
      reducingState<number>((x, y) => x + y, { ttl: 10 }),
    );
    const a = b.getState(
      'a',
      aggregatingState(
        avg((x: number) => x),
        { ttl: 10 },
      ),
    );
    b.currentKey = 1;
    r.add(1);
    a.add(4);
    clock.advance(5);
    r.add(2);
    a.add(6);
    expect(r.get()).toBe(3);
    expect(a.get()).toBe(5);
    clock.advance(10);
    expect(r.get()).toBeUndefined();
    expect(a.get()).toBeUndefined();
  });

  it('removes expired entries from snapshots and, incrementally, from memory', () => {
    const { b, clock } = backend();
    const v = b.getState('v', valueState<number>({ ttl: 10 }));
    for (let i = 0; i < 100; i++) {
      b.currentKey = i;
      v.update(i);
    }
    clock.advance(20);
    // Keys never read again are swept by later writes (two entries checked per write) …
    for (let i = 0; i < 60; i++) {
      b.currentKey = `new-${i}`;
      v.update(i);
    }
    expect([...b.keys('v')].filter((k) => typeof k === 'number').length).toBeLessThan(100);
    // … and by snapshots, completely.
    const snap = b.snapshot();
    const restoredKeys = [...snap.states.v!.groups.values()].flatMap((e) => e.filter((_, i) => i % 2 === 0));
    expect(restoredKeys.every((k) => typeof k === 'string')).toBe(true);
    expect(restoredKeys).toHaveLength(60);
  });

  it('converts restored state when the TTL was added or removed', () => {
    const clock = new ManualClock(1000);
    const plain = new MemoryStateBackend(8, clock);
    plain.currentKey = 'a';
    plain.getState('l', listState<number>()).addAll([1, 2]);
    const withTtl = new MemoryStateBackend(8, clock);
    withTtl.restore(plain.snapshot(), () => true);
    withTtl.currentKey = 'a';
    const l = withTtl.getState('l', listState<number>({ ttl: 50 }));
    expect(l.get()).toEqual([1, 2]);
    clock.advance(50);
    expect(l.get()).toEqual([]);

    const back = new MemoryStateBackend(8, clock);
    const ttlState = new MemoryStateBackend(8, clock);
    ttlState.currentKey = 'b';
    ttlState.getState('v', valueState<string>({ ttl: 10 })).update('x');
    back.restore(ttlState.snapshot(), () => true);
    back.currentKey = 'b';
    expect(back.getState('v', valueState<string>()).value()).toBe('x');
  });
});
