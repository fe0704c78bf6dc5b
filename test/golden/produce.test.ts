import { beforeAll, describe, expect, it } from 'vitest';
import { Produce } from '../../src/protocol/messages/index.js';
import { BatchView, batches } from '../../src/protocol/records/batch-view.js';
import { compressionName, initCompression } from '../../src/protocol/records/compression.js';
import { TimestampType, decodeRecordBatch } from '../../src/protocol/records/decode-batch.js';
import type { ClientName } from './scenario.js';
import { decodeBody, fixturesOf, manifest, readFrame } from './load.js';
import { PLANS, PRODUCE_PARTITION, plannedRecords, produceTopic } from './scenario.js';

/*
 * Produce frames, one per client and codec: the request fields are what the capture script set,
 * and the record batch inside decodes, CRC-checked, to the records the script sent.
 */

const DAY_MS = 86_400_000;

beforeAll(async () => {
  await initCompression();
});

function recordsOf(file: string): Buffer {
  const entry = manifest.fixtures.find((e) => e.file === file);
  if (entry === undefined) throw new Error(`no fixture ${file}`);
  const records = decodeBody(readFrame(entry), Produce).topicData[0]?.partitionData[0]?.records;
  if (records === undefined || records === null) throw new Error(`${file} carries no records`);
  return records;
}

function utf8(b: Buffer | null): string | null {
  return b === null ? null : b.toString('utf8');
}

/**
 * What a client writes in the idempotence fields when idempotence is off (no script enables
 * it): -1 as Kafka's Java client does, except kafkajs, which writes 0. Brokers ignore both
 * when the producer id is -1.
 */
function nonIdempotentEpochAndSequence(client: ClientName): [number, number] {
  return client === 'kafkajs' ? [0, 0] : [-1, -1];
}

describe.each(fixturesOf('Produce').map((e) => [e.file, e] as const))('%s', (file, entry) => {
  const plan = PLANS[entry.client];
  const planned = plannedRecords(entry.client);
  const codec = entry.codec;
  if (codec === undefined) throw new Error(`${file}: a Produce fixture without a codec`);
  const body = decodeBody(readFrame(entry), Produce);
  const records = recordsOf(file);

  it('asks for the acks, timeout, topic and partition the script set, outside a transaction', () => {
    expect(body.transactionalId).toBeNull();
    expect(body.acks).toBe(plan.acks);
    expect(body.timeoutMs).toBe(plan.produceTimeoutMs);
    expect(body.topicData.map((t) => [t.name, t.partitionData.map((p) => p.index)])).toEqual([
      [produceTopic(codec), [PRODUCE_PARTITION]],
    ]);
    expect(body.unknownTaggedFields).toBeUndefined();
  });

  it(`carries one magic-v2 batch with a valid CRC-32C, compressed with ${codec}`, () => {
    const views = [...batches(records)];
    expect(views).toHaveLength(1);
    const view = views[0]!;
    expect(view.size).toBe(records.length);
    expect(view.magic).toBe(2);
    expect(view.crcValid()).toBe(true);
    expect(compressionName(view.compressionCode)).toBe(codec);
  });

  it('decodes to the records the script sent, in order', () => {
    const batch = decodeRecordBatch(records);
    expect(
      batch.records.map((r) => ({
        offset: r.offset,
        key: utf8(r.key),
        value: utf8(r.value),
        headers: r.headers.map((h) => [h.key, utf8(h.value)]),
      })),
    ).toStrictEqual(planned.map((r, i) => ({ offset: i, key: r.key, value: r.value, headers: r.headers })));
    const timestamps = batch.records.map((r) => r.timestamp);
    if (plan.setsTimestamps) {
      expect(timestamps).toEqual(planned.map((r) => r.timestamp));
    } else {
      // kcat stamps records with its clock: they must fall on the capture day.
      const day = Date.parse(manifest.clients[entry.client]!.captured);
      for (const t of timestamps) expect(t >= day - DAY_MS && t < day + 2 * DAY_MS, String(t)).toBe(true);
    }
  });

  it('has the batch header of a plain (non-idempotent, non-transactional) producer', () => {
    const batch = decodeRecordBatch(records);
    const timestamps = batch.records.map((r) => r.timestamp);
    const [epoch, sequence] = nonIdempotentEpochAndSequence(entry.client);
    expect(batch).toMatchObject({
      baseOffset: 0,
      // The leader's to set; all four clients send 0 (Kafka's Java producer sends -1).
      partitionLeaderEpoch: 0,
      timestampType: TimestampType.CreateTime,
      isTransactional: false,
      isControl: false,
      lastOffsetDelta: planned.length - 1,
      recordsCount: planned.length,
      maxTimestamp: Math.max(...timestamps),
      producerId: -1,
      producerEpoch: epoch,
      baseSequence: sequence,
    });
    // librdkafka and kafka-python base the deltas on the first record, kafkajs on the earliest:
    // the deltas are signed, so both are valid.
    expect([timestamps[0], Math.min(...timestamps)]).toContain(batch.baseTimestamp);
  });

  if (codec !== 'none') {
    it('is smaller than the same records uncompressed from the same client', () => {
      const none = fixturesOf('Produce').find((e) => e.client === entry.client && e.codec === 'none');
      const plain = BatchView.at(recordsOf(none?.file ?? 'none'));
      expect(BatchView.at(records).size).toBeLessThan(plain.size);
    });
  }
});
