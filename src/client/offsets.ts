import { ErrorCode } from '../protocol/error-codes.js';
import { ListOffsets, type ListOffsetsTopic } from '../protocol/messages/list-offsets.js';
import { RivuletError } from '../shared/errors.js';
import type { Cluster } from './cluster.js';
import { KafkaError, throwIfError } from './errors.js';
import { fromInt64, toInt64 } from './int64.js';
import { withRetry } from './retry.js';

/**
 * Which offset to look up: the log start, the end (the next offset to be written; the last stable
 * offset under read_committed), the record with the largest timestamp, or the first record whose
 * timestamp is at or after `timestamp` (epoch ms).
 */
export type OffsetSpec = 'earliest' | 'latest' | 'max-timestamp' | { timestamp: number };

/** One partition to look up. */
export interface OffsetQuery {
  topic: string;
  partition: number;
  spec: OffsetSpec;
}

/** The answer for one {@link OffsetQuery}. */
export interface OffsetAnswer {
  topic: string;
  partition: number;
  /** The offset found; -1 when no record has a timestamp at or after the one asked. */
  offset: number;
  /** The record's timestamp for timestamp lookups, -1 otherwise. */
  timestamp: number;
  leaderEpoch: number;
}

/** Kafka's special ListOffsets timestamps. */
const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;

function specTimestamp(spec: OffsetSpec): bigint {
  if (spec === 'latest') return LATEST;
  if (spec === 'earliest') return EARLIEST;
  if (spec === 'max-timestamp') return MAX_TIMESTAMP;
  if (spec.timestamp < 0) {
    throw new RivuletError(
      'RIV_ERR_INVALID_ARGUMENT',
      `offset lookup: timestamp must be ≥ 0, got ${spec.timestamp}`,
    );
  }
  return toInt64(spec.timestamp, 'offset lookup timestamp');
}

/**
 * ListOffsets for many partitions: grouped into one request per partition leader, retried (with
 * a metadata refresh) on retriable errors until the client's retry deadline. Answers come back in
 * the order of `queries`. MAX_TIMESTAMP needs ListOffsets v7 (Kafka 3.0); older brokers get
 * RIV_ERR_UNSUPPORTED_VERSION.
 *
 * @example
 * ```ts
 * const [end] = await listOffsets(cluster, [{ topic: 'orders', partition: 0, spec: 'latest' }]);
 * ```
 */
export async function listOffsets(
  cluster: Cluster,
  queries: readonly OffsetQuery[],
  readCommitted = false,
): Promise<OffsetAnswer[]> {
  const timestamps = queries.map((q) => specTimestamp(q.spec));
  if (queries.length === 0) return [];
  return withRetry(
    cluster.retry,
    async () => {
      const infos = await cluster.topics([...new Set(queries.map((q) => q.topic))]);
      for (const q of queries) {
        const t = infos.find((x) => x.name === q.topic);
        if (t !== undefined && (q.partition < 0 || q.partition >= t.partitions.length)) {
          throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, {
            api: 'ListOffsets',
            topic: q.topic,
            partition: q.partition,
            brokerMessage: `the topic has ${t.partitions.length} partitions`,
            retriable: false,
          });
        }
      }
      const byLeader = new Map<number, number[]>();
      queries.forEach((q, i) => {
        const leader = cluster.leaderOf(q.topic, q.partition);
        const list = byLeader.get(leader) ?? [];
        list.push(i);
        byLeader.set(leader, list);
      });
      const answers: OffsetAnswer[] = new Array<OffsetAnswer>(queries.length);
      await Promise.all(
        [...byLeader].map(async ([leader, indexes]) => {
          if (leader < 0) {
            const q = queries[indexes[0]!]!;
            throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, {
              api: 'ListOffsets',
              topic: q.topic,
              partition: q.partition,
            });
          }
          const conn = await cluster.nodeConnection(leader);
          const version = conn.version(ListOffsets);
          const topics = new Map<string, ListOffsetsTopic>();
          for (const i of indexes) {
            const q = queries[i]!;
            if (timestamps[i] === MAX_TIMESTAMP && version < 7) {
              throw new RivuletError(
                'RIV_ERR_UNSUPPORTED_VERSION',
                `broker ${conn.address} has ListOffsets v${version}; the max-timestamp lookup needs v7`,
              );
            }
            let t = topics.get(q.topic);
            if (t === undefined) {
              t = { name: q.topic, partitions: [] };
              topics.set(q.topic, t);
            }
            t.partitions.push({
              partitionIndex: q.partition,
              currentLeaderEpoch: -1,
              timestamp: timestamps[i]!,
              maxNumOffsets: 1,
            });
          }
          const res = await conn.send(
            ListOffsets,
            version,
            ListOffsets.createRequest({
              replicaId: -1,
              isolationLevel: readCommitted && version >= 2 ? 1 : 0,
              topics: [...topics.values()],
            }),
          );
          for (const i of indexes) {
            const q = queries[i]!;
            const p = res.topics
              .find((t) => t.name === q.topic)
              ?.partitions.find((x) => x.partitionIndex === q.partition);
            if (p === undefined) {
              throw new RivuletError(
                'RIV_ERR_CONNECTION',
                `${conn.address} left ${q.topic}-${q.partition} out of its ListOffsets response`,
              );
            }
            throwIfError(p.errorCode, { api: 'ListOffsets', topic: q.topic, partition: q.partition });
            answers[i] = {
              topic: q.topic,
              partition: q.partition,
              offset: fromInt64(p.offset, 'ListOffsets offset'),
              timestamp: fromInt64(p.timestamp, 'ListOffsets timestamp'),
              leaderEpoch: p.leaderEpoch,
            };
          }
        }),
      );
      return answers;
    },
    () => {
      cluster.invalidate(queries.map((q) => q.topic));
    },
  );
}
