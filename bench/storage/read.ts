/**
 * Sequential read throughput of the partition log (1 MiB reads, as a consumer with Kafka's
 * default max.partition.fetch.bytes fetches) against a raw loop of 1 MiB positional reads of
 * the same segment files, in the same run: into a new buffer per read (the ratio's baseline,
 * since read() hands its buffer to the caller) and into one reused buffer (the memcpy
 * ceiling). Page cache warm (the data was just written).
 *
 * - hot: in the process that wrote the data (bytes known good, no CRC check);
 * - after restart, first pass: every batch is CRC-checked as it is first read from disk;
 * - after restart, second pass: verified bytes are not checked again.
 *
 * Run: npx tsx bench/storage/read.ts [--quick]
 */
import fs from 'node:fs';
import path from 'node:path';
import { openLogManager } from '../../src/storage/log-manager.js';
import type { PartitionLog } from '../../src/storage/log-types.js';
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

/** `fresh`: a new buffer per read, as any read API that hands out its buffers must allocate. */
async function rawRead(files: string[], fresh: boolean): Promise<{ bytes: number; s: number }> {
  const reused = Buffer.allocUnsafe(READ);
  const start = process.hrtime.bigint();
  let bytes = 0;
  for (const file of files) {
    const fd = fs.openSync(file, 'r');
    let pos = 0;
    for (;;) {
      const buf = fresh ? Buffer.allocUnsafe(READ) : reused;
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
    // Each log pass sits between two raw passes of each kind (the machine is shared; load drifts).
    const raws = async (): Promise<{ fresh: number; reused: number }> => {
      const f = await rawRead(files, true);
      const r = await rawRead(files, false);
      return { fresh: mb(f.bytes) / f.s, reused: mb(r.bytes) / r.s };
    };
    const rawRuns = [await raws()];
    const hot = await readAll(m.log('bench', 0)!);
    rawRuns.push(await raws());
    await m.close();
    m = await openLogManager({ dataDir, maintenanceIntervalMs: 0 });
    const first = await readAll(m.log('bench', 0)!);
    rawRuns.push(await raws());
    const second = await readAll(m.log('bench', 0)!);
    rawRuns.push(await raws());
    await m.close();
    for (const [i, name, r] of [
      [0, 'hot', hot],
      [1, 'restart, 1st pass (CRC)', first],
      [2, 'restart, 2nd pass', second],
    ] as const) {
      const logMBs = mb(r.bytes) / r.s;
      const fresh = (rawRuns[i]!.fresh + rawRuns[i + 1]!.fresh) / 2;
      const reused = (rawRuns[i]!.reused + rawRuns[i + 1]!.reused) / 2;
      rows.push([label, name, fmt(logMBs), fmt(fresh), fmt(logMBs / fresh, 2), fmt(reused)]);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
} finally {
  cleanup();
}
const md = table(
  ['data', 'pass', 'log MB/s', 'raw MB/s (new buffer per read)', 'ratio', 'raw MB/s (one reused buffer)'],
  rows,
);
if (process.argv.includes('--markdown')) console.log('\n' + md);
