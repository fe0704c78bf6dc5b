import { ErrorCode } from '../protocol/error-codes.js';
import { Fetch, type FetchResponse, type FetchTopic } from '../protocol/messages/fetch.js';
import { ZERO_UUID } from '../protocol/primitives/uuid.js';
import { initCompression } from '../protocol/records/compression.js';
import { isRivuletError, RivuletError } from '../shared/errors.js';
import { Cluster } from './cluster.js';
import type { ConsumerOptions, OffsetResetPolicy, SeekTarget, TopicPartition } from './consumer-types.js';
import { KafkaError } from './errors.js';
import { FetchedPartition } from './fetched-partition.js';
import { fromInt64, toInt64 } from './int64.js';
import { listOffsets, type OffsetQuery } from './offsets.js';
import { backoffMs, sleep } from './retry.js';

/** Fetch errors after which the partition's leader must be looked up again. */
const REFRESH_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.OFFSET_NOT_AVAILABLE,
  ErrorCode.KAFKA_STORAGE_ERROR,
]);

/** One assigned partition: where reading continues, or what to look up first. */
class PartitionState {
  /** The next offset to fetch; -1 until known. */
  position = -1;
  paused = false;
  highWatermark = -1;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** A pending seek to resolve by ListOffsets (null: use the reset policy when needed). */
    public reset: Exclude<SeekTarget, number> | null,
  ) {}
}

/** A Fetch sent to one leader, with the offsets it asked for (to drop data made stale by a seek). */
interface FetchOutcome {
  readonly asked: readonly { state: PartitionState; offset: number }[];
  readonly response: FetchResponse | null;
  readonly error: Error | null;
  readonly topicNames: ReadonlyMap<string, string>;
}

/**
 * Reads partitions it is assigned, from positions it is told (an offset, the start, the end, or
 * a timestamp), with Kafka's long-poll Fetch. Records are handed out undecoded
 * ({@link FetchedPartition}); positions move past what each `poll()` returns. The assignment is
 * the caller's; {@link GroupConsumer} builds group membership on top: on each rebalance it calls
 * {@link assign} with the partitions the group gave it and {@link seek}s them to their committed
 * offsets, and it commits what {@link position} reports.
 *
 * @example
 * ```ts
 * const consumer = new Consumer({ bootstrap: '127.0.0.1:9092', autoOffsetReset: 'earliest' });
 * consumer.assign([{ topic: 'orders', partition: 0 }]);
 * for (const part of await consumer.poll()) {
 *   for (const r of part) console.log(r.offset, r.value?.toString());
 * }
 * await consumer.close();
 * ```
 */
export class Consumer {
  readonly cluster: Cluster;
  private readonly maxWaitMs: number;
  private readonly minBytes: number;
  private readonly maxBytes: number;
  private readonly maxPartitionBytes: number;
  private readonly resetPolicy: OffsetResetPolicy;
  private readonly readCommitted: boolean;
  private readonly autoCreate: boolean;
  private readonly states = new Map<string, Map<number, PartitionState>>();
  private readonly inflight = new Map<number, Promise<FetchOutcome>>();
  private ready: Promise<void> | null = null;
  private failingSince = 0;
  private failures = 0;
  private closed = false;

  constructor(opts: ConsumerOptions) {
    // JavaScript callers can pass what the type leaves out; a group id here would be ignored.
    if ((opts as { groupId?: unknown }).groupId !== undefined) {
      throw new RivuletError(
        'RIV_ERR_INVALID_ARGUMENT',
        'Consumer reads the partitions it is assigned; use GroupConsumer to consume as a group member (groupId)',
      );
    }
    this.cluster = new Cluster(opts);
    this.maxWaitMs = opts.maxWaitMs ?? 500;
    this.minBytes = opts.minBytes ?? 1;
    this.maxBytes = opts.maxBytes ?? 50 * 1024 * 1024;
    this.maxPartitionBytes = opts.maxPartitionBytes ?? 1024 * 1024;
    this.resetPolicy = opts.autoOffsetReset ?? 'latest';
    this.readCommitted = opts.readCommitted ?? false;
    this.autoCreate = opts.autoCreateTopics ?? false;
  }

