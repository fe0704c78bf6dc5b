/**
 * Child process for the fault-injection tests. The parent runs it under strace (which makes
 * fdatasync or writes on one segment file fail with EIO) or inside a user namespace on a tiny
 * tmpfs (a real ENOSPC). It reports what storage did, one `key value…` line at a time.
 *
 * Usage: node --import tsx fault-child.ts <data-dir> <fsync-eio|write-eio|enospc>
 */
import { batches } from '../../../src/protocol/records/batch-view.js';
import { isStorageError } from '../../../src/storage/errors.js';
import { openLogManager } from '../../../src/storage/log-manager.js';
import type { PartitionLog } from '../../../src/storage/log-types.js';
import { buildBatch } from './batches.js';

const [dataDir, scenario] = process.argv.slice(2);
if (dataDir === undefined || scenario === undefined)
  throw new Error('usage: fault-child <data-dir> <scenario>');

const say = (...parts: (string | number)[]): void => {
  process.stdout.write(parts.join(' ') + '\n');
};

const batch = (size: number): Buffer =>
  buildBatch({ records: [{ key: 'k', value: Buffer.alloc(size, 0x61) }] });
const BATCH_SIZE = batch(100).length;

async function append(log: PartitionLog, bytes: Buffer, durable: boolean): Promise<string> {
  try {
    const r = await log.append(bytes, { durable });
    return r.kind === 'appended' ? `ok ${r.baseOffset}` : r.kind;
  } catch (err) {
    return isStorageError(err) ? `error ${err.code}` : `throw ${String(err)}`;
  }
}

async function readable(log: PartitionLog): Promise<number> {
  let count = 0;
  let next = log.logStartOffset;
  while (next < log.highWatermark) {
    const r = await log.read(next, 1 << 20);
    if (r.kind !== 'records' || r.records.length === 0) break;
    for (const b of batches(r.records)) {
      if (!b.crcValid()) throw new Error(`CRC mismatch at offset ${b.baseOffsetNumber}`);
      next = b.lastOffsetNumber + 1;
      count++;
    }
  }
  return count;
}

const logger = {
  info: () => undefined,
  warn: (m: string, f?: object) => process.stderr.write('WARN ' + m + ' ' + JSON.stringify(f) + '\n'),
  error: (m: string, f?: object) => process.stderr.write('ERROR ' + m + ' ' + JSON.stringify(f) + '\n'),
};
const manager = await openLogManager({ dataDir, maintenanceIntervalMs: 0, logger });
if (scenario === 'fsync-eio' || scenario === 'write-eio') {
  // Five batches fill segment 0 exactly; the faults hit segment 5 (00000000000000000005.log).
  await manager.createTopic('f', { partitions: 1, configs: { 'segment.bytes': String(5 * BATCH_SIZE) } });
  const log = manager.log('f', 0)!;
  for (let i = 0; i < 5; i++) say('first', await append(log, batch(100), true));
  const failing = await Promise.all([append(log, batch(100), true), append(log, batch(100), true)]);
  for (const f of failing) say('second', f);
  say('status', log.status);
  say('highWatermark', log.highWatermark);
  say('readable', await readable(log));
  say('after', await append(log, batch(100), false));
} else if (scenario === 'enospc') {
  await manager.createTopic('f', {
    partitions: 1,
    configs: { 'segment.bytes': String(128 * 1024), 'file.delete.delay.ms': '0', 'retention.ms': '-1' },
  });
  const log = manager.log('f', 0)!;
  let acked = 0;
  let full = 0;
  while (full < 3 && acked < 10_000) {
    const r = await append(log, batch(16 * 1024), true);
    if (r.startsWith('ok')) acked++;
    else if (r === 'error disk-full') full++;
    else say('unexpected', r);
  }
  say('acked', acked);
  say('full', full);
  say('status', log.status);
  say('readable', await readable(log));
  say('highWatermark', log.highWatermark);
  // Free space: drop everything but the active segment, then appends work again.
  await log.deleteRecords(-1);
  await manager.runMaintenance();
  say('afterFree', await append(log, batch(16 * 1024), true));
  await manager.close();
  const reopened = await openLogManager({ dataDir, maintenanceIntervalMs: 0 });
  const again = reopened.log('f', 0)!;
  say('reopened', again.highWatermark, await readable(again));
  await reopened.close();
  say('done');
  process.exit(0);
}
await manager.close();
say('done');
