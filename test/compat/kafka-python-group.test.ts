import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { run } from '../support/process.js';
import { assertClient, clients, PYTHON, skipUnless } from './clients.js';

/** kafka-python 2.0.2 (JoinGroup v2, OffsetCommit v2) consumer group: two members, manual commits. */
const available = clients.kafkaPython();
const script = fileURLToPath(new URL('./python/kafka_python_group.py', import.meta.url));

interface Outcome {
  consumed: Record<'a' | 'b' | 'c', [number, number, string][]>;
  assigned: { a_alone: number[]; shared: [number[], number[]]; c: number[] };
  committed: Record<string, number>;
}

describe.skipIf(skipUnless(available))('kafka-python consumer group', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    assertClient('python3-kafka', available);
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('two members share a topic, commit, hand over on leave; a later member finds every offset committed', async () => {
    const r = await run(PYTHON, [script, broker.bootstrap, 'kp-group-topic'], { timeoutMs: 60_000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Outcome;
    expect(out.assigned.a_alone).toEqual([0, 1, 2]);
    expect([...out.assigned.shared[0], ...out.assigned.shared[1]].sort()).toEqual([0, 1, 2]);
    expect(out.assigned.shared[0].length).toBeGreaterThan(0);
    expect(out.assigned.shared[1].length).toBeGreaterThan(0);
    expect(out.consumed.a.length).toBeGreaterThan(150);
    expect(out.consumed.b.length).toBeGreaterThan(0);
    // Committed after every poll: each record is consumed exactly once, and nothing is left.
    const all = [...out.consumed.a, ...out.consumed.b].map((m) => m[2]).sort();
    expect(all).toEqual(Array.from({ length: 300 }, (_, i) => `v${i}`).sort());
    expect(out.committed).toEqual({ '0': 100, '1': 100, '2': 100 });
    expect(out.assigned.c).toEqual([0, 1, 2]);
    expect(out.consumed.c).toEqual([]);
  });
});
