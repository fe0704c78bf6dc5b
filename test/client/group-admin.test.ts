import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, GroupConsumer, isKafkaError, Producer } from '../../src/client/index.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { fastGroupTimers, startMember, until } from './support/group-members.js';

/** Consumer-group administration (list, describe, delete, committed offsets, lag) over TCP. */
describe('group administration against the broker', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startTestBroker();
    admin = new Admin({ bootstrap: broker.bootstrap });
    producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 0 });
    await admin.createTopics([{ name: 'lag-topic', partitions: 3 }]);
    for (let p = 0; p < 3; p++) {
      await producer.send(
        'lag-topic',
        Array.from({ length: 10 * (p + 1) }, (_, i) => ({ value: `${p}-${i}`, partition: p })),
      );
    }
  });
  afterAll(async () => {
    await producer.close();
    await admin.close();
    await broker.destroy();
  });

  /** Commits `offsets` (partition → offset) for `group` as a one-off member, then leaves. */
  const commitAs = async (group: string, offsets: Record<number, number>): Promise<void> => {
    const c = new GroupConsumer({
      ...fastGroupTimers,
      bootstrap: broker.bootstrap,
      groupId: group,
      topics: ['lag-topic'],
      autoCommit: false,
    });
    while (c.assignment().length < 3) await c.poll();
    await c.commit(
      Object.entries(offsets).map(([p, offset]) => ({ topic: 'lag-topic', partition: Number(p), offset })),
    );
    await c.close();
  };

  it('computes lag client-side, agreeing with the broker’s own figures', async () => {
    await commitAs('lagging', { 0: 10, 1: 5, 2: 0 });
    const lag = await admin.groupLag('lagging');
    expect(lag).toMatchObject({ groupId: 'lagging', state: 'Empty', protocolType: 'consumer', members: [] });
    expect(lag.partitions.map((p) => [p.partition, p.committedOffset, p.endOffset, p.lag])).toEqual([
      [0, 10, 10, 0],
      [1, 5, 20, 15],
      [2, 0, 30, 30],
    ]);
    expect(lag.totalLag).toBe(45);
    const theirs = broker.groups.lag('lagging')!;
    expect(theirs.partitions.map((p) => [p.partition, p.committedOffset, p.logEndOffset, p.lag])).toEqual(
      lag.partitions.map((p) => [p.partition, p.committedOffset, p.endOffset, p.lag]),
    );
    expect(theirs.totalLag).toBe(lag.totalLag);
    expect(await admin.listGroupOffsets('lagging')).toEqual(
      [10, 5, 0].map((offset, partition) => ({
        topic: 'lag-topic',
        partition,
        offset,
        metadata: '',
        leaderEpoch: -1,
      })),
    );
  });

  it('describes a live group: members with client id, host and assignment; owners in the lag report', async () => {
    const m = startMember({
      bootstrap: broker.bootstrap,
      clientId: 'describer',
      groupId: 'live',
      topics: ['lag-topic'],
      autoCommit: false,
    });
    await until(() => m.assigned().length === 3, 'the member to own the topic');
    const [d] = await admin.describeGroups(['live']);
    expect(d).toMatchObject({
      groupId: 'live',
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'range',
    });
    expect(`${d!.coordinator.host}:${d!.coordinator.port}`).toBe(broker.bootstrap);
    expect(d!.members).toHaveLength(1);
    const member = d!.members[0]!;
    expect(member).toMatchObject({
      memberId: m.consumer.groupMetadata().memberId,
      groupInstanceId: null,
      clientId: 'describer',
      clientHost: '/127.0.0.1',
      subscription: ['lag-topic'],
    });
    expect(member.assignment.map((tp) => tp.partition)).toEqual([0, 1, 2]);
    // Nothing committed yet: the assigned partitions are listed with unknown lag.
    const lag = await admin.groupLag('live');
    expect(
      lag.partitions.map((p) => [p.partition, p.committedOffset, p.endOffset, p.lag, p.owner?.clientId]),
    ).toEqual([
      [0, null, 10, null, 'describer'],
      [1, null, 20, null, 'describer'],
      [2, null, 30, null, 'describer'],
    ]);

    const listed = await admin.listGroups();
    expect(listed.find((g) => g.groupId === 'live')).toEqual({
      groupId: 'live',
      protocolType: 'consumer',
      state: 'Stable',
    });
    expect((await admin.listGroups({ states: ['Stable'] })).map((g) => g.groupId)).toEqual(['live']);
    expect((await admin.listGroups({ states: ['Empty'] })).map((g) => g.groupId)).toContain('lagging');

    // A group with members cannot be deleted.
    let caught: unknown;
    try {
      await admin.deleteGroups(['live']);
    } catch (err) {
      caught = err;
    }
    expect(isKafkaError(caught, 'NON_EMPTY_GROUP')).toBe(true);
    expect((caught as Error).message).toBe(
      "DeleteGroups for group 'live': NON_EMPTY_GROUP (The group is not empty.)",
    );
    await m.stop();
    expect((await admin.describeGroups(['live']))[0]!.state).toBe('Empty');
    await admin.deleteGroups(['live']);
    expect((await admin.describeGroups(['live']))[0]).toMatchObject({ state: 'Dead', members: [] });
  });

  it('answers for unknown groups as Kafka does: Dead when described, GROUP_ID_NOT_FOUND when deleted', async () => {
    const [d] = await admin.describeGroups(['no-such-group']);
    expect(d).toMatchObject({ groupId: 'no-such-group', state: 'Dead', members: [], protocol: '' });
    expect(await admin.listGroupOffsets('no-such-group')).toEqual([]);
    await expect(admin.deleteGroups(['no-such-group'])).rejects.toThrow(
      "DeleteGroups for group 'no-such-group': GROUP_ID_NOT_FOUND",
    );
  });
});
