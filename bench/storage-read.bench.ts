/**
 * Sequential read throughput of the partition log: everything front to back with 1 MiB reads
 * (Kafka's default max.partition.fetch.bytes), page cache warm, against 1 MiB positional reads
 * of the same segment files in the same run — into a new buffer per read (the baseline, since
 * `read()` hands its buffer to the caller) and into one reused buffer (the memcpy ceiling, in
 * the note).
 *
 * - hot: in the process that wrote the data (bytes known good, no CRC check);
 * - after restart, first pass: every batch is CRC-checked as it is first read from disk;
 * - after restart, second pass: verified bytes are not checked again.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PartitionLog } from '../src/storage/log-types.js';
import { defineBenchmarks, type MeasuredRow } from './harness.js';
import {
  batchPool,
  benchDir,
  benchLog,
  call,
  fmt,
  MiB,
  scaleOf,
  segmentFiles,
  timed,
} from './storage-util.js';

const READ = MiB;

/** Reads the whole log; returns the bytes read. */
async function readAll(log: PartitionLog): Promise<number> {
  let bytes = 0;
  let next = log.logStartOffset;
  while (next < log.highWatermark) {
    const r = await log.read(next, READ);
    if (r.kind !== 'records' || r.records.length === 0) throw new Error(`read stalled at ${next}`);
    bytes += r.records.length;
    // Past the last batch: its base offset + lastOffsetDelta, + 1.
    let p = 0;
    while (p < r.records.length) {
      next = Number(r.records.readBigInt64BE(p)) + r.records.readInt32BE(p + 23) + 1;
      p += 12 + r.records.readInt32BE(p + 8);
    }
  }
  return bytes;
}

/** 1 MiB preads of `files`; `fresh`: a new buffer per read. Returns MB/s. */
async function rawRead(files: string[], fresh: boolean): Promise<number> {
  const reused = Buffer.allocUnsafe(READ);
  let bytes = 0;
  const s = await timed(async () => {
    for (const file of files) {
      const fd = fs.openSync(file, 'r');
      for (let pos = 0; ;) {
        const buf = fresh ? Buffer.allocUnsafe(READ) : reused;
        const n = await call<number>((cb) => {
          fs.read(fd, buf, 0, READ, pos, cb);
        });
        if (n === 0) break;
        pos += n;
        bytes += n;
      }
      fs.closeSync(fd);
    }
  });
  return bytes / 1e6 / s;
}

async function* readCase(
  dir: string,
  recordBytes: number,
  batchBytes: number,
  total: number,
): AsyncGenerator<MeasuredRow> {
  const dataDir = path.join(dir, `${recordBytes}-${batchBytes}`);
  const configs = { 'segment.bytes': String(128 * MiB) };
  let { manager, log } = await benchLog(dataDir, configs);
  const { bufs } = batchPool(64, batchBytes, recordBytes);
  for (let i = 0, written = 0; written < total; i++) {
    const b = bufs[i % bufs.length]!;
    written += b.length;
    await log.append(b, { durable: false });
  }
  const files = segmentFiles(dataDir);
  // Each log pass sits between two raw passes of each kind (the machine is shared; load drifts).
  const raws: { fresh: number; reused: number }[] = [];
  const rawPass = async (): Promise<void> => {
    raws.push({ fresh: await rawRead(files, true), reused: await rawRead(files, false) });
  };
  const pass = async (): Promise<number> => {
    let bytes = 0;
    const s = await timed(async () => {
      bytes = await readAll(log);
    });
    return bytes / 1e6 / s;
  };
  await rawPass();
  const hot = await pass();
  await rawPass();
  await manager.close();
  ({ manager, log } = await benchLog(dataDir, configs));
  const first = await pass();
  await rawPass();
  const second = await pass();
  await rawPass();
  await manager.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  const data = `${recordBytes === 1024 ? '1 KiB' : `${recordBytes} B`} records in ${batchBytes >= MiB ? '1 MiB' : `${batchBytes / 1024} KiB`} batches`;
  for (const [i, label, value] of [
    [0, 'hot', hot],
    [1, 'after restart, 1st pass (CRC)', first],
    [2, 'after restart, 2nd pass', second],
  ] as const) {
    const fresh = (raws[i]!.fresh + raws[i + 1]!.fresh) / 2;
    const reused = (raws[i]!.reused + raws[i + 1]!.reused) / 2;
    yield {
      name: `read ${data}, ${label}`,
      subject: { label: 'log', value, unit: 'MB/s' },
      baseline: { label: 'raw pread, new buffer', value: fresh, unit: 'MB/s' },
      note: `raw pread into one reused buffer: ${fmt(reused)} MB/s`,
    };
  }
}

export default defineBenchmarks({
  area: 'storage',
  async *measured({ timeMs, selected }) {
    const total = Math.round(scaleOf(timeMs) * 512 * MiB);
    const { dir, cleanup } = benchDir('read');
    try {
      for (const [recordBytes, batchBytes] of [
        [1024, 16 * 1024],
        [100, MiB],
      ] as const) {
        if (!selected(`read ${recordBytes === 1024 ? '1 KiB' : '100 B'} records`)) continue;
        yield* readCase(dir, recordBytes, batchBytes, total);
      }
    } finally {
      cleanup();
    }
  },
});
