import { describe, expect, it } from 'vitest';
import { ATTR_COMPRESSION_MASK, BATCH, BatchView, CompressionType } from '../protocol/records/batch-view.js';
import { compressionReady, initCompression } from '../protocol/records/compression.js';
import { crc32c } from '../protocol/records/crc32c.js';
import { buildBatch, buildControlBatch } from '../../test/storage/support/batches.js';
import { CompressionNotReadyError, controlType, keyString, visitRecords } from './batch-records.js';
import { resolveLogConfig } from './config.js';
import { MemoryPartitionLog } from './memory-log.js';
import { ManualClock } from '../../test/storage/support/temp-dir.js';

/** A batch whose attributes claim zstd (its records are not zstd: only the check before decoding is exercised). */
function claimsZstd(): Buffer {
  const bytes = buildBatch({ records: [{ key: 'k', value: 'v' }] });
  const attributes = bytes.readInt16BE(BATCH.ATTRIBUTES);
  bytes.writeInt16BE((attributes & ~ATTR_COMPRESSION_MASK) | CompressionType.Zstd, BATCH.ATTRIBUTES);
  bytes.writeUInt32BE(crc32c(bytes.subarray(BATCH.ATTRIBUTES)), BATCH.CRC);
  return bytes;
}

describe('batch records', () => {
  // Runs first in this file's fresh module graph, before anything loaded zstd.
  it('refuses to open a zstd batch before zstd is loaded, with an error that says so', async () => {
    expect(compressionReady()).toBe(false);
    expect(() => {
      visitRecords(BatchView.at(claimsZstd()), () => true);
    }).toThrow(CompressionNotReadyError);
    // The memory twin rejects the append (never a synchronous throw, never a silent pass).
    const log = new MemoryPartitionLog(
      't',
      0,
      resolveLogConfig({ 'cleanup.policy': 'compact' }),
      new ManualClock(),
    );
    await expect(log.append(claimsZstd(), { durable: true })).rejects.toThrow(/initCompression/);
    await initCompression();
    expect(compressionReady()).toBe(true);
  });

  it('visits records of compressed batches, stopping when asked', async () => {
    await initCompression();
    for (const compression of [
      CompressionType.Gzip,
      CompressionType.Snappy,
      CompressionType.Lz4,
      CompressionType.Zstd,
    ]) {
      const view = BatchView.at(
        buildBatch({
          compression,
          baseOffset: 10,
          records: [{ key: 'a' }, { key: null }, { key: Buffer.from([0xff, 0x00]) }],
        }),
      );
      const keys: (string | null)[] = [];
      visitRecords(view, (r) => {
        keys.push(keyString(r));
      });
      expect(keys).toEqual(['a', null, '\u00ff\u0000']);
      let seen = 0;
      visitRecords(view, () => ++seen < 2);
      expect(seen).toBe(2);
    }
  });

  it('reads the control type of transaction markers', () => {
    expect(
      controlType(BatchView.at(buildControlBatch({ producerId: 1, producerEpoch: 0, commit: true }))),
    ).toBe(1);
    expect(
      controlType(BatchView.at(buildControlBatch({ producerId: 1, producerEpoch: 0, commit: false }))),
    ).toBe(0);
    const noKey = buildBatch({
      records: [{ key: null }],
      producerId: 1,
      producerEpoch: 0,
      transactional: true,
      control: true,
    });
    expect(controlType(BatchView.at(noKey))).toBe(-1);
  });
});
