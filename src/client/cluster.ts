import { ErrorCode, errorInfo } from '../protocol/error-codes.js';
import { Metadata, type MetadataResponse } from '../protocol/messages/metadata.js';
import { ZERO_UUID } from '../protocol/primitives/uuid.js';
import { isRivuletError, RivuletError } from '../shared/errors.js';
import { BrokerConnection } from './connection.js';
import { KafkaError } from './errors.js';
import type { ClientOptions, HostAndPort, ResolvedClientOptions } from './options.js';
import { resolveClientOptions } from './options.js';
import { withRetry, type ResolvedRetry } from './retry.js';

/** A broker as Metadata describes it. */
export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** One partition of a topic: its leader and replicas. */
export interface PartitionInfo {
  partition: number;
  /** Node id of the leader, or -1 when there is none right now. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  /** Kafka's error for this partition (LEADER_NOT_AVAILABLE …), 0 when none. */
  errorCode: number;
}

/** A topic as Metadata describes it. */
export interface TopicInfo {
  name: string;
  /** The topic id (base64url UUID); all zeros from brokers older than Metadata v10. */
  topicId: string;
  isInternal: boolean;
  /** Partitions ordered by index. */
  partitions: PartitionInfo[];
}

/** What {@link Cluster.topics} may do while resolving names. */
export interface TopicLookupOptions {
  /** Let the broker create missing topics (when its `auto.create.topics.enable` is on). */
  autoCreate?: boolean;
  /**
   * Keep retrying UNKNOWN_TOPIC_OR_PARTITION and partitions without a leader until the retry
   * deadline (a topic just created elsewhere). Default true; admin describe passes false.
   */
  waitForTopics?: boolean;
}

/**
 * The client's view of a cluster: one connection per broker, the bootstrap list, and cached
 * metadata (brokers, topics with ids, partition leaders) refreshed on demand. Producer, consumer
 * and admin each own one, so that a consumer's long-polling Fetch never delays a producer's
 * responses on a shared connection.
 *
 * @example
 * ```ts
 * const cluster = new Cluster({ bootstrap: '127.0.0.1:9092' });
 * const [orders] = await cluster.topics(['orders']);
 * const leader = await cluster.leaderConnection('orders', 0);
 * await cluster.close();
 * ```
 */
export class Cluster {
  readonly options: ResolvedClientOptions;
  clusterId: string | null = null;
  controllerId = -1;
  readonly brokers = new Map<number, BrokerInfo>();
  private readonly topicCache = new Map<string, TopicInfo>();
  private readonly refreshedAt = new Map<string, number>();
  private readonly connections = new Map<string, BrokerConnection>();
  private closed = false;

  constructor(opts: ClientOptions) {
    this.options = resolveClientOptions(opts);
  }

  get retry(): ResolvedRetry {
    return this.options.retry;
  }

  /** The connection to `host:port` (created, not yet connected, on first use). */
  connectionTo(addr: HostAndPort): BrokerConnection {
    this.checkOpen();
    const key = `${addr.host}:${addr.port}`;
    let conn = this.connections.get(key);
    if (conn === undefined) {
      conn = new BrokerConnection({
        host: addr.host,
        port: addr.port,
        clientId: this.options.clientId,
        connectTimeoutMs: this.options.connectTimeoutMs,
        requestTimeoutMs: this.options.requestTimeoutMs,
        maxVersions: this.options.maxVersions,
        logger: this.options.logger,
      });
      this.connections.set(key, conn);
    }
    return conn;
  }

  /** A connected connection to broker `nodeId` (known from metadata). */
  async nodeConnection(nodeId: number): Promise<BrokerConnection> {
    const b = this.brokers.get(nodeId);
    if (b === undefined) {
      throw new RivuletError('RIV_ERR_CONNECTION', `broker ${nodeId} is not in the cluster metadata`);
    }
    const conn = this.connectionTo(b);
    await conn.connect();
    return conn;
  }

