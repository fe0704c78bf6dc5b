import { ErrorCode } from '../protocol/error-codes.js';
import { DeleteGroups } from '../protocol/messages/delete-groups.js';
import { DescribeGroups } from '../protocol/messages/describe-groups.js';
import { ListGroups } from '../protocol/messages/list-groups.js';
import { RivuletError } from '../shared/errors.js';
import type { Cluster } from './cluster.js';
import type { BrokerConnection } from './connection.js';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription } from './consumer-protocol.js';
import type { TopicPartition } from './consumer-types.js';
import { findCoordinators, type Coordinator } from './coordinator.js';
import { KafkaError } from './errors.js';
import { fetchOffsets, type CommittedOffset } from './group-offsets.js';
import { listOffsets } from './offsets.js';
import { withRetry } from './retry.js';

/** A group as ListGroups reports it. */
export interface GroupListing {
  groupId: string;
  /** `consumer` for consumer groups; Kafka Connect and others use their own. */
  protocolType: string;
  /** Kafka's state name (`Stable`, `Empty` …); null from brokers before ListGroups v4 (Kafka 2.6). */
  state: string | null;
}

/** One member of a described group. */
export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  /** As the coordinator saw it, e.g. `/127.0.0.1`. */
  clientHost: string;
  /** Decoded for consumer groups; empty otherwise, or while the group rebalances. */
  assignment: TopicPartition[];
  /** The member's subscribed topics (consumer groups). */
  subscription: string[];
}

/** A group as DescribeGroups reports it. */
export interface GroupDescription {
  groupId: string;
  /** Kafka's state name; `Dead` for a group the coordinator does not know. */
  state: string;
  protocolType: string;
  /** The assignor in use (`range` …) once Stable, else empty. */
  protocol: string;
  members: GroupMemberDescription[];
  coordinator: Coordinator;
}

/** One partition of a group's lag report. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** null: nothing committed for this partition (it is only assigned). */
  committedOffset: number | null;
  metadata: string | null;
  /** The high watermark; null when the partition no longer exists. */
  endOffset: number | null;
  /** endOffset − committedOffset (never negative); null when either is unknown. */
  lag: number | null;
  /** The member the partition is assigned to, if any. */
  owner: { memberId: string; clientId: string; clientHost: string; groupInstanceId: string | null } | null;
}

/** What `kafka-consumer-groups --describe` shows: the group, its members and lag per partition. */
export interface GroupLag extends GroupDescription {
  /** Committed or assigned partitions, sorted by topic and partition. */
  partitions: PartitionLag[];
  /** Sum of the known lags. */
  totalLag: number;
}

/**
 * Lists the groups of every broker (each broker answers for the groups it coordinates), sorted
 * by id. `states` filters by Kafka state name (ListGroups v4+).
 */
export async function listGroups(cluster: Cluster, states: readonly string[] = []): Promise<GroupListing[]> {
  await withRetry(cluster.retry, () => cluster.fetchMetadata([]));
  const out = new Map<string, GroupListing>();
  for (const nodeId of cluster.brokers.keys()) {
    const res = await withRetry(cluster.retry, async () => {
      const conn = await cluster.nodeConnection(nodeId);
      const version = conn.version(ListGroups);
      if (states.length > 0 && version < 4) {
        throw new RivuletError(
          'RIV_ERR_UNSUPPORTED_VERSION',
          `broker ${conn.address} speaks ListGroups v${version}; filtering by state needs v4`,
        );
      }
      const r = await conn.send(ListGroups, version, ListGroups.createRequest({ statesFilter: [...states] }));
      if (r.errorCode !== ErrorCode.NONE) throw new KafkaError(r.errorCode, { api: 'ListGroups' });
      return { r, version };
    });
    for (const g of res.r.groups) {
      out.set(g.groupId, {
        groupId: g.groupId,
        protocolType: g.protocolType,
        state: res.version >= 4 ? g.groupState : null,
      });
    }
  }
  return [...out.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

/**
 * Runs `send` on each group's coordinator (groups sharing one go in one request). `send` throws
 * a retriable KafkaError (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS …) to have its groups
 * asked again, after a fresh FindCoordinator, until the retry deadline.
 */
async function onCoordinators<T>(
  cluster: Cluster,
  groupIds: readonly string[],
  send: (conn: BrokerConnection, groups: string[], coordinator: Coordinator) => Promise<Map<string, T>>,
): Promise<Map<string, T>> {
  const done = new Map<string, T>();
  await withRetry(cluster.retry, async () => {
    const pending = groupIds.filter((g) => !done.has(g));
    const coordinators = await findCoordinators(cluster, pending);
    const byNode = new Map<number, { coordinator: Coordinator; groups: string[] }>();
    for (const g of pending) {
      const c = coordinators.get(g)!;
      const entry = byNode.get(c.nodeId) ?? { coordinator: c, groups: [] };
      entry.groups.push(g);
      byNode.set(c.nodeId, entry);
    }
    for (const { coordinator, groups } of byNode.values()) {
      const conn = cluster.connectionTo(coordinator);
      const results = await send(conn, groups, coordinator);
      for (const [g, v] of results) done.set(g, v);
    }
  });
  return done;
}

/** Describes groups: state, assignor, members with their assignments (decoded for consumer groups). */
export async function describeGroups(
  cluster: Cluster,
  groupIds: readonly string[],
): Promise<GroupDescription[]> {
  const found = await onCoordinators(cluster, groupIds, async (conn, groups, coordinator) => {
    await conn.connect();
    const res = await conn.send(
      DescribeGroups,
      conn.version(DescribeGroups),
      DescribeGroups.createRequest({ groups }),
    );
    const out = new Map<string, GroupDescription>();
    const retry: KafkaError[] = [];
    for (const g of res.groups) {
      if (g.errorCode !== ErrorCode.NONE) {
        const err = new KafkaError(g.errorCode, { api: 'DescribeGroups', resource: `group '${g.groupId}'` });
        if (!err.retriable) throw err;
        retry.push(err);
        continue;
      }
      const consumer = g.protocolType === CONSUMER_PROTOCOL_TYPE;
      out.set(g.groupId, {
        groupId: g.groupId,
        state: g.groupState,
        protocolType: g.protocolType,
        protocol: g.protocolData,
        coordinator,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          assignment: consumer ? tryDecode(() => decodeAssignment(m.memberAssignment).partitions) : [],
          subscription:
            consumer && m.memberMetadata.length > 0
              ? tryDecode(() => decodeSubscription(m.memberMetadata).topics)
              : [],
        })),
      });
    }
    // A moved or loading coordinator: the whole batch is asked again after a fresh lookup.
    if (retry.length > 0) throw retry[0]!;
    return out;
  });
  return groupIds.map((g) => found.get(g)!);
}