  /**
   * Connects to a bootstrap broker now, so that an unreachable cluster fails here; `timeoutMs`
   * bounds the retries (default: the client's retry deadline).
   */
  async connect(timeoutMs?: number): Promise<void> {
    await this.cluster.connect(timeoutMs);
  }

  /**
   * Replaces the assignment. Partitions kept keep their positions; new ones start per the reset
   * policy unless {@link seek} says otherwise.
   */
  assign(partitions: readonly TopicPartition[]): void {
    this.checkOpen();
    const next = new Map<string, Map<number, PartitionState>>();
    for (const tp of partitions) {
      if (!Number.isInteger(tp.partition) || tp.partition < 0) {
        throw new RivuletError(
          'RIV_ERR_INVALID_ARGUMENT',
          `assign: partition ${tp.partition} of '${tp.topic}' is not valid`,
        );
      }
      let m = next.get(tp.topic);
      if (m === undefined) {
        m = new Map();
        next.set(tp.topic, m);
      }
      m.set(
        tp.partition,
        this.states.get(tp.topic)?.get(tp.partition) ?? new PartitionState(tp.topic, tp.partition, null),
      );
    }
    this.states.clear();
    for (const [t, m] of next) this.states.set(t, m);
  }

  /** The current assignment. */
  assignment(): TopicPartition[] {
    const out: TopicPartition[] = [];
    for (const [topic, m] of this.states) for (const partition of m.keys()) out.push({ topic, partition });
    return out;
  }

  /** Moves an assigned partition's position; symbolic targets are looked up at the next poll. */
  seek(tp: TopicPartition, target: SeekTarget): void {
    const s = this.state(tp);
    if (typeof target === 'number') {
      toInt64(target, 'seek offset');
      if (target < 0)
        throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', `seek: offset must be ≥ 0, got ${target}`);
      s.position = target;
      s.reset = null;
    } else {
      s.position = -1;
      s.reset = target;
    }
  }

  /** The next offset to be returned for `tp`, or undefined until it is known. */
  position(tp: TopicPartition): number | undefined {
    const p = this.state(tp).position;
    return p < 0 ? undefined : p;
  }

  /** The high watermark the last Fetch reported for `tp` (-1 before any). */
  highWatermark(tp: TopicPartition): number {
    return this.state(tp).highWatermark;
  }

