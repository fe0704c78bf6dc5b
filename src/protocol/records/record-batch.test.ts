import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isProtocolError } from '../errors.js';
import { Writer } from '../primitives/writer.js';
import { BATCH, BatchView, CompressionType } from './batch-view.js';
import { initCompression } from './compression.js';
import { crc32c } from './crc32c.js';
import { TimestampType, decodeRecordBatch, decodeRecordBatches, forEachRecord } from './decode-batch.js';
import { encodeRecordBatch, type EncodeRecordBatchOptions } from './encode-batch.js';
import type { Record, RecordHeader } from './record.js';

const CODECS = [
  CompressionType.None,
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
  CompressionType.Zstd,
] as const;

beforeAll(async () => {
  await initCompression();
});

function kind(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (err) {
    if (isProtocolError(err)) return err.kind;
    throw err;
  }
}

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const nullableBytes = (max: number) => fc.option(bytes(max), { nil: null });
const header: fc.Arbitrary<RecordHeader> = fc.record({
  key: fc.string({ unit: 'grapheme', maxLength: 12 }),
  value: nullableBytes(16),
});
/** Timestamp offsets from a base: small, negative, and large (up to ±2^50 ms). */
const timestampShift = fc.oneof(
  fc.integer({ min: -100_000, max: 100_000 }),
  fc.bigInt({ min: -(2n ** 50n), max: 2n ** 50n }).map(Number),
);
const recordShape = fc.record({
  shift: timestampShift,
  gap: fc.integer({ min: 1, max: 1000 }),
  key: nullableBytes(32),
  value: nullableBytes(200),
  headers: fc.array(header, { maxLength: 4 }),
});

interface Case {
  opts: EncodeRecordBatchOptions;
  expected: Record[];
}

/** Random batches: options plus the records a decoder must return. */
const batchCase: fc.Arbitrary<Case> = fc
  .record({
    baseOffset: fc.integer({ min: 0, max: 2 ** 40 }),
    baseTime: fc.integer({ min: 0, max: 2 ** 42 }),
    gapped: fc.boolean(),
    compression: fc.constantFrom(...CODECS),
    producerId: fc.integer({ min: -1, max: 2 ** 40 }),
    producerEpoch: fc.integer({ min: -1, max: 0x7fff }),
    baseSequence: fc.integer({ min: -1, max: 0x7fffffff }),
    partitionLeaderEpoch: fc.integer({ min: -1, max: 1000 }),
    transactional: fc.boolean(),
    records: fc.array(recordShape, { maxLength: 40 }),
  })
  .map((c) => {
    let offset = c.baseOffset - 1;
    const expected: Record[] = c.records.map((r, i) => {
      offset = c.gapped ? offset + r.gap : c.baseOffset + i;
      return { offset, timestamp: c.baseTime + r.shift, key: r.key, value: r.value, headers: r.headers };
    });
    const records = expected.map((r) =>
      c.gapped ? r : { timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers },
    );
    return {
      opts: {
        baseOffset: c.baseOffset,
        compression: c.compression,
        producerId: c.producerId,
        producerEpoch: c.producerEpoch,
        baseSequence: c.baseSequence,
        partitionLeaderEpoch: c.partitionLeaderEpoch,
        transactional: c.transactional,
        records,
      },
      expected,
    };
  });

