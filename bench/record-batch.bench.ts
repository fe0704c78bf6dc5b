import { crc32c } from '../src/protocol/records/crc32c.js';
import { decodeRecordBatch, forEachRecord } from '../src/protocol/records/decode-batch.js';
import { encodeRecordBatch } from '../src/protocol/records/encode-batch.js';
import { defineBenchmarks } from './harness.js';
import { jsonRecords } from './inputs.js';

/** Encoding and decoding an uncompressed ~1 MiB batch of 100-byte JSON-ish records. */
export default defineBenchmarks({
  area: 'records',
  benchmarks: () => {
    const records = jsonRecords(1 << 20);
    const batch = encodeRecordBatch({ records });
    const values = records.map((r) => r.value as Buffer);
    const bytes = batch.length;
    const perRecord = () => `${records.length} records, ${(bytes / records.length).toFixed(0)} B each`;
    // Read by the visitor so that the scan cannot be optimised away.
    let sum = 0;
    const visit = {
      label: 'forEachRecord',
      run: () => {
        forEachRecord(batch, (r) => {
          sum += r.valueLength;
        });
        return sum;
      },
      bytes,
    };
    return [
      {
        name: 'encode 1 MiB batch',
        subject: { label: 'encodeRecordBatch', run: () => encodeRecordBatch({ records }), bytes },
        baseline: { label: 'Buffer.concat(values)', run: () => Buffer.concat(values), bytes },
        note: perRecord,
      },
      {
        name: 'decode 1 MiB batch to Record[]',
        subject: { label: 'decodeRecordBatch', run: () => decodeRecordBatch(batch), bytes },
        baseline: visit,
        note: perRecord,
      },
      {
        name: 'visit 1 MiB batch (CRC + scan)',
        subject: visit,
        baseline: { label: 'crc32c only', run: () => crc32c(batch), bytes },
      },
    ];
  },
});
