import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, isKafkaError, Producer, type KafkaError } from '../../src/client/index.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';

async function kafkaRejection(p: Promise<unknown>): Promise<KafkaError> {
  try {
    await p;
  } catch (err) {
    if (isKafkaError(err)) return err;
    throw err;
  }
  throw new Error('expected a KafkaError');
}

describe('Admin against the broker', () => {
  let broker: TestBroker;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker();
    admin = new Admin({ bootstrap: broker.bootstrap });
  });
  afterAll(async () => {
    await admin.close();
    await broker.destroy();
  });

  it('creates topics with configs, lists and describes them', async () => {
    const [created] = await admin.createTopics([
      { name: 'orders', partitions: 4, configs: { 'retention.ms': '3600000', 'cleanup.policy': 'compact' } },
    ]);
    expect(created).toMatchObject({ name: 'orders', partitions: 4, replicationFactor: 1 });
    expect(created!.topicId).not.toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(await admin.listTopics()).toContain('orders');
    const [info] = await admin.describeTopics(['orders']);
    expect(info!.topicId).toBe(created!.topicId);
    expect(info!.partitions.map((p) => [p.partition, p.leader])).toEqual(
      [0, 1, 2, 3].map((p) => [p, broker.logs.nodeId]),
    );
    const [configs] = await admin.describeConfigs([{ type: 'topic', name: 'orders' }]);
    const overrides = configs!.entries.filter((e) => !e.isDefault).map((e) => [e.name, e.value, e.source]);
    expect(overrides).toEqual(
      expect.arrayContaining([
        ['retention.ms', '3600000', 'DYNAMIC_TOPIC_CONFIG'],
        ['cleanup.policy', 'compact', 'DYNAMIC_TOPIC_CONFIG'],
      ]),
    );
    expect(configs!.entries.find((e) => e.name === 'segment.bytes')?.source).toBe('DEFAULT_CONFIG');
  });

  it('validates without creating when validateOnly is set', async () => {
    const [checked] = await admin.createTopics([{ name: 'dry-run', partitions: 2 }], { validateOnly: true });
    expect(checked!.name).toBe('dry-run');
    expect(await admin.listTopics()).not.toContain('dry-run');
  });

  it('refuses an existing topic, an unknown config, a bad value and fewer partitions', async () => {
    await admin.createTopics([{ name: 'taken', partitions: 3 }]);
    const exists = await kafkaRejection(admin.createTopics([{ name: 'taken' }]));
    expect(exists.errorName).toBe('TOPIC_ALREADY_EXISTS');
    expect(exists.code).toBe('RIV_ERR_KAFKA');
    expect(exists.message).toMatch(/^CreateTopics for topic 'taken': TOPIC_ALREADY_EXISTS \(.+\)$/);

    const unknown = await kafkaRejection(
      admin.createTopics([{ name: 'x1', configs: { 'no.such.key': '1' } }]),
    );
    expect(unknown.errorName).toBe('INVALID_CONFIG');
    expect(unknown.message).toContain('no.such.key');

    const bad = await kafkaRejection(
      admin.createTopics([{ name: 'x2', configs: { 'retention.ms': 'soon' } }]),
    );
    expect(bad.errorName).toBe('INVALID_CONFIG');

    const fewer = await kafkaRejection(admin.createPartitions([{ topic: 'taken', count: 2 }]));
    expect(fewer.errorName).toBe('INVALID_PARTITIONS');
    expect(fewer.topic).toBe('taken');

    const missing = await kafkaRejection(admin.describeTopics(['never-created']));
    expect(missing.errorName).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('adds partitions and deletes topics', async () => {
    await admin.createTopics([{ name: 'grows', partitions: 1 }]);
    await admin.createPartitions([{ topic: 'grows', count: 3 }]);
    expect((await admin.describeTopics(['grows']))[0]!.partitions).toHaveLength(3);
    await admin.deleteTopics(['grows']);
    expect(await admin.listTopics()).not.toContain('grows');
    const gone = await kafkaRejection(admin.deleteTopics(['grows']));
    expect(gone.errorName).toBe('UNKNOWN_TOPIC_OR_PARTITION');
  });

  it('alters configs, incrementally and wholesale', async () => {
    await admin.createTopics([{ name: 'tuned', partitions: 1 }]);
    const topic = { type: 'topic', name: 'tuned' } as const;
    await admin.incrementalAlterConfigs(topic, [{ name: 'retention.ms', op: 'set', value: '1000' }]);
    const value = async (key: string): Promise<string | null | undefined> =>
      (await admin.describeConfigs([topic], [key]))[0]!.entries.find((e) => e.name === key)?.value;
    expect(await value('retention.ms')).toBe('1000');
    await admin.incrementalAlterConfigs(topic, [{ name: 'retention.ms', op: 'delete' }]);
    expect(await value('retention.ms')).toBe('604800000');
    await admin.alterConfigs(topic, { 'max.message.bytes': '2000' });
    expect(await value('max.message.bytes')).toBe('2000');
    await admin.incrementalAlterConfigs(topic, [{ name: 'retention.ms', op: 'set', value: '5' }], {
      validateOnly: true,
    });
    expect(await value('retention.ms')).toBe('604800000');
    const invalid = await kafkaRejection(
      admin.incrementalAlterConfigs(topic, [{ name: 'cleanup.policy', op: 'set', value: 'shred' }]),
    );
    expect(invalid.errorName).toBe('INVALID_CONFIG');
    expect(invalid.message).toContain("topic 'tuned'");
  });

  it('describes the broker configs and the cluster', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.clusterId).toBe(broker.clusterId);
    expect(cluster.brokers).toEqual([
      { nodeId: broker.logs.nodeId, host: '127.0.0.1', port: broker.address.port, rack: null },
    ]);
    const [cfg] = await admin.describeConfigs(
      [{ type: 'broker', name: String(broker.logs.nodeId) }],
      ['num.partitions'],
    );
    expect(cfg!.entries).toEqual([expect.objectContaining({ name: 'num.partitions', value: '1' })]);
  });

  it('lists offsets (earliest, latest, by timestamp, max timestamp) and deletes records', async () => {
    await admin.createTopics([{ name: 'timeline', partitions: 1 }]);
    const producer = new Producer({ bootstrap: broker.bootstrap });
    const base = 1_700_000_000_000;
    await producer.send(
      'timeline',
      [0, 1, 2, 3, 4].map((i) => ({ value: `v${i}`, timestamp: base + i * 1000 - (i === 2 ? 5000 : 0) })),
    );
    await producer.close();
    const q = (spec: 'earliest' | 'latest' | 'max-timestamp' | { timestamp: number }) =>
      admin.listOffsets([{ topic: 'timeline', partition: 0, spec }]).then(([a]) => a!);
    expect((await q('earliest')).offset).toBe(0);
    expect((await q('latest')).offset).toBe(5);
    expect(await q({ timestamp: base + 3000 })).toMatchObject({ offset: 3, timestamp: base + 3000 });
    expect((await q({ timestamp: base + 60_000 })).offset).toBe(-1);
    expect(await q('max-timestamp')).toMatchObject({ offset: 4, timestamp: base + 4000 });

    const [deleted] = await admin.deleteRecords([{ topic: 'timeline', partition: 0, offset: 3 }]);
    expect(deleted).toEqual({ topic: 'timeline', partition: 0, lowWatermark: 3 });
    expect(await admin.partitionOffsets('timeline')).toEqual([
      { partition: 0, leader: broker.logs.nodeId, start: 3, end: 5 },
    ]);
    const beyond = await kafkaRejection(
      admin.deleteRecords([{ topic: 'timeline', partition: 0, offset: 99 }]),
    );
    expect(beyond.errorName).toBe('OFFSET_OUT_OF_RANGE');
  });
});
