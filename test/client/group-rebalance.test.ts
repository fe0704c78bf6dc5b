import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Admin,
  BrokerConnection,
  GroupConsumer,
  isKafkaError,
  MemberState,
  Producer,
  type TopicPartition,
} from '../../src/client/index.js';
import { LeaveGroup } from '../../src/protocol/messages/leave-group.js';
import { isRivuletError } from '../../src/shared/errors.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { fastGroupTimers, startMember, until, type RunningMember } from './support/group-members.js';

/** Rebalance paths of the group consumer: static members, manual commits, lost generations, new partitions. */
describe('group consumer rebalances', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;
  const running: RunningMember[] = [];

  beforeAll(async () => {
    broker = await startTestBroker({ config: { 'group.min.session.timeout.ms': '1000' } });
    admin = new Admin({ bootstrap: broker.bootstrap });
    producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 0 });
  });
  afterAll(async () => {
    await Promise.all(running.map((m) => m.stop()));
    await producer.close();
    await admin.close();
    await broker.destroy();
  });

  const member = (
    groupId: string,
    topics: string[],
    extra: Partial<Parameters<typeof startMember>[0]> = {},
  ) => {
    const m = startMember({ bootstrap: broker.bootstrap, groupId, topics, ...extra });
    running.push(m);
    return m;
  };
  const stop = async (m: RunningMember): Promise<void> => {
    running.splice(running.indexOf(m), 1);
    await m.stop();
  };
  const topic = async (name: string, partitions: number): Promise<string> => {
    await admin.createTopics([{ name, partitions }]);
    return name;
  };
  const members = (group: string): number => broker.groups.describeGroup(group).members.length;
  const stable = (group: string): boolean => broker.groups.describeGroup(group).state === 'Stable';

  it('a static member restarting within its session gets its partitions back without a rebalance', async () => {
    const t = await topic('static-topic', 4);
    const dynamic = member('static-group', [t]);
    const first = member('static-group', [t], { groupInstanceId: 'instance-1' });
    await until(
      () => dynamic.assigned().length === 2 && first.assigned().length === 2,
      'two members, two each',
    );
    const generation = broker.groups.group('static-group')!.generationId;
    const rebalancesSeen = dynamic.assignments();
    const owned = first.assigned();

    await stop(first); // a static member does not leave: its place waits for it
    expect(members('static-group')).toBe(2);
    const second = member('static-group', [t], { groupInstanceId: 'instance-1' });
    await until(() => second.assigned().length === 2, 'the restarted instance to be assigned');
    expect(second.assigned()).toEqual(owned);
    expect(broker.groups.group('static-group')!.generationId).toBe(generation);
    expect(dynamic.assignments()).toBe(rebalancesSeen);
    expect(second.consumer.groupMetadata()).toMatchObject({
      groupInstanceId: 'instance-1',
      generationId: generation,
    });
  });

  it('a second instance with the same group.instance.id fences the first: its poll fails with FENCED_INSTANCE_ID', async () => {
    const t = await topic('fence-topic', 2);
    const older = member('fence-group', [t], { groupInstanceId: 'same' });
    await until(() => older.assigned().length === 2, 'the first instance to join');
    const newer = member('fence-group', [t], { groupInstanceId: 'same' });
    await until(() => newer.assigned().length === 2, 'the second instance to take over');
    await until(() => older.error() !== null, 'the first instance to be fenced');
    expect(isKafkaError(older.error(), 'FENCED_INSTANCE_ID')).toBe(true);
    await stop(older);
  });

  it('manual commits: onRevoked commits what was processed, and the next owner resumes there', async () => {
    const t = await topic('manual-topic', 2);
    await producer.send(
      t,
      [0, 1].flatMap((p) => Array.from({ length: 5 }, (_, i) => ({ value: `${p}-${i}`, partition: p }))),
    );
    const revoked: TopicPartition[][] = [];
    const consumer = new GroupConsumer({
      ...fastGroupTimers,
      bootstrap: broker.bootstrap,
      groupId: 'manual-group',
      topics: [t],
      autoCommit: false,
      onRevoked: async (tps) => {
        revoked.push(tps);
        await consumer.commit(); // positions: everything polled so far
      },
    });
    let read = 0;
    while (read < 10) for (const part of await consumer.poll()) read += part.toArray().length;
    // Nothing committed yet: auto-commit is off.
    expect((await admin.listGroupOffsets('manual-group')).map((o) => o.offset)).toEqual([]);
    await consumer.commit([{ topic: t, partition: 0, offset: 3, metadata: 'checkpoint 7' }]);
    expect(await admin.listGroupOffsets('manual-group')).toMatchObject([
      { partition: 0, offset: 3, metadata: 'checkpoint 7' },
    ]);

    // A new subscription rebalances: onRevoked runs, and its commit (still in the generation) lands.
    const other = await topic('manual-other', 1);
    consumer.subscribe([t, other]);
    while (consumer.assignment().length < 3) await consumer.poll();
    expect(revoked).toEqual([
      [
        { topic: t, partition: 0 },
        { topic: t, partition: 1 },
      ],
    ]);
    expect(
      (await admin.listGroupOffsets('manual-group')).map((o) => [o.topic, o.partition, o.offset]),
    ).toEqual([
      [t, 0, 5],
      [t, 1, 5],
    ]);
    expect(consumer.position({ topic: t, partition: 0 })).toBe(5);
    await consumer.close();
  });

  it('a member removed by the coordinator (UNKNOWN_MEMBER_ID) reports its partitions lost and rejoins afresh', async () => {
    const t = await topic('lost-topic', 2);
    const lost: TopicPartition[][] = [];
    const m = member('lost-group', [t], { onLost: (tps) => void lost.push(tps) });
    await until(() => m.assigned().length === 2, 'the member to join');
    const before = m.consumer.groupMetadata().memberId;
    // Remove it behind its back, as an admin's LeaveGroup would.
    const conn = new BrokerConnection({ host: '127.0.0.1', port: Number(broker.bootstrap.split(':')[1]) });
    await conn.connect();
    const res = await conn.send(
      LeaveGroup,
      conn.version(LeaveGroup),
      LeaveGroup.createRequest({
        groupId: 'lost-group',
        members: [{ memberId: before, groupInstanceId: null, reason: 'test' }],
      }),
    );
    await conn.close();
    expect(res.members[0]?.errorCode).toBe(0);
    await until(
      () => lost.length === 1 && m.assignments() === 2,
      'the member to lose its partitions and rejoin',
    );
    expect(lost[0]!.map((tp) => tp.partition)).toEqual([0, 1]);
    expect(m.revocations).toEqual([]); // lost, not revoked: no commit was attempted for them
    expect(m.consumer.groupMetadata().memberId).not.toBe(before);
    expect(m.assigned()).toEqual([0, 1]);
  });

  it('a member that stops polling leaves after rebalanceTimeoutMs; when it polls again it rejoins', async () => {
    const t = await topic('slow-topic', 2);
    const lost: TopicPartition[][] = [];
    const busy = member('slow-group', [t]);
    const slow = member('slow-group', [t], {
      rebalanceTimeoutMs: 1500,
      onLost: (tps) => void lost.push(tps),
    });
    await until(() => busy.assigned().length === 1 && slow.assigned().length === 1, 'one partition each');
    await slow.pausePolling();
    await until(() => members('slow-group') === 1 && stable('slow-group'), 'the slow member to leave');
    await until(() => busy.assigned().length === 2, 'the busy member to take both partitions');
    expect(slow.consumer.member.state).toBe(MemberState.Unjoined);
    slow.resumePolling();
    await until(() => slow.assigned().length === 1 && busy.assigned().length === 1, 'the slow member back');
    expect(lost).toHaveLength(1);
  });

  it('the leader notices new partitions (metadataMaxAgeMs) and the group rebalances onto them', async () => {
    const t = await topic('growing', 2);
    const m = member('growing-group', [t], { metadataMaxAgeMs: 100 });
    await until(() => m.assigned().length === 2, 'two partitions');
    await admin.createPartitions([{ topic: t, count: 3 }]);
    await until(() => m.assigned().length === 3, 'the new partition to be assigned');
    await producer.send(t, [{ value: 'in the new partition', partition: 2 }]);
    await until(() => m.records.some((r) => r.partition === 2), 'a record from the new partition');
  });

  it('close() during a join that waits for a slow member returns, and the member leaves', async () => {
    const t = await topic('waiting-topic', 2);
    const paused = member('waiting-group', [t], { rebalanceTimeoutMs: 60_000 });
    await until(() => paused.assigned().length === 2, 'the first member');
    await paused.pausePolling(); // it heartbeats but will not rejoin
    const joiner = new GroupConsumer({
      ...fastGroupTimers,
      bootstrap: broker.bootstrap,
      groupId: 'waiting-group',
      topics: [t],
    });
    const polled = joiner.poll().catch((err: unknown) => err);
    await until(() => members('waiting-group') === 2, 'the joiner to wait in JoinGroup');
    expect(joiner.member.state).toBe(MemberState.Joining);
    await joiner.close();
    expect(isRivuletError(await polled, 'RIV_ERR_CLIENT_CLOSED')).toBe(true);
    await until(() => members('waiting-group') === 1, 'the joiner to leave');
    paused.resumePolling();
    await until(() => stable('waiting-group'), 'the group to settle with the first member');
  });
});
