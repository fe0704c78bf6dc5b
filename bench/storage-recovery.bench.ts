/**
 * Start-up cost per GiB of log, page cache warm (the machine is shared, so caches are not
 * dropped; a cold disk adds its read time), against reading and CRC-32C-ing the same bytes in
 * a plain loop in the same run:
 * - clean start (marker present): trust segments, check the active tail;
 * - unclean start: recover from the recovery point (the active segment; per GiB of it);
 * - unclean start with the recovery point lost: full validation of every batch (CRC, offsets).
 */
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '../src/protocol/records/crc32c.js';
import { openLogManager } from '../src/storage/log-manager.js';
import { defineBenchmarks, type MeasuredRow } from './harness.js';
import { batchPool, benchDir, benchLog, fmt, MiB, scaleOf, segmentFiles, timed } from './storage-util.js';

const GiB = 1024 * MiB;

async function openTimed(dataDir: string): Promise<number> {
  let manager: Awaited<ReturnType<typeof openLogManager>> | undefined;
  const s = await timed(async () => {
    manager = await openLogManager({ dataDir, maintenanceIntervalMs: 0 });
  });
  // Leave it as a crash would: no clean-shutdown marker.
  await manager!.fileLog('bench', 0)!.abandon();
  return s;
}

/** Reads the files in 8 MiB chunks and CRC-checks every batch: seconds. */
function rawScan(files: string[]): number {
  const start = process.hrtime.bigint();
  const buf = Buffer.allocUnsafe(8 * MiB);
  for (const file of files) {
    const fd = fs.openSync(file, 'r');
    let carry = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, carry, buf.length - carry, null);
      if (n === 0) break;
      const end = carry + n;
      let p = 0;
      while (end - p >= 12) {
        const size = 12 + buf.readInt32BE(p + 8);
        if (end - p < size) break;
        if (crc32c(buf.subarray(p + 21, p + size)) !== buf.readUInt32BE(p + 17)) throw new Error('bad crc');
        p += size;
      }
      buf.copy(buf, 0, p, end);
      carry = end - p;
    }
    fs.closeSync(fd);
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export default defineBenchmarks({
  area: 'storage',
  async *measured({ timeMs, selected }) {
    if (!selected('recovery')) return;
    const total = Math.round(scaleOf(timeMs) * GiB);
    // Segments of a quarter of the data; the active one ends up holding another quarter.
    const segment = Math.round(total / 4);
    const { dir, cleanup } = benchDir('recovery');
    try {
      const dataDir = path.join(dir, 'data');
      const { manager, log } = await benchLog(dataDir, { 'segment.bytes': String(segment) });
      const { bufs } = batchPool(64, 16 * 1024, 1024);
      let written = 0;
      for (let i = 0; written < total + segment - MiB; i++) {
        const b = bufs[i % bufs.length]!;
        written += b.length;
        await log.append(b, { durable: false });
      }
      await manager.close();
      const files = segmentFiles(dataDir);
      const gib = written / GiB;
      const active = fs.statSync(files[files.length - 1]!).size / GiB;
      const raw = rawScan(files);
      const clean = await openTimed(dataDir);
      const unclean = await openTimed(dataDir);
      fs.rmSync(path.join(dataDir, 'bench-0', 'partition-state.json'));
      const full = await openTimed(dataDir);
      const rawPerGiB = raw / gib;
      const baseline = { label: 'read + CRC-32C loop', value: rawPerGiB, unit: 's/GiB' };
      const data = `${fmt(written / MiB)} MiB in ${files.length} segments of 16 KiB batches`;
      const rows: MeasuredRow[] = [
        {
          name: 'recovery: clean start (tail check)',
          subject: { label: 'open', value: clean / gib, unit: 's/GiB' },
          baseline,
          lowerIsBetter: true,
          note: `${fmt(clean * 1000, 1)} ms for ${data}`,
        },
        {
          name: 'recovery: unclean start (from the recovery point)',
          subject: { label: 'open', value: unclean / active, unit: 's/GiB' },
          baseline,
          lowerIsBetter: true,
          note: `${fmt(unclean * 1000)} ms to validate the ${fmt(active * 1024)} MiB active segment`,
        },
        {
          name: 'recovery: unclean start, recovery point lost (full)',
          subject: { label: 'open', value: full / gib, unit: 's/GiB' },
          baseline,
          lowerIsBetter: true,
          note: `${fmt(full * 1000)} ms for ${data}`,
        },
      ];
      yield* rows;
    } finally {
      cleanup();
    }
  },
});
