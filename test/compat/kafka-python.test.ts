import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { run } from '../support/process.js';
import { assertClient, clients, PYTHON, skipUnless } from './clients.js';

/** kafka-python 2.0.2 (Debian's python3-kafka) over TCP. It has no idempotent producer. */
const available = clients.kafkaPython();
const script = fileURLToPath(new URL('./python/kafka_python_client.py', import.meta.url));

describe.skipIf(skipUnless(available))('kafka-python compatibility', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    assertClient('python3-kafka', available);
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('administers topics, produces, consumes and looks up offsets', async () => {
    const r = await run(PYTHON, [script, broker.bootstrap], { timeoutMs: 60_000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      topics_after_create: string[];
      retention_ms: string;
      cleanup_policy: string;
      retention_ms_after_alter: string;
      consumed: { p: number; o: number; k: string; v: string; h: [string, string][] }[];
      end_offsets: Record<string, number>;
      beginning_offsets: Record<string, number>;
      offset_for_time_p0: number | null;
      topics_after_delete: string[];
    };
    expect(out.topics_after_create).toContain('kp-topic');
    expect(out.retention_ms).toBe('3600000');
    expect(out.cleanup_policy).toBe('delete');
    expect(out.retention_ms_after_alter).toBe('7200000');
    expect(out.consumed).toHaveLength(100);
    out.consumed.forEach((m, i) => {
      expect(m).toEqual({ p: i % 3, o: Math.floor(i / 3), k: `k${i}`, v: `v${i}`, h: [['n', String(i)]] });
    });
    expect(out.end_offsets).toEqual({ '0': 34, '1': 33, '2': 33 });
    expect(out.beginning_offsets).toEqual({ '0': 0, '1': 0, '2': 0 });
    expect(out.offset_for_time_p0).toBe(0);
    expect(out.topics_after_delete).not.toContain('kp-topic');
  });
});