  /**
   * A connected connection to any broker: one already connected, else the known brokers and the
   * bootstrap list in turn. When none answers, the error names every address tried.
   */
  async anyConnection(): Promise<BrokerConnection> {
    this.checkOpen();
    for (const c of this.connections.values()) if (c.isReady) return c;
    const candidates: HostAndPort[] = [...this.brokers.values(), ...this.options.bootstrap];
    const seen = new Set<string>();
    const failures: RivuletError[] = [];
    for (const addr of candidates) {
      const key = `${addr.host}:${addr.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const conn = this.connectionTo(addr);
      try {
        await conn.connect();
        return conn;
      } catch (err) {
        if (!isRivuletError(err) || err.code !== 'RIV_ERR_CONNECTION') throw err;
        failures.push(err);
      }
    }
    if (failures.length === 1) throw failures[0]!;
    throw new RivuletError(
      'RIV_ERR_CONNECTION',
      `cannot connect to any broker: ${failures.map((f) => f.message).join('; ')}`,
    );
  }

  /** Fetches cluster metadata (brokers, controller), retrying up to `timeoutMs`. */
  async connect(timeoutMs = this.retry.timeoutMs): Promise<void> {
    await withRetry({ ...this.retry, timeoutMs }, () => this.fetchMetadata([]));
  }

  /**
   * Sends Metadata for `topics` (null: all) to any broker and updates the cache. One attempt;
   * callers retry.
   */
  async fetchMetadata(topics: readonly string[] | null, autoCreate = false): Promise<MetadataResponse> {
    const conn = await this.anyConnection();
    const version = conn.version(Metadata);
    const req = Metadata.createRequest({
      topics: topics === null ? null : topics.map((name) => ({ topicId: ZERO_UUID, name })),
      // v0-v3 always auto-create (the field does not exist there and must keep its default).
      allowAutoTopicCreation: version < 4 ? true : autoCreate,
    });
    const res = await conn.send(Metadata, version, req);
    this.absorb(res);
    return res;
  }

  private absorb(res: MetadataResponse): void {
    const now = Date.now();
    if (res.clusterId !== null) this.clusterId = res.clusterId;
    this.controllerId = res.controllerId;
    if (res.brokers.length > 0) {
      this.brokers.clear();
      for (const b of res.brokers)
        this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack });
    }
    for (const t of res.topics) {
      if (t.name === null) continue;
      if (t.errorCode !== ErrorCode.NONE) {
        this.topicCache.delete(t.name);
        this.refreshedAt.delete(t.name);
        continue;
      }
      const partitions = t.partitions
        .map((p) => ({
          partition: p.partitionIndex,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offlineReplicas: p.offlineReplicas,
          errorCode: p.errorCode,
        }))
        .sort((a, b) => a.partition - b.partition);
      this.topicCache.set(t.name, {
        name: t.name,
        topicId: t.topicId,
        isInternal: t.isInternal,
        partitions,
      });
      this.refreshedAt.set(t.name, now);
    }
  }

  /** The cached description of `topic`, if any (possibly stale). */
  cachedTopic(topic: string): TopicInfo | undefined {
    return this.topicCache.get(topic);
  }

  /** Forgets cached topics so that the next lookup asks the cluster (after NOT_LEADER …). */
  invalidate(topics?: Iterable<string>): void {
    if (topics === undefined) {
      this.topicCache.clear();
      this.refreshedAt.clear();
      return;
    }
    for (const t of topics) {
      this.topicCache.delete(t);
      this.refreshedAt.delete(t);
    }
  }

  /**
   * Describes `names`, from the cache when fresh, else by Metadata, retrying while a topic is
   * unknown (just created) or a partition has no leader, until the retry deadline.
   */
  async topics(names: readonly string[], opts: TopicLookupOptions = {}): Promise<TopicInfo[]> {
    const now = Date.now();
    const fresh = (name: string): boolean => {
      const t = this.topicCache.get(name);
      return (
        t !== undefined &&
        now - (this.refreshedAt.get(name) ?? 0) < this.options.metadataMaxAgeMs &&
        t.partitions.every((p) => p.leader >= 0)
      );
    };
    if (names.every(fresh)) return names.map((n) => this.topicCache.get(n)!);
    const wait = opts.waitForTopics ?? true;
    return withRetry(this.retry, async () => {
      const res = await this.fetchMetadata(names, opts.autoCreate ?? false);
      return names.map((name) => {
        const t = res.topics.find((x) => x.name === name);
        if (t === undefined || t.errorCode !== ErrorCode.NONE) {
          const code = t?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          throw new KafkaError(code, { api: 'Metadata', topic: name, ...(wait ? {} : { retriable: false }) });
        }
        const leaderless = t.partitions.find(
          (p) => p.leaderId < 0 || p.errorCode === ErrorCode.LEADER_NOT_AVAILABLE,
        );
        if (leaderless !== undefined) {
          const code =
            leaderless.errorCode === ErrorCode.NONE ? ErrorCode.LEADER_NOT_AVAILABLE : leaderless.errorCode;
          const info = errorInfo(code);
          throw new KafkaError(info?.retriable === true ? code : ErrorCode.LEADER_NOT_AVAILABLE, {
            api: 'Metadata',
            topic: name,
            partition: leaderless.partitionIndex,
          });
        }
        return this.topicCache.get(name)!;
      });
    });
  }

  /** Node id of the leader of `topic`-`partition` from the cache, or -1. */
  leaderOf(topic: string, partition: number): number {
    return this.topicCache.get(topic)?.partitions[partition]?.leader ?? -1;
  }

  /** The connected leader of a partition, looking the topic up when needed. */
  async leaderConnection(topic: string, partition: number): Promise<BrokerConnection> {
    let leader = this.leaderOf(topic, partition);
    if (leader < 0) {
      const [t] = await this.topics([topic]);
      leader = t?.partitions[partition]?.leader ?? -1;
      if (leader < 0) {
        throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { api: 'Metadata', topic, partition });
      }
    }
    return this.nodeConnection(leader);
  }

  /** Closes every connection, waiting for their in-flight requests. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.connections.values()].map((c) => c.close()));
    this.connections.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private checkOpen(): void {
    if (this.closed) throw new RivuletError('RIV_ERR_CLIENT_CLOSED', 'the client was closed');
  }
}
