import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isProtocolError } from '../errors.js';
import { BATCH, BatchView, CompressionType, batches } from './batch-view.js';
import { decompress, initCompression } from './compression.js';
import { decodeControlBatch, encodeControlBatch } from './control-records.js';
import { crc32c } from './crc32c.js';
import { decodeRecordBatch, decodeRecordBatches, forEachRecord } from './decode-batch.js';
import { encodeRecordBatch } from './encode-batch.js';

/*
 * Random and mutated batches must decode or fail with a ProtocolError: never another exception,
 * never a crash in a native codec, never output beyond the decompression limit. Each property
 * runs for a bounded time (a budget, not an assertion); a failure prints the input to replay.
 */

const LIMIT = 1 << 20;
const BUDGET_MS = 800;
const DIR = new URL('../../../test/fixtures/record-batches/', import.meta.url);

let seeds: Buffer[] = [];

beforeAll(async () => {
  await initCompression();
  const records = Array.from({ length: 30 }, (_, i) => ({
    timestamp: 1_000_000 + i * (i % 2 === 0 ? 7 : -3),
    key: i % 4 === 0 ? null : Buffer.from(`key-${i}`),
    value: i % 6 === 0 ? null : Buffer.from(`{"n":${i},"s":"${'ab'.repeat(i)}"}`),
    headers: i % 3 === 0 ? [{ key: `h${i}`, value: i % 2 === 0 ? null : Buffer.from('hv') }] : [],
  }));
  const codecs = [0, 1, 2, 3, 4] as const;
  seeds = [
    ...codecs.map((compression) => encodeRecordBatch({ baseOffset: 5, compression, records })),
    encodeControlBatch({ type: 1, producerId: 1, producerEpoch: 0, coordinatorEpoch: 2, timestamp: 3 }),
    ...readdirSync(DIR)
      .filter((f) => f.endsWith('-small.bin'))
      .map((f) => readFileSync(new URL(f, DIR))),
  ];
});

/** Runs every decoder on `buf`; returns normally or throws what a decoder threw if not a ProtocolError. */
function exercise(buf: Buffer, verifyCrc: boolean): void {
  const options = { verifyCrc, maxDecompressedBytes: LIMIT };
  const attempts: (() => unknown)[] = [
    () => decodeRecordBatch(buf, options),
    () => decodeRecordBatches(buf, options),
    () => decodeControlBatch(buf, options),
    () =>
      forEachRecord(
        buf,
        (r) => {
          r.headers();
        },
        options,
      ),
    () => {
      const v = BatchView.at(buf);
      return [v.baseOffset, v.maxTimestamp, v.producerId, v.recordsCount, v.crcValid()];
    },
    () => [...batches(buf)].length,
  ];
  for (const attempt of attempts) {
    try {
      attempt();
    } catch (err) {
      if (!isProtocolError(err)) throw err;
    }
  }
}

type Mutation =
  | { kind: 'flip'; pos: number; bit: number }
  | { kind: 'set'; pos: number; value: number }
  | { kind: 'truncate'; pos: number }
  | { kind: 'insert'; pos: number; bytes: Uint8Array }
  | { kind: 'delete'; pos: number; len: number }
  | { kind: 'int32'; field: number; value: number };

const FIELDS = [BATCH.BATCH_LENGTH, BATCH.RECORDS_COUNT, BATCH.LAST_OFFSET_DELTA, BATCH.ATTRIBUTES - 2];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), pos: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), pos: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), pos: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    pos: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), pos: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({
    kind: fc.constant('int32' as const),
    field: fc.constantFrom(...FIELDS),
    value: fc.oneof(fc.integer(), fc.constantFrom(-1, 0, 1, 0x7fffffff, -0x80000000)),
  }),
);

function mutate(seed: Buffer, mutations: readonly Mutation[], fixCrc: boolean): Buffer {
  let b = Buffer.from(seed);
  for (const m of mutations) {
    const pos = b.length === 0 ? 0 : m.kind === 'int32' ? m.field : m.pos % b.length;
    switch (m.kind) {
      case 'flip':
        if (b.length > 0) b[pos]! ^= 1 << m.bit;
        break;
      case 'set':
        if (b.length > 0) b[pos] = m.value;
        break;
      case 'truncate':
        b = b.subarray(0, pos);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, pos), m.bytes, b.subarray(pos)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, pos), b.subarray(pos + m.len)]);
        break;
      case 'int32':
        if (b.length >= pos + 4) b.writeInt32BE(m.value, pos);
        break;
    }
  }
  if (fixCrc && b.length >= BATCH.HEADER_SIZE)
    b.writeUInt32BE(crc32c(b.subarray(BATCH.ATTRIBUTES)), BATCH.CRC);
  return b;
}

describe('fuzz: record batch decoders', () => {
  it('mutated valid batches decode or fail with a ProtocolError', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        (pick, mutations, fixCrc, verifyCrc) => {
          const input = mutate(seeds[pick % seeds.length]!, mutations, fixCrc);
          exercise(input, verifyCrc);
        },
      ),
      { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: BUDGET_MS },
    );
  });

  it('random bytes behind a plausible header decode or fail with a ProtocolError', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: -2, max: 50 }),
        (tail, codec, count) => {
          const b = Buffer.alloc(BATCH.HEADER_SIZE + tail.length);
          b.writeInt32BE(b.length - BATCH.LOG_OVERHEAD, BATCH.BATCH_LENGTH);
          b.writeInt8(2, BATCH.MAGIC);
          b.writeInt16BE(codec, BATCH.ATTRIBUTES);
          b.writeInt32BE(count, BATCH.RECORDS_COUNT);
          b.set(tail, BATCH.HEADER_SIZE);
          b.writeUInt32BE(crc32c(b.subarray(BATCH.ATTRIBUTES)), BATCH.CRC);
          exercise(b, true);
        },
      ),
      { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: BUDGET_MS },
    );
  });

  it('codecs given mutated compressed data fail with a ProtocolError or stay within the limit', () => {
    const compressed = seeds
      .map((s) => BatchView.at(s))
      .filter((v) => v.compressionCode !== CompressionType.None)
      .map((v) => ({ code: v.compressionCode, data: v.bytes.subarray(BATCH.HEADER_SIZE) }));
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (pick, mutations) => {
        const { code, data } = compressed[pick % compressed.length]!;
        const input = mutate(data, mutations, false);
        try {
          expect(decompress(code, input, LIMIT).length).toBeLessThanOrEqual(LIMIT);
        } catch (err) {
          if (!isProtocolError(err)) throw err;
        }
      }),
      { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: BUDGET_MS },
    );
  });
});
