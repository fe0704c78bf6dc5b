import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  assignment,
  decodeAssignment,
  harness,
  heartbeat,
  join,
  joinRequest,
  testConfig,
  settle,
  subscription,
  sync,
  track,
  type Harness,
} from '../../../test/groups/harness.js';
import type { JoinRequest } from './membership.js';
import { GroupCoordinator } from './coordinator.js';
import type { JoinResult } from './group.js';
import { GroupState } from './group-state.js';

/** Two members through a full first rebalance: returns their join results (leader first). */
async function stableTwo(h: Harness): Promise<[JoinResult, JoinResult]> {
  const a = join(h, { clientId: 'a' });
  await settle();
  const aFirst = a.value;
  expect(aFirst.errorCode).toBe(ErrorCode.NONE);
  // The second member's join rebalances the group; the first learns it by heartbeat and rejoins.
  await sync(h, aFirst, [
    { memberId: aFirst.memberId, assignment: assignment([{ topic: 't', partitions: [0] }]) },
  ]).promise;
  const b = join(h, { clientId: 'b' });
  await settle();
  expect(b.done).toBe(false);
  expect(heartbeat(h, aFirst)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  const a2 = join(h, { clientId: 'a', memberId: aFirst.memberId });
  await settle();
  expect(a2.done && b.done).toBe(true);
  const leader = a2.value.members.length > 0 ? a2.value : b.value;
  const follower = leader === a2.value ? b.value : a2.value;
  const followerSync = sync(h, follower);
  await settle();
  expect(followerSync.done).toBe(false);
  await sync(h, leader, [
    { memberId: leader.memberId, assignment: assignment([{ topic: 't', partitions: [0] }]) },
    { memberId: follower.memberId, assignment: assignment([{ topic: 't', partitions: [1] }]) },
  ]).promise;
  await followerSync.promise;
  expect(decodeAssignment(followerSync.value.assignment)).toEqual([{ topic: 't', partitions: [1] }]);
  expect(h.groups.group('g')?.state).toBe(GroupState.Stable);
  return [leader, follower];
}

/**
 * Forms a group of all `members` in one generation (needs an initial rebalance delay so they all
 * join before it completes), then syncs it with an empty assignment each. Join results in order.
 */
async function formGroup(h: Harness, members: Partial<JoinRequest>[]): Promise<JoinResult[]> {
  const joins = members.map((m) => join(h, m));
  for (let i = 0; i < members.length + 1 && !joins.every((j) => j.done); i++) {
    h.advance(100);
    await settle();
  }
  const results = joins.map((j) => j.value);
  expect(results.every((r) => r.errorCode === ErrorCode.NONE && r.generationId === 1)).toBe(true);
  const leader = results.find((r) => r.members.length > 0)!;
  const syncs = results.filter((r) => r !== leader).map((r) => sync(h, r));
  await sync(h, leader).promise;
  await Promise.all(syncs.map((s) => s.promise));
  return results;
}

describe('JoinGroup / SyncGroup', () => {
  it('v4+: a new member first gets MEMBER_ID_REQUIRED, then joins with that id as leader', async () => {
    const h = await harness();
    const first = await h.groups.join(joinRequest({ requireKnownMemberId: true, clientId: 'app' }));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^app-[0-9a-f-]{36}$/);
    expect(h.groups.group('g')?.state).toBe(GroupState.Empty);

    const second = await h.groups.join(joinRequest({ requireKnownMemberId: true, memberId: first.memberId }));
    expect(second).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 1,
      protocolType: 'consumer',
      protocolName: 'range',
      leaderId: first.memberId,
      memberId: first.memberId,
    });
    expect(second.members).toEqual([
      { memberId: first.memberId, groupInstanceId: null, metadata: subscription(['t']) },
    ]);
    const s = await sync(h, second, [{ memberId: first.memberId, assignment: Buffer.from('A') }]).promise;
    expect(s).toMatchObject({
      errorCode: ErrorCode.NONE,
      protocolName: 'range',
      assignment: Buffer.from('A'),
    });
    expect(h.groups.group('g')?.state).toBe(GroupState.Stable);
  });

  it('gives the member list to the leader only, and each member its own assignment', async () => {
    const h = await harness();
    const [leader, follower] = await stableTwo(h);
    expect(leader.members.map((m) => m.memberId).sort()).toEqual([leader.memberId, follower.memberId].sort());
    expect(follower.members).toEqual([]);
    expect(leader.generationId).toBe(2);
    expect(follower.leaderId).toBe(leader.memberId);
  });

  it('selects the protocol by vote among those every member supports', async () => {
    const h = await harness({ config: { initialRebalanceDelayMs: 100 } });
    const m = Buffer.from('m');
    const results = await formGroup(h, [
      { protocols: ['roundrobin', 'range', 'sticky'].map((name) => ({ name, metadata: m })) },
      { protocols: ['range', 'roundrobin'].map((name) => ({ name, metadata: m })) },
      { protocols: ['range', 'cooperative-sticky', 'roundrobin'].map((name) => ({ name, metadata: m })) },
    ]);
    // 'sticky' and 'cooperative-sticky' are not supported by all; 'range' wins 2 votes to 1.
    expect(results.map((r) => r.protocolName)).toEqual(['range', 'range', 'range']);
  });

  it('refuses a member whose protocol type or protocols do not fit (INCONSISTENT_GROUP_PROTOCOL)', async () => {
    const h = await harness();
    expect((await h.groups.join(joinRequest({ protocolType: '' }))).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    expect((await h.groups.join(joinRequest({ protocols: [] }))).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    expect(h.groups.group('g')).toBeUndefined(); // a failed first join leaves no group behind
    await h.groups.join(joinRequest());
    expect((await h.groups.join(joinRequest({ protocolType: 'connect' }))).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    const other = [{ name: 'roundrobin', metadata: Buffer.alloc(0) }];
    expect((await h.groups.join(joinRequest({ protocols: other }))).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
  });

  it('checks the session timeout against group.min/max.session.timeout.ms', async () => {
    const h = await harness();
    for (const sessionTimeoutMs of [5999, 300_001]) {
      expect((await h.groups.join(joinRequest({ sessionTimeoutMs }))).errorCode).toBe(
        ErrorCode.INVALID_SESSION_TIMEOUT,
      );
    }
    expect((await h.groups.join(joinRequest({ sessionTimeoutMs: 6000 }))).errorCode).toBe(ErrorCode.NONE);
  });

  it('answers an empty group id with INVALID_GROUP_ID and an unknown member id with UNKNOWN_MEMBER_ID', async () => {
    const h = await harness();
    expect((await h.groups.join(joinRequest({ groupId: '' }))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect((await h.groups.join(joinRequest({ memberId: 'ghost' }))).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    await h.groups.join(joinRequest());
    expect((await h.groups.join(joinRequest({ memberId: 'ghost' }))).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  it('answers a SyncGroup from a stale generation with ILLEGAL_GENERATION', async () => {
    const h = await harness();
    const [leader] = await stableTwo(h);
    const stale = await sync(h, { ...leader, generationId: leader.generationId - 1 }).promise;
    expect(stale.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const unknown = await sync(h, { ...leader, memberId: 'ghost' }).promise;
    expect(unknown.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const noGroup = await sync(h, leader, [], 'other').promise;
    expect(noGroup.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('checks SyncGroup v5 protocol type and name against the group', async () => {
    const h = await harness();
    const j = await h.groups.join(joinRequest());
    const base = { groupId: 'g', generationId: j.generationId, memberId: j.memberId, groupInstanceId: null };
    const bad = await h.groups.sync({
      ...base,
      protocolType: 'consumer',
      protocolName: 'roundrobin',
      assignments: [],
    });
    expect(bad.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const ok = await h.groups.sync({
      ...base,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [],
    });
    expect(ok).toMatchObject({ errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range' });
  });

  it('a JoinGroup while the leader assigns sends REBALANCE_IN_PROGRESS to members waiting in SyncGroup', async () => {
    const h = await harness();
    const [leader, follower] = await stableTwo(h);
    const l2 = join(h, { memberId: leader.memberId });
    const f2 = join(h, { memberId: follower.memberId });
    await settle();
    const next = l2.value.members.length > 0 ? l2.value : f2.value;
    const other = next === l2.value ? f2.value : l2.value;
    const waiting = sync(h, other);
    await settle();
    expect(waiting.done).toBe(false);
    const newcomer = join(h, { clientId: 'c' });
    await settle();
    expect(waiting.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(newcomer.done).toBe(false);
    expect(h.groups.group('g')?.state).toBe(GroupState.PreparingRebalance);
  });

  it('a follower rejoining while Stable with the same metadata gets the current generation', async () => {
    const h = await harness();
    const [, follower] = await stableTwo(h);
    const again = await h.groups.join(joinRequest({ memberId: follower.memberId, clientId: 'b' }));
    expect(again).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: follower.generationId,
      members: [],
    });
    expect(h.groups.group('g')?.state).toBe(GroupState.Stable);
  });

  it('a cooperative member rejoining while Stable with changed metadata starts a rebalance', async () => {
    const h = await harness();
    const [leader, follower] = await stableTwo(h);
    const revoked = [{ name: 'range', metadata: subscription(['t'], [{ topic: 't', partitions: [] }]) }];
    const rejoin = join(h, { memberId: follower.memberId, protocols: revoked });
    await settle();
    expect(rejoin.done).toBe(false);
    expect(h.groups.group('g')?.state).toBe(GroupState.PreparingRebalance);
    expect(heartbeat(h, leader)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const l2 = await h.groups.join(joinRequest({ memberId: leader.memberId }));
    await rejoin.promise;
    expect(l2.generationId).toBe(leader.generationId + 1);
    expect(rejoin.value.generationId).toBe(leader.generationId + 1);
  });

  it('a superseded JoinGroup of the same member is answered, not dropped', async () => {
    const h = await harness();
    const [leader, follower] = await stableTwo(h);
    const first = join(h, {
      memberId: follower.memberId,
      protocols: [{ name: 'range', metadata: Buffer.from('x') }],
    });
    const retry = join(h, {
      memberId: follower.memberId,
      protocols: [{ name: 'range', metadata: Buffer.from('x') }],
    });
    await settle();
    expect(first.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(retry.done).toBe(false);
    await h.groups.join(joinRequest({ memberId: leader.memberId }));
    await settle();
    expect(retry.value.errorCode).toBe(ErrorCode.NONE);
  });

  it('waits for group.initial.rebalance.delay.ms, extended while new members arrive', async () => {
    const h = await harness({ config: { initialRebalanceDelayMs: 3000 } });
    const a = join(h, { rebalanceTimeoutMs: 10_000 });
    await settle();
    expect(a.done).toBe(false);
    h.advance(2000);
    const b = join(h, { rebalanceTimeoutMs: 10_000 });
    h.advance(1000); // first delay over, but b arrived: wait once more
    await settle();
    expect(a.done || b.done).toBe(false);
    h.advance(3000);
    await settle();
    expect(a.value.generationId).toBe(1);
    expect(b.value.generationId).toBe(1);
    expect([a.value.members.length, b.value.members.length].sort()).toEqual([0, 2]);
  });

  it('Heartbeat: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS, NONE', async () => {
    const h = await harness();
    const [leader] = await stableTwo(h);
    expect(heartbeat(h, leader)).toBe(ErrorCode.NONE);
    expect(heartbeat(h, { ...leader, memberId: 'ghost' })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(heartbeat(h, leader, 'no-such-group')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(heartbeat(h, leader, 'g', leader.generationId + 5)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(heartbeat(h, leader, '')).toBe(ErrorCode.INVALID_GROUP_ID);
  });
});

describe('sessions and timeouts (ManualClock)', () => {
  it('removes a member whose session expires and rebalances the others', async () => {
    const h = await harness();
    const [leader, follower] = await stableTwo(h);
    h.advance(6000);
    expect(heartbeat(h, leader)).toBe(ErrorCode.NONE); // the leader lives; the follower is silent
    h.advance(4000); // the follower's 10 s session is over
    expect(h.groups.group('g')?.has(follower.memberId)).toBe(false);
    expect(heartbeat(h, follower)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(heartbeat(h, leader)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const again = await h.groups.join(joinRequest({ memberId: leader.memberId }));
    expect(again).toMatchObject({ errorCode: ErrorCode.NONE, generationId: leader.generationId + 1 });
    expect(again.members.map((m) => m.memberId)).toEqual([leader.memberId]);
  });

  it('removes members that do not rejoin within the rebalance timeout', async () => {
    const h = await harness();
    const [leader, follower] = await stableTwo(h);
    const l2 = join(h, {
      memberId: leader.memberId,
      protocols: [{ name: 'range', metadata: Buffer.from('new') }],
    });
    for (let i = 0; i < 5; i++) {
      h.advance(5000);
      // The follower keeps its session alive but never rejoins.
      expect(heartbeat(h, follower)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    await settle();
    expect(l2.done).toBe(false);
    h.advance(5000); // 30 s rebalance timeout
    await settle();
    expect(l2.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: leader.generationId + 1 });
    expect(l2.value.members.map((m) => m.memberId)).toEqual([leader.memberId]);
    expect(heartbeat(h, follower)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('expires a member id handed out with MEMBER_ID_REQUIRED that nobody comes back with', async () => {
    const h = await harness();
    const pending = await h.groups.join(joinRequest({ requireKnownMemberId: true }));
    expect(h.groups.group('g')?.pendingMembers.has(pending.memberId)).toBe(true);
    h.advance(10_000);
    expect(h.groups.group('g')?.pendingMembers.has(pending.memberId)).toBe(false);
    expect((await h.groups.join(joinRequest({ memberId: pending.memberId }))).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  it('keeps a member waiting in JoinGroup alive past its session timeout', async () => {
    const h = await harness();
    const [leader, follower] = await stableTwo(h);
    const l2 = join(h, {
      memberId: leader.memberId,
      protocols: [{ name: 'range', metadata: Buffer.from('v2') }],
    });
    for (let i = 0; i < 4; i++) {
      h.advance(5000); // 20 s: twice the leader's session, within the 30 s rebalance timeout
      expect(heartbeat(h, follower)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    const f2 = await h.groups.join(joinRequest({ memberId: follower.memberId }));
    await settle();
    expect(l2.value.errorCode).toBe(ErrorCode.NONE);
    expect(f2.generationId).toBe(leader.generationId + 1);
  });

  it('keeps a member waiting in SyncGroup alive; the silent leader expires and the group rebalances', async () => {
    const h = await harness();
    const [leader, follower] = await stableTwo(h);
    const l2 = join(h, {
      memberId: leader.memberId,
      protocols: [{ name: 'range', metadata: Buffer.from('v2') }],
    });
    const f2 = await h.groups.join(joinRequest({ memberId: follower.memberId }));
    await settle();
    const newLeader = l2.value.members.length > 0 ? l2.value : f2;
    const waiter = newLeader === f2 ? l2.value : f2;
    const waiting = sync(h, waiter);
    h.advance(10_000); // the leader never syncs and never heartbeats: its session ends
    await settle();
    expect(waiting.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(h.groups.group('g')?.has(waiter.memberId)).toBe(true);
    expect(h.groups.group('g')?.has(newLeader.memberId)).toBe(false);
  });

  it('an Empty group is left when the last member leaves or expires', async () => {
    const h = await harness();
    const j = await h.groups.join(joinRequest());
    await sync(h, j).promise;
    h.advance(10_000);
    const g = h.groups.group('g');
    expect(g?.state).toBe(GroupState.Empty);
    expect(g?.generationId).toBe(2);
    expect(g?.members.size).toBe(0);
  });
});

describe('static membership (group.instance.id)', () => {
  it('a restarted static member takes its place under a new member id without a rebalance; the old id is fenced', async () => {
    const h = await harness();
    const a = await h.groups.join(joinRequest({ groupInstanceId: 'i-a', clientId: 'a' }));
    await sync(h, a, [{ memberId: a.memberId, assignment: assignment([{ topic: 't', partitions: [0, 1] }]) }])
      .promise;
    const again = await h.groups.join(joinRequest({ groupInstanceId: 'i-a', clientId: 'a' }));
    expect(again.errorCode).toBe(ErrorCode.NONE);
    expect(again.memberId).not.toBe(a.memberId);
    expect(again.generationId).toBe(a.generationId);
    expect(again.leaderId).toBe(again.memberId);
    expect(again.skipAssignment).toBe(true);
    expect(h.groups.group('g')?.state).toBe(GroupState.Stable);
    const s = await sync(h, again).promise;
    expect(decodeAssignment(s.assignment)).toEqual([{ topic: 't', partitions: [0, 1] }]);

    const fenced = {
      groupId: 'g',
      generationId: a.generationId,
      memberId: a.memberId,
      groupInstanceId: 'i-a',
    };
    expect(h.groups.heartbeat(fenced)).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(
      (await h.groups.join(joinRequest({ memberId: a.memberId, groupInstanceId: 'i-a' }))).errorCode,
    ).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(
      h.groups.leave('g', [{ memberId: a.memberId, groupInstanceId: 'i-a' }]).members[0]?.errorCode,
    ).toBe(ErrorCode.FENCED_INSTANCE_ID);
  });

  it('a static member that misses a rebalance keeps its place until its session expires', async () => {
    const h = await harness();
    const s = await h.groups.join(joinRequest({ groupInstanceId: 'i-s', sessionTimeoutMs: 60_000 }));
    await sync(h, s).promise;
    const d = join(h, { clientId: 'dyn' });
    await settle();
    h.advance(30_000); // rebalance timeout: the static member did not rejoin, but stays
    await settle();
    expect(d.value.errorCode).toBe(ErrorCode.NONE);
    expect(h.groups.group('g')?.has(s.memberId)).toBe(true);
    h.advance(30_000); // its 60 s session is over
    expect(h.groups.group('g')?.has(s.memberId)).toBe(false);
  });

  it('a pending JoinGroup of a replaced static member is answered FENCED_INSTANCE_ID', async () => {
    const h = await harness({ config: { initialRebalanceDelayMs: 100 } });
    const [st, d1] = await formGroup(h, [
      { groupInstanceId: 'i-s', clientId: 's' },
      { clientId: 'd1' },
      { clientId: 'd2' },
    ]);
    join(h, { memberId: d1!.memberId, protocols: [{ name: 'range', metadata: Buffer.from('x') }] });
    const oldIncarnation = join(h, { memberId: st!.memberId, groupInstanceId: 'i-s' });
    await settle();
    expect(oldIncarnation.done).toBe(false); // d2 has not rejoined yet
    const restarted = join(h, { groupInstanceId: 'i-s', clientId: 's' });
    await settle();
    expect(oldIncarnation.value.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(restarted.done).toBe(false);
  });

  it('leaves by instance id, in a batch with per-member errors', async () => {
    const h = await harness();
    const [leader, follower] = await stableTwo(h);
    const r = h.groups.leave('g', [
      { memberId: leader.memberId, groupInstanceId: null },
      { memberId: 'ghost', groupInstanceId: null },
      { memberId: '', groupInstanceId: 'no-such-instance' },
      { memberId: follower.memberId, groupInstanceId: null },
    ]);
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.members.map((m) => m.errorCode)).toEqual([
      ErrorCode.NONE,
      ErrorCode.UNKNOWN_MEMBER_ID,
      ErrorCode.UNKNOWN_MEMBER_ID,
      ErrorCode.NONE,
    ]);
    expect(h.groups.group('g')?.state).toBe(GroupState.Empty);
    expect(h.groups.leave('nope', [{ memberId: 'x', groupInstanceId: null }]).members[0]?.errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });
});

describe('coordinator lifecycle', () => {
  it('answers COORDINATOR_LOAD_IN_PROGRESS until loaded and NOT_COORDINATOR to waiting calls on close', async () => {
    const h = await harness();
    const [leader] = await stableTwo(h);
    const waiting = join(h, {
      memberId: leader.memberId,
      protocols: [{ name: 'range', metadata: Buffer.from('z') }],
    });
    await h.groups.close();
    await settle();
    expect(waiting.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(heartbeat(h, leader)).toBe(ErrorCode.NOT_COORDINATOR);

    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const loading = new GroupCoordinator({
      logs: h.logs,
      clock: h.clock,
      config: testConfig,
      beforeLoad: () => gate,
    });
    const started = track(loading.start());
    expect((await loading.join(joinRequest())).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(loading.fetchOffsets('g', null).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    release();
    await started.promise;
    expect(loading.status).toBe('active');
  });
});