describe('encodeRecordBatch → decodeRecordBatch', () => {
  it('round-trips random batches with every codec (property)', () => {
    fc.assert(
      fc.property(batchCase, ({ opts, expected }) => {
        const buf = encodeRecordBatch(opts);
        const batch = decodeRecordBatch(buf);
        expect(batch.records).toEqual(expected);
        expect(batch.size).toBe(buf.length);
        expect(batch.baseOffset).toBe(opts.baseOffset);
        expect(batch.compression).toBe(opts.compression);
        expect(batch.producerId).toBe(opts.producerId);
        expect(batch.producerEpoch).toBe(opts.producerEpoch);
        expect(batch.baseSequence).toBe(opts.baseSequence);
        expect(batch.partitionLeaderEpoch).toBe(opts.partitionLeaderEpoch);
        expect(batch.isTransactional).toBe(opts.transactional);
        expect(batch.isControl).toBe(false);
        expect(batch.recordsCount).toBe(expected.length);
        const first = expected[0];
        const last = expected.at(-1);
        expect(batch.baseTimestamp).toBe(first?.timestamp ?? -1);
        expect(batch.maxTimestamp).toBe(
          first === undefined ? -1 : Math.max(...expected.map((r) => r.timestamp)),
        );
        expect(batch.lastOffsetDelta).toBe(last === undefined ? 0 : last.offset - batch.baseOffset);
        const view = BatchView.at(buf);
        expect(view.crcValid()).toBe(true);
        expect(view.batchLength).toBe(buf.length - BATCH.LOG_OVERHEAD);
        // Encoding what was decoded gives the same bytes (every codec here is deterministic).
        expect(encodeRecordBatch({ ...opts, records: batch.records }).equals(buf)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips a batch of many records with every codec', () => {
    const records = Array.from({ length: 20_000 }, (_, i) => ({
      timestamp: 1_700_000_000_000 + (i % 1000) - 500,
      key: i % 10 === 0 ? null : Buffer.from(`key-${i}`),
      value: Buffer.from(`{"id":${i},"payload":"${'x'.repeat(i % 50)}"}`),
    }));
    for (const compression of CODECS) {
      const decoded = decodeRecordBatch(encodeRecordBatch({ baseOffset: 10, compression, records })).records;
      expect(decoded.length).toBe(records.length);
      expect(decoded[19_999]!.offset).toBe(20_009);
      expect(decoded.map((r) => r.value!.toString())).toEqual(records.map((r) => r.value.toString()));
    }
  });

  it('writes the records exactly as an independent encoder (the primitives Writer) does', () => {
    const headers = [
      { key: 'hé', value: Buffer.from('v') },
      { key: '', value: null },
    ];
    const buf = encodeRecordBatch({
      baseOffset: 5,
      records: [
        { timestamp: 1000, key: Buffer.from('k'), value: null, headers },
        { offset: 9, timestamp: 400, key: null, value: Buffer.from('value') },
      ],
    });
    const body = (tsDelta: number, offsetDelta: number, write: (w: Writer) => void): Buffer => {
      const w = new Writer(64).int8(0).varlongNumber(tsDelta).varint(offsetDelta);
      write(w);
      const inner = w.finish();
      return Buffer.concat([new Writer(8).varint(inner.length).finish(), inner]);
    };
    const expected = Buffer.concat([
      body(0, 0, (w) => {
        w.varint(1).raw(Buffer.from('k')).varint(-1).varint(2);
        w.varint(3).raw(Buffer.from('hé')).varint(1).raw(Buffer.from('v'));
        w.varint(0).varint(-1);
      }),
      body(-600, 4, (w) => w.varint(-1).varint(5).raw(Buffer.from('value')).varint(0)),
    ]);
    expect(buf.subarray(BATCH.HEADER_SIZE).equals(expected)).toBe(true);
    expect(buf.readUInt32BE(BATCH.CRC)).toBe(crc32c(buf.subarray(BATCH.ATTRIBUTES)));
    expect(BatchView.at(buf).lastOffsetDelta).toBe(4);
  });

  it('encodes an empty batch (as compaction may leave), keeping a given lastOffsetDelta', () => {
    const buf = encodeRecordBatch({ baseOffset: 100, records: [], lastOffsetDelta: 7 });
    const batch = decodeRecordBatch(buf);
    expect(batch.records).toEqual([]);
    expect([batch.baseTimestamp, batch.maxTimestamp, batch.lastOffsetDelta]).toEqual([-1, -1, 7]);
    expect(buf.length).toBe(BATCH.HEADER_SIZE);
  });

  it('gives every record the max timestamp when the batch uses log-append time', () => {
    const buf = encodeRecordBatch({
      timestampType: TimestampType.LogAppendTime,
      maxTimestamp: 2_000,
      records: [
        { timestamp: 10, key: null, value: null },
        { timestamp: 20, key: null, value: null },
      ],
    });
    const batch = decodeRecordBatch(buf);
    expect(batch.timestampType).toBe(TimestampType.LogAppendTime);
    expect(batch.records.map((r) => r.timestamp)).toEqual([2_000, 2_000]);
  });

  it('refuses values it cannot encode faithfully', () => {
    const r = (offset: number, timestamp = 0) => ({ offset, timestamp, key: null, value: null });
    expect(kind(() => encodeRecordBatch({ baseOffset: 10, records: [r(9)] }))).toBe('invalid-value');
    expect(kind(() => encodeRecordBatch({ records: [r(3), r(3)] }))).toBe('invalid-value');
    expect(kind(() => encodeRecordBatch({ records: [r(0), r(2 ** 31)] }))).toBe('invalid-value');
    expect(kind(() => encodeRecordBatch({ records: [r(0, 0), r(1, 2 ** 53)] }))).toBe('invalid-value');
    expect(kind(() => encodeRecordBatch({ records: [r(0)], lastOffsetDelta: -1 }))).toBe('invalid-value');
    expect(kind(() => encodeRecordBatch({ records: [r(0)], producerEpoch: 40_000 }))).toBe('invalid-value');
    expect(kind(() => encodeRecordBatch({ records: [r(0)], baseSequence: 2 ** 31 }))).toBe('invalid-value');
    expect(kind(() => encodeRecordBatch({ records: [], baseOffset: 2 ** 53 }))).toBe('invalid-value');
    expect(kind(() => encodeRecordBatch({ records: [], producerId: 0.5 }))).toBe('invalid-value');
  });
});

describe('forEachRecord', () => {
  const records = Array.from({ length: 50 }, (_, i) => ({
    timestamp: 1_000 + i,
    key: i % 3 === 0 ? null : Buffer.from(`k${i}`),
    value: i % 5 === 0 ? null : Buffer.from(`value ${i}`),
    headers: i % 2 === 0 ? [] : [{ key: `h${i}`, value: Buffer.from([i]) }],
  }));

  it.each(CODECS)('visits the same records decodeRecordBatch returns (codec %s)', (compression) => {
    const buf = encodeRecordBatch({ baseOffset: 77, compression, records });
    const decoded = decodeRecordBatch(buf).records;
    const seen: Record[] = [];
    const header = forEachRecord(buf, (r) => {
      seen.push({
        offset: r.offset,
        timestamp: r.timestamp,
        key: r.key,
        value: r.value,
        headers: r.headers(),
      });
      expect(r.valueLength).toBe(r.value === null ? -1 : r.value.length);
      expect(r.keyLength).toBe(r.key === null ? -1 : r.key.length);
    });
    expect(seen).toEqual(decoded);
    expect(header.recordsCount).toBe(50);
  });

  it('gives zero-copy slices of the batch when it is uncompressed', () => {
    const buf = encodeRecordBatch({ records });
    forEachRecord(buf, (r) => {
      expect(r.data).toBe(buf);
      if (r.value !== null) expect(r.value.buffer).toBe(buf.buffer);
    });
  });

  it('stops when the visitor returns false', () => {
    const offsets: number[] = [];
    forEachRecord(encodeRecordBatch({ records }), (r) => {
      offsets.push(r.offset);
      return offsets.length < 3 ? undefined : false;
    });
    expect(offsets).toEqual([0, 1, 2]);
  });
});

describe('decodeRecordBatches', () => {
  it('decodes every whole batch of a buffer and skips a partial last one', () => {
    const a = encodeRecordBatch({
      baseOffset: 0,
      records: [{ timestamp: 1, key: null, value: Buffer.from('a') }],
    });
    const b = encodeRecordBatch({
      baseOffset: 1,
      compression: CompressionType.Lz4,
      records: [{ timestamp: 2, key: null, value: Buffer.from('b') }],
    });
    const all = Buffer.concat([a, b, a.subarray(0, 30)]);
    expect(decodeRecordBatches(all).map((x) => x.records[0]!.value!.toString())).toEqual(['a', 'b']);
  });
});

describe('decodeRecordBatch refuses bad input with a ProtocolError', () => {
  const good = encodeRecordBatch({
    baseOffset: 3,
    records: [
      {
        timestamp: 5,
        key: Buffer.from('key'),
        value: Buffer.from('value'),
        headers: [{ key: 'h', value: null }],
      },
      { timestamp: 6, key: null, value: Buffer.from('second') },
    ],
  });
  /** A copy of `good` with `edit` applied and the CRC recomputed (so the CRC is not what fails). */
  const edited = (edit: (b: Buffer) => void): Buffer => {
    const b = Buffer.from(good);
    edit(b);
    b.writeUInt32BE(crc32c(b.subarray(BATCH.ATTRIBUTES)), BATCH.CRC);
    return b;
  };
  const firstRecord = BATCH.HEADER_SIZE;

  it('a bad CRC, unless verification is off', () => {
    const b = Buffer.from(good);
    b[b.length - 2]! ^= 0xff; // inside the last value: the records still parse

    expect(kind(() => decodeRecordBatch(b))).toBe('invalid-value');
    expect(kind(() => decodeRecordBatch(b, { verifyCrc: false }))).toBe('no error');
  });

  it('compression codes 5-7', () => {
    for (const code of [5, 6, 7]) {
      expect(kind(() => decodeRecordBatch(edited((b) => b.writeInt16BE(code, BATCH.ATTRIBUTES))))).toBe(
        'invalid-value',
      );
    }
  });

  it('record counts that disagree with the data', () => {
    const more = edited((b) => b.writeInt32BE(3, BATCH.RECORDS_COUNT));
    const fewer = edited((b) => b.writeInt32BE(1, BATCH.RECORDS_COUNT));
    const negative = edited((b) => b.writeInt32BE(-1, BATCH.RECORDS_COUNT));
    const huge = edited((b) => b.writeInt32BE(0x7fffffff, BATCH.RECORDS_COUNT));
    expect(kind(() => decodeRecordBatch(more))).not.toBe('no error');
    expect(kind(() => decodeRecordBatch(fewer))).toBe('invalid-length');
    expect(kind(() => decodeRecordBatch(negative))).toBe('invalid-length');
    expect(kind(() => decodeRecordBatch(huge))).toBe('invalid-length');
  });

  it('record lengths that are too small, too large, or disagree with the fields', () => {
    for (const length of [0, -1, 2, 5, 200]) {
      const b = edited((x) => x.writeUInt8(((length << 1) ^ (length >> 31)) & 0x7f, firstRecord));
      expect(
        kind(() => decodeRecordBatch(b)),
        `length ${length}`,
      ).toBe('invalid-length');
    }
  });

  it('a varint longer than its type allows', () => {
    // Overwrite the first record's length with a 5-byte varint whose last byte has bit 4 set.
    const b = edited((x) => {
      x.set([0xff, 0xff, 0xff, 0xff, 0x7f], firstRecord);
    });
    expect(kind(() => decodeRecordBatch(b))).toBe('invalid-value');
  });

  it('negative key, value or header lengths beyond null, and a negative header count', () => {
    // First record: length(1) attributes(1) tsDelta(1) offsetDelta(1) keyLength …
    const keyLength = firstRecord + 4;
    expect(kind(() => decodeRecordBatch(edited((b) => (b[keyLength] = 3))))).toBe('invalid-length'); // -2
    const valueLength = keyLength + 1 + 3;
    expect(kind(() => decodeRecordBatch(edited((b) => (b[valueLength] = 0x7f))))).toBe('invalid-length');
    const headerCount = valueLength + 1 + 5;
    expect(kind(() => decodeRecordBatch(edited((b) => (b[headerCount] = 1))))).toBe('invalid-length'); // -1
  });

  it('int64 header fields outside the safe integer range', () => {
    const b = edited((x) => x.writeBigInt64BE(2n ** 60n, BATCH.BASE_OFFSET));
    expect(kind(() => decodeRecordBatch(b))).toBe('invalid-value');
    const t = edited((x) => x.writeBigInt64BE(-(2n ** 62n), BATCH.BASE_TIMESTAMP));
    expect(kind(() => decodeRecordBatch(t))).toBe('invalid-value');
  });

  it('compressed records beyond the decompression limit', () => {
    const big = encodeRecordBatch({
      compression: CompressionType.Zstd,
      records: [{ timestamp: 0, key: null, value: Buffer.alloc(1 << 20) }],
    });
    expect(kind(() => decodeRecordBatch(big, { maxDecompressedBytes: 1 << 19 }))).toBe('invalid-length');
    expect(decodeRecordBatch(big).records[0]!.value!.length).toBe(1 << 20);
  });

  it('compressed data that is not what the attributes say', () => {
    const b = edited((x) => x.writeInt16BE(CompressionType.Gzip, BATCH.ATTRIBUTES));
    expect(kind(() => decodeRecordBatch(b))).toBe('invalid-value');
  });
});
