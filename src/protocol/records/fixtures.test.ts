import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH, BatchView, batches, CompressionType } from './batch-view.js';
import { compressionName, decompress, initCompression } from './compression.js';
import { decodeRecordBatch } from './decode-batch.js';
import { encodeRecordBatch } from './encode-batch.js';
import type { Record } from './record.js';
import { isXerialSnappy } from './snappy-codec.js';

/*
 * Batches written by librdkafka (kcat) and kafka-python: see
 * test/fixtures/record-batches/README.md for how they were made. Each must decode field by
 * field to what the generating script put in, with a valid CRC, and our encoder must write the
 * same record bytes.
 */

const DIR = new URL('../../../test/fixtures/record-batches/', import.meta.url);

interface ExpectedRecord {
  offset?: number;
  timestamp?: number;
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
}

interface Expectation {
  codec: string;
  records?: ExpectedRecord[];
  sequence?: number;
  baseTimestamp?: number;
  transactional?: boolean;
  producer_id?: number;
  producer_epoch?: number;
  base_sequence?: number;
}

function load(manifest: string): [string, Expectation][] {
  const json = JSON.parse(readFileSync(new URL(manifest, DIR), 'utf8')) as { [file: string]: Expectation };
  return Object.entries(json);
}

/** The large fixtures' records, as both generator scripts write them. */
function sequenceValue(i: number): string {
  return `{"id":${i},"user":"user-${i % 37}","amount":${(i * 7919) % 10000},"note":"lorem ipsum dolor sit amet"}`;
}

function str(b: Buffer | null): string | null {
  return b === null ? null : b.toString('utf8');
}

const FIXTURES = [...load('librdkafka.json'), ...load('kafka-python.json')];

beforeAll(async () => {
  await initCompression();
});

describe.each(FIXTURES)('%s', (file, expected) => {
  const bytes = readFileSync(new URL(file, DIR));
  const views = [...batches(bytes)];

  it('holds whole batches with valid CRCs and the expected codec', () => {
    expect(views.length).toBeGreaterThan(0);
    expect(views.reduce((n, v) => n + v.size, 0)).toBe(bytes.length);
    for (const v of views) {
      expect(v.crcValid()).toBe(true);
      expect(compressionName(v.compressionCode)).toBe(expected.codec);
    }
  });

  it('decodes to the records its generator wrote', () => {
    const decoded = views.flatMap((v) => decodeRecordBatch(v).records);
    if (expected.records !== undefined) {
      expect(
        decoded.map((r) => ({
          key: str(r.key),
          value: str(r.value),
          headers: r.headers.map((h) => [h.key, str(h.value)]),
        })),
      ).toEqual(expected.records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })));
      for (const [i, r] of expected.records.entries()) {
        if (r.timestamp !== undefined) expect(decoded[i]!.timestamp).toBe(r.timestamp);
        if (r.offset !== undefined) expect(decoded[i]!.offset).toBe(r.offset);
      }
    } else {
      const n = expected.sequence!;
      expect(decoded.map((r) => str(r.key))).toEqual(Array.from({ length: n }, (_, i) => `key-${i}`));
      expect(decoded.map((r) => str(r.value))).toEqual(Array.from({ length: n }, (_, i) => sequenceValue(i)));
      if (expected.baseTimestamp !== undefined) {
        expect(decoded.map((r) => r.timestamp)).toEqual(
          Array.from({ length: n }, (_, i) => expected.baseTimestamp! + i),
        );
      }
    }
    expect(decoded.map((r) => r.offset)).toEqual(decoded.map((_, i) => i));
  });

  it('has consistent header fields', () => {
    for (const v of views) {
      const batch = decodeRecordBatch(v);
      const timestamps = batch.records.map((r) => r.timestamp);
      expect(batch.maxTimestamp).toBe(Math.max(...timestamps));
      expect(batch.baseTimestamp).toBe(timestamps[0]);
      expect(batch.lastOffsetDelta).toBe(batch.records.at(-1)!.offset - batch.baseOffset);
      expect(batch.isControl).toBe(false);
      if (expected.producer_id !== undefined) {
        expect([batch.producerId, batch.producerEpoch, batch.baseSequence]).toEqual([
          expected.producer_id,
          expected.producer_epoch,
          expected.base_sequence,
        ]);
        expect(batch.isTransactional).toBe(expected.transactional);
      } else {
        expect([batch.producerId, batch.producerEpoch, batch.baseSequence]).toEqual([-1, -1, -1]);
      }
    }
  });

  it('carries the record bytes our encoder writes (whole batch, byte for byte, when uncompressed)', () => {
    for (const v of views) {
      const batch = decodeRecordBatch(v);
      const ours = encodeRecordBatch({
        baseOffset: batch.baseOffset,
        partitionLeaderEpoch: batch.partitionLeaderEpoch,
        transactional: batch.isTransactional,
        producerId: batch.producerId,
        producerEpoch: batch.producerEpoch,
        baseSequence: batch.baseSequence,
        records: batch.records.map((r: Record) => ({ ...r })),
      });
      const theirs = decompress(v.compressionCode, v.bytes.subarray(BATCH.HEADER_SIZE));
      expect(theirs.equals(ours.subarray(BATCH.HEADER_SIZE))).toBe(true);
      if (v.compressionCode === CompressionType.None) expect(ours.equals(v.bytes)).toBe(true);
    }
  });
});

describe('fixture formats worth pinning down', () => {
  const compressed = (file: string) =>
    BatchView.at(readFileSync(new URL(file, DIR))).bytes.subarray(BATCH.HEADER_SIZE);

  it('librdkafka writes zstd frames without a content size (the case the plain wasm API cannot size)', () => {
    const frameHeaderDescriptor = compressed('librdkafka-zstd-large.bin')[4]!;
    expect(frameHeaderDescriptor >> 6).toBe(0); // no Frame_Content_Size field…
    expect((frameHeaderDescriptor >> 5) & 1).toBe(0); // …and not single-segment either
  });

  it('kafka-python writes xerial-framed snappy, librdkafka raw snappy', () => {
    expect(isXerialSnappy(compressed('kafka-python-snappy-large.bin'))).toBe(true);
    expect(isXerialSnappy(compressed('librdkafka-snappy-large.bin'))).toBe(false);
  });
});
