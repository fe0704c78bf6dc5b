import { ErrorCode } from '../protocol/error-codes.js';
import { AlterConfigs } from '../protocol/messages/alter-configs.js';
import { CreatePartitions } from '../protocol/messages/create-partitions.js';
import { CreateTopics } from '../protocol/messages/create-topics.js';
import { DeleteRecords, type DeleteRecordsTopic } from '../protocol/messages/delete-records.js';
import { DeleteTopics } from '../protocol/messages/delete-topics.js';
import { DescribeCluster } from '../protocol/messages/describe-cluster.js';
import { DescribeConfigs } from '../protocol/messages/describe-configs.js';
import { IncrementalAlterConfigs } from '../protocol/messages/incremental-alter-configs.js';
import { ZERO_UUID } from '../protocol/primitives/uuid.js';
import { RivuletError } from '../shared/errors.js';
import {
  CONFIG_SOURCES,
  type ClusterDescription,
  type ConfigOperation,
  type ConfigResource,
  type CreatedTopic,
  type DeletedRecords,
  type NewPartitions,
  type NewTopic,
  type PartitionOffsets,
  type RecordsToDelete,
  type ResourceConfigs,
} from './admin-types.js';
import { Cluster, type TopicInfo } from './cluster.js';
import type { BrokerConnection } from './connection.js';
import type { TopicPartition } from './consumer-types.js';
import {
  deleteGroups,
  describeGroups,
  groupLag,
  listGroupOffsets,
  listGroups,
  type GroupDescription,
  type GroupLag,
  type GroupListing,
} from './group-admin.js';
import type { CommittedOffset } from './group-offsets.js';
import { KafkaError } from './errors.js';
import { fromInt64, toInt64 } from './int64.js';
import { listOffsets, type OffsetAnswer, type OffsetQuery } from './offsets.js';
import type { ClientOptions } from './options.js';
import { withRetry } from './retry.js';

/** Kafka's ConfigResource.Type codes. */
const RESOURCE_TYPE = { topic: 2, broker: 4 } as const;
const RESOURCE_NAME: Readonly<Record<number, ConfigResource['type']>> = { 2: 'topic', 4: 'broker' };
/** Kafka's AlterConfigOp.OpType codes. */
const OP_TYPE = { set: 0, delete: 1, append: 2, subtract: 3 } as const;
/** ConfigSource.DEFAULT_CONFIG. */
const DEFAULT_CONFIG = 5;

/** Options of calls that can only check: the broker validates and answers, changing nothing. */
export interface ValidateOptions {
  validateOnly?: boolean;
}

/**
 * Topic, config and consumer-group administration against any Kafka broker (ours or Apache
 * Kafka's). Each call routes to the right broker (the controller for topic changes, the partition
 * leader for offsets and DeleteRecords, the group coordinator for groups), retries retriable errors within the client's retry deadline, and throws a
 * {@link KafkaError} naming Kafka's error, the topic and the broker's message otherwise. Calls that
 * take several topics fail on the first topic that failed, after the broker has answered for all.
 *
 * @example
 * ```ts
 * const admin = new Admin({ bootstrap: '127.0.0.1:9092' });
 * await admin.createTopics([{ name: 'orders', partitions: 3, configs: { 'retention.ms': '86400000' } }]);
 * console.log(await admin.listTopics());
 * await admin.close();
 * ```
 */
export class Admin {
  /** The cluster connections and metadata this admin client uses. */
  readonly cluster: Cluster;

  constructor(opts: ClientOptions) {
    this.cluster = new Cluster(opts);
  }

  /**
   * Connects to a bootstrap broker now, so that an unreachable cluster fails here; `timeoutMs`
   * bounds the retries (default: the client's retry deadline).
   */
  async connect(timeoutMs?: number): Promise<void> {
    await this.cluster.connect(timeoutMs);
  }

