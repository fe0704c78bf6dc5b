/**
 * Rebuilds groups and committed offsets by replaying `__consumer_offsets` (the latest record per
 * key wins; a null value deletes). A group with a metadata record comes back as Kafka loads it:
 * Empty without members, otherwise Stable with its members, generation and assignments (their
 * sessions restart, so members that are gone expire and the group rebalances). A group with
 * offsets only comes back Empty, with no protocol type.
 */
import type { Logger } from '../../shared/logger.js';
import { ClassicGroup, GroupMember, partitionKey, type CommittedOffset } from './group.js';
import { GroupState } from './group-state.js';
import type { OffsetsLog } from './offsets-log.js';
import {
  decodeGroupValue,
  decodeKey,
  decodeOffsetValue,
  type GroupMetadataValue,
} from './offsets-records.js';

export interface LoadedState {
  readonly groups: Map<string, ClassicGroup>;
  readonly records: number;
  readonly skipped: number;
}

export async function loadGroups(offsetsLog: OffsetsLog, now: number, log: Logger): Promise<LoadedState> {
  const metadata = new Map<string, GroupMetadataValue | null>();
  const offsets = new Map<string, Map<string, CommittedOffset>>();
  let skipped = 0;
  const records = await offsetsLog.replay(({ key, value, offset }) => {
    try {
      const k = decodeKey(key);
      if (k.kind === 'group') {
        metadata.set(k.group, value === null ? null : decodeGroupValue(value));
        return;
      }
      let byPartition = offsets.get(k.group);
      if (byPartition === undefined) offsets.set(k.group, (byPartition = new Map<string, CommittedOffset>()));
      const pk = partitionKey(k.topic, k.partition);
      if (value === null) byPartition.delete(pk);
      else byPartition.set(pk, { ...decodeOffsetValue(value), logOffset: offset });
    } catch (err) {
      skipped++;
      log.warn('skipping unreadable __consumer_offsets record', {
        offset,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  });

  const groups = new Map<string, ClassicGroup>();
  for (const [groupId, value] of metadata) {
    if (value !== null) groups.set(groupId, restoreGroup(groupId, value, now));
  }
  for (const [groupId, byPartition] of offsets) {
    if (byPartition.size === 0) continue;
    let group = groups.get(groupId);
    if (group === undefined) groups.set(groupId, (group = new ClassicGroup(groupId, now)));
    for (const [k, o] of byPartition) group.offsets.set(k, o);
  }
  return { groups, records, skipped };
}

function restoreGroup(groupId: string, v: GroupMetadataValue, now: number): ClassicGroup {
  const stable = v.members.length > 0 && v.protocolName !== null;
  const group = new ClassicGroup(
    groupId,
    v.stateTimestamp >= 0 && !stable ? v.stateTimestamp : now,
    stable ? GroupState.Stable : GroupState.Empty,
  );
  group.protocolType = v.protocolType === '' ? null : v.protocolType;
  group.generationId = v.generationId;
  if (!stable) return group;
  group.protocolName = v.protocolName;
  for (const m of v.members) {
    const member = new GroupMember(
      m.memberId,
      m.groupInstanceId,
      m.clientId,
      m.clientHost,
      m.sessionTimeoutMs,
      m.rebalanceTimeoutMs,
      v.protocolType,
      [{ name: v.protocolName, metadata: m.subscription }],
    );
    member.assignment = m.assignment;
    group.add(member);
  }
  group.leaderId = v.leaderId !== null && group.has(v.leaderId) ? v.leaderId : group.leaderId;
  return group;
}
