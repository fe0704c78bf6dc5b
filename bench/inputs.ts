import { BATCH } from '../src/protocol/records/batch-view.js';
import { encodeRecordBatch } from '../src/protocol/records/encode-batch.js';
import type { RecordInput } from '../src/protocol/records/record.js';

/**
 * About `bytes` of records with ~100-byte JSON values and short keys, like a producer of
 * events sends: repetitive field names, varying numbers and ids.
 */
export function jsonRecords(bytes: number): RecordInput[] {
  const records: RecordInput[] = [];
  const t0 = 1_700_000_000_000;
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const value = Buffer.from(
      JSON.stringify({
        id: i,
        user: `user-${(i * 7919) % 5000}`,
        action: ['view', 'click', 'buy', 'scroll'][i % 4],
        amount: ((i * 104729) % 100000) / 100,
        ts: t0 + i * 3,
      }).padEnd(100, ' '),
    );
    const key = Buffer.from(`user-${(i * 7919) % 5000}`);
    records.push({ timestamp: t0 + i * 3, key, value });
    size += value.length + key.length + 10;
  }
  return records;
}

/** The uncompressed records section of a batch of `records` (what a codec compresses). */
export function recordsSection(records: readonly RecordInput[]): Buffer {
  return encodeRecordBatch({ records }).subarray(BATCH.HEADER_SIZE);
}