  /** Names of the cluster's topics, sorted; internal topics only when asked. */
  async listTopics(opts: { includeInternal?: boolean } = {}): Promise<string[]> {
    const res = await withRetry(this.cluster.retry, () => this.cluster.fetchMetadata(null));
    return res.topics
      .filter(
        (t) =>
          t.errorCode === ErrorCode.NONE &&
          t.name !== null &&
          (opts.includeInternal === true || !t.isInternal),
      )
      .map((t) => t.name!)
      .sort();
  }

  /** Describes topics: id, partitions, leaders and replicas. An unknown topic throws at once. */
  describeTopics(names: readonly string[]): Promise<TopicInfo[]> {
    this.cluster.invalidate(names);
    return this.cluster.topics(names, { waitForTopics: false });
  }

  /**
   * Creates topics. Configs are checked by the broker (an unknown key or bad value is
   * INVALID_CONFIG); `validateOnly` checks without creating. Resolves to what was created.
   */
  async createTopics(topics: readonly NewTopic[], opts: ValidateOptions = {}): Promise<CreatedTopic[]> {
    const validateOnly = opts.validateOnly ?? false;
    const res = await this.onController(async (conn) => {
      const version = conn.version(CreateTopics);
      if (validateOnly && version < 1) unsupported(conn, 'CreateTopics validateOnly', 1, version);
      const r = await conn.send(
        CreateTopics,
        version,
        CreateTopics.createRequest({
          topics: topics.map((t) => ({
            name: t.name,
            numPartitions: t.partitions ?? -1,
            replicationFactor: t.replicationFactor ?? -1,
            assignments: [],
            configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
          })),
          timeoutMs: this.cluster.options.requestTimeoutMs,
          validateOnly,
        }),
      );
      rerouteIfNotController(
        'CreateTopics',
        r.topics.map((t) => t.errorCode),
      );
      return r;
    });
    for (const t of res.topics) {
      throwFor(t.errorCode, { api: 'CreateTopics', topic: t.name, brokerMessage: t.errorMessage });
    }
    if (!validateOnly) this.cluster.invalidate(topics.map((t) => t.name));
    return res.topics.map((t) => ({
      name: t.name,
      topicId: t.topicId,
      partitions: t.numPartitions,
      replicationFactor: t.replicationFactor,
    }));
  }

  /** Deletes topics by name. */
  async deleteTopics(names: readonly string[]): Promise<void> {
    const res = await this.onController(async (conn) => {
      const version = conn.version(DeleteTopics);
      const r = await conn.send(
        DeleteTopics,
        version,
        DeleteTopics.createRequest({
          topics: version >= 6 ? names.map((name) => ({ name, topicId: ZERO_UUID })) : [],
          topicNames: version >= 6 ? [] : [...names],
          timeoutMs: this.cluster.options.requestTimeoutMs,
        }),
      );
      rerouteIfNotController(
        'DeleteTopics',
        r.responses.map((t) => t.errorCode),
      );
      return r;
    });
    this.cluster.invalidate(names);
    for (const r of res.responses) {
      throwFor(r.errorCode, { api: 'DeleteTopics', topic: r.name, brokerMessage: r.errorMessage });
    }
  }

  /** Raises topics' partition counts; fewer partitions than today is INVALID_PARTITIONS. */
  async createPartitions(changes: readonly NewPartitions[], opts: ValidateOptions = {}): Promise<void> {
    const res = await this.onController(async (conn) => {
      const r = await conn.send(
        CreatePartitions,
        conn.version(CreatePartitions),
        CreatePartitions.createRequest({
          topics: changes.map((c) => ({ name: c.topic, count: c.count, assignments: null })),
          timeoutMs: this.cluster.options.requestTimeoutMs,
          validateOnly: opts.validateOnly ?? false,
        }),
      );
      rerouteIfNotController(
        'CreatePartitions',
        r.results.map((t) => t.errorCode),
      );
      return r;
    });
    this.cluster.invalidate(changes.map((c) => c.topic));
    for (const r of res.results) {
      throwFor(r.errorCode, { api: 'CreatePartitions', topic: r.name, brokerMessage: r.errorMessage });
    }
  }

