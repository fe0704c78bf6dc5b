import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { run } from '../support/process.js';
import { assertClient, clients, PYTHON, skipUnless } from './clients.js';

/** confluent-kafka-python 1.7 (librdkafka 2.0.2, Debian's python3-confluent-kafka) over TCP. */
const available = clients.confluentKafka();
const script = fileURLToPath(new URL('./python/confluent_kafka_client.py', import.meta.url));

describe.skipIf(skipUnless(available))('confluent-kafka compatibility', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    assertClient('python3-confluent-kafka', available);
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('administers topics, produces idempotently, consumes and looks up offsets', async () => {
    const r = await run(PYTHON, [script, broker.bootstrap], { timeoutMs: 90_000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      create: 'NONE',
      validate_only: 'NONE',
      create_again: 'TOPIC_ALREADY_EXISTS',
      create_bad_config: 'INVALID_CONFIG',
      create_rf3: 'INVALID_REPLICATION_FACTOR',
      brokers: [[broker.logs.nodeId, '127.0.0.1', broker.address.port]],
      cleanup_policy: 'compact,delete',
      cleanup_policy_source: '1', // DYNAMIC_TOPIC_CONFIG
      segment_bytes_default: true,
      alter: 'NONE',
      retention_after_alter: '60000',
      alter_unknown_key: 'INVALID_CONFIG',
      grow: 'NONE',
      shrink: 'INVALID_PARTITIONS',
      delivered_ok: 400,
      watermarks_p0: [0, 100],
      offset_for_time_p1: 0,
      delete: 'NONE',
      delete_missing: 'UNKNOWN_TOPIC_OR_PART',
    });
    expect(out.topics).toContain('ck-topic');
    expect(out.topics).not.toContain('ck-validate');
    const consumed = out.consumed as [number, number, string, string, string][];
    expect(consumed).toHaveLength(400);
    consumed.forEach(([p, o, k, v, h], i) => {
      expect([p, o, k, v, h]).toEqual([i % 4, Math.floor(i / 4), `k${i}`, `v${i}`, String(i)]);
    });
  });
});
