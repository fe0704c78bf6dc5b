import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Admin,
  Consumer,
  GroupConsumer,
  Producer,
  type ClientOptions,
  type ConsumerRecord,
} from '../../src/client/index.js';
import { isRivuletError } from '../../src/shared/errors.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { startMember, until } from './support/group-members.js';

/**
 * The client capped at older protocol versions, as it would run against an older Kafka: the
 * oldest versions it supports (the first record-batch versions of Produce and Fetch, no topic ids,
 * non-flexible admin APIs) and the last versions before flexible encodings.
 */
const capSets: Record<string, Record<string, number>> = {
  oldest: {
    Produce: 3,
    Fetch: 4,
    Metadata: 1,
    ListOffsets: 1,
    CreateTopics: 0,
    DeleteTopics: 0,
    CreatePartitions: 0,
    DescribeConfigs: 0,
    AlterConfigs: 0,
    IncrementalAlterConfigs: 0,
    DeleteRecords: 0,
    DescribeCluster: 0,
    InitProducerId: 0,
    FindCoordinator: 0,
    JoinGroup: 0,
    SyncGroup: 0,
    Heartbeat: 0,
    LeaveGroup: 0,
    OffsetCommit: 2,
    OffsetFetch: 1,
    ListGroups: 0,
    DescribeGroups: 0,
    DeleteGroups: 0,
  },
  'last non-flexible': {
    Produce: 8,
    Fetch: 11,
    Metadata: 8,
    ListOffsets: 5,
    CreateTopics: 4,
    DeleteTopics: 3,
    CreatePartitions: 1,
    DescribeConfigs: 3,
    AlterConfigs: 1,
    IncrementalAlterConfigs: 0,
    DeleteRecords: 1,
    InitProducerId: 1,
    FindCoordinator: 2,
    JoinGroup: 5,
    SyncGroup: 3,
    Heartbeat: 3,
    LeaveGroup: 3,
    OffsetCommit: 7,
    OffsetFetch: 5,
    ListGroups: 2,
    DescribeGroups: 4,
    DeleteGroups: 1,
  },
};

