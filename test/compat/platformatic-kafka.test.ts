import {
  Admin,
  ConfigResourceTypes,
  Consumer,
  MessagesStreamModes,
  stringDeserializers,
  IncrementalAlterConfigOperationTypes,
  Producer,
  ProduceAcks,
  stringSerializers,
} from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { readAll } from '../support/read-log.js';

/**
 * @platformatic/kafka 1.x (modern, flexible protocol versions) over TCP: admin calls, an
 * idempotent producer, and a consume-through-group round trip (its consumer needs a group;
 * rebalances are covered by platformatic-kafka-group.test.ts).
 */
describe('@platformatic/kafka compatibility', () => {
  let broker: TestBroker;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker();
    admin = new Admin({ clientId: 'platformatic-compat', bootstrapBrokers: [broker.bootstrap] });
  });
  afterAll(async () => {
    await admin.close();
    await broker.destroy();
  });

  it('creates, describes, alters and deletes topics', async () => {
    const created = await admin.createTopics({ topics: ['pk-admin'], partitions: 3, replicas: 1 });
    expect(created).toEqual([expect.objectContaining({ name: 'pk-admin', partitions: 3, replicas: 1 })]);
    expect(await admin.listTopics()).toContain('pk-admin');
    const md = await admin.metadata({ topics: ['pk-admin'] });
    expect(md.topics.get('pk-admin')?.partitionsCount).toBe(3);

    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: 'pk-admin',
          configs: [
            {
              name: 'cleanup.policy',
              configOperation: IncrementalAlterConfigOperationTypes.APPEND,
              value: 'compact',
            },
            { name: 'segment.ms', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '60000' },
          ],
        },
      ],
    });
    const [described] = await admin.describeConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: 'pk-admin',
          configurationKeys: ['cleanup.policy', 'segment.ms'],
        },
      ],
    });
    const values = Object.fromEntries(described!.configs.map((c) => [c.name, c.value]));
    expect(values).toEqual({ 'cleanup.policy': 'delete,compact', 'segment.ms': '60000' });

    await admin.createPartitions({ topics: [{ name: 'pk-admin', count: 4 }] });
    expect(
      (await admin.metadata({ topics: ['pk-admin'], forceUpdate: true })).topics.get('pk-admin')
        ?.partitionsCount,
    ).toBe(4);

    await admin.deleteTopics({ topics: ['pk-admin'] });
    expect(await admin.listTopics()).not.toContain('pk-admin');
  });

  it('produces idempotently and lists and deletes offsets', async () => {
    await admin.createTopics({ topics: ['pk-produce'], partitions: 1, replicas: 1 });
    const producer = new Producer({
      clientId: 'platformatic-producer',
      bootstrapBrokers: [broker.bootstrap],
      serializers: stringSerializers,
      idempotent: true,
      acks: ProduceAcks.ALL,
    });
    try {
      for (let round = 0; round < 3; round++) {
        await producer.send({
          messages: Array.from({ length: 50 }, (_, i) => ({
            topic: 'pk-produce',
            partition: 0,
            key: `k${round}-${i}`,
            value: `v${round}-${i}`,
            headers: { round: String(round) },
          })),
        });
      }
    } finally {
      await producer.close();
    }
    const records = await readAll(broker, 'pk-produce', 0);
    expect(records).toHaveLength(150);
    expect(records[149]!.key?.toString()).toBe('k2-49');
    expect(records[149]!.value?.toString()).toBe('v2-49');

    const listed = await admin.listOffsets({
      topics: [{ name: 'pk-produce', partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
    });
    expect(listed[0]!.partitions[0]!.offset).toBe(150n);
    const deleted = await admin.deleteRecords({
      topics: [{ name: 'pk-produce', partitions: [{ partition: 0, offset: 100n }] }],
    });
    expect(deleted[0]!.partitions[0]!.lowWatermark).toBe(100n);
  });

  it('consumes through a group what it produced, and commits its offsets', async () => {
    await admin.createTopics({ topics: ['pk-round-trip'], partitions: 2, replicas: 1 });
    const producer = new Producer({
      clientId: 'platformatic-rt-producer',
      bootstrapBrokers: [broker.bootstrap],
      serializers: stringSerializers,
      acks: ProduceAcks.ALL,
    });
    const sent = Array.from({ length: 40 }, (_, i) => ({
      topic: 'pk-round-trip',
      partition: i % 2,
      key: `k${i}`,
      value: `v${i}`,
      headers: { n: String(i) },
    }));
    try {
      await producer.send({ messages: sent });
    } finally {
      await producer.close();
    }
    const consumer = new Consumer({
      clientId: 'platformatic-rt-consumer',
      groupId: 'pk-round-trip-group',
      bootstrapBrokers: [broker.bootstrap],
      deserializers: stringDeserializers,
      maxWaitTime: 100,
    });
    const got: { partition: number; offset: bigint; key: string; value: string; n: string | undefined }[] =
      [];
    try {
      const stream = await consumer.consume({
        topics: ['pk-round-trip'],
        mode: MessagesStreamModes.EARLIEST,
        autocommit: false,
      });
      for await (const m of stream) {
        got.push({
          partition: m.partition,
          offset: m.offset,
          key: m.key,
          value: m.value,
          n: m.headers.get('n'),
        });
        await m.commit();
        if (got.length === sent.length) break;
      }
      await stream.close();
    } finally {
      await consumer.close();
    }
    for (const p of [0, 1]) {
      const mine = got.filter((m) => m.partition === p);
      expect(mine.map((m) => m.key)).toEqual(sent.filter((s) => s.partition === p).map((s) => s.key));
      expect(mine.map((m) => m.offset)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)));
    }
    expect(got.every((m) => m.value === `v${m.key.slice(1)}` && m.n === m.key.slice(1))).toBe(true);
    const [committed] = await admin.listConsumerGroupOffsets({ groups: ['pk-round-trip-group'] });
    expect(committed!.topics[0]!.partitions.map((p) => p.committedOffset)).toEqual([20n, 20n]);
  });
});