  /** Stops fetching `partitions` (their positions stay) until {@link resume}. */
  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.state(tp).paused = true;
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.state(tp).paused = false;
  }

  /** The assigned partitions that are paused. */
  paused(): TopicPartition[] {
    const out: TopicPartition[] = [];
    for (const [topic, m] of this.states) {
      for (const [partition, s] of m) if (s.paused) out.push({ topic, partition });
    }
    return out;
  }

  /** Looks up the end offsets (next offset to be written; LSO under read_committed). */
  async endOffsets(partitions: readonly TopicPartition[]): Promise<number[]> {
    const answers = await listOffsets(
      this.cluster,
      partitions.map((tp) => ({ ...tp, spec: 'latest' })),
      this.readCommitted,
    );
    return answers.map((a) => a.offset);
  }

  /** Looks up the log start offsets. */
  async beginningOffsets(partitions: readonly TopicPartition[]): Promise<number[]> {
    const answers = await listOffsets(
      this.cluster,
      partitions.map((tp) => ({ ...tp, spec: 'earliest' })),
    );
    return answers.map((a) => a.offset);
  }

  /**
   * Fetches from every leader of a fetchable partition (one request per leader, kept in flight
   * across polls) and returns the data of the first answer, waiting at most about `maxWaitMs`.
   * An empty array means nothing new arrived in time. Positions advance past what is returned.
   * Connection failures are retried with backoff; they throw once they have lasted longer
   * than the client's retry deadline.
   */
  async poll(): Promise<FetchedPartition[]> {
    this.checkOpen();
    // Records are decoded by the caller, synchronously: the zstd codec must be ready first.
    this.ready ??= initCompression();
    await this.ready;
    await this.resolvePositions();
    const topics = [...this.states.keys()];
    if (topics.length === 0) return [];
    await this.cluster.topics(topics, { autoCreate: this.autoCreate });
    const byLeader = new Map<number, PartitionState[]>();
    for (const m of this.states.values()) {
      for (const s of m.values()) {
        if (s.paused || s.position < 0) continue;
        const leader = this.cluster.leaderOf(s.topic, s.partition);
        if (leader < 0 || this.inflight.has(leader)) continue;
        const list = byLeader.get(leader);
        if (list === undefined) byLeader.set(leader, [s]);
        else list.push(s);
      }
    }
    for (const [leader, list] of byLeader) this.inflight.set(leader, this.fetchFrom(leader, list));
    if (this.inflight.size === 0) return [];
    const [leader, outcome] = await Promise.race(
      [...this.inflight].map(([l, p]) => p.then((o) => [l, o] as const)),
    );
    this.inflight.delete(leader);
    return this.absorb(outcome);
  }

  /** Stops fetching and closes the connections (in-flight fetches are waited for). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.inflight.values());
    this.inflight.clear();
    await this.cluster.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new RivuletError('RIV_ERR_CLIENT_CLOSED', 'the consumer was closed');
  }

  private state(tp: TopicPartition): PartitionState {
    const s = this.states.get(tp.topic)?.get(tp.partition);
    if (s === undefined) {
      throw new RivuletError(
        'RIV_ERR_INVALID_ARGUMENT',
        `${tp.topic}-${tp.partition} is not assigned to this consumer`,
      );
    }
    return s;
  }

  /** Resolves pending seeks and missing positions with ListOffsets. */
  private async resolvePositions(): Promise<void> {
    const pending: PartitionState[] = [];
    for (const m of this.states.values()) for (const s of m.values()) if (s.position < 0) pending.push(s);
    if (pending.length === 0) return;
    const queries: OffsetQuery[] = pending.map((s) => {
      const target = s.reset ?? this.resetPolicy;
      if (target === 'none') {
        throw new RivuletError(
          'RIV_ERR_INVALID_ARGUMENT',
          `${s.topic}-${s.partition} has no position and autoOffsetReset is 'none': seek() first`,
        );
      }
      return { topic: s.topic, partition: s.partition, spec: target };
    });
    const answers = await listOffsets(this.cluster, queries, this.readCommitted);
    const past: PartitionState[] = [];
    answers.forEach((a, i) => {
      const s = pending[i]!;
      if (a.offset >= 0) {
        s.position = a.offset;
        s.reset = null;
      } else {
        past.push(s); // no record at or after the timestamp: start at the end
      }
    });
    if (past.length > 0) {
      const ends = await listOffsets(
        this.cluster,
        past.map((s) => ({ topic: s.topic, partition: s.partition, spec: 'latest' })),
        this.readCommitted,
      );
      ends.forEach((a, i) => {
        past[i]!.position = a.offset;
        past[i]!.reset = null;
      });
    }
  }

  /** Sends one Fetch to `leader`; never rejects (the outcome carries the error). */
  private async fetchFrom(leader: number, states: readonly PartitionState[]): Promise<FetchOutcome> {
    const asked = states.map((state) => ({ state, offset: state.position }));
    const topicNames = new Map<string, string>();
    try {
      const conn = await this.cluster.nodeConnection(leader);
      const version = conn.version(Fetch);
      const topics = new Map<string, FetchTopic>();
      for (const { state, offset } of asked) {
        let t = topics.get(state.topic);
        if (t === undefined) {
          const topicId = this.cluster.cachedTopic(state.topic)?.topicId ?? ZERO_UUID;
          t = { topic: state.topic, topicId, partitions: [] };
          topics.set(state.topic, t);
          topicNames.set(version >= 13 ? topicId : state.topic, state.topic);
        }
        t.partitions.push({
          partition: state.partition,
          currentLeaderEpoch: -1,
          fetchOffset: toInt64(offset, 'fetch offset'),
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes: this.maxPartitionBytes,
          replicaDirectoryId: ZERO_UUID,
        });
      }
      const response = await conn.send(
        Fetch,
        version,
        Fetch.createRequest({
          maxWaitMs: this.maxWaitMs,
          minBytes: this.minBytes,
          maxBytes: this.maxBytes,
          isolationLevel: this.readCommitted ? 1 : 0,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [...topics.values()],
        }),
        { timeoutMs: this.cluster.options.requestTimeoutMs + this.maxWaitMs },
      );
      return { asked, response, error: null, topicNames };
    } catch (err) {
      return {
        asked,
        response: null,
        error: err instanceof Error ? err : new Error(String(err)),
        topicNames,
      };
    }
  }

  /** Turns a Fetch outcome into data, position moves, resets and metadata refreshes. */
  private async absorb(o: FetchOutcome): Promise<FetchedPartition[]> {
    if (o.response === null) {
      const err = o.error!;
      if (!isRivuletError(err) || !err.retriable) throw err;
      this.cluster.invalidate();
      if (this.failures++ === 0) this.failingSince = Date.now();
      if (Date.now() - this.failingSince > this.cluster.retry.timeoutMs) throw err;
      await sleep(backoffMs(this.cluster.retry, this.failures));
      return [];
    }
    this.failures = 0;
    const res = o.response;
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaError(res.errorCode, { api: 'Fetch' });
    const out: FetchedPartition[] = [];
    for (const t of res.responses) {
      const topic = o.topicNames.get(t.topicId) ?? o.topicNames.get(t.topic);
      if (topic === undefined) continue;
      for (const p of t.partitions) {
        const ask = o.asked.find((a) => a.state.topic === topic && a.state.partition === p.partitionIndex);
        const s = this.states.get(topic)?.get(p.partitionIndex);
        // Dropped if the partition was unassigned, or seeked, while the fetch was out.
        if (ask === undefined || s !== ask.state || s.position !== ask.offset) continue;
        if (p.errorCode !== ErrorCode.NONE) {
          this.onPartitionError(s, p.errorCode);
          continue;
        }
        s.highWatermark = fromInt64(p.highWatermark, 'Fetch highWatermark');
        const records = p.records;
        if (records === null || records.length === 0) continue;
        const part = new FetchedPartition(
          topic,
          p.partitionIndex,
          ask.offset,
          records,
          s.highWatermark,
          fromInt64(p.lastStableOffset, 'Fetch lastStableOffset'),
          fromInt64(p.logStartOffset, 'Fetch logStartOffset'),
          this.readCommitted
            ? (p.abortedTransactions ?? []).map((a) => ({
                producerId: fromInt64(a.producerId, 'abortedTransactions producerId'),
                firstOffset: fromInt64(a.firstOffset, 'abortedTransactions firstOffset'),
              }))
            : null,
        );
        if (part.nextOffset === ask.offset) continue;
        s.position = part.nextOffset;
        out.push(part);
      }
    }
    return out;
  }

  private onPartitionError(s: PartitionState, code: number): void {
    if (code === ErrorCode.OFFSET_OUT_OF_RANGE) {
      if (this.resetPolicy === 'none') {
        throw new KafkaError(code, {
          api: 'Fetch',
          topic: s.topic,
          partition: s.partition,
          brokerMessage: `offset ${s.position} is out of range and autoOffsetReset is 'none'`,
        });
      }
      s.position = -1;
      s.reset = this.resetPolicy;
      return;
    }
    if (REFRESH_ERRORS.has(code)) {
      this.cluster.invalidate([s.topic]);
      return;
    }
    throw new KafkaError(code, { api: 'Fetch', topic: s.topic, partition: s.partition });
  }
}
