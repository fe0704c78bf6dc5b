import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { run } from '../support/process.js';
import { assertClient, clients, PYTHON, skipUnless } from './clients.js';

/** confluent-kafka-python 1.7 (librdkafka 2.0.2) consumer groups: eager and cooperative rebalances. */
const available = clients.confluentKafka();
const script = fileURLToPath(new URL('./python/confluent_kafka_group.py', import.meta.url));

interface Outcome {
  events: [string, 'assign' | 'revoke', number[]][];
  consumed: { a: [number, number, string][]; b: [number, number, string][] };
  shared: { a: number[]; b: number[] };
  committed: Record<string, number>;
  high: Record<string, number>;
  errors: [string, string][];
  /** Synchronous commits refused because they raced a rebalance. */
  commit_errors: string[];
}

describe.skipIf(skipUnless(available))('confluent-kafka consumer groups', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    assertClient('python3-confluent-kafka', available);
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.destroy();
  });

  const scenario = async (strategy: string, commit: 'manual' | 'auto'): Promise<Outcome> => {
    const topic = `ck-${strategy}-${commit}`;
    const r = await run(PYTHON, [script, broker.bootstrap, topic, strategy, commit], { timeoutMs: 60_000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Outcome;
    expect(out.errors).toEqual([]);
    // Every record was consumed by one member or the other; the group's offsets reach the end.
    const values = new Set([...out.consumed.a, ...out.consumed.b].map((m) => m[2]));
    expect(values.size).toBe(400);
    expect(out.committed).toEqual({ '0': 100, '1': 100, '2': 100, '3': 100 });
    expect(out.high).toEqual(out.committed);
    expect([...out.shared.a, ...out.shared.b].sort()).toEqual([0, 1, 2, 3]);
    expect(out.shared.a.length).toBe(2);
    expect(out.consumed.b.length).toBeGreaterThan(0); // B consumed its share of the second half
    expect(
      out.commit_errors.filter((e) => e !== 'ILLEGAL_GENERATION' && e !== 'REBALANCE_IN_PROGRESS'),
    ).toEqual([]);
    if (commit === 'manual' && out.commit_errors.length === 0) {
      // Each record committed before a rebalance could move its partition: none is seen twice.
      expect(out.consumed.a.length + out.consumed.b.length).toBe(400);
    }
    return out;
  };

  for (const [strategy, commit] of [
    ['range', 'manual'],
    ['roundrobin', 'auto'],
  ] as const) {
    it(`eager rebalances (${strategy}, ${commit} commit): everything is revoked and reassigned`, async () => {
      const out = await scenario(strategy, commit);
      const of = (name: string) => out.events.filter((e) => e[0] === name).map((e) => [e[1], e[2]]);
      expect(of('a')).toEqual([
        ['assign', [0, 1, 2, 3]],
        ['revoke', [0, 1, 2, 3]],
        ['assign', out.shared.a],
        ['revoke', out.shared.a],
      ]);
      expect(of('b')).toEqual([
        ['assign', out.shared.b],
        ['revoke', out.shared.b],
        ['assign', [0, 1, 2, 3]],
        ['revoke', [0, 1, 2, 3]],
      ]);
    });
  }

  for (const commit of ['auto', 'manual'] as const) {
    it(`cooperative-sticky rebalances (${commit} commit): only the partitions that move are revoked`, async () => {
      const out = await scenario('cooperative-sticky', commit);
      const a = out.events.filter((e) => e[0] === 'a');
      // A keeps two partitions throughout the first rebalance: it revokes only the other two.
      expect(a[0]).toEqual(['a', 'assign', [0, 1, 2, 3]]);
      expect(a[1]?.[1]).toBe('revoke');
      expect(a[1]?.[2]).toHaveLength(2);
      expect(out.events.some((e) => e[1] === 'revoke' && e[2].length === 4 && e[0] === 'a')).toBe(false);
      // B ends up owning everything incrementally after A leaves.
      const bAssigned = out.events.filter((e) => e[0] === 'b' && e[1] === 'assign').flatMap((e) => e[2]);
      expect(bAssigned.sort()).toEqual([0, 1, 2, 3]);
    });
  }
});