function tryDecode<T>(decode: () => T[]): T[] {
  try {
    return decode();
  } catch {
    return []; // a member of another client with its own encoding: nothing to show per partition
  }
}

/**
 * Deletes groups (their committed offsets with them). Kafka refuses a group with members
 * (NON_EMPTY_GROUP) and an unknown one (GROUP_ID_NOT_FOUND); the first refusal is thrown after
 * every group was tried.
 */
export async function deleteGroups(cluster: Cluster, groupIds: readonly string[]): Promise<void> {
  const results = await onCoordinators(cluster, groupIds, async (conn, groups) => {
    await conn.connect();
    const res = await conn.send(
      DeleteGroups,
      conn.version(DeleteGroups),
      DeleteGroups.createRequest({ groupsNames: groups }),
    );
    const out = new Map<string, number>();
    for (const r of res.results) {
      const err = new KafkaError(r.errorCode, { api: 'DeleteGroups', resource: `group '${r.groupId}'` });
      if (r.errorCode !== ErrorCode.NONE && err.retriable) throw err;
      out.set(r.groupId, r.errorCode);
    }
    return out;
  });
  for (const g of groupIds) {
    const code = results.get(g) ?? ErrorCode.NONE;
    if (code !== ErrorCode.NONE)
      throw new KafkaError(code, { api: 'DeleteGroups', resource: `group '${g}'` });
  }
}

/** A group's committed offsets: for `partitions`, or every partition it has committed. */
export async function listGroupOffsets(
  cluster: Cluster,
  groupId: string,
  partitions: readonly TopicPartition[] | null = null,
): Promise<CommittedOffset[]> {
  const r = await onCoordinators(cluster, [groupId], async (conn) => {
    const offsets = await fetchOffsets(conn, groupId, partitions);
    return new Map([[groupId, offsets]]);
  });
  return r.get(groupId)!;
}

/**
 * A group's lag, computed client-side so that it works against any Kafka: DescribeGroups for
 * the members and their assignments, OffsetFetch for the committed offsets, ListOffsets for the
 * end offsets (high watermarks) — what `kafka-consumer-groups --describe` does.
 */
export async function groupLag(cluster: Cluster, groupId: string): Promise<GroupLag> {
  const [description] = await describeGroups(cluster, [groupId]);
  const committed = await listGroupOffsets(cluster, groupId);
  const owners = new Map<string, PartitionLag['owner']>();
  for (const m of description!.members) {
    for (const tp of m.assignment) {
      owners.set(`${tp.topic}\0${tp.partition}`, {
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        groupInstanceId: m.groupInstanceId,
      });
    }
  }
  const rows = new Map<string, PartitionLag>();
  const row = (topic: string, partition: number): PartitionLag => {
    const k = `${topic}\0${partition}`;
    let r = rows.get(k);
    if (r === undefined) {
      r = {
        topic,
        partition,
        committedOffset: null,
        metadata: null,
        endOffset: null,
        lag: null,
        owner: owners.get(k) ?? null,
      };
      rows.set(k, r);
    }
    return r;
  };
  for (const c of committed) {
    const r = row(c.topic, c.partition);
    r.committedOffset = c.offset;
    r.metadata = c.metadata;
  }
  for (const m of description!.members) for (const tp of m.assignment) row(tp.topic, tp.partition);
  const partitions = [...rows.values()].sort((a, b) =>
    a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
  );
  // End offsets only of partitions that exist: a committed offset can outlive its topic.
  const topics = [...new Set(partitions.map((p) => p.topic))];
  const counts = new Map<string, number>();
  if (topics.length > 0) {
    const md = await withRetry(cluster.retry, () => cluster.fetchMetadata(topics));
    for (const t of md.topics)
      if (t.name !== null && t.errorCode === ErrorCode.NONE) counts.set(t.name, t.partitions.length);
  }
  const existing = partitions.filter((p) => p.partition < (counts.get(p.topic) ?? 0));
  const ends = await listOffsets(
    cluster,
    existing.map((p) => ({ topic: p.topic, partition: p.partition, spec: 'latest' as const })),
  );
  let totalLag = 0;
  existing.forEach((p, i) => {
    p.endOffset = ends[i]!.offset;
    if (p.committedOffset !== null) {
      p.lag = Math.max(0, p.endOffset - p.committedOffset);
      totalLag += p.lag;
    }
  });
  return { ...description!, partitions, totalLag };
}
