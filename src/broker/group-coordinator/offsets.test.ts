import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/error-codes.js';
import { encodeRecordBatch } from '../../protocol/records/index.js';
import {
  assignment,
  harness,
  joinRequest,
  subscription,
  sync,
  testConfig,
  type Harness,
} from '../../../test/groups/harness.js';
import { GroupCoordinator } from './coordinator.js';
import type { CommitPartition, CommitRequest } from './offsets.js';
import { GroupState } from './group-state.js';
import { OFFSETS_TOPIC } from './offsets-log.js';

const DAY = 24 * 3600 * 1000;

function commitRequest(
  topics: Record<string, [number, number][]>,
  partial: Partial<CommitRequest> = {},
  extra: Partial<CommitPartition> = {},
): CommitRequest {
  return {
    groupId: 'g',
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: Object.entries(topics).map(([name, ps]) => ({
      name,
      partitions: ps.map(([partition, offset]) => ({
        partition,
        offset,
        leaderEpoch: -1,
        metadata: null,
        commitTimestamp: -1,
        ...extra,
      })),
    })),
    ...partial,
  };
}

async function withTopics(h: Harness, topics: Record<string, number>): Promise<Harness> {
  for (const [name, partitions] of Object.entries(topics)) await h.logs.createTopic(name, { partitions });
  return h;
}

function codes(r: { partitions: { errorCode: number }[] }[]): number[] {
  return r.flatMap((t) => t.partitions.map((p) => p.errorCode));
}

/** One consumer member in a Stable group `g`, subscribed to `topics`. */
async function stableMember(h: Harness, topics: string[]) {
  const j = await h.groups.join(
    joinRequest({ protocols: [{ name: 'range', metadata: subscription(topics) }] }),
  );
  await sync(h, j, [
    { memberId: j.memberId, assignment: assignment([{ topic: topics[0]!, partitions: [0] }]) },
  ]).promise;
  return j;
}

