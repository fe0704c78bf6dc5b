import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Admin,
  Consumer,
  Producer,
  type ConsumerRecord,
  type ProducerOptions,
} from '../../src/client/index.js';
import { startBroker, type Broker } from '../../src/broker/broker.js';
import { ApiKey } from '../../src/protocol/api-keys.js';
import { startTestBroker, tempDir } from '../support/broker.js';
import { FaultProxy } from './support/fault-proxy.js';

/** Every record of partition 0, up to the end offset at the time of the call. */
async function readAll(bootstrap: string, topic: string): Promise<ConsumerRecord[]> {
  const c = new Consumer({ bootstrap, autoOffsetReset: 'earliest', maxWaitMs: 50 });
  c.assign([{ topic, partition: 0 }]);
  const end = (await c.endOffsets([{ topic, partition: 0 }]))[0]!;
  const out: ConsumerRecord[] = [];
  while ((c.position({ topic, partition: 0 }) ?? 0) < end) for (const p of await c.poll()) out.push(...p);
  await c.close();
  return out;
}

describe('producer retries through a lost acknowledgement', () => {
  /**
   * Sends 8 batches (at most 5 in flight) through a proxy that lets the 3rd Produce reach the
   * broker, which appends it, but cuts the connection instead of relaying the answer. The broker
   * advertises the proxy, so every request of the producer passes through it.
   */
  async function throughLostAck(topic: string, opts: Omit<ProducerOptions, 'bootstrap'>): Promise<string[]> {
    const proxy = await FaultProxy.start();
    const broker = await startTestBroker({ advertise: proxy.bootstrap });
    proxy.target = broker.address;
    try {
      const admin = new Admin({ bootstrap: proxy.bootstrap });
      await admin.createTopics([{ name: topic, partitions: 1 }]);
      await admin.close();
      proxy.fault = (r) => (r.apiKey === ApiKey.Produce && r.nth === 3 ? 'cut' : null);
      const producer = new Producer({ ...opts, bootstrap: proxy.bootstrap, lingerMs: 0, batchBytes: 1 });
      const sends = Array.from({ length: 8 }, (_, i) => producer.send(topic, [{ value: `record-${i}` }]));
      const results = await Promise.all(sends);
      await producer.close();
      expect(proxy.counts.get(ApiKey.Produce)).toBeGreaterThan(8); // batches were resent
      expect(results.flat().map((r) => r.count)).toEqual(Array<number>(8).fill(1));
      return (await readAll(proxy.bootstrap, topic)).map((r) => r.value!.toString());
    } finally {
      await broker.destroy();
      await proxy.close();
    }
  }

  const expected = Array.from({ length: 8 }, (_, i) => `record-${i}`);

  it('appends every record exactly once, in order, when idempotent', async () => {
    expect(await throughLostAck('idempotent-retry', { acks: 'all' })).toEqual(expected);
  });

  it('(control) writes the lost batch twice when not idempotent', async () => {
    const values = await throughLostAck('plain-retry', { acks: 1, idempotent: false });
    expect(values.length).toBeGreaterThan(expected.length);
    expect(new Set(values)).toEqual(new Set(expected));
  });
});

describe('broker restart while a producer is connected', () => {
  let dataDir: string;
  let broker: Broker;

  beforeAll(async () => {
    dataDir = await tempDir();
  });
  afterAll(async () => {
    await broker.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reconnects and delivers what was sent while the broker was down, once', async () => {
    broker = await startBroker({ dataDir, port: 0 });
    const port = broker.address.port;
    const producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 0 });
    await producer.send('restarts', [{ value: 'before-1' }, { value: 'before-2' }]);
    await broker.close();

    // Sent while nothing listens: retried with backoff until the broker is back.
    const during = producer.send('restarts', [{ value: 'during' }]);
    broker = await startBroker({ dataDir, port });
    const [r] = await during;
    expect(r!.baseOffset).toBe(2);
    expect((await producer.send('restarts', [{ value: 'after' }]))[0]!.baseOffset).toBe(3);
    await producer.close();

    const values = (await readAll(broker.bootstrap, 'restarts')).map((x) => x.value!.toString());
    expect(values).toEqual(['before-1', 'before-2', 'during', 'after']);
  });
});
