/*
 * What the capture responder answers, API by API. The aim is to lead each client to the
 * requests worth capturing, not to be a broker: one node that is its own coordinator, every
 * topic asked for exists with one partition led by it, logs are empty, and a consumer group has
 * exactly one member, which leads it. Anything else goes unanswered (the client times out).
 */
import { createHash } from 'node:crypto';
import type { ApiSpec } from '../../src/protocol/api.js';
import { apiSpecs } from '../../src/protocol/api-keys.js';
import {
  ApiVersions,
  Fetch,
  FindCoordinator,
  Heartbeat,
  JoinGroup,
  LeaveGroup,
  ListOffsets,
  Metadata,
  OffsetCommit,
  OffsetFetch,
  Produce,
  SyncGroup,
} from '../../src/protocol/messages/index.js';
import type { Reader } from '../../src/protocol/primitives/reader.js';
import type { Writer } from '../../src/protocol/primitives/writer.js';
import { batches } from '../../src/protocol/records/batch-view.js';
import { createPartitionData } from '../../src/protocol/messages/fetch.js';
import { createListOffsetsPartitionResponse } from '../../src/protocol/messages/list-offsets.js';
import { createPartitionProduceResponse } from '../../src/protocol/messages/produce.js';

export interface BrokerIdentity {
  nodeId: number;
  host: string;
  port: number;
  /** What a Metadata request for all topics is told. */
  topics: readonly string[];
}

/** A response body to send, possibly after a delay (Fetch waits as a broker would). */
export interface Answer {
  delayMs: number;
  encode: (w: Writer) => void;
}

const UNSUPPORTED_VERSION = 35;
/** A Fetch on an empty log waits this long at most, so that consumers do not spin. */
const MAX_FETCH_DELAY_MS = 500;

/** Offsets handed out per topic-partition, so that producers see their batches acknowledged. */
const nextOffsets = new Map<string, bigint>();

function reply<Req, Res>(spec: ApiSpec<Req, Res>, version: number, res: Res, delayMs = 0): Answer {
  return {
    delayMs,
    encode: (w) => {
      spec.encodeResponse(w, res, version);
    },
  };
}

/** A stable topic id derived from the name (Metadata v10+ and Fetch v13+ carry ids). */
export function topicIdOf(name: string): string {
  return createHash('sha256').update(name).digest().subarray(0, 16).toString('base64url');
}

export function answer(
  broker: BrokerIdentity,
  spec: ApiSpec<unknown, unknown>,
  version: number,
  body: Reader,
  clientId: string | null,
): Answer | null {
  switch (spec.name) {
    case ApiVersions.name:
      return apiVersions(version);
    case Metadata.name:
      return metadata(broker, version, body);
    case FindCoordinator.name:
      return findCoordinator(broker, version, body);
    case Produce.name:
      return produce(version, body);
    case Fetch.name:
      return fetch(version, body);
    case ListOffsets.name:
      return listOffsets(version, body);
    case JoinGroup.name:
      return joinGroup(version, body, clientId);
    case SyncGroup.name:
      return syncGroup(version, body);
    case OffsetFetch.name:
      return offsetFetch(version, body);
    case OffsetCommit.name:
      return offsetCommit(version, body);
    case Heartbeat.name:
      return reply(Heartbeat, version, Heartbeat.createResponse());
    case LeaveGroup.name:
      return leaveGroup(version, body);
    default:
      return null;
  }
}

/**
 * Every API and version our codecs know (Kafka 3.9's ranges), so that each client picks the
 * highest version it implements: the frames a modern broker would get.
 */
function apiVersions(version: number): Answer {
  const apiKeys = [...apiSpecs.values()].map((s) => ({
    apiKey: s.apiKey,
    minVersion: s.minVersion,
    maxVersion: s.maxVersion,
  }));
  if (version > ApiVersions.maxVersion) {
    // Kafka answers a too-new ApiVersions request at v0 so that the client can retry lower.
    return reply(ApiVersions, 0, ApiVersions.createResponse({ errorCode: UNSUPPORTED_VERSION, apiKeys }));
  }
  return reply(ApiVersions, version, ApiVersions.createResponse({ apiKeys }));
}

function metadata(broker: BrokerIdentity, version: number, body: Reader): Answer {
  const req = Metadata.decodeRequest(body, version);
  // v0 has no null: an empty list meant "all topics" then.
  const all = req.topics === null || (version === 0 && req.topics.length === 0);
  const names = all ? broker.topics : (req.topics ?? []).flatMap((t) => (t.name === null ? [] : [t.name]));
  return reply(
    Metadata,
    version,
    Metadata.createResponse({
      brokers: [{ nodeId: broker.nodeId, host: broker.host, port: broker.port, rack: null }],
      clusterId: 'rivulet-golden-capture',
      controllerId: broker.nodeId,
      topics: names.map((name) => ({
        errorCode: 0,
        name,
        topicId: topicIdOf(name),
        isInternal: false,
        partitions: [
          {
            errorCode: 0,
            partitionIndex: 0,
            leaderId: broker.nodeId,
            leaderEpoch: 0,
            replicaNodes: [broker.nodeId],
            isrNodes: [broker.nodeId],
            offlineReplicas: [],
          },
        ],
        topicAuthorizedOperations: -2147483648,
      })),
    }),
  );
}

