import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { DescribeGroups } from '../../src/protocol/messages/describe-groups.js';
import { Heartbeat } from '../../src/protocol/messages/heartbeat.js';
import { OffsetCommit } from '../../src/protocol/messages/offset-commit.js';
import { OffsetFetch, type OffsetFetchResponse } from '../../src/protocol/messages/offset-fetch.js';
import { OFFSETS_TOPIC } from '../../src/broker/group-coordinator/index.js';
import { startTestBroker, tempDir, type TestBroker } from '../support/broker.js';
import { RawConnection } from '../support/raw-client.js';
import { joinAt, syncAt } from './wire.js';

/** OffsetFetch of every committed partition, retried while the coordinator is still loading. */
async function fetchAll(broker: TestBroker, groupId: string): Promise<OffsetFetchResponse> {
  const c = await RawConnection.open(broker.address.port);
  try {
    for (;;) {
      const r = await c.request(OffsetFetch, 7, OffsetFetch.createRequest({ groupId, topics: null }));
      if (r.errorCode !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return r;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    c.close();
  }
}

describe('committed offsets survive a restart', () => {
  it('commit, close(), start on the same data dir: OffsetFetch returns the same offsets', async () => {
    const dataDir = await tempDir();
    try {
      const first = await startTestBroker({ dataDir });
      await first.logs.createTopic('orders', { partitions: 3 });
      const c = await RawConnection.open(first.address.port);
      const j = await joinAt(c, 9, { groupId: 'app', topics: ['orders'] });
      await syncAt(c, 5, 'app', j, [{ memberId: j.memberId, assignment: Buffer.from('all') }]);
      const commit = await c.request(
        OffsetCommit,
        9,
        OffsetCommit.createRequest({
          groupId: 'app',
          generationIdOrMemberEpoch: j.generationId,
          memberId: j.memberId,
          topics: [
            {
              name: 'orders',
              partitions: [0, 1, 2].map((p) => ({
                partitionIndex: p,
                committedOffset: BigInt(1000 * (p + 1)),
                committedLeaderEpoch: 0,
                commitTimestamp: -1n,
                committedMetadata: `p${p}`,
              })),
            },
          ],
        }),
      );
      expect(commit.topics[0]?.partitions.map((p) => p.errorCode)).toEqual([0, 0, 0]);
      await c.request(
        OffsetCommit,
        0,
        OffsetCommit.createRequest({
          groupId: 'simple',
          topics: [
            {
              name: 'orders',
              partitions: [
                {
                  partitionIndex: 2,
                  committedOffset: 7n,
                  committedLeaderEpoch: -1,
                  commitTimestamp: -1n,
                  committedMetadata: null,
                },
              ],
            },
          ],
        }),
      );
      const before = await fetchAll(first, 'app');
      const simpleBefore = await fetchAll(first, 'simple');
      c.close();
      await first.close();

      const second = await startTestBroker({ dataDir });
      try {
        expect(await fetchAll(second, 'app')).toEqual(before);
        expect(await fetchAll(second, 'simple')).toEqual(simpleBefore);
        expect(
          before.topics[0]?.partitions.map((p) => [p.committedOffset, p.committedLeaderEpoch, p.metadata]),
        ).toEqual([
          [1000n, 0, 'p0'],
          [2000n, 0, 'p1'],
          [3000n, 0, 'p2'],
        ]);
        expect(second.logs.topic(OFFSETS_TOPIC)?.configs['cleanup.policy']).toBe('compact');

        // The group's metadata came back too: the member may carry on without rejoining.
        const c2 = await RawConnection.open(second.address.port);
        const hb = await c2.request(Heartbeat, 4, {
          groupId: 'app',
          generationId: j.generationId,
          memberId: j.memberId,
          groupInstanceId: null,
        });
        expect(hb.errorCode).toBe(ErrorCode.NONE);
        const d = await c2.request(
          DescribeGroups,
          5,
          DescribeGroups.createRequest({ groups: ['app', 'simple'] }),
        );
        expect(d.groups.map((g) => [g.groupState, g.protocolType, g.members.length])).toEqual([
          ['Stable', 'consumer', 1],
          ['Empty', '', 0],
        ]);
        expect(d.groups[0]?.members[0]?.memberAssignment).toEqual(Buffer.from('all'));
        c2.close();
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
