import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { DeleteGroups } from '../../src/protocol/messages/delete-groups.js';
import { Heartbeat } from '../../src/protocol/messages/heartbeat.js';
import { JoinGroup } from '../../src/protocol/messages/join-group.js';
import { LeaveGroup } from '../../src/protocol/messages/leave-group.js';
import { ListGroups } from '../../src/protocol/messages/list-groups.js';
import { OffsetCommit, type OffsetCommitRequest } from '../../src/protocol/messages/offset-commit.js';
import { OffsetDelete } from '../../src/protocol/messages/offset-delete.js';
import { OffsetFetch } from '../../src/protocol/messages/offset-fetch.js';
import { SyncGroup } from '../../src/protocol/messages/sync-group.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { RawConnection } from '../support/raw-client.js';
import { joinAt, syncAt } from './wire.js';

function commit(groupId: string, partial: Partial<OffsetCommitRequest> = {}, metadata: string | null = null) {
  return OffsetCommit.createRequest({
    groupId,
    topics: [
      {
        name: 't',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: 5n,
            committedLeaderEpoch: -1,
            commitTimestamp: -1n,
            committedMetadata: metadata,
          },
        ],
      },
    ],
    ...partial,
  });
}

/** Bad input to the group APIs over TCP: each gets Kafka's error code, and the broker carries on. */
describe('group APIs: bad input over TCP', () => {
  let broker: TestBroker;
  const conns: RawConnection[] = [];
  const open = async (): Promise<RawConnection> => {
    const c = await RawConnection.open(broker.address.port);
    conns.push(c);
    return c;
  };

  beforeAll(async () => {
    broker = await startTestBroker({ config: { 'offset.metadata.max.bytes': '16' } });
    await broker.logs.createTopic('t', { partitions: 1 });
  });
  afterAll(async () => {
    for (const c of conns) c.close();
    await broker.destroy();
  });

  it('JoinGroup with a protocol type the group does not use, or none: INCONSISTENT_GROUP_PROTOCOL', async () => {
    const a = await open();
    expect((await joinAt(a, 9, { groupId: 'typed' })).errorCode).toBe(ErrorCode.NONE);
    const b = await open();
    expect((await joinAt(b, 9, { groupId: 'typed', protocolType: 'connect' })).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    expect((await joinAt(b, 9, { groupId: 'untyped', protocolType: '' })).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    const noCommon = [{ name: 'roundrobin', metadata: Buffer.alloc(0) }];
    expect((await joinAt(b, 5, { groupId: 'typed', protocols: noCommon })).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
  });

  it('JoinGroup with a session timeout outside group.min/max.session.timeout.ms: INVALID_SESSION_TIMEOUT', async () => {
    const c = await open();
    for (const sessionTimeoutMs of [1000, 1_800_001]) {
      expect((await joinAt(c, 9, { groupId: 'sessions', sessionTimeoutMs })).errorCode).toBe(
        ErrorCode.INVALID_SESSION_TIMEOUT,
      );
    }
  });

  it('JoinGroup v4+ without a member id: MEMBER_ID_REQUIRED with the id to use', async () => {
    const c = await open();
    const r = await c.request(
      JoinGroup,
      4,
      JoinGroup.createRequest({
        groupId: 'needs-id',
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
      }),
    );
    expect(r.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(r.memberId).toMatch(/^raw-test-/);
  });

  it('empty group id: INVALID_GROUP_ID', async () => {
    const c = await open();
    expect((await joinAt(c, 9, { groupId: '' })).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    const hb = await c.request(Heartbeat, 4, {
      groupId: '',
      generationId: 1,
      memberId: 'm',
      groupInstanceId: null,
    });
    expect(hb.errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it('SyncGroup from a stale generation: ILLEGAL_GENERATION; Heartbeat from an unknown member: UNKNOWN_MEMBER_ID', async () => {
    const c = await open();
    const j = await joinAt(c, 9, { groupId: 'stale' });
    expect((await syncAt(c, 5, 'stale', { ...j, generationId: j.generationId - 1 })).errorCode).toBe(
      ErrorCode.ILLEGAL_GENERATION,
    );
    expect((await syncAt(c, 3, 'stale', { ...j, memberId: 'nobody' })).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    const sync5 = await c.request(
      SyncGroup,
      5,
      SyncGroup.createRequest({
        groupId: 'stale',
        generationId: j.generationId,
        memberId: j.memberId,
        protocolType: 'consumer',
        protocolName: 'roundrobin',
      }),
    );
    expect(sync5.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    for (const v of [0, 4]) {
      const hb = await c.request(Heartbeat, v, {
        groupId: 'stale',
        generationId: j.generationId,
        memberId: 'nobody',
        groupInstanceId: null,
      });
      expect(hb.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    const noGroup = await c.request(Heartbeat, 4, {
      groupId: 'never-existed',
      generationId: 1,
      memberId: 'x',
      groupInstanceId: null,
    });
    expect(noGroup.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a second member joining: the first one hears REBALANCE_IN_PROGRESS on heartbeat and commit-free rejoin', async () => {
    const a = await open();
    const ja = await joinAt(a, 9, { groupId: 'rebalancing' });
    await syncAt(a, 5, 'rebalancing', ja, [{ memberId: ja.memberId, assignment: Buffer.from('x') }]);
    const b = await open();
    const pending = joinAt(b, 9, { groupId: 'rebalancing' });
    // b's join waits for a; poll a's heartbeat until the rebalance shows.
    let hb = ErrorCode.NONE as number;
    while (hb === ErrorCode.NONE) {
      hb = (
        await a.request(Heartbeat, 4, {
          groupId: 'rebalancing',
          generationId: ja.generationId,
          memberId: ja.memberId,
          groupInstanceId: null,
        })
      ).errorCode;
    }
    expect(hb).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const syncDuringRebalance = await syncAt(a, 5, 'rebalancing', ja);
    expect(syncDuringRebalance.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const ja2 = await joinAt(a, 9, { groupId: 'rebalancing', memberId: ja.memberId });
    const jb = await pending;
    expect([ja2.generationId, jb.generationId]).toEqual([2, 2]);
    // Committing between JoinGroup and the leader's SyncGroup is refused too.
    const early = await a.request(
      OffsetCommit,
      9,
      commit('rebalancing', { generationIdOrMemberEpoch: ja2.generationId, memberId: ja2.memberId }),
    );
    expect(early.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('OffsetCommit: unknown group with a generation → ILLEGAL_GENERATION; unknown member → UNKNOWN_MEMBER_ID', async () => {
    const c = await open();
    const unknown = await c.request(
      OffsetCommit,
      8,
      commit('no-such-group', { generationIdOrMemberEpoch: 3, memberId: 'm-1' }),
    );
    expect(unknown.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const j = await joinAt(c, 9, { groupId: 'members-only' });
    await syncAt(c, 5, 'members-only', j);
    const stranger = await c.request(
      OffsetCommit,
      8,
      commit('members-only', { generationIdOrMemberEpoch: j.generationId, memberId: 'stranger' }),
    );
    expect(stranger.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const stale = await c.request(
      OffsetCommit,
      2,
      commit('members-only', { generationIdOrMemberEpoch: j.generationId + 1, memberId: j.memberId }),
    );
    expect(stale.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  it('OffsetCommit: metadata above offset.metadata.max.bytes → OFFSET_METADATA_TOO_LARGE; unknown partition', async () => {
    const c = await open();
    const big = await c.request(OffsetCommit, 9, commit('meta', {}, 'x'.repeat(17)));
    expect(big.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.OFFSET_METADATA_TOO_LARGE);
    const fits = await c.request(OffsetCommit, 9, commit('meta', {}, 'x'.repeat(16)));
    expect(fits.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.NONE);
    const missing = await c.request(
      OffsetCommit,
      9,
      OffsetCommit.createRequest({
        groupId: 'meta',
        topics: [
          {
            name: 'nope',
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 1n,
                committedLeaderEpoch: -1,
                commitTimestamp: -1n,
                committedMetadata: null,
              },
            ],
          },
        ],
      }),
    );
    expect(missing.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('static membership: a replaced instance is fenced (FENCED_INSTANCE_ID)', async () => {
    const old = await open();
    const first = await joinAt(old, 9, { groupId: 'static', groupInstanceId: 'i-1' });
    await syncAt(old, 5, 'static', first);
    const restarted = await open();
    const second = await joinAt(restarted, 9, { groupId: 'static', groupInstanceId: 'i-1' });
    expect(second.errorCode).toBe(ErrorCode.NONE);
    expect(second.memberId).not.toBe(first.memberId);
    const hb = await old.request(Heartbeat, 4, {
      groupId: 'static',
      generationId: first.generationId,
      memberId: first.memberId,
      groupInstanceId: 'i-1',
    });
    expect(hb.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    const leave = await old.request(
      LeaveGroup,
      5,
      LeaveGroup.createRequest({
        groupId: 'static',
        members: [{ memberId: first.memberId, groupInstanceId: 'i-1', reason: null }],
      }),
    );
    expect(leave.members[0]?.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
  });

  it('DeleteGroups: NON_EMPTY_GROUP while members remain, GROUP_ID_NOT_FOUND when unknown', async () => {
    const c = await open();
    const j = await joinAt(c, 9, { groupId: 'busy' });
    await syncAt(c, 5, 'busy', j);
    const r = await c.request(
      DeleteGroups,
      2,
      DeleteGroups.createRequest({ groupsNames: ['busy', 'ghost'] }),
    );
    expect(r.results).toEqual([
      { groupId: 'busy', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'ghost', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
  });

  it('OffsetDelete: GROUP_SUBSCRIBED_TO_TOPIC for a topic in use, GROUP_ID_NOT_FOUND for an unknown group', async () => {
    const c = await open();
    const j = await joinAt(c, 9, { groupId: 'subscribed', topics: ['t'] });
    await syncAt(c, 5, 'subscribed', j);
    await c.request(
      OffsetCommit,
      9,
      commit('subscribed', { generationIdOrMemberEpoch: j.generationId, memberId: j.memberId }),
    );
    const r = await c.request(
      OffsetDelete,
      0,
      OffsetDelete.createRequest({
        groupId: 'subscribed',
        topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }],
      }),
    );
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
    const ghost = await c.request(
      OffsetDelete,
      0,
      OffsetDelete.createRequest({ groupId: 'ghost', topics: [] }),
    );
    expect(ghost.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });
});

describe('group APIs while offsets are being restored', () => {
  it('answers COORDINATOR_LOAD_IN_PROGRESS until __consumer_offsets is replayed', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const broker = await startTestBroker({ beforeGroupLoad: () => gate });
    const c = await RawConnection.open(broker.address.port);
    try {
      expect((await joinAt(c, 9, { groupId: 'early' })).errorCode).toBe(
        ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
      );
      const f2 = await c.request(
        OffsetFetch,
        2,
        OffsetFetch.createRequest({ groupId: 'early', topics: null }),
      );
      expect(f2.errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
      const f1 = await c.request(
        OffsetFetch,
        1,
        OffsetFetch.createRequest({ groupId: 'early', topics: [{ name: 't', partitionIndexes: [0] }] }),
      );
      expect(f1.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
      const f8 = await c.request(
        OffsetFetch,
        8,
        OffsetFetch.createRequest({
          groups: [{ groupId: 'early', memberId: null, memberEpoch: -1, topics: null }],
        }),
      );
      expect(f8.groups[0]?.errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
      const committed = await c.request(OffsetCommit, 9, commit('early'));
      expect(committed.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
      const listed = await c.request(ListGroups, 4, ListGroups.createRequest());
      expect(listed.errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
      release();
      while (broker.groups.status === 'loading') await new Promise((r) => setImmediate(r));
      expect((await joinAt(c, 9, { groupId: 'early' })).errorCode).toBe(ErrorCode.NONE);
    } finally {
      c.close();
      await broker.destroy();
    }
  });
});