describe.each(Object.entries(capSets))('the client at %s protocol versions', (label, maxVersions) => {
  let broker: TestBroker;
  let opts: ClientOptions;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker();
    opts = { bootstrap: broker.bootstrap, maxVersions };
    admin = new Admin(opts);
  });
  afterAll(async () => {
    await admin.close();
    await broker.destroy();
  });

  it('administers topics', async () => {
    await admin.createTopics([{ name: 'old', partitions: 2, configs: { 'retention.ms': '60000' } }]);
    expect(await admin.listTopics()).toContain('old');
    const [info] = await admin.describeTopics(['old']);
    expect(info!.partitions).toHaveLength(2);
    const [cfg] = await admin.describeConfigs([{ type: 'topic', name: 'old' }]);
    expect(cfg!.entries.find((e) => e.name === 'retention.ms')).toMatchObject({
      value: '60000',
      isDefault: false,
    });
    expect(cfg!.entries.find((e) => e.name === 'segment.ms')?.isDefault).toBe(true);
    await admin.createPartitions([{ topic: 'old', count: 3 }]);
    await admin.alterConfigs({ type: 'topic', name: 'old' }, { 'retention.ms': '120000' });
    await admin.incrementalAlterConfigs({ type: 'topic', name: 'old' }, [
      { name: 'cleanup.policy', op: 'set', value: 'compact' },
    ]);
    const [after] = await admin.describeConfigs(
      [{ type: 'topic', name: 'old' }],
      ['retention.ms', 'cleanup.policy'],
    );
    expect(Object.fromEntries(after!.entries.map((e) => [e.name, e.value]))).toEqual({
      'retention.ms': '120000',
      'cleanup.policy': 'compact',
    });
    expect((await admin.describeCluster()).brokers).toHaveLength(1);
    await admin.createTopics([{ name: 'old-doomed' }]);
    await admin.deleteTopics(['old-doomed']);
    expect(await admin.listTopics()).not.toContain('old-doomed');
  });

  it('produces idempotently and consumes, with headers and gzip', async () => {
    const producer = new Producer({ ...opts, compression: 'gzip' });
    const base = 1_650_000_000_000;
    const records = Array.from({ length: 50 }, (_, i) => ({
      key: `k${i}`,
      value: `${label} ${i}`,
      partition: 0,
      timestamp: base + i,
      headers: { n: String(i) },
    }));
    await admin.createTopics([{ name: 'old-data', partitions: 2 }]);
    await producer.send('old-data', records);
    await producer.close();
    const consumer = new Consumer({ ...opts, autoOffsetReset: 'earliest', maxWaitMs: 50 });
    consumer.assign([{ topic: 'old-data', partition: 0 }]);
    const got: ConsumerRecord[] = [];
    while (got.length < 50) for (const p of await consumer.poll()) got.push(...p);
    await consumer.close();
    expect(
      got.map((r) => [r.offset, r.key?.toString(), r.value?.toString(), r.headers[0]?.value?.toString()]),
    ).toEqual(records.map((r, i) => [i, r.key, r.value, String(i)]));
    // By timestamp on uncompressed records: our storage answers a compressed batch with its
    // first offset (src/storage/timestamp-lookup.ts), where Kafka would find the record.
    const plain = new Producer(opts);
    await plain.send(
      'old-data',
      records.map((r) => ({ ...r, partition: 1 })),
    );
    await plain.close();
    const [byTime] = await admin.listOffsets([
      { topic: 'old-data', partition: 1, spec: { timestamp: base + 20 } },
    ]);
    expect(byTime).toMatchObject({ offset: 20, timestamp: base + 20 });
    const [deleted] = await admin.deleteRecords([{ topic: 'old-data', partition: 0, offset: 10 }]);
    expect(deleted!.lowWatermark).toBe(10);
  });

  it('consumes as a group: two members share a topic and commit; the admin sees the group', async () => {
    const topic = 'old-group-data';
    const group = `old-group-${label.replace(/ /g, '-')}`;
    await admin.createTopics([{ name: topic, partitions: 4 }]);
    const producer = new Producer(opts);
    for (let p = 0; p < 4; p++) {
      await producer.send(
        topic,
        Array.from({ length: 10 }, (_, i) => ({ value: `${p}-${i}`, partition: p })),
      );
    }
    await producer.close();
    const members = [0, 1].map(() => startMember({ ...opts, groupId: group, topics: [topic] }));
    await until(
      () => members.every((m) => m.assigned().length === 2),
      'two members with two partitions each',
    );
    await until(
      () => new Set(members.flatMap((m) => m.records.map((r) => r.value))).size === 40,
      'all 40 records',
    );
    const [described] = await admin.describeGroups([group]);
    expect(described).toMatchObject({
      groupId: group,
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'range',
    });
    expect(described!.members.flatMap((m) => m.assignment.map((tp) => tp.partition)).sort()).toEqual([
      0, 1, 2, 3,
    ]);
    expect((await admin.listGroups()).map((g) => g.groupId)).toContain(group);
    await Promise.all(members.map((m) => m.stop()));
    expect(members.map((m) => m.error())).toEqual([null, null]);
    const committed = await admin.listGroupOffsets(
      group,
      [0, 1, 2, 3].map((partition) => ({ topic, partition })),
    );
    expect(committed.map((c) => c.offset)).toEqual([10, 10, 10, 10]);
    await admin.deleteGroups([group]);
    expect((await admin.describeGroups([group]))[0]!.state).toBe('Dead');
  });
});

describe('the client at the oldest versions, asked for newer features', () => {
  let broker: TestBroker;
  let opts: ClientOptions;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker();
    opts = { bootstrap: broker.bootstrap, maxVersions: capSets.oldest! };
    admin = new Admin(opts);
  });
  afterAll(async () => {
    await admin.close();
    await broker.destroy();
  });

  it('says which feature needs a newer version', async () => {
    const zstd = new Producer({ ...opts, compression: 'zstd' });
    let caught: unknown;
    try {
      await zstd.send('old-zstd', [{ value: 'v' }]);
    } catch (err) {
      caught = err;
    }
    await zstd.close();
    expect(isRivuletError(caught, 'RIV_ERR_UNSUPPORTED_VERSION')).toBe(true);
    expect((caught as Error).message).toContain('zstd compression needs v7');
    await expect(
      admin.listOffsets([{ topic: 'old-max', partition: 0, spec: 'max-timestamp' }]),
    ).rejects.toThrow('the max-timestamp lookup needs v7');
    await expect(admin.createTopics([{ name: 'x' }], { validateOnly: true })).rejects.toThrow(
      'CreateTopics validateOnly needs v1',
    );
    await expect(admin.groupLag('any-group')).rejects.toThrow('fetching every committed offset needs v2');
    const staticMember = new GroupConsumer({
      ...opts,
      groupId: 'g',
      groupInstanceId: 'i-1',
      topics: ['old-static'],
    });
    await expect(staticMember.poll()).rejects.toThrow('static membership (groupInstanceId) needs v5');
    await staticMember.close();
  });
});
