import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { DeleteGroups } from '../../src/protocol/messages/delete-groups.js';
import { DescribeGroups } from '../../src/protocol/messages/describe-groups.js';
import { FindCoordinator } from '../../src/protocol/messages/find-coordinator.js';
import { Heartbeat } from '../../src/protocol/messages/heartbeat.js';
import { LeaveGroup } from '../../src/protocol/messages/leave-group.js';
import { ListGroups } from '../../src/protocol/messages/list-groups.js';
import { OffsetCommit } from '../../src/protocol/messages/offset-commit.js';
import { OffsetDelete } from '../../src/protocol/messages/offset-delete.js';
import { OffsetFetch } from '../../src/protocol/messages/offset-fetch.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { RawConnection } from '../support/raw-client.js';
import { assignment, subscription } from './harness.js';
import { joinAt, syncAt } from './wire.js';

/** Every version of every group API, over TCP, as the specs list them. */
describe('group APIs at every version', () => {
  let broker: TestBroker;
  const conns: RawConnection[] = [];
  const open = async (): Promise<RawConnection> => {
    const c = await RawConnection.open(broker.address.port);
    conns.push(c);
    return c;
  };

  beforeAll(async () => {
    broker = await startTestBroker();
    await broker.logs.createTopic('t', { partitions: 2 });
  });
  afterAll(async () => {
    for (const c of conns) c.close();
    await broker.destroy();
  });

  for (let v = 0; v <= 9; v++) {
    it(`JoinGroup v${v} with SyncGroup, Heartbeat and LeaveGroup: one member's life`, async () => {
      const c = await open();
      const groupId = `life-v${v}`;
      const j = await joinAt(c, v, { groupId, groupInstanceId: v >= 5 ? `inst-${v}` : null });
      expect(j).toMatchObject({
        errorCode: ErrorCode.NONE,
        generationId: 1,
        protocolName: 'range',
        protocolType: v >= 7 ? 'consumer' : null,
        leader: j.memberId,
      });
      expect(j.members).toEqual([
        {
          memberId: j.memberId,
          groupInstanceId: v >= 5 ? `inst-${v}` : null,
          metadata: subscription(['t']),
        },
      ]);
      const sv = Math.min(v, 5);
      const mine = assignment([{ topic: 't', partitions: [0, 1] }]);
      const s = await syncAt(c, sv, groupId, j, [{ memberId: j.memberId, assignment: mine }]);
      expect(s).toMatchObject({ errorCode: ErrorCode.NONE, assignment: mine });
      if (sv >= 5) expect(s).toMatchObject({ protocolType: 'consumer', protocolName: 'range' });

      const hv = Math.min(v, 4);
      const hb = await c.request(Heartbeat, hv, {
        groupId,
        generationId: j.generationId,
        memberId: j.memberId,
        groupInstanceId: hv >= 3 && v >= 5 ? `inst-${v}` : null,
      });
      expect(hb.errorCode).toBe(ErrorCode.NONE);

      const lv = Math.min(v, 5);
      const leave = await c.request(
        LeaveGroup,
        lv,
        lv >= 3
          ? LeaveGroup.createRequest({
              groupId,
              members: [{ memberId: j.memberId, groupInstanceId: null, reason: lv >= 5 ? 'done' : null }],
            })
          : LeaveGroup.createRequest({ groupId, memberId: j.memberId }),
      );
      expect(leave.errorCode).toBe(ErrorCode.NONE);
      if (lv >= 3) expect(leave.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE]);
      expect(broker.groups.group(groupId)?.state).toBe('Empty');
    });
  }

  it('FindCoordinator v0–v6 names this broker for a group', async () => {
    const c = await open();
    for (let v = 0; v <= 6; v++) {
      const r = await c.request(
        FindCoordinator,
        v,
        FindCoordinator.createRequest(v >= 4 ? { keyType: 0, coordinatorKeys: ['a', 'b'] } : { key: 'a' }),
      );
      const found = v >= 4 ? r.coordinators : [r];
      expect(found.map((f) => [f.nodeId, f.port, f.errorCode])).toEqual(
        (v >= 4 ? ['a', 'b'] : ['a']).map(() => [broker.logs.nodeId, broker.address.port, 0]),
      );
    }
  });

  it('OffsetCommit v0–v9 and OffsetFetch v0–v9 (v8+ for several groups at once)', async () => {
    const c = await open();
    for (let v = 0; v <= 9; v++) {
      const r = await c.request(
        OffsetCommit,
        v,
        OffsetCommit.createRequest({
          groupId: `commit-v${v}`,
          retentionTimeMs: v >= 2 && v <= 4 ? 86_400_000n : -1n,
          topics: [
            {
              name: 't',
              partitions: [
                {
                  partitionIndex: 1,
                  committedOffset: BigInt(100 + v),
                  committedLeaderEpoch: v >= 6 ? 7 : -1,
                  commitTimestamp: v === 1 ? BigInt(Date.now()) : -1n,
                  committedMetadata: `m${v}`,
                },
              ],
            },
          ],
        }),
      );
      expect(r.topics[0]?.partitions[0]?.errorCode).toBe(ErrorCode.NONE);
    }
    for (let v = 0; v <= 9; v++) {
      const groupId = `commit-v${v}`;
      const topics = [{ name: 't', partitionIndexes: [0, 1] }];
      if (v >= 8) {
        const r = await c.request(
          OffsetFetch,
          v,
          OffsetFetch.createRequest({
            groups: [
              { groupId, memberId: null, memberEpoch: -1, topics },
              { groupId: 'commit-v0', memberId: null, memberEpoch: -1, topics: null },
            ],
            requireStable: true,
          }),
        );
        expect(r.groups.map((g) => g.errorCode)).toEqual([0, 0]);
        expect(r.groups[0]?.topics[0]?.partitions.map((p) => [p.committedOffset, p.metadata])).toEqual([
          [-1n, ''],
          [BigInt(100 + v), `m${v}`],
        ]);
        expect(r.groups[0]?.topics[0]?.partitions[1]?.committedLeaderEpoch).toBe(7);
        expect(r.groups[1]?.topics[0]?.partitions.map((p) => p.committedOffset)).toEqual([100n]);
      } else {
        const r = await c.request(
          OffsetFetch,
          v,
          OffsetFetch.createRequest({
            groupId,
            topics: v >= 2 && v % 2 === 0 ? null : topics,
            requireStable: v >= 7,
          }),
        );
        expect(r.errorCode).toBe(ErrorCode.NONE);
        const p1 = r.topics[0]?.partitions.find((p) => p.partitionIndex === 1);
        expect(p1).toMatchObject({ committedOffset: BigInt(100 + v), metadata: `m${v}`, errorCode: 0 });
        expect(p1?.committedLeaderEpoch).toBe(v >= 6 ? 7 : -1);
      }
    }
  });

  it('DescribeGroups v0–v5, ListGroups v0–v5, OffsetDelete v0, DeleteGroups v0–v2', async () => {
    const c = await open();
    const member = await open();
    const j = await joinAt(member, 9, { groupId: 'described', groupInstanceId: 'inst-d' });
    await syncAt(member, 5, 'described', j, [{ memberId: j.memberId, assignment: Buffer.from('A') }]);
    for (let v = 0; v <= 5; v++) {
      const r = await c.request(
        DescribeGroups,
        v,
        DescribeGroups.createRequest({ groups: ['described', 'nope'], includeAuthorizedOperations: v >= 3 }),
      );
      expect(r.groups[0]).toMatchObject({
        errorCode: 0,
        groupId: 'described',
        groupState: 'Stable',
        protocolType: 'consumer',
        protocolData: 'range',
      });
      expect(r.groups[0]?.members[0]).toMatchObject({
        memberId: j.memberId,
        groupInstanceId: v >= 4 ? 'inst-d' : null,
        clientId: 'raw-test',
        clientHost: '/127.0.0.1',
        memberMetadata: subscription(['t']),
        memberAssignment: Buffer.from('A'),
      });
      expect(r.groups[0]?.authorizedOperations).toBe(v >= 3 ? (1 << 3) | (1 << 6) | (1 << 8) : -2147483648);
      expect(r.groups[1]).toMatchObject({ errorCode: 0, groupId: 'nope', groupState: 'Dead', members: [] });
    }
    for (let v = 0; v <= 5; v++) {
      const r = await c.request(
        ListGroups,
        v,
        ListGroups.createRequest({
          statesFilter: v >= 4 ? ['Stable'] : [],
          typesFilter: v >= 5 ? ['Classic'] : [],
        }),
      );
      expect(r.errorCode).toBe(0);
      const described = r.groups.find((g) => g.groupId === 'described');
      expect(described).toMatchObject({ protocolType: 'consumer' });
      if (v >= 4) {
        expect(r.groups.every((g) => g.groupState === 'Stable')).toBe(true);
        expect(described?.groupState).toBe('Stable');
      } else {
        expect(r.groups.length).toBeGreaterThan(1);
      }
      if (v >= 5) expect(described?.groupType).toBe('classic');
    }
    const consumerOnly = await c.request(
      ListGroups,
      5,
      ListGroups.createRequest({ typesFilter: ['consumer'] }),
    );
    expect(consumerOnly.groups).toEqual([]);

    await c.request(
      OffsetCommit,
      9,
      OffsetCommit.createRequest({
        groupId: 'to-delete',
        topics: [
          {
            name: 't',
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
    const od = await c.request(
      OffsetDelete,
      0,
      OffsetDelete.createRequest({
        groupId: 'to-delete',
        topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }],
      }),
    );
    expect(od.errorCode).toBe(0);
    expect(od.topics[0]?.partitions[0]?.errorCode).toBe(0);
    for (let v = 0; v <= 2; v++) {
      const r = await c.request(
        DeleteGroups,
        v,
        DeleteGroups.createRequest({ groupsNames: [`commit-v${v}`, 'described'] }),
      );
      expect(r.results).toEqual([
        { groupId: `commit-v${v}`, errorCode: ErrorCode.NONE },
        { groupId: 'described', errorCode: ErrorCode.NON_EMPTY_GROUP },
      ]);
    }
  });
});