  /**
   * Describes the configs of topics or brokers: every key with its value and source; `keys`
   * limits the answer. Broker resources go to that broker, as Kafka requires.
   */
  async describeConfigs(
    resources: readonly ConfigResource[],
    keys?: readonly string[],
  ): Promise<ResourceConfigs[]> {
    const out: ResourceConfigs[] = [];
    for (const [target, group] of this.groupByTarget(resources)) {
      const res = await withRetry(this.cluster.retry, async () => {
        const conn = await this.targetConnection(target);
        const version = conn.version(DescribeConfigs);
        return conn.send(
          DescribeConfigs,
          version,
          DescribeConfigs.createRequest({
            resources: group.map((r) => ({
              resourceType: RESOURCE_TYPE[r.type],
              resourceName: r.name,
              configurationKeys: keys === undefined ? null : [...keys],
            })),
          }),
        );
      });
      for (const r of res.results) {
        const resource: ConfigResource = {
          type: RESOURCE_NAME[r.resourceType] ?? 'topic',
          name: r.resourceName,
        };
        throwFor(r.errorCode, {
          api: 'DescribeConfigs',
          resource: `${resource.type} '${resource.name}'`,
          brokerMessage: r.errorMessage,
        });
        out.push({
          resource,
          entries: r.configs.map((c) => {
            // v0 has only isDefault; v1+ has the source (and isDefault stays false on the wire).
            const source = c.configSource > 0 ? c.configSource : c.isDefault ? DEFAULT_CONFIG : 0;
            return {
              name: c.name,
              value: c.value,
              source: CONFIG_SOURCES[source] ?? 'UNKNOWN',
              isDefault: source === DEFAULT_CONFIG,
              readOnly: c.readOnly,
              isSensitive: c.isSensitive,
            };
          }),
        });
      }
    }
    return out;
  }

  /**
   * Replaces a resource's whole set of overrides (Kafka's legacy AlterConfigs: keys left out
   * return to their defaults). Prefer {@link incrementalAlterConfigs}.
   */
  async alterConfigs(
    resource: ConfigResource,
    configs: Readonly<Record<string, string>>,
    opts: ValidateOptions = {},
  ): Promise<void> {
    const res = await withRetry(this.cluster.retry, async () => {
      const conn = await this.targetConnection(this.targetOf(resource));
      return conn.send(
        AlterConfigs,
        conn.version(AlterConfigs),
        AlterConfigs.createRequest({
          resources: [
            {
              resourceType: RESOURCE_TYPE[resource.type],
              resourceName: resource.name,
              configs: Object.entries(configs).map(([name, value]) => ({ name, value })),
            },
          ],
          validateOnly: opts.validateOnly ?? false,
        }),
      );
    });
    for (const r of res.responses) {
      throwFor(r.errorCode, {
        api: 'AlterConfigs',
        resource: `${resource.type} '${resource.name}'`,
        brokerMessage: r.errorMessage,
      });
    }
  }

  /** Sets, deletes, appends to or subtracts from individual config keys of a resource. */
  async incrementalAlterConfigs(
    resource: ConfigResource,
    ops: readonly ConfigOperation[],
    opts: ValidateOptions = {},
  ): Promise<void> {
    const res = await withRetry(this.cluster.retry, async () => {
      const conn = await this.targetConnection(this.targetOf(resource));
      return conn.send(
        IncrementalAlterConfigs,
        conn.version(IncrementalAlterConfigs),
        IncrementalAlterConfigs.createRequest({
          resources: [
            {
              resourceType: RESOURCE_TYPE[resource.type],
              resourceName: resource.name,
              configs: ops.map((o) => ({
                name: o.name,
                configOperation: OP_TYPE[o.op],
                value: o.value ?? null,
              })),
            },
          ],
          validateOnly: opts.validateOnly ?? false,
        }),
      );
    });
    for (const r of res.responses) {
      throwFor(r.errorCode, {
        api: 'IncrementalAlterConfigs',
        resource: `${resource.type} '${resource.name}'`,
        brokerMessage: r.errorMessage,
      });
    }
  }

