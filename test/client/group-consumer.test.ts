import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Admin,
  decodeAssignment,
  Producer,
  rangeAssignor,
  roundRobinAssignor,
  type MemberSubscription,
  type PartitionAssignor,
} from '../../src/client/index.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import {
  startChildMember,
  startMember,
  until,
  type ChildMember,
  type RunningMember,
} from './support/group-members.js';

/**
 * Our GroupConsumer against our broker over TCP: members joining, leaving and crashing while
 * records flow, and what the group committed afterwards. Every wait is for a state (the group's
 * membership as the broker sees it, records arriving), never for a length of time.
 */
describe('group consumer against the broker', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;
  const running: RunningMember[] = [];
  const children: ChildMember[] = [];

  beforeAll(async () => {
    // Short sessions are allowed so that a crashed member expires within a few seconds.
    broker = await startTestBroker({ config: { 'group.min.session.timeout.ms': '1000' } });
    admin = new Admin({ bootstrap: broker.bootstrap });
    producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 0 });
  });
  afterAll(async () => {
    for (const c of children) c.child.kill('SIGKILL');
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

  /** Produces `perPartition` records to each partition; values are `${tag}-${partition}-${i}`. */
  const produce = async (
    topic: string,
    partitions: number,
    perPartition: number,
    tag: string,
  ): Promise<string[]> => {
    const values: string[] = [];
    for (let p = 0; p < partitions; p++) {
      const batch = Array.from({ length: perPartition }, (_, i) => ({
        value: `${tag}-${p}-${i}`,
        partition: p,
      }));
      values.push(...batch.map((r) => r.value));
      await producer.send(topic, batch);
    }
    return values;
  };

  /** The group is Stable with `n` members whose assignments cover `partitions` partitions once each. */
  const stableWith = (groupId: string, n: number, partitions: number) => (): boolean => {
    const d = broker.groups.describeGroup(groupId);
    if (d.state !== 'Stable' || d.members.length !== n) return false;
    const owned = d.members.flatMap((m) =>
      decodeAssignment(m.assignment).partitions.map((tp) => `${tp.topic}-${tp.partition}`),
    );
    return owned.length === partitions && new Set(owned).size === partitions;
  };

  it('three members share a topic; one leaves, one crashes; consumption resumes from committed offsets and no record is lost', async () => {
    const topic = 'three-members';
    const group = 'three';
    await admin.createTopics([{ name: topic, partitions: 6 }]);
    const produced = await produce(topic, 6, 10, 'a');

    const a = member(group, [topic], { clientId: 'member-a' });
    await until(() => a.assigned().length === 6, 'the first member to take every partition');
    const b = member(group, [topic], { clientId: 'member-b' });
    const c = startChildMember(broker.bootstrap, group, topic, 3000);
    children.push(c);
    await until(stableWith(group, 3, 6), 'three members sharing six partitions');
    await until(
      () => a.assigned().length === 2 && b.assigned().length === 2 && c.assigned().length === 2,
      'two each',
    );
    produced.push(...(await produce(topic, 6, 10, 'b')));

    const all = (): Seen[] => [...a.records, ...b.records, ...c.records];
    const distinct = (): Set<string> => new Set(all().map((r) => r.value));
    await until(() => distinct().size === produced.length, 'every record of the first two rounds');

    // A leaves cleanly: it commits and sends LeaveGroup; B and C resume A's partitions where A stopped.
    await stop(a);
    await until(stableWith(group, 2, 6), 'two members after one left');
    produced.push(...(await produce(topic, 6, 10, 'c')));
    await until(() => distinct().size === produced.length, 'every record after the leave');
    // Resuming from committed offsets: nothing so far was delivered twice.
    expect(all().length).toBe(produced.length);

    // C crashes: no commit, no LeaveGroup. Its session expires and B takes everything over from
    // C's last commit (what C read since may come again: at-least-once).
    c.child.kill('SIGKILL');
    await until(stableWith(group, 1, 6), 'the crashed member to expire');
    await until(() => b.assigned().length === 6, 'the survivor to own every partition');
    produced.push(...(await produce(topic, 6, 10, 'd')));
    await until(() => distinct().size === produced.length, 'every record after the crash');
    expect([...distinct()].sort()).toEqual([...produced].sort());
    expect(a.error() ?? b.error()).toBeNull();

    await stop(b);
    const lag = broker.groups.lag(group)!;
    expect(lag.state).toBe('Empty');
    expect(lag.partitions.map((p) => [p.partition, p.committedOffset, p.lag])).toEqual(
      [0, 1, 2, 3, 4, 5].map((p) => [p, 40, 0]),
    );
  }, 90_000);

  const twoTopics = async (prefix: string): Promise<string[]> => {
    const topics = [`${prefix}-t0`, `${prefix}-t1`];
    await admin.createTopics(topics.map((name) => ({ name, partitions: 3 })));
    return topics;
  };

  /** The assignment the group reached, as the broker stores it, and what `assignor` computes for it. */
  const assignmentCheck = (groupId: string, topics: string[], assignor: PartitionAssignor) => {
    const d = broker.groups.describeGroup(groupId);
    const actual = Object.fromEntries(
      d.members.map((m) => [
        m.memberId,
        decodeAssignment(m.assignment).partitions.map((tp) => `${tp.topic}-${tp.partition}`),
      ]),
    );
    const subs: MemberSubscription[] = d.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      topics,
      userData: null,
    }));
    const expected = Object.fromEntries(
      [...assignor.assign(subs, new Map(topics.map((t) => [t, 3])))].map(([id, tps]) => [
        id,
        tps.map((tp) => `${tp.topic}-${tp.partition}`),
      ]),
    );
    return { protocol: d.protocolData, actual, expected };
  };

  it('the leader assigns with range by default, as Kafka’s RangeAssignor would', async () => {
    const topics = await twoTopics('range');
    const m1 = member('range-group', topics);
    const m2 = member('range-group', topics);
    await until(stableWith('range-group', 2, 6), 'two members');
    await until(() => m1.assigned().length + m2.assigned().length === 6, 'both assigned');
    const { protocol, actual, expected } = assignmentCheck('range-group', topics, rangeAssignor);
    expect(protocol).toBe('range');
    expect(actual).toEqual(expected);
    // Range hands each member a contiguous block of each topic: 2+1 partitions of each.
    expect(
      Object.values(actual)
        .map((a) => a.length)
        .sort(),
    ).toEqual([2, 4]);
    await Promise.all([stop(m1), stop(m2)]);
  });

  it('members offering only roundrobin get Kafka’s RoundRobinAssignor dealing', async () => {
    const topics = await twoTopics('rr');
    const opts = { assignors: [roundRobinAssignor] };
    const m1 = member('rr-group', topics, opts);
    const m2 = member('rr-group', topics, opts);
    await until(stableWith('rr-group', 2, 6), 'two members');
    const { protocol, actual, expected } = assignmentCheck('rr-group', topics, roundRobinAssignor);
    expect(protocol).toBe('roundrobin');
    expect(actual).toEqual(expected);
    expect(Object.values(actual).map((a) => a.length)).toEqual([3, 3]);
    await Promise.all([stop(m1), stop(m2)]);
  });
});

type Seen = RunningMember['records'][number];
