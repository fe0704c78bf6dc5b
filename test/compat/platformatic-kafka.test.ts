import {
  Admin,
  ConfigResourceTypes,
  IncrementalAlterConfigOperationTypes,
  Producer,
  ProduceAcks,
  stringSerializers,
} from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { readAll } from '../support/read-log.js';

/**
 * @platformatic/kafka 1.x (modern, flexible protocol versions) over TCP: admin calls and an
 * idempotent producer. Its consumer needs a group and is covered by the group suites; records
 * are read back through the broker's storage here.
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
});