  /** Looks offsets up: earliest, latest, by timestamp, or the max-timestamp record. */
  listOffsets(
    queries: readonly OffsetQuery[],
    opts: { readCommitted?: boolean } = {},
  ): Promise<OffsetAnswer[]> {
    return listOffsets(this.cluster, queries, opts.readCommitted ?? false);
  }

  /** Every partition of `topic` with its leader, log start offset and high watermark. */
  async partitionOffsets(topic: string): Promise<PartitionOffsets[]> {
    const [info] = await this.describeTopics([topic]);
    const partitions = info!.partitions;
    const q = (spec: 'earliest' | 'latest'): OffsetQuery[] =>
      partitions.map((p) => ({ topic, partition: p.partition, spec }));
    const [starts, ends] = await Promise.all([
      this.listOffsets(q('earliest')),
      this.listOffsets(q('latest')),
    ]);
    return partitions.map((p, i) => ({
      partition: p.partition,
      leader: p.leader,
      start: starts[i]!.offset,
      end: ends[i]!.offset,
    }));
  }

  /** Deletes records below the given offsets (raises each partition's log start offset). */
  async deleteRecords(requests: readonly RecordsToDelete[]): Promise<DeletedRecords[]> {
    await this.cluster.topics([...new Set(requests.map((r) => r.topic))], { waitForTopics: false });
    const byLeader = new Map<number, RecordsToDelete[]>();
    for (const r of requests) {
      const leader = this.cluster.leaderOf(r.topic, r.partition);
      if (leader < 0) {
        throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, {
          api: 'DeleteRecords',
          topic: r.topic,
          partition: r.partition,
          retriable: false,
        });
      }
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), r]);
    }
    const out: DeletedRecords[] = [];
    for (const [leader, group] of byLeader) {
      const topics = new Map<string, DeleteRecordsTopic>();
      for (const r of group) {
        const t = topics.get(r.topic) ?? { name: r.topic, partitions: [] };
        t.partitions.push({ partitionIndex: r.partition, offset: toInt64(r.offset, 'deleteRecords offset') });
        topics.set(r.topic, t);
      }
      const res = await withRetry(this.cluster.retry, async () => {
        const conn = await this.cluster.nodeConnection(leader);
        return conn.send(
          DeleteRecords,
          conn.version(DeleteRecords),
          DeleteRecords.createRequest({
            topics: [...topics.values()],
            timeoutMs: this.cluster.options.requestTimeoutMs,
          }),
        );
      });
      for (const t of res.topics) {
        for (const p of t.partitions) {
          throwFor(p.errorCode, { api: 'DeleteRecords', topic: t.name, partition: p.partitionIndex });
          out.push({
            topic: t.name,
            partition: p.partitionIndex,
            lowWatermark: fromInt64(p.lowWatermark, 'DeleteRecords lowWatermark'),
          });
        }
      }
    }
    return out;
  }

  /** The cluster id, controller and brokers (DescribeCluster, or Metadata on older brokers). */
  async describeCluster(): Promise<ClusterDescription> {
    return withRetry(this.cluster.retry, async () => {
      const conn = await this.cluster.anyConnection();
      if (!conn.supports(DescribeCluster)) {
        await this.cluster.fetchMetadata([]);
        return {
          clusterId: this.cluster.clusterId,
          controllerId: this.cluster.controllerId,
          brokers: [...this.cluster.brokers.values()],
        };
      }
      const res = await conn.send(
        DescribeCluster,
        conn.version(DescribeCluster),
        DescribeCluster.createRequest(),
      );
      throwFor(res.errorCode, { api: 'DescribeCluster', brokerMessage: res.errorMessage });
      return {
        clusterId: res.clusterId,
        controllerId: res.controllerId,
        brokers: res.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack })),
      };
    });
  }

  /** Every group of the cluster (each broker asked), sorted by id; `states` filters (ListGroups v4+). */
  listGroups(opts: { states?: readonly string[] } = {}): Promise<GroupListing[]> {
    return listGroups(this.cluster, opts.states ?? []);
  }

  /** Groups' state, assignor and members with their assignments; an unknown group is `Dead`. */
  describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    return describeGroups(this.cluster, groupIds);
  }

  /** Deletes empty groups and their committed offsets (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND otherwise). */
  deleteGroups(groupIds: readonly string[]): Promise<void> {
    return deleteGroups(this.cluster, groupIds);
  }

  /** A group's committed offsets: for `partitions`, or every partition it committed (null offset: none). */
  listGroupOffsets(groupId: string, partitions?: readonly TopicPartition[]): Promise<CommittedOffset[]> {
    return listGroupOffsets(this.cluster, groupId, partitions ?? null);
  }

  /**
   * A group's members, committed offsets, end offsets and lag per partition, computed here from
   * DescribeGroups, OffsetFetch and ListOffsets, so it works against any Kafka.
   */
  groupLag(groupId: string): Promise<GroupLag> {
    return groupLag(this.cluster, groupId);
  }

  /** Closes the admin client's connections. */
  close(): Promise<void> {
    return this.cluster.close();
  }

  /**
   * Runs `send` against the controller (topic changes must reach it on ZooKeeper-era clusters;
   * KRaft brokers forward), retrying NOT_CONTROLLER and connection failures.
   */
  private onController<T>(send: (conn: BrokerConnection) => Promise<T>): Promise<T> {
    return withRetry(
      this.cluster.retry,
      async () => {
        if (this.cluster.controllerId < 0) await this.cluster.fetchMetadata([]);
        const id = this.cluster.controllerId;
        const conn = this.cluster.brokers.has(id)
          ? await this.cluster.nodeConnection(id)
          : await this.cluster.anyConnection();
        return send(conn);
      },
      async () => {
        await this.cluster.fetchMetadata([]).catch(() => undefined);
      },
    );
  }

  /** Broker resources are served by that broker; everything else by any broker (-1). */
  private targetOf(r: ConfigResource): number {
    if (r.type !== 'broker' || r.name === '') return -1;
    const id = Number(r.name);
    if (!Number.isInteger(id)) {
      throw new RivuletError(
        'RIV_ERR_INVALID_ARGUMENT',
        `broker resource name must be a node id, got '${r.name}'`,
      );
    }
    return id;
  }

  private groupByTarget(resources: readonly ConfigResource[]): Map<number, ConfigResource[]> {
    const groups = new Map<number, ConfigResource[]>();
    for (const r of resources) {
      const target = this.targetOf(r);
      groups.set(target, [...(groups.get(target) ?? []), r]);
    }
    return groups;
  }

  private async targetConnection(target: number): Promise<BrokerConnection> {
    if (target < 0) return this.cluster.anyConnection();
    if (!this.cluster.brokers.has(target)) await this.cluster.fetchMetadata([]);
    return this.cluster.nodeConnection(target);
  }
}

function throwFor(
  errorCode: number,
  ctx: {
    api: string;
    topic?: string | null;
    partition?: number;
    resource?: string;
    brokerMessage?: string | null;
  },
): void {
  if (errorCode !== ErrorCode.NONE) throw new KafkaError(errorCode, ctx);
}

/** NOT_CONTROLLER in any result: the controller moved; thrown (retriable) so the call is re-routed. */
function rerouteIfNotController(api: string, codes: readonly number[]): void {
  if (codes.includes(ErrorCode.NOT_CONTROLLER)) throw new KafkaError(ErrorCode.NOT_CONTROLLER, { api });
}

function unsupported(conn: BrokerConnection, what: string, needs: number, has: number): never {
  throw new RivuletError(
    'RIV_ERR_UNSUPPORTED_VERSION',
    `broker ${conn.address} speaks v${has}; ${what} needs v${needs}`,
  );
}
