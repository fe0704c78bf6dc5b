import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { run } from '../support/process.js';
import { assertClient, clients, skipUnless } from './clients.js';

/** kcat 1.7 (librdkafka 2.0.2) against the broker over TCP. */
const available = clients.kcat();

interface KcatMessage {
  topic: string;
  partition: number;
  offset: number;
  ts: number;
  headers?: string[];
  key: string | null;
  payload: string | null;
}

describe.skipIf(skipUnless(available))('kcat compatibility', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    assertClient('kcat', available);
    broker = await startTestBroker({ config: { 'num.partitions': '3' } });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  const kcat = async (args: string[], input?: string): Promise<string> => {
    const r = await run('kcat', ['-b', broker.bootstrap, ...args], input === undefined ? {} : { input });
    if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };

  const consumeAll = async (topic: string, extra: string[] = []): Promise<KcatMessage[]> => {
    const out = await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-J', '-q', ...extra]);
    return out
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as KcatMessage);
  };

  it('reads metadata: this broker, and an auto-created topic with num.partitions', async () => {
    await kcat(['-P', '-t', 'meta', '-p', '0'], 'x\n');
    const md = JSON.parse(await kcat(['-L', '-J', '-t', 'meta'])) as {
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: { partition: number; leader: number }[] }[];
    };
    expect(md.brokers).toEqual([{ id: broker.logs.nodeId, name: broker.bootstrap }]);
    expect(md.topics[0]!.topic).toBe('meta');
    expect(md.topics[0]!.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2]);
    expect(md.topics[0]!.partitions.every((p) => p.leader === broker.logs.nodeId)).toBe(true);
  });

  it('round-trips keys, values and headers', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `key-${i}:value-${i}`).join('\n') + '\n';
    await kcat(['-P', '-t', 'kv', '-p', '1', '-K:', '-H', 'source=kcat', '-H', 'n=1'], lines);
    const got = await consumeAll('kv');
    expect(got).toHaveLength(50);
    got.forEach((m, i) => {
      expect(m.partition).toBe(1);
      expect(m.offset).toBe(i);
      expect(m.key).toBe(`key-${i}`);
      expect(m.payload).toBe(`value-${i}`);
      expect(m.headers).toEqual(['source', 'kcat', 'n', '1']);
    });
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    it(`produces and consumes with compression ${codec}`, async () => {
      const topic = `codec-${codec}`;
      const values = Array.from({ length: 500 }, (_, i) => `${codec} record ${i} ${'z'.repeat(i % 40)}`);
      await kcat(['-P', '-t', topic, '-p', '0', '-z', codec, '-X', 'linger.ms=50'], values.join('\n') + '\n');
      const got = await consumeAll(topic);
      expect(got.map((m) => m.payload)).toEqual(values);
      expect(got.map((m) => m.offset)).toEqual(values.map((_, i) => i));
    });
  }

  it('starts consuming at an offset found by timestamp', async () => {
    await kcat(['-P', '-t', 'by-time', '-p', '0'], 'early-1\nearly-2\n');
    const [first] = await consumeAll('by-time');
    // Later records carry a later CreateTime; wait until the clock has moved past the first ones.
    const cut = first!.ts + 1;
    while (Date.now() <= cut) await new Promise((r) => setTimeout(r, 5));
    await kcat(['-P', '-t', 'by-time', '-p', '0'], 'late-1\nlate-2\n');
    const got = await kcat(['-C', '-t', 'by-time', '-p', '0', '-o', `s@${cut}`, '-e', '-q', '-f', '%s\n']);
    expect(got.trim().split('\n')).toEqual(['late-1', 'late-2']);
  });

  it('produces exactly once per record with an idempotent producer', async () => {
    const values = Array.from({ length: 2000 }, (_, i) => `idem-${i}`);
    await kcat(
      ['-P', '-t', 'idempotent', '-p', '2', '-X', 'enable.idempotence=true', '-X', 'linger.ms=5'],
      values.join('\n') + '\n',
    );
    const got = await consumeAll('idempotent');
    expect(got.map((m) => m.payload)).toEqual(values);
  });

  it('answers a produce to a partition that does not exist with an error', async () => {
    await kcat(['-P', '-t', 'three', '-p', '0'], 'x\n');
    const r = await run('kcat', ['-b', broker.bootstrap, '-P', '-t', 'three', '-p', '7'], { input: 'y\n' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Unknown partition|UNKNOWN_PARTITION|not exist/i);
  });
});
