/**
 * The internal compacted topic `__consumer_offsets` (one partition: a single node coordinates
 * every group, so there is nothing to spread). It is created on the first write, so a broker
 * that never sees a group has no such topic. Records are those of offsets-records.ts; the
 * latest record per key wins, which is exactly what compaction keeps.
 */
import { encodeRecordBatch, forEachRecord } from '../../protocol/records/index.js';
import { batches } from '../../protocol/records/batch-view.js';
import type { LogManager, PartitionLog } from '../../storage/log-types.js';
import { isStorageError } from '../../storage/errors.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

/** Kafka's settings for the offsets topic (`offsets.topic.segment.bytes`, compaction). */
const TOPIC_CONFIGS = {
  'cleanup.policy': 'compact',
  'segment.bytes': String(100 * 1024 * 1024),
  'compression.type': 'producer',
};

const READ_CHUNK_BYTES = 1 << 20;

export interface OffsetsLogRecord {
  readonly key: Buffer;
  /** null: a tombstone. */
  readonly value: Buffer | null;
}

/** Thrown when the offsets topic refuses an append; the coordinator answers COORDINATOR_NOT_AVAILABLE. */
export class OffsetsLogError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OffsetsLogError';
  }
}

export class OffsetsLog {
  private creating: Promise<PartitionLog> | undefined;
  /** The topic exists with our settings (checked once per run). */
  private configured = false;

  constructor(private readonly logs: LogManager) {}

  /**
   * Appends records as one batch. `durable`: resolve only after the bytes are fsynced (commits
   * are acknowledged with acks=all semantics). Resolves to the first record's offset; throws
   * {@link OffsetsLogError}.
   */
  async append(
    records: readonly OffsetsLogRecord[],
    opts: { durable: boolean; now: number },
  ): Promise<number> {
    if (records.length === 0) return -1;
    const log = await this.partition();
    const batch = encodeRecordBatch({
      records: records.map((r) => ({ timestamp: opts.now, key: r.key, value: r.value })),
    });
    let outcome;
    try {
      outcome = await log.append(batch, { durable: opts.durable });
    } catch (err) {
      if (isStorageError(err)) throw new OffsetsLogError(`${OFFSETS_TOPIC}: ${err.message}`, { cause: err });
      throw err;
    }
    if (outcome.kind !== 'appended' && outcome.kind !== 'duplicate') {
      throw new OffsetsLogError(`${OFFSETS_TOPIC}: append refused (${outcome.kind}: ${outcome.message})`);
    }
    return outcome.baseOffset;
  }

  /**
   * Visits every record from the log start to the high watermark, in offset order. Keys and
   * values are slices of a read chunk: copy what outlives the call.
   */
  async replay(visit: (record: OffsetsLogRecord & { offset: number }) => void): Promise<number> {
    const log = this.logs.log(OFFSETS_TOPIC, 0);
    if (log === undefined) return 0;
    let offset = log.logStartOffset;
    let count = 0;
    const end = log.highWatermark;
    while (offset < end) {
      const r = await log.read(offset, READ_CHUNK_BYTES);
      if (r.kind !== 'records') {
        offset = r.logStartOffset; // compaction or retention moved the start while we read
        continue;
      }
      let next = offset;
      for (const view of batches(r.records)) {
        forEachRecord(view, (c) => {
          if (c.offset < offset) return; // the first batch may start before the requested offset
          const key = c.key;
          if (key !== null) {
            visit({ key, value: c.value, offset: c.offset });
            count++;
          }
        });
        next = view.lastOffsetNumber + 1;
      }
      if (next <= offset) break; // nothing whole came back: a torn tail, nothing more to read
      offset = next;
    }
    return count;
  }

  private partition(): Promise<PartitionLog> {
    const existing = this.logs.log(OFFSETS_TOPIC, 0);
    if (existing !== undefined && this.configured) return Promise.resolve(existing);
    this.creating ??= this.create().finally(() => {
      this.creating = undefined;
    });
    return this.creating;
  }

  private async create(): Promise<PartitionLog> {
    try {
      const topic = this.logs.topic(OFFSETS_TOPIC);
      if (topic === undefined) {
        await this.logs.createTopic(OFFSETS_TOPIC, { partitions: 1, configs: TOPIC_CONFIGS });
      } else if (topic.configs['cleanup.policy'] !== TOPIC_CONFIGS['cleanup.policy']) {
        // Created by someone else (a Metadata request auto-creating it) with the default
        // `delete` policy, which would drop committed offsets after the retention time.
        await this.logs.setTopicConfigs(OFFSETS_TOPIC, { ...topic.configs, ...TOPIC_CONFIGS });
      }
    } catch (err) {
      // 'topic-exists' is a race we lost; anything else means no offsets can be stored.
      if (!isStorageError(err) || err.code !== 'topic-exists') {
        throw new OffsetsLogError(`cannot create ${OFFSETS_TOPIC}: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
    const log = this.logs.log(OFFSETS_TOPIC, 0);
    if (log === undefined) throw new OffsetsLogError(`${OFFSETS_TOPIC} has no partition 0`);
    this.configured = true;
    return log;
  }
}
