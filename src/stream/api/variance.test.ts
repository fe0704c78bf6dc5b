import { describe, expect, it } from 'vitest';
import type { DataStream, KeyedStream } from './streams.js';
import { StreamEnvironment } from './environment.js';

interface Base {
  id: string;
}
interface Derived extends Base {
  extra: number;
}

/** Compiles only if streams are covariant in their element type. */
function ids(stream: DataStream<Base>): DataStream<string> {
  return stream.map((b) => b.id);
}
function keyed(stream: KeyedStream<Base, string>): DataStream<number> {
  return stream.aggregate(
    { create: () => 0, add: (n) => n + 1, merge: (a, b) => a + b, result: (n) => n },
    (_k, n) => n,
  );
}

describe('stream types', () => {
  it('a stream of a subtype can be passed where a stream of the base type is expected', async () => {
    const env = new StreamEnvironment();
    const derived = env.fromArray<Derived>([
      { id: 'a', extra: 1 },
      { id: 'a', extra: 2 },
    ]);
    const out = ids(derived).collect();
    const counts = keyed(derived.keyBy((d) => d.id)).collect();
    await env.execute();
    expect(out.values).toEqual(['a', 'a']);
    expect(counts.values).toEqual([1, 2]);
  });
});
