import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Admin,
  Consumer,
  isKafkaError,
  keyPartition,
  Producer,
  type CompressionName,
  type ConsumerOptions,
  type ConsumerRecord,
  type TopicPartition,
} from '../../src/client/index.js';
import { ApiKey } from '../../src/protocol/api-keys.js';
import { batches } from '../../src/protocol/records/batch-view.js';
import { isRivuletError } from '../../src/shared/errors.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { FaultProxy } from './support/fault-proxy.js';

describe('producing and consuming against the broker', () => {
  let broker: TestBroker;
  let admin: Admin;
  const open: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    broker = await startTestBroker();
    admin = new Admin({ bootstrap: broker.bootstrap });
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await admin.close();
    await broker.destroy();
  });

  const producer = (opts: Omit<ConstructorParameters<typeof Producer>[0], 'bootstrap'> = {}): Producer => {
    const p = new Producer({ bootstrap: broker.bootstrap, ...opts });
    open.push(p);
    return p;
  };
  const consumer = (opts: Omit<ConsumerOptions, 'bootstrap'> = {}): Consumer => {
    const c = new Consumer({
      bootstrap: broker.bootstrap,
      autoOffsetReset: 'earliest',
      maxWaitMs: 100,
      ...opts,
    });
    open.push(c);
    return c;
  };

  /** Polls until `count` records arrived (or throws after 200 empty polls). */
  async function consumeN(c: Consumer, count: number): Promise<ConsumerRecord[]> {
    const out: ConsumerRecord[] = [];
    for (let empty = 0; out.length < count;) {
      const parts = await c.poll();
      if (parts.length === 0 && ++empty > 200)
        throw new Error(`only ${out.length} of ${count} records arrived`);
      for (const p of parts) out.push(...p);
    }
    return out;
  }

  const codecs: CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
  for (const compression of codecs) {
    it(`round-trips keys, values, nulls and headers with compression ${compression}`, async () => {
      const topic = `codec-${compression}`;
      await admin.createTopics([{ name: topic, partitions: 1 }]);
      const p = producer({ compression });
      const records = Array.from({ length: 300 }, (_, i) => ({
        key: i % 10 === 0 ? null : `key-${i}`,
        value: i % 17 === 0 ? null : `${compression} value ${i} ${'x'.repeat(i % 50)}`,
        headers: i % 3 === 0 ? { trace: `t${i}`, empty: null } : {},
        timestamp: 1_700_000_000_000 + i,
      }));
      const [result] = await p.send(topic, records);
      expect(result).toMatchObject({ topic, partition: 0, baseOffset: 0, count: 300 });
      const got = await consumeN(
        (() => {
          const c = consumer();
          c.assign([{ topic, partition: 0 }]);
          return c;
        })(),
        300,
      );
      expect(
        got.map((r) => ({
          offset: r.offset,
          key: r.key?.toString() ?? null,
          value: r.value?.toString() ?? null,
          headers: r.headers.map((h) => [h.key, h.value?.toString() ?? null]),
          timestamp: r.timestamp,
        })),
      ).toEqual(
        records.map((r, i) => ({
          offset: i,
          key: r.key,
          value: r.value,
          headers: Object.entries(r.headers),
          timestamp: r.timestamp,
        })),
      );
      // The batch on disk really is compressed with the codec asked for.
      const fetched = await broker.logs.log(topic, 0)!.read(0, 1 << 20);
      const codes = [...batches(fetched.kind === 'records' ? fetched.records : Buffer.alloc(0))].map(
        (b) => b.compressionCode,
      );
      expect(new Set(codes)).toEqual(new Set([codecs.indexOf(compression)]));
    });
  }

  for (const acks of [0, 1, 'all'] as const) {
    it(`produces with acks=${acks}`, async () => {
      const topic = `acks-${acks}`;
      await admin.createTopics([{ name: topic, partitions: 1 }]);
      const p = producer({ acks });
      const results = await p.send(topic, [{ value: 'a' }, { value: 'b' }]);
      expect(results[0]!.baseOffset).toBe(acks === 0 ? -1 : 0);
      await p.send(topic, [{ value: 'c' }]);
      const c = consumer();
      c.assign([{ topic, partition: 0 }]);
      expect((await consumeN(c, 3)).map((r) => r.value!.toString())).toEqual(['a', 'b', 'c']);
    });
  }

  it('spreads keyed records over many partitions exactly as Kafka murmur2 does, in order', async () => {
    const topic = 'many-partitions';
    const partitions = 48;
    await admin.createTopics([{ name: topic, partitions }]);
    const p = producer({ lingerMs: 20 });
    const keys = Array.from({ length: 400 }, (_, i) => `user-${i % 97}`);
    // Several concurrent sends: order per partition must still follow call order.
    await Promise.all(
      [0, 1, 2, 3].map((chunk) =>
        p.send(
          topic,
          keys
            .slice(chunk * 100, chunk * 100 + 100)
            .map((key, j) => ({ key, value: String(chunk * 100 + j) })),
        ),
      ),
    );
    const c = consumer();
    c.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
    const got = await consumeN(c, keys.length);
    for (const r of got) {
      expect(r.partition).toBe(keyPartition(Buffer.from(r.key!.toString()), partitions));
      expect(keys[Number(r.value!.toString())]).toBe(r.key!.toString());
    }
    const perPartition = new Map<number, number[]>();
    for (const r of got)
      perPartition.set(r.partition, [...(perPartition.get(r.partition) ?? []), Number(r.value!.toString())]);
    for (const values of perPartition.values()) expect(values).toEqual([...values].sort((a, b) => a - b));
    // Kafka's own vectors map to these partitions over 48 partitions.
    const [foobar] = await p.send(topic, [{ key: 'foobar', value: 'v' }]);
    expect(foobar!.partition).toBe((-790332482 & 0x7fffffff) % partitions);
  });

  it('batches records while lingering and honours explicit partitions', async () => {
    const topic = 'batched';
    await admin.createTopics([{ name: topic, partitions: 3 }]);
    const p = producer({ lingerMs: 50 });
    const sends = Array.from({ length: 20 }, (_, i) => p.send(topic, [{ value: `r${i}`, partition: 2 }]));
    const results = await Promise.all(sends);
    expect(results.map((r) => r[0]!.baseOffset)).toEqual(results.map((_, i) => i));
    const read = await broker.logs.log(topic, 2)!.read(0, 1 << 20);
    expect(read.kind === 'records' ? [...batches(read.records)].length : 0).toBe(1);
    await expect(p.send(topic, [{ value: 'x', partition: 3 }])).rejects.toThrow(
      "partition 3 of 'batched' does not exist (the topic has 3 partitions)",
    );
  });

  it('splits batches at batchBytes and reassembles them in order', async () => {
    const topic = 'big-batches';
    await admin.createTopics([{ name: topic, partitions: 1 }]);
    const p = producer({ batchBytes: 4096, compression: 'lz4' });
    const value = 'y'.repeat(500);
    const results = await p.send(
      topic,
      Array.from({ length: 100 }, (_, i) => ({ value: `${i}:${value}` })),
    );
    expect(results.length).toBeGreaterThan(10);
    expect(results.reduce((n, r) => n + r.count, 0)).toBe(100);
    const c = consumer();
    c.assign([{ topic, partition: 0 }]);
    const got = await consumeN(c, 100);
    expect(got.map((r) => Number(r.value!.toString().split(':')[0]))).toEqual(got.map((_, i) => i));
  });

  it('seeks to offsets, the start, the end and timestamps', async () => {
    const topic = 'seekable';
    await admin.createTopics([{ name: topic, partitions: 1 }]);
    const base = 1_600_000_000_000;
    await producer().send(
      topic,
      Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, timestamp: base + i * 60_000 })),
    );
    const tp: TopicPartition = { topic, partition: 0 };
    const c = consumer({ autoOffsetReset: 'latest' });
    c.assign([tp]);
    c.seek(tp, { timestamp: base + 4 * 60_000 - 1 });
    expect((await consumeN(c, 6)).map((r) => r.offset)).toEqual([4, 5, 6, 7, 8, 9]);
    c.seek(tp, 7);
    expect((await consumeN(c, 3)).map((r) => r.offset)).toEqual([7, 8, 9]);
    c.seek(tp, 'earliest');
    expect((await consumeN(c, 10))[0]!.offset).toBe(0);
    c.seek(tp, { timestamp: base + 3_600_000 }); // after every record: the end
    expect(await c.poll()).toEqual([]);
    expect(c.position(tp)).toBe(10);
    c.seek(tp, 'earliest');
    c.seek(tp, 'latest'); // looked up at the next poll, like Kafka's seekToEnd
    expect(await c.poll()).toEqual([]);
    expect(c.position(tp)).toBe(10);
    await producer().send(topic, [{ value: 'new' }]);
    expect((await consumeN(c, 1)).map((r) => [r.offset, r.value!.toString()])).toEqual([[10, 'new']]);
    expect(await c.endOffsets([tp])).toEqual([11]);
    expect(await c.beginningOffsets([tp])).toEqual([0]);
  });

  it('resets on OFFSET_OUT_OF_RANGE per the policy, or throws with policy none', async () => {
    const topic = 'truncated';
    await admin.createTopics([{ name: topic, partitions: 1 }]);
    await producer().send(
      topic,
      Array.from({ length: 6 }, (_, i) => ({ value: `v${i}` })),
    );
    await admin.deleteRecords([{ topic, partition: 0, offset: 4 }]);
    const tp = { topic, partition: 0 };
    const resetting = consumer({ autoOffsetReset: 'earliest' });
    resetting.assign([tp]);
    resetting.seek(tp, 1);
    expect((await consumeN(resetting, 2)).map((r) => r.offset)).toEqual([4, 5]);

    const strict = consumer({ autoOffsetReset: 'none' });
    strict.assign([tp]);
    strict.seek(tp, 1);
    let caught: unknown;
    try {
      await strict.poll();
    } catch (err) {
      caught = err;
    }
    expect(isKafkaError(caught, 'OFFSET_OUT_OF_RANGE')).toBe(true);
    expect((caught as Error).message).toContain('truncated-0');
  });

  it('decodes lazily: a visitor reads fields without materialising records', async () => {
    const topic = 'lazy';
    await admin.createTopics([{ name: topic, partitions: 1 }]);
    await producer().send(
      topic,
      Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `value-${i}` })),
    );
    const c = consumer();
    c.assign([{ topic, partition: 0 }]);
    let bytes = 0;
    let seen = 0;
    while (seen < 50) {
      for (const part of await c.poll()) {
        seen += part.forEach((r) => {
          bytes += r.valueLength;
        });
      }
    }
    expect(bytes).toBe(Array.from({ length: 50 }, (_, i) => `value-${i}`.length).reduce((a, b) => a + b, 0));
  });

  it('retries UNKNOWN_TOPIC_OR_PARTITION until a topic created meanwhile appears', async () => {
    const proxy = await FaultProxy.start(broker.address);
    const p = new Producer({ bootstrap: proxy.bootstrap, autoCreateTopics: false });
    const sending = p.send('created-later', [{ key: 'k', value: 'v' }]);
    // A second Metadata request means the first was answered UNKNOWN_TOPIC_OR_PARTITION.
    while ((proxy.counts.get(ApiKey.Metadata) ?? 0) < 2) await new Promise((r) => setTimeout(r, 10));
    await admin.createTopics([{ name: 'created-later', partitions: 2 }]);
    const [r] = await sending;
    expect(r).toMatchObject({ topic: 'created-later', baseOffset: 0, count: 1 });
    expect(r!.partition).toBe(keyPartition(Buffer.from('k'), 2));
    await p.close();
    await proxy.close();
  });

  it('points a group id to GroupConsumer, and refuses use after close', async () => {
    const withGroup = { bootstrap: broker.bootstrap, groupId: 'g' } as ConsumerOptions;
    expect(() => new Consumer(withGroup)).toThrow('use GroupConsumer to consume as a group member');
    const p = new Producer({ bootstrap: broker.bootstrap });
    await p.close();
    let caught: unknown;
    try {
      await p.send('x', [{ value: 'v' }]);
    } catch (err) {
      caught = err;
    }
    expect(isRivuletError(caught, 'RIV_ERR_CLIENT_CLOSED')).toBe(true);
  });

  it('fails records the broker refuses, with the Kafka error', async () => {
    await admin.createTopics([
      { name: 'small-messages', partitions: 1, configs: { 'max.message.bytes': '1000' } },
    ]);
    const p = producer({ idempotent: false, acks: 1 });
    let caught: unknown;
    try {
      await p.send('small-messages', [{ value: 'z'.repeat(5000) }]);
    } catch (err) {
      caught = err;
    }
    expect(isKafkaError(caught, 'MESSAGE_TOO_LARGE')).toBe(true);
    expect((caught as Error).message).toMatch(/^Produce for small-messages-0: MESSAGE_TOO_LARGE/);
    // The producer keeps working for records that fit.
    expect((await p.send('small-messages', [{ value: 'ok' }]))[0]!.baseOffset).toBe(0);
  });
});
