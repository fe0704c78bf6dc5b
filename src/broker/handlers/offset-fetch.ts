/**
 * OffsetFetch v0–v9. The committed offset, leader epoch (v5+) and metadata per partition; -1
 * where nothing is committed (and for an unknown group). Null topics (v2+) mean every
 * partition the group has committed. v8+ fetches several groups at once. Coordinator errors
 * (COORDINATOR_LOAD_IN_PROGRESS while offsets are restored) are per partition for v0–v1,
 * top-level for v2–v7 and per group for v8+. `require_stable` (v7+) has nothing to wait for:
 * there are no transactional offset commits yet. v9's member id/epoch belong to the new
 * consumer protocol (KIP-848) and are ignored for classic groups.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  OffsetFetch,
  type OffsetFetchResponsePartition,
  type OffsetFetchResponseTopic,
} from '../../protocol/messages/offset-fetch.js';
import type { FetchResult, GroupCoordinator } from '../group-coordinator/index.js';
import { defineHandler } from '../router.js';

type Topics = readonly { readonly name: string; readonly partitionIndexes: readonly number[] }[] | null;

function toWire(r: FetchResult): OffsetFetchResponseTopic[] {
  return r.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): OffsetFetchResponsePartition => ({
      partitionIndex: p.partition,
      committedOffset: BigInt(p.offset),
      committedLeaderEpoch: p.leaderEpoch,
      metadata: p.metadata,
      errorCode: p.errorCode,
    })),
  }));
}

/** v0–v1 have no top-level error: every requested partition carries it instead. */
function perPartitionError(topics: Topics, errorCode: number): OffsetFetchResponseTopic[] {
  return (topics ?? []).map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => ({
      partitionIndex,
      committedOffset: -1n,
      committedLeaderEpoch: -1,
      metadata: '',
      errorCode,
    })),
  }));
}

export function offsetFetchHandler(groups: GroupCoordinator) {
  const fetch = (groupId: string, topics: Topics): FetchResult =>
    groups.fetchOffsets(
      groupId,
      topics === null ? null : topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes })),
    );

  return defineHandler({
    api: OffsetFetch,
    versions: [0, 9],
    handle: (req, { apiVersion }) => {
      if (apiVersion >= 8) {
        return OffsetFetch.createResponse({
          groups: req.groups.map((g) => {
            const r = fetch(g.groupId, g.topics);
            return { groupId: g.groupId, errorCode: r.errorCode, topics: toWire(r) };
          }),
        });
      }
      const r = fetch(req.groupId, req.topics);
      if (apiVersion < 2 && r.errorCode !== ErrorCode.NONE) {
        return OffsetFetch.createResponse({ topics: perPartitionError(req.topics, r.errorCode) });
      }
      return OffsetFetch.createResponse({ errorCode: r.errorCode, topics: toWire(r) });
    },
    errorResponse: (req, errorCode) =>
      req.groups.length > 0
        ? OffsetFetch.createResponse({
            groups: req.groups.map((g) => ({ groupId: g.groupId, errorCode, topics: [] })),
          })
        : OffsetFetch.createResponse({ errorCode, topics: perPartitionError(req.topics, errorCode) }),
  });
}
