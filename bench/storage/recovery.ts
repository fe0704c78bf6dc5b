/**
 * Start-up cost per GiB of log (page cache warm — the machine is shared, so caches are not
 * dropped; a cold disk adds its read time):
 * - clean start (marker present): trust segments, check the active tail;
 * - unclean start (normal): recover from the recovery point (the active segment; its
 *   seconds per GiB are per GiB of that segment);
 * - unclean start with the recovery point lost: full validation of every batch (CRC, offsets);
 * baseline: reading and CRC-32C-ing the same bytes in a plain loop, in the same run.
 *
 * Run: npx tsx bench/storage/recovery.ts [--quick]
 */
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from '../../src/protocol/records/crc32c.js';
import { openLogManager } from '../../src/storage/log-manager.js';
import {
  batchPool,
  benchDir,
  fmt,
  machine,
  mb,
  seconds,
  table,
} from '../../test/storage/support/bench-util.js';

const quick = process.argv.includes('--quick');
const TOTAL = (quick ? 128 : 1024) * 1024 * 1024;
/** Segments of a quarter of the data; the active one ends up holding another quarter. */
const SEGMENT = TOTAL / 4;

async function openTimed(dataDir: string): Promise<number> {
  const start = process.hrtime.bigint();
  const m = await openLogManager({ dataDir, maintenanceIntervalMs: 0 });
  const s = seconds(start);
  // Leave it as a crash would: no clean-shutdown marker.
  await m.fileLog('bench', 0)!.abandon();
  return s;
}

function rawScan(files: string[]): { bytes: number; s: number } {
  const start = process.hrtime.bigint();
  let bytes = 0;
  const buf = Buffer.allocUnsafe(8 << 20);
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
      bytes += p;
    }
    fs.closeSync(fd);
  }
  return { bytes, s: seconds(start) };
}

const { dir, cleanup } = benchDir('recovery');
console.log(`storage recovery — ${machine()}${quick ? ' (quick)' : ''}`);
const rows: string[][] = [];
try {
  const dataDir = path.join(dir, 'data');
  const m = await openLogManager({ dataDir, maintenanceIntervalMs: 0 });
  await m.createTopic('bench', { partitions: 1, configs: { 'segment.bytes': String(SEGMENT) } });
  const { bufs } = batchPool(64, 16 * 1024, 1024);
  let written = 0;
  for (let i = 0; written < TOTAL + SEGMENT - 1024 * 1024; i++) {
    const b = bufs[i % bufs.length]!;
    written += b.length;
    await m.log('bench', 0)!.append(b, { durable: false });
  }
  await m.close();
  const segDir = path.join(dataDir, 'bench-0');
  const files = fs
    .readdirSync(segDir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => path.join(segDir, f));
  const gib = written / 1024 ** 3;
  const active = fs.statSync(files[files.length - 1]!).size;
  const raw = rawScan(files);
  const clean = await openTimed(dataDir);
  const unclean = await openTimed(dataDir);
  fs.rmSync(path.join(segDir, 'partition-state.json'));
  const full = await openTimed(dataDir);
  const perGiB = (s: number): string => fmt(s / gib, 2);
  rows.push(['clean start (tail check)', fmt(clean, 3), perGiB(clean), '']);
  rows.push([
    `unclean start (recovery point: ${fmt(mb(active), 0)} MiB active segment)`,
    fmt(unclean, 3),
    fmt(unclean / (active / 1024 ** 3), 2),
    fmt(mb(active) / unclean),
  ]);
  rows.push(['unclean start, full validation', fmt(full, 3), perGiB(full), fmt(mb(written) / full)]);
  rows.push(['baseline: read + CRC loop', fmt(raw.s, 3), perGiB(raw.s), fmt(mb(raw.bytes) / raw.s)]);
  console.log(`${fmt(mb(written), 0)} MiB in ${files.length} segments of 16 KiB batches`);
} finally {
  cleanup();
}
const md = table(['start', 'seconds', 's per GiB', 'MB/s'], rows);
if (process.argv.includes('--markdown')) console.log('\n' + md);
