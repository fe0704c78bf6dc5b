import {
  decodeConsumerProtocolAssignment,
  encodeConsumerProtocolAssignment,
} from '../protocol/messages/data/consumer-protocol-assignment.js';
import {
  decodeConsumerProtocolSubscription,
  encodeConsumerProtocolSubscription,
} from '../protocol/messages/data/consumer-protocol-subscription.js';
import { Reader } from '../protocol/primitives/reader.js';
import { Writer } from '../protocol/primitives/writer.js';
import { isProtocolError } from '../protocol/errors.js';
import { RivuletError } from '../shared/errors.js';
import type { TopicPartition } from './consumer-types.js';

/**
 * Kafka's "consumer" embedded protocol: the bytes group members put in JoinGroup's protocol
 * metadata (a subscription) and the leader puts in SyncGroup (an assignment). Each is an int16
 * version followed by the generated ConsumerProtocolSubscription/Assignment body. Newer versions
 * only append fields, so a body of a version we do not know is read as our latest and the rest
 * ignored (what Kafka's own ConsumerProtocol does).
 */

/** The protocol type every consumer group member announces in JoinGroup. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/**
 * The subscription version we write. v1 adds owned partitions, which librdkafka (since 1.4),
 * kafkajs, kafka-python and Java all read; v2/v3 (generation, rack) serve only the cooperative
 * and rack-aware assignors, which we do not implement.
 */
const SUBSCRIPTION_VERSION = 1;
/** Assignment versions 0-3 share one layout; v0 is what every client reads. */
const ASSIGNMENT_VERSION = 0;
const MAX_KNOWN_VERSION = 3;

/** One member's subscription, decoded. */
export interface Subscription {
  topics: string[];
  userData: Buffer | null;
  /** Partitions the member owns (cooperative protocols); empty for eager members. */
  ownedPartitions: TopicPartition[];
}

/** One member's assignment, decoded. */
export interface Assignment {
  partitions: TopicPartition[];
  userData: Buffer | null;
}

export function encodeSubscription(s: Subscription): Buffer {
  const w = new Writer(64);
  w.int16(SUBSCRIPTION_VERSION);
  encodeConsumerProtocolSubscription(
    w,
    {
      topics: s.topics,
      userData: s.userData,
      ownedPartitions: groupByTopic(s.ownedPartitions),
      generationId: -1,
      rackId: null,
    },
    SUBSCRIPTION_VERSION,
  );
  return w.finish();
}

/** Decodes a member's subscription; malformed bytes throw RIV_ERR_CONNECTION, as a malformed response does. */
export function decodeSubscription(bytes: Buffer): Subscription {
  return decodeVersioned(bytes, 'subscription', (r, v) => {
    const s = decodeConsumerProtocolSubscription(r, v);
    return { topics: s.topics, userData: s.userData, ownedPartitions: flatten(s.ownedPartitions) };
  });
}

export function encodeAssignment(a: Assignment): Buffer {
  const w = new Writer(64);
  w.int16(ASSIGNMENT_VERSION);
  encodeConsumerProtocolAssignment(
    w,
    { assignedPartitions: groupByTopic(a.partitions), userData: a.userData },
    ASSIGNMENT_VERSION,
  );
  return w.finish();
}

/**
 * Decodes an assignment. Empty bytes are an empty assignment: Kafka's coordinator sends them to
 * a member the leader left out, and to every member when a static leader skipped assigning.
 */
export function decodeAssignment(bytes: Buffer): Assignment {
  if (bytes.length === 0) return { partitions: [], userData: null };
  return decodeVersioned(bytes, 'assignment', (r, v) => {
    const a = decodeConsumerProtocolAssignment(r, v);
    return { partitions: flatten(a.assignedPartitions), userData: a.userData };
  });
}

function decodeVersioned<T>(bytes: Buffer, what: string, decode: (r: Reader, version: number) => T): T {
  try {
    const r = new Reader(bytes);
    const version = r.int16();
    if (version < 0) throw new Error(`version ${version}`);
    return decode(r, Math.min(version, MAX_KNOWN_VERSION));
  } catch (err) {
    const reason = isProtocolError(err) || err instanceof Error ? err.message : String(err);
    throw new RivuletError('RIV_ERR_CONNECTION', `malformed consumer-protocol ${what}: ${reason}`, {
      cause: err,
    });
  }
}

/** Partitions grouped by topic in first-seen topic order, partitions ascending. */
export function groupByTopic(tps: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const tp of tps) {
    const list = byTopic.get(tp.topic);
    if (list === undefined) byTopic.set(tp.topic, [tp.partition]);
    else list.push(tp.partition);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
}

function flatten(groups: readonly { topic: string; partitions: number[] }[]): TopicPartition[] {
  return groups.flatMap((g) => g.partitions.map((partition) => ({ topic: g.topic, partition })));
}