function findCoordinator(broker: BrokerIdentity, version: number, body: Reader): Answer {
  const req = FindCoordinator.decodeRequest(body, version);
  const node = { nodeId: broker.nodeId, host: broker.host, port: broker.port };
  const res =
    version >= 4
      ? FindCoordinator.createResponse({
          coordinators: req.coordinatorKeys.map((key) => ({
            key,
            ...node,
            errorCode: 0,
            errorMessage: null,
          })),
        })
      : FindCoordinator.createResponse(node);
  return reply(FindCoordinator, version, res);
}

function produce(version: number, body: Reader): Answer | null {
  const req = Produce.decodeRequest(body, version);
  if (req.acks === 0) return null;
  const responses = req.topicData.map((t) => ({
    name: t.name,
    partitionResponses: t.partitionData.map((p) => {
      const key = `${t.name}-${p.index}`;
      const baseOffset = nextOffsets.get(key) ?? 0n;
      let count = 0;
      if (p.records !== null) for (const b of batches(p.records)) count += b.recordsCount;
      nextOffsets.set(key, baseOffset + BigInt(count));
      return createPartitionProduceResponse({ index: p.index, baseOffset, logStartOffset: 0n });
    }),
  }));
  return reply(Produce, version, Produce.createResponse({ responses }));
}

function fetch(version: number, body: Reader): Answer {
  const req = Fetch.decodeRequest(body, version);
  const responses = req.topics.map((t) => ({
    topic: t.topic,
    topicId: t.topicId,
    partitions: t.partitions.map((p) =>
      createPartitionData({
        partitionIndex: p.partition,
        highWatermark: 0n,
        lastStableOffset: 0n,
        logStartOffset: 0n,
        // Kafka lists aborted transactions only for read_committed fetches.
        abortedTransactions: req.isolationLevel === 1 ? [] : null,
        records: Buffer.alloc(0),
      }),
    ),
  }));
  return reply(
    Fetch,
    version,
    Fetch.createResponse({ responses }),
    Math.min(Math.max(req.maxWaitMs, 0), MAX_FETCH_DELAY_MS),
  );
}

function listOffsets(version: number, body: Reader): Answer {
  const req = ListOffsets.decodeRequest(body, version);
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) =>
      createListOffsetsPartitionResponse({
        partitionIndex: p.partitionIndex,
        oldStyleOffsets: version === 0 ? [0n] : [],
        offset: 0n,
      }),
    ),
  }));
  return reply(ListOffsets, version, ListOffsets.createResponse({ topics }));
}

/** The joiner is the group's only member and its leader: it computes the assignment itself. */
function joinGroup(version: number, body: Reader, clientId: string | null): Answer {
  const req = JoinGroup.decodeRequest(body, version);
  const memberId = req.memberId !== '' ? req.memberId : `${clientId ?? 'member'}-golden`;
  const chosen = req.protocols[0];
  return reply(
    JoinGroup,
    version,
    JoinGroup.createResponse({
      generationId: 1,
      protocolType: req.protocolType,
      protocolName: chosen?.name ?? null,
      leader: memberId,
      memberId,
      members: [
        { memberId, groupInstanceId: req.groupInstanceId, metadata: chosen?.metadata ?? Buffer.alloc(0) },
      ],
    }),
  );
}

function syncGroup(version: number, body: Reader): Answer {
  const req = SyncGroup.decodeRequest(body, version);
  const mine = req.assignments.find((a) => a.memberId === req.memberId);
  return reply(
    SyncGroup,
    version,
    SyncGroup.createResponse({
      protocolType: req.protocolType,
      protocolName: req.protocolName,
      assignment: mine?.assignment ?? Buffer.alloc(0),
    }),
  );
}

/** No committed offsets: every partition asked for gets -1, so the client applies its reset policy. */
function offsetFetch(version: number, body: Reader): Answer {
  const req = OffsetFetch.decodeRequest(body, version);
  const none = { committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 };
  const res =
    version >= 8
      ? OffsetFetch.createResponse({
          groups: req.groups.map((g) => ({
            groupId: g.groupId,
            errorCode: 0,
            topics: (g.topics ?? []).map((t) => ({
              name: t.name,
              partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, ...none })),
            })),
          })),
        })
      : OffsetFetch.createResponse({
          topics: (req.topics ?? []).map((t) => ({
            name: t.name,
            partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, ...none })),
          })),
        });
  return reply(OffsetFetch, version, res);
}

function offsetCommit(version: number, body: Reader): Answer {
  const req = OffsetCommit.decodeRequest(body, version);
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: 0 })),
  }));
  return reply(OffsetCommit, version, OffsetCommit.createResponse({ topics }));
}

function leaveGroup(version: number, body: Reader): Answer {
  const req = LeaveGroup.decodeRequest(body, version);
  const members = req.members.map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    errorCode: 0,
  }));
  return reply(LeaveGroup, version, LeaveGroup.createResponse({ members }));
}