describe('OffsetCommit / OffsetFetch', () => {
  it('stores a simple consumer commit (no generation) with metadata and leader epoch', async () => {
    const h = await withTopics(await harness(), { t: 2 });
    const r = await h.groups.commitOffsets(
      commitRequest(
        {
          t: [
            [0, 10],
            [1, 20],
          ],
        },
        {},
        { metadata: 'meta', leaderEpoch: 3 },
      ),
    );
    expect(codes(r)).toEqual([ErrorCode.NONE, ErrorCode.NONE]);
    expect(h.groups.fetchOffsets('g', [{ name: 't', partitions: [0, 1, 2] }])).toEqual({
      errorCode: ErrorCode.NONE,
      topics: [
        {
          name: 't',
          partitions: [
            { partition: 0, offset: 10, leaderEpoch: 3, metadata: 'meta', errorCode: 0 },
            { partition: 1, offset: 20, leaderEpoch: 3, metadata: 'meta', errorCode: 0 },
            { partition: 2, offset: -1, leaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
      ],
    });
    expect(h.groups.group('g')?.state).toBe(GroupState.Empty);
    expect(h.logs.log(OFFSETS_TOPIC, 0)?.highWatermark).toBe(2);
  });

  it('fetches every committed partition for null topics, and -1 for an unknown group', async () => {
    const h = await withTopics(await harness(), { a: 2, b: 1 });
    await h.groups.commitOffsets(
      commitRequest({
        b: [[0, 5]],
        a: [
          [1, 7],
          [0, 6],
        ],
      }),
    );
    expect(h.groups.fetchOffsets('g', null).topics).toEqual([
      {
        name: 'b',
        partitions: [{ partition: 0, offset: 5, leaderEpoch: -1, metadata: '', errorCode: 0 }],
      },
      {
        name: 'a',
        partitions: [
          { partition: 0, offset: 6, leaderEpoch: -1, metadata: '', errorCode: 0 },
          { partition: 1, offset: 7, leaderEpoch: -1, metadata: '', errorCode: 0 },
        ],
      },
    ]);
    expect(h.groups.fetchOffsets('nobody', null)).toEqual({ errorCode: 0, topics: [] });
    expect(
      h.groups.fetchOffsets('nobody', [{ name: 'a', partitions: [0] }]).topics[0]?.partitions[0]?.offset,
    ).toBe(-1);
  });

  it('a later commit overwrites an earlier one', async () => {
    const h = await withTopics(await harness(), { t: 1 });
    await h.groups.commitOffsets(commitRequest({ t: [[0, 1]] }));
    await Promise.all([
      h.groups.commitOffsets(commitRequest({ t: [[0, 2]] })),
      h.groups.commitOffsets(commitRequest({ t: [[0, 3]] })),
    ]);
    expect(h.groups.fetchOffsets('g', null).topics[0]?.partitions[0]?.offset).toBe(3);
  });

  it('answers per partition: UNKNOWN_TOPIC_OR_PARTITION, OFFSET_METADATA_TOO_LARGE, INVALID_COMMIT_OFFSET_SIZE', async () => {
    const h = await withTopics(await harness({ config: { offsetMetadataMaxBytes: 4 } }), { t: 1 });
    const r = await h.groups.commitOffsets({
      ...commitRequest({}),
      topics: [
        {
          name: 't',
          partitions: [
            { partition: 0, offset: 1, leaderEpoch: -1, metadata: 'four', commitTimestamp: -1 },
            { partition: 1, offset: 1, leaderEpoch: -1, metadata: null, commitTimestamp: -1 },
          ],
        },
        {
          name: 'missing',
          partitions: [{ partition: 0, offset: 1, leaderEpoch: -1, metadata: null, commitTimestamp: -1 }],
        },
        {
          name: 't',
          partitions: [{ partition: 0, offset: 1, leaderEpoch: -1, metadata: 'fiver', commitTimestamp: -1 }],
        },
        {
          name: 't',
          partitions: [
            { partition: 0, offset: Number.NaN, leaderEpoch: -1, metadata: null, commitTimestamp: -1 },
          ],
        },
      ],
    });
    expect(codes(r)).toEqual([
      ErrorCode.NONE,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.OFFSET_METADATA_TOO_LARGE,
      ErrorCode.INVALID_COMMIT_OFFSET_SIZE,
    ]);
  });

  it('checks members: ILLEGAL_GENERATION for an unknown group, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS', async () => {
    const h = await withTopics(await harness(), { t: 1 });
    const withGen = await h.groups.commitOffsets(
      commitRequest({ t: [[0, 1]] }, { generationId: 1, memberId: 'm' }),
    );
    expect(codes(withGen)).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(h.groups.group('g')).toBeUndefined();

    const j = await h.groups.join(joinRequest());
    const base = { generationId: j.generationId, memberId: j.memberId };
    // Joined but not yet synced: the assignment is not settled.
    expect(codes(await h.groups.commitOffsets(commitRequest({ t: [[0, 1]] }, base)))).toEqual([
      ErrorCode.REBALANCE_IN_PROGRESS,
    ]);
    await sync(h, j).promise;
    expect(codes(await h.groups.commitOffsets(commitRequest({ t: [[0, 1]] }, base)))).toEqual([
      ErrorCode.NONE,
    ]);
    expect(
      codes(await h.groups.commitOffsets(commitRequest({ t: [[0, 1]] }, { ...base, generationId: 9 }))),
    ).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(
      codes(await h.groups.commitOffsets(commitRequest({ t: [[0, 1]] }, { ...base, memberId: 'x' }))),
    ).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    // A simple consumer may not commit into an active group.
    expect(codes(await h.groups.commitOffsets(commitRequest({ t: [[0, 1]] })))).toEqual([
      ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
  });

  it('a commit keeps the member alive', async () => {
    const h = await withTopics(await harness(), { t: 1 });
    const j = await stableMember(h, ['t']);
    for (let i = 0; i < 5; i++) {
      h.advance(6000);
      await h.groups.commitOffsets(
        commitRequest({ t: [[0, i]] }, { generationId: j.generationId, memberId: j.memberId }),
      );
    }
    expect(h.groups.group('g')?.has(j.memberId)).toBe(true);
  });

  it('answers COORDINATOR_NOT_AVAILABLE when the offsets topic refuses the write', async () => {
    const h = await withTopics(await harness(), { t: 1 });
    await h.groups.commitOffsets(commitRequest({ t: [[0, 1]] }));
    await h.logs.close(); // the storage is gone: appends fail
    expect(codes(await h.groups.commitOffsets(commitRequest({ t: [[0, 2]] })))).toEqual([
      ErrorCode.COORDINATOR_NOT_AVAILABLE,
    ]);
    expect(h.groups.fetchOffsets('g', null).topics[0]?.partitions[0]?.offset).toBe(1);
  });
});

describe('restoring from __consumer_offsets', () => {
  it('a new coordinator on the same log has the same offsets and groups', async () => {
    const h = await withTopics(await harness(), { t: 2, u: 1 });
    await h.groups.commitOffsets(
      commitRequest(
        {
          t: [
            [0, 11],
            [1, 12],
          ],
        },
        { groupId: 'simple' },
        { metadata: 'x' },
      ),
    );
    await h.groups.commitOffsets(commitRequest({ u: [[0, 1]] }, { groupId: 'gone' }));
    expect(await h.groups.deleteGroups(['gone'])).toEqual([{ groupId: 'gone', errorCode: ErrorCode.NONE }]);
    const j = await stableMember(h, ['t']);
    await h.groups.commitOffsets(
      commitRequest({ t: [[0, 99]] }, { generationId: j.generationId, memberId: j.memberId }),
    );
    await h.groups.close();

    const again = await harness({ logs: h.logs, clock: h.clock });
    expect(again.groups.fetchOffsets('simple', null).topics[0]?.partitions[0]?.metadata).toBe('x');
    expect(again.groups.fetchOffsets('simple', null).topics[0]?.partitions.map((p) => p.offset)).toEqual([
      11, 12,
    ]);
    expect(again.groups.group('gone')).toBeUndefined();
    const g = again.groups.group('g')!;
    expect(g.state).toBe(GroupState.Stable);
    expect(g.generationId).toBe(j.generationId);
    expect(g.protocolName).toBe('range');
    expect(g.has(j.memberId)).toBe(true);
    // The restored member carries on: heartbeat, commit, fetch.
    expect(
      again.groups.heartbeat({
        groupId: 'g',
        generationId: j.generationId,
        memberId: j.memberId,
        groupInstanceId: null,
      }),
    ).toBe(ErrorCode.NONE);
    expect(
      again.groups.fetchOffsets('g', [{ name: 't', partitions: [0] }]).topics[0]?.partitions[0]?.offset,
    ).toBe(99);
    // Its session restarted at load; silent, it expires and the group becomes Empty.
    again.advance(10_000);
    expect(again.groups.group('g')?.state).toBe(GroupState.Empty);
  });

  it('skips records it cannot read and loads the rest', async () => {
    const h = await withTopics(await harness(), { t: 1 });
    await h.groups.commitOffsets(commitRequest({ t: [[0, 5]] }));
    const log = h.logs.log(OFFSETS_TOPIC, 0)!;
    const junk = encodeRecordBatch({
      records: [{ timestamp: 0, key: Buffer.from([0, 9, 1]), value: Buffer.from('?') }],
    });
    await log.append(junk, { durable: true });
    const again = await harness({ logs: h.logs, clock: h.clock });
    expect(again.groups.status).toBe('active');
    expect(again.groups.fetchOffsets('g', null).topics[0]?.partitions[0]?.offset).toBe(5);
  });
});

describe('offset expiry (offsets.retention.minutes)', () => {
  it("expires an Empty group's offsets a retention period after it became Empty, then the group", async () => {
    const h = await withTopics(await harness(), { t: 1 });
    const j = await stableMember(h, ['t']);
    await h.groups.commitOffsets(
      commitRequest({ t: [[0, 4]] }, { generationId: j.generationId, memberId: j.memberId }),
    );
    h.advance(10_000); // the member's session ends: the group is Empty from now on
    expect(h.groups.group('g')?.state).toBe(GroupState.Empty);
    h.advance(7 * DAY - 1);
    expect(await h.groups.expireOffsets()).toEqual({ offsets: 0, groups: 0 });
    h.clock.advance(1);
    expect(await h.groups.expireOffsets()).toEqual({ offsets: 1, groups: 1 });
    expect(h.groups.group('g')).toBeUndefined();
    expect(h.groups.fetchOffsets('g', null).topics).toEqual([]);
    const again = await harness({ logs: h.logs, clock: h.clock });
    expect(again.groups.group('g')).toBeUndefined();
  });

  it("keeps an active consumer group's offsets of subscribed topics, expires the others by commit time", async () => {
    const h = await withTopics(await harness(), { t: 1, old: 1 });
    const j = await stableMember(h, ['t']);
    const member = { generationId: j.generationId, memberId: j.memberId };
    await h.groups.commitOffsets(commitRequest({ t: [[0, 1]], old: [[0, 2]] }, member));
    for (let day = 0; day < 8; day++) {
      h.clock.advance(DAY);
      expect(h.groups.heartbeat({ groupId: 'g', ...member, groupInstanceId: null })).toBe(ErrorCode.NONE);
    }
    expect(await h.groups.expireOffsets()).toEqual({ offsets: 1, groups: 0 });
    expect(h.groups.fetchOffsets('g', null).topics.map((t) => t.name)).toEqual(['t']);
  });

  it('expires offsets-only groups by commit time and honours an explicit retention (OffsetCommit v2–v4)', async () => {
    const h = await withTopics(await harness(), { t: 2 });
    await h.groups.commitOffsets(commitRequest({ t: [[0, 1]] }));
    await h.groups.commitOffsets(commitRequest({ t: [[1, 1]] }, { retentionTimeMs: 60_000 }));
    h.clock.advance(60_000);
    expect(await h.groups.expireOffsets()).toEqual({ offsets: 1, groups: 0 });
    h.clock.advance(7 * DAY);
    expect(await h.groups.expireOffsets()).toEqual({ offsets: 1, groups: 1 });
  });

  it('runs the expiry pass on its own every check interval', async () => {
    const h = await withTopics(await harness(), { t: 1 });
    await h.groups.commitOffsets(commitRequest({ t: [[0, 1]] }));
    h.clock.advance(7 * DAY);
    h.advance(600_000);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(h.groups.group('g')).toBeUndefined();
  });
});

describe('DeleteGroups / OffsetDelete / lag', () => {
  it('deletes an Empty group with its offsets; NON_EMPTY_GROUP with members, GROUP_ID_NOT_FOUND when unknown', async () => {
    const h = await withTopics(await harness(), { t: 1 });
    await h.groups.commitOffsets(commitRequest({ t: [[0, 1]] }, { groupId: 'empty' }));
    await stableMember(h, ['t']);
    expect(await h.groups.deleteGroups(['empty', 'g', 'nope'])).toEqual([
      { groupId: 'empty', errorCode: ErrorCode.NONE },
      { groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'nope', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    expect(h.groups.fetchOffsets('empty', null).topics).toEqual([]);
    expect(h.groups.listGroups().groups.map((g) => g.groupId)).toEqual(['g']);
  });

  it('OffsetDelete: GROUP_SUBSCRIBED_TO_TOPIC while a member subscribes, free for other topics', async () => {
    const h = await withTopics(await harness(), { t: 1, other: 1 });
    const j = await stableMember(h, ['t']);
    await h.groups.commitOffsets(
      commitRequest({ t: [[0, 1]], other: [[0, 2]] }, { generationId: j.generationId, memberId: j.memberId }),
    );
    const r = await h.groups.deleteOffsets('g', [
      { name: 't', partitions: [0] },
      { name: 'other', partitions: [0] },
      { name: 'missing', partitions: [0] },
    ]);
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(codes(r.topics)).toEqual([
      ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC,
      ErrorCode.NONE,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
    expect(h.groups.fetchOffsets('g', null).topics.map((t) => t.name)).toEqual(['t']);
    expect((await h.groups.deleteOffsets('nope', [])).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('OffsetDelete: NON_EMPTY_GROUP for an active group of another protocol type', async () => {
    const h = await withTopics(await harness(), { t: 1 });
    await h.groups.join(
      joinRequest({ protocolType: 'connect', protocols: [{ name: 'v1', metadata: Buffer.alloc(0) }] }),
    );
    expect((await h.groups.deleteOffsets('g', [{ name: 't', partitions: [0] }])).errorCode).toBe(
      ErrorCode.NON_EMPTY_GROUP,
    );
  });

  it('reports committed offset, log end offset, lag and owner per partition', async () => {
    const h = await withTopics(await harness(), { t: 2 });
    const log = h.logs.log('t', 0)!;
    const batch = encodeRecordBatch({
      records: Array.from({ length: 10 }, (_, i) => ({ timestamp: i, key: null, value: Buffer.from('v') })),
    });
    await log.append(batch, { durable: true });
    const j = await stableMember(h, ['t']);
    await h.groups.commitOffsets(
      commitRequest({ t: [[0, 4]] }, { generationId: j.generationId, memberId: j.memberId }),
    );
    const lag = h.groups.lag('g')!;
    expect(lag).toMatchObject({ state: GroupState.Stable, protocolName: 'range', members: 1, totalLag: 6 });
    expect(lag.partitions).toEqual([
      {
        topic: 't',
        partition: 0,
        committedOffset: 4,
        metadata: '',
        logEndOffset: 10,
        lag: 6,
        owner: { memberId: j.memberId, groupInstanceId: null, clientId: 'client', clientHost: '/127.0.0.1' },
      },
    ]);
    expect(h.groups.lag('nope')).toBeUndefined();
  });

  it('lists groups with a state filter and describes members only while Stable', async () => {
    const h = await withTopics(await harness(), { t: 1 });
    await h.groups.commitOffsets(commitRequest({ t: [[0, 1]] }, { groupId: 'simple' }));
    const j = await h.groups.join(joinRequest());
    expect(h.groups.describeGroup('g')).toMatchObject({ state: 'CompletingRebalance', protocolData: '' });
    expect(h.groups.describeGroup('g').members[0]?.metadata).toEqual(Buffer.alloc(0));
    await sync(h, j, [{ memberId: j.memberId, assignment: Buffer.from('A') }]).promise;
    const d = h.groups.describeGroup('g');
    expect(d).toMatchObject({
      errorCode: 0,
      state: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
    });
    expect(d.members[0]).toMatchObject({
      memberId: j.memberId,
      clientId: 'client',
      assignment: Buffer.from('A'),
    });
    expect(h.groups.describeGroup('nope')).toMatchObject({ errorCode: 0, state: 'Dead', members: [] });
    expect(h.groups.listGroups().groups).toEqual([
      { groupId: 'simple', protocolType: '', state: 'Empty' },
      { groupId: 'g', protocolType: 'consumer', state: 'Stable' },
    ]);
    expect(h.groups.listGroups(['stable']).groups.map((g) => g.groupId)).toEqual(['g']);
    expect(h.groups.listGroups(['EMPTY', 'PREPARING_REBALANCE']).groups.map((g) => g.groupId)).toEqual([
      'simple',
    ]);
    expect(h.groups.listGroups(['Dead']).groups).toEqual([]);
  });

  it('a coordinator that failed to load answers COORDINATOR_NOT_AVAILABLE', async () => {
    const h = await harness();
    const broken = new GroupCoordinator({
      logs: h.logs,
      clock: h.clock,
      config: testConfig,
      beforeLoad: () => Promise.reject(new Error('disk on fire')),
    });
    await broken.start();
    expect(broken.status).toBe('failed');
    expect(broken.listGroups().errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });
});

describe('the __consumer_offsets topic', () => {
  it('is created compacted on the first commit, and made compacted if something else created it', async () => {
    const h = await withTopics(await harness(), { t: 1 });
    expect(h.logs.topic(OFFSETS_TOPIC)).toBeUndefined();
    await h.groups.commitOffsets(commitRequest({ t: [[0, 1]] }));
    expect(h.logs.topic(OFFSETS_TOPIC)?.configs['cleanup.policy']).toBe('compact');

    const other = await withTopics(await harness(), { t: 1 });
    // As a Metadata request with auto-creation would: default settings, delete policy.
    await other.logs.createTopic(OFFSETS_TOPIC, { partitions: 3, configs: { 'retention.ms': '1000' } });
    await other.groups.commitOffsets(commitRequest({ t: [[0, 1]] }));
    expect(other.logs.topic(OFFSETS_TOPIC)?.configs).toMatchObject({
      'cleanup.policy': 'compact',
      'retention.ms': '1000',
    });
    expect(other.groups.fetchOffsets('g', null).topics[0]?.partitions[0]?.offset).toBe(1);
  });
});
