import { JoinGroup, type JoinGroupResponse } from '../../src/protocol/messages/join-group.js';
import { SyncGroup, type SyncGroupResponse } from '../../src/protocol/messages/sync-group.js';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import type { RawConnection } from '../support/raw-client.js';
import { subscription } from './harness.js';

/** A JoinGroup over the wire at `version`, with the MEMBER_ID_REQUIRED round of v4+ done. */
export async function joinAt(
  conn: RawConnection,
  version: number,
  opts: {
    groupId: string;
    topics?: string[];
    memberId?: string;
    groupInstanceId?: string | null;
    sessionTimeoutMs?: number;
    protocolType?: string;
    protocols?: { name: string; metadata: Buffer }[];
  },
): Promise<JoinGroupResponse> {
  const req = JoinGroup.createRequest({
    groupId: opts.groupId,
    sessionTimeoutMs: opts.sessionTimeoutMs ?? 10_000,
    rebalanceTimeoutMs: version >= 1 ? 10_000 : -1,
    memberId: opts.memberId ?? '',
    groupInstanceId: opts.groupInstanceId ?? null,
    protocolType: opts.protocolType ?? 'consumer',
    protocols: opts.protocols ?? [{ name: 'range', metadata: subscription(opts.topics ?? ['t']) }],
    reason: version >= 8 ? 'test' : null,
  });
  const first = await conn.request(JoinGroup, version, req);
  if (first.errorCode !== ErrorCode.MEMBER_ID_REQUIRED) return first;
  return conn.request(JoinGroup, version, { ...req, memberId: first.memberId });
}

export function syncAt(
  conn: RawConnection,
  version: number,
  groupId: string,
  j: { generationId: number; memberId: string },
  assignments: { memberId: string; assignment: Buffer }[] = [],
): Promise<SyncGroupResponse> {
  return conn.request(
    SyncGroup,
    version,
    SyncGroup.createRequest({
      groupId,
      generationId: j.generationId,
      memberId: j.memberId,
      protocolType: version >= 5 ? 'consumer' : null,
      protocolName: version >= 5 ? 'range' : null,
      assignments,
    }),
  );
}
