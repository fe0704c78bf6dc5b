/**
 * Sequential read throughput of the partition log (1 MiB reads, as a consumer with Kafka's
 * default max.partition.fetch.bytes fetches) against a raw loop of 1 MiB positional reads of
 * the same segment files, in the same run. Page cache warm (the data was just written).
 *
 * - hot: in the process that wrote the data (bytes known good, no CRC check);
 * - after restart, first pass: every batch is CRC-checked as it is first read from disk;
 * - after restart, second pass: verified bytes are not checked again.
 *
 * Run: npx tsx bench/storage-read.bench.ts [--quick]
 */
import fs from 'node:fs';
import path from 'node:path';
import { openLogManager } from '../src/storage/log-manager.js';
import type { PartitionLog } from '../src/storage/log-types.js';
import { batchPool, benchDir, fmt, machine, mb, seconds, table } from '../test/storage/support/bench-util.js';

const quick = process.argv.includes('--quick');
const TOTAL = (quick ? 64 : 512) * 1024 * 1024;
const READ = 1024 * 1024;

async function readAll(log: PartitionLog): Promise<{ bytes: number; s: number }> {
  const start = process.hrtime.bigint();
  let bytes = 0;
  let next = log.logStartOffset;
  while (next < log.highWatermark) {
    const r = await log.read(next, READ);
    if (r.kind !== 'records' || r.records.length === 0) throw new Error(`read stalled at ${next}`);
    bytes += r.records.length;
    // The last batch's last offset: base offset + lastOffsetDelta of the final batch in the buffer.
    let p = 0;
    let last = next;
    while (p < r.records.length) {
      last = Number(r.records.readBigInt64BE(p)) + r.records.readInt32BE(p + 23);
      p += 12 + r.records.readInt32BE(p + 8);
    }
    next = last + 1;
  }
  return { bytes, s: seconds(start) };
}

async function rawRead(files: string[]): Promise<{ bytes: number; s: number }> {
  const buf = Buffer.allocUnsafe(READ);
  const start = process.hrtime.bigint();
  let bytes = 0;
  for (const file of files) {
    const fd = fs.openSync(file, 'r');
    let pos = 0;
    for (;;) {
      const n = await new Promise<number>((resolve, reject) => {
        fs.read(fd, buf, 0, READ, pos, (err, got) => {
          if (err === null) resolve(got);
          else reject(err);
        });
      });
      if (n === 0) break;
      pos += n;
      bytes += n;
    }
    fs.closeSync(fd);
  }
  return { bytes, s: seconds(start) };
}

const { dir, cleanup } = benchDir('read');
console.log(`storage read — ${machine()}${quick ? ' (quick)' : ''}`);
const rows: string[][] = [];
try {
  for (const [recordBytes, batchBytes] of [
    [1024, 16 * 1024],
    [100, 1024 * 1024],
  ] as const) {
    const dataDir = path.join(dir, `${recordBytes}-${batchBytes}`);
    let m = await openLogManager({ dataDir, maintenanceIntervalMs: 0 });
    await m.createTopic('bench', {
      partitions: 1,
      configs: { 'segment.bytes': String(128 * 1024 * 1024), 'max.message.bytes': String(4 << 20) },
    });
    const { bufs } = batchPool(64, batchBytes, recordBytes);
    let written = 0;
    for (let i = 0; written < TOTAL; i++) {
      const b = bufs[i % bufs.length]!;
      written += b.length;
      await m.log('bench', 0)!.append(b, { durable: false });
    }
    const label = `${recordBytes} B records, ${batchBytes / 1024} KiB batches`;
    const segDir = path.join(dataDir, 'bench-0');
    const files = fs
      .readdirSync(segDir)
      .filter((f) => f.endsWith('.log'))
      .sort()
      .map((f) => path.join(segDir, f));
    const raw = await rawRead(files);
    const hot = await readAll(m.log('bench', 0)!);
    await m.close();
    m = await openLogManager({ dataDir, maintenanceIntervalMs: 0 });
    const first = await readAll(m.log('bench', 0)!);
    const second = await readAll(m.log('bench', 0)!);
    await m.close();
    const rawMBs = mb(raw.bytes) / raw.s;
    for (const [name, r] of [
      ['hot', hot],
      ['restart, 1st pass (CRC)', first],
      ['restart, 2nd pass', second],
    ] as const) {
      rows.push([label, name, fmt(mb(r.bytes) / r.s), fmt(rawMBs), fmt(mb(r.bytes) / r.s / rawMBs, 2)]);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
} finally {
  cleanup();
}
const md = table(['data', 'pass', 'log MB/s', 'raw MB/s', 'ratio'], rows);
if (process.argv.includes('--markdown')) console.log('\n' + md);
