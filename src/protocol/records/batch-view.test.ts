import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isProtocolError } from '../errors.js';
import { BATCH, BatchView, batchSizeAt, batches } from './batch-view.js';
import { decodeRecordBatch, readBatchHeader } from './decode-batch.js';
import { encodeRecordBatch } from './encode-batch.js';

/**
 * One record (null key, value "hi") written byte by byte from the format description; its CRC
 * 0xbbcc4115 was computed by kafka-python's calc_crc32c over bytes 21..end, and kafka-python's
 * DefaultRecordBatch decodes these bytes to the same record.
 */
const HAND_WRITTEN = Buffer.from(
  [
    '0000000000000000', // baseOffset 0
    '0000003a', // batchLength 58 = 70 - 12
    '00000000', // partitionLeaderEpoch 0
    '02', // magic
    'bbcc4115', // crc
    '0000', // attributes
    '00000000', // lastOffsetDelta
    '0000018bcfe56800', // baseTimestamp 1700000000000
    '0000018bcfe56800', // maxTimestamp
    'ffffffffffffffff', // producerId -1
    'ffff', // producerEpoch -1
    'ffffffff', // baseSequence -1
    '00000001', // recordsCount
    '10', // record length 8 (zig-zag)
    '00', // attributes
    '00', // timestampDelta 0
    '00', // offsetDelta 0
    '01', // key length -1: null
    '04', // value length 2
    '6869', // "hi"
    '00', // no headers
  ].join(''),
  'hex',
);

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../../test/fixtures/record-batches/${name}`, import.meta.url));
}

function expectProtocolError(fn: () => unknown, kind: string): void {
  try {
    fn();
  } catch (err) {
    expect(isProtocolError(err)).toBe(true);
    expect((err as { kind: string }).kind).toBe(kind);
    return;
  }
  expect.fail('expected a ProtocolError');
}

describe('BatchView', () => {
  it('reads every header field of a hand-written batch', () => {
    const v = BatchView.at(HAND_WRITTEN);
    expect(v.size).toBe(70);
    expect(v.baseOffset).toBe(0n);
    expect(v.batchLength).toBe(58);
    expect(v.partitionLeaderEpoch).toBe(0);
    expect(v.magic).toBe(2);
    expect(v.crc).toBe(0xbbcc4115);
    expect(v.attributes).toBe(0);
    expect(v.compressionCode).toBe(0);
    expect(v.lastOffsetDelta).toBe(0);
    expect(v.baseTimestamp).toBe(1700000000000n);
    expect(v.maxTimestamp).toBe(1700000000000n);
    expect(v.producerId).toBe(-1n);
    expect(v.producerEpoch).toBe(-1);
    expect(v.baseSequence).toBe(-1);
    expect(v.recordsCount).toBe(1);
    expect(v.crcValid()).toBe(true);
    const batch = decodeRecordBatch(v);
    expect(batch.records).toEqual([
      { offset: 0, timestamp: 1700000000000, key: null, value: Buffer.from('hi'), headers: [] },
    ]);
  });

  it('computes the CRC over exactly bytes 21..end (kafka-python wrote the stored CRC)', () => {
    const bytes = Buffer.from(fixture('kafka-python-none-small.bin'));
    const v = BatchView.at(bytes);
    expect(v.computeCrc()).toBe(v.crc);
    // Bytes before `attributes` are outside the CRC: baseOffset, epoch, the CRC itself (and
    // batchLength and magic, which BatchView.at validates, so they cannot be flipped here).
    for (const at of [0, 7, 12, 15, 17, 20]) {
      const copy = Buffer.from(bytes);
      copy[at]! ^= 0x01;
      expect(BatchView.at(copy).computeCrc(), `byte ${at}`).toBe(v.crc);
    }
    // The first and the last byte of the covered range are inside it.
    for (const at of [BATCH.ATTRIBUTES, bytes.length - 1]) {
      const copy = Buffer.from(bytes);
      copy[at]! ^= 0x01;
      expect(BatchView.at(copy).crcValid(), `byte ${at}`).toBe(false);
    }
  });

  it('matches the decoded header field by field', () => {
    for (const name of ['kafka-python-lz4-small.bin', 'librdkafka-zstd-large.bin']) {
      const v = BatchView.at(fixture(name));
      const h = readBatchHeader(v);
      expect(h.baseOffset).toBe(v.baseOffsetNumber);
      expect(h.size).toBe(v.size);
      expect(h.partitionLeaderEpoch).toBe(v.partitionLeaderEpoch);
      expect(h.crc).toBe(v.crc);
      expect(h.attributes).toBe(v.attributes);
      expect(h.compression).toBe(v.compressionCode);
      expect(h.isTransactional).toBe(v.isTransactional);
      expect(h.isControl).toBe(v.isControl);
      expect(h.timestampType === 1).toBe(v.logAppendTime);
      expect(h.lastOffsetDelta).toBe(v.lastOffsetDelta);
      expect(BigInt(h.baseTimestamp)).toBe(v.baseTimestamp);
      expect(h.maxTimestamp).toBe(v.maxTimestampNumber);
      expect(BigInt(h.producerId)).toBe(v.producerId);
      expect(h.producerEpoch).toBe(v.producerEpoch);
      expect(h.baseSequence).toBe(v.baseSequence);
      expect(h.recordsCount).toBe(v.recordsCount);
      expect(v.lastOffsetNumber).toBe(h.baseOffset + h.lastOffsetDelta);
    }
  });

  it('patches the base offset in place and the CRC stays valid', () => {
    const bytes = Buffer.from(fixture('librdkafka-lz4-small.bin'));
    const v = BatchView.at(bytes);
    v.setBaseOffset(1_234_567_890_123);
    expect(v.baseOffset).toBe(1_234_567_890_123n);
    expect(v.crcValid()).toBe(true);
    const batch = decodeRecordBatch(bytes);
    expect(batch.records.map((r) => r.offset)).toEqual([0, 1, 2, 3].map((d) => 1_234_567_890_123 + d));
    v.setBaseOffset(7n);
    expect(decodeRecordBatch(bytes).baseOffset).toBe(7);
  });

  it('patches the partition leader epoch without touching the CRC', () => {
    const bytes = Buffer.from(HAND_WRITTEN);
    const v = BatchView.at(bytes);
    v.setPartitionLeaderEpoch(99);
    expect(v.partitionLeaderEpoch).toBe(99);
    expect(v.crcValid()).toBe(true);
  });

  it('sets log-append time: the attribute bit, max timestamp, a new valid CRC, record timestamps', () => {
    const bytes = Buffer.from(HAND_WRITTEN);
    const v = BatchView.at(bytes);
    v.setLogAppendTime(1800000000000);
    expect(v.logAppendTime).toBe(true);
    expect(v.maxTimestamp).toBe(1800000000000n);
    expect(v.crcValid()).toBe(true);
    expect(v.crc).not.toBe(0xbbcc4115);
    expect(decodeRecordBatch(bytes).records[0]!.timestamp).toBe(1800000000000);
  });

  it('reads a batch at an offset inside a larger buffer', () => {
    const joined = Buffer.concat([Buffer.from('junk'), HAND_WRITTEN, Buffer.from('tail')]);
    const v = BatchView.at(joined, 4);
    expect(v.start).toBe(4);
    expect(v.bytes.equals(HAND_WRITTEN)).toBe(true);
    expect(v.crcValid()).toBe(true);
  });

  it('refuses a truncated header, a too-small batchLength, a truncated body and a bad magic', () => {
    expectProtocolError(() => BatchView.at(HAND_WRITTEN.subarray(0, 60)), 'truncated');
    expectProtocolError(() => BatchView.at(HAND_WRITTEN.subarray(0, 69)), 'truncated');
    const small = Buffer.from(HAND_WRITTEN);
    small.writeInt32BE(48, BATCH.BATCH_LENGTH);
    expectProtocolError(() => BatchView.at(small), 'invalid-length');
    const negative = Buffer.from(HAND_WRITTEN);
    negative.writeInt32BE(-1, BATCH.BATCH_LENGTH);
    expectProtocolError(() => BatchView.at(negative), 'invalid-length');
    const magic1 = Buffer.from(HAND_WRITTEN);
    magic1[BATCH.MAGIC] = 1;
    expectProtocolError(() => BatchView.at(magic1), 'invalid-value');
    expectProtocolError(() => BatchView.at(HAND_WRITTEN, 71), 'truncated');
  });

  it('exposes the transactional, control and timestamp-type attribute bits', () => {
    const bytes = encodeRecordBatch({
      transactional: true,
      control: true,
      timestampType: 1,
      maxTimestamp: 5,
      records: [{ timestamp: 1, key: null, value: null }],
    });
    const v = BatchView.at(bytes);
    expect([v.isTransactional, v.isControl, v.logAppendTime]).toEqual([true, true, true]);
    expect(v.attributes).toBe(0x10 | 0x20 | 0x08);
  });
});

describe('batchSizeAt and batches()', () => {
  it('sizes a batch from its length prefix, or -1 when the prefix is incomplete', () => {
    expect(batchSizeAt(HAND_WRITTEN, 0)).toBe(70);
    expect(batchSizeAt(HAND_WRITTEN.subarray(0, 11), 0)).toBe(-1);
  });

  it('iterates whole batches and stops before a partial trailing batch', () => {
    const three = Buffer.concat([HAND_WRITTEN, fixture('librdkafka-gzip-small.bin'), HAND_WRITTEN]);
    const partial = three.subarray(0, three.length - 5);
    expect([...batches(three)].map((v) => v.start)).toEqual([0, 70, three.length - 70]);
    expect([...batches(partial)].map((v) => v.size)).toEqual([70, three.length - 140]);
    expect([...batches(three, 0, 70)].length).toBe(1);
    expect([...batches(Buffer.alloc(0))]).toEqual([]);
  });

  it('throws a ProtocolError for a malformed batch in the middle', () => {
    const bad = Buffer.concat([HAND_WRITTEN, HAND_WRITTEN]);
    bad[70 + BATCH.MAGIC] = 0;
    expectProtocolError(() => [...batches(bad)], 'invalid-value');
  });
});
