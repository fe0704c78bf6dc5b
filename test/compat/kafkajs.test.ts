import { Kafka, logLevel, CompressionTypes, ConfigResourceTypes, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { readAll } from '../support/read-log.js';

/**
 * kafkajs 2.2.4 (old, non-flexible protocol versions) over TCP: admin calls, an idempotent
 * producer, and a consume-through-group round trip (kafkajs cannot consume without a group;
 * rebalances are covered by kafkajs-group.test.ts).
 */
describe('kafkajs compatibility', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = new Kafka({
      clientId: 'kafkajs-compat',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
    });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await broker.destroy();
  });

  it('creates, describes, alters, grows and deletes topics', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'js-admin', numPartitions: 2 }] })).toBe(true);
    expect(await admin.listTopics()).toContain('js-admin');
    const md = await admin.fetchTopicMetadata({ topics: ['js-admin'] });
    expect(md.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1]);

    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'js-admin',
          configEntries: [{ name: 'retention.ms', value: '1234567' }],
        },
      ],
    });
    const described = (await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'js-admin', configNames: ['retention.ms'] }],
    })) as { resources: { configEntries: { configName: string; configValue: string }[] }[] };
    expect(described.resources[0]!.configEntries).toEqual([
      expect.objectContaining({ configName: 'retention.ms', configValue: '1234567' }),
    ]);

    await admin.createPartitions({ topicPartitions: [{ topic: 'js-admin', count: 5 }] });
    const grown = await admin.fetchTopicMetadata({ topics: ['js-admin'] });
    expect(grown.topics[0]!.partitions).toHaveLength(5);
    await expect(
      admin.createPartitions({ topicPartitions: [{ topic: 'js-admin', count: 3 }] }),
    ).rejects.toThrow();

    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toEqual([
      { nodeId: broker.logs.nodeId, host: '127.0.0.1', port: broker.address.port },
    ]);

    await admin.deleteTopics({ topics: ['js-admin'] });
    expect(await admin.listTopics()).not.toContain('js-admin');
  });

  it('produces idempotently with every codec it ships, and finds offsets', async () => {
    await admin.createTopics({ topics: [{ topic: 'js-produce', numPartitions: 1 }] });
    const sent: string[] = [];
    for (const [round, compression] of [CompressionTypes.None, CompressionTypes.GZIP].entries()) {
      const messages = Array.from({ length: 100 }, (_, i) => ({
        key: `k${round}-${i}`,
        value: `v${round}-${i}`,
        headers: { round: String(round) },
      }));
      await producer.send({ topic: 'js-produce', compression, acks: -1, messages });
      sent.push(...messages.map((m) => m.value));
    }
    const records = await readAll(broker, 'js-produce', 0);
    expect(records.map((r) => r.value?.toString())).toEqual(sent);
    expect(records[0]!.headers).toEqual([{ key: 'round', value: Buffer.from('0') }]);

    const offsets = await admin.fetchTopicOffsets('js-produce');
    expect(offsets).toEqual([
      expect.objectContaining({ partition: 0, low: '0', high: '200', offset: '200' }),
    ]);
    const byTime = await admin.fetchTopicOffsetsByTimestamp('js-produce', 0);
    expect(byTime).toEqual([{ partition: 0, offset: '0' }]);

    await admin.deleteTopicRecords({ topic: 'js-produce', partitions: [{ partition: 0, offset: '150' }] });
    const after = await admin.fetchTopicOffsets('js-produce');
    expect(after[0]).toMatchObject({ low: '150', high: '200' });
  });

  it('consumes through a group what it produced, and commits its offsets', async () => {
    await admin.createTopics({ topics: [{ topic: 'js-round-trip', numPartitions: 2 }] });
    const messages = Array.from({ length: 50 }, (_, i) => ({
      key: `k${i}`,
      value: `v${i}`,
      partition: i % 2,
      headers: { n: String(i) },
    }));
    await producer.send({ topic: 'js-round-trip', acks: -1, messages });
    const consumer = kafka.consumer({ groupId: 'js-round-trip-group', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'js-round-trip', fromBeginning: true });
    const got: { partition: number; offset: string; key: string; value: string; n: string }[] = [];
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        got.push({
          partition,
          offset: message.offset,
          key: message.key!.toString(),
          value: message.value!.toString(),
          n: String(message.headers!.n),
        });
        await Promise.resolve();
      },
    });
    while (got.length < 50) await new Promise((r) => setTimeout(r, 20));
    await consumer.disconnect();
    const byPartition = (p: number) => got.filter((m) => m.partition === p);
    for (const p of [0, 1]) {
      expect(byPartition(p).map((m) => m.key)).toEqual(
        messages.filter((m) => m.partition === p).map((m) => m.key),
      );
      expect(byPartition(p).map((m) => m.offset)).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    }
    expect(got.every((m) => m.value === `v${m.key.slice(1)}` && m.n === m.key.slice(1))).toBe(true);
    const committed = await admin.fetchOffsets({ groupId: 'js-round-trip-group', topics: ['js-round-trip'] });
    expect(committed[0]!.partitions.map((p) => p.offset).sort()).toEqual(['25', '25']);
  });
});
