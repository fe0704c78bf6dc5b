/**
 * Append throughput of the partition log against a raw loop over the same bytes in the same
 * run: `fs.write` (+ `fdatasync` per batch when durable) on a plain file.
 *
 * - durable ×1: one append in flight, each acknowledged after its fsync — the raw loop's pattern.
 * - durable ×8: eight appends in flight; group commit lets one fsync serve several.
 * - non-durable ×1 / ×8: acknowledged after the write (flush.ms=1000 fsyncs in the
 *   background); with eight in flight the writer coalesces queued appends into one pwritev.
 * The raw loop is sequential in every case (one write, one fsync, then the next).
 *
 * Run: npx tsx bench/storage/append.ts [--quick]
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
const SLICES = 20;

interface Case {
  recordBytes: number;
  batchBytes: number;
  durable: boolean;
  inFlight: number;
  flushMs: string;
}

function batchesFor(c: Case): number {
  const scale = quick ? 0.25 : 1;
  if (!c.durable) return Math.ceil((scale * 128 * 1024 * 1024) / c.batchBytes);
  const byBatch: Record<number, number> = { [16 * 1024]: 600, [256 * 1024]: 240, [1024 * 1024]: 100 };
  return Math.ceil(scale * (byBatch[c.batchBytes] ?? 100) * (c.inFlight > 1 ? 2 : 1));
}

/** The raw side: plain `fs.write` (+ `fdatasync` per batch when durable) on one file. */
class Raw {
  private readonly fd: number;
  private pos = 0;
  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'w');
  }
  private write(b: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.write(this.fd, b, 0, b.length, this.pos, (err) => {
        if (err === null) resolve();
        else reject(err);
      });
      this.pos += b.length;
    });
  }
  private sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      fs.fdatasync(this.fd, (err) => {
        if (err === null) resolve();
        else reject(err);
      });
    });
  }
  async run(bufs: Buffer[], from: number, n: number, durable: boolean): Promise<void> {
    for (let i = from; i < from + n; i++) {
      await this.write(bufs[i % bufs.length]!);
      if (durable) await this.sync();
    }
  }
  close(): void {
    fs.closeSync(this.fd);
    fs.rmSync(this.file);
  }
}

async function openLog(
  dir: string,
  flushMs: string,
): Promise<{ log: PartitionLog; close: () => Promise<void> }> {
  const dataDir = path.join(dir, 'log');
  const m = await openLogManager({ dataDir, maintenanceIntervalMs: 0 });
  await m.createTopic('bench', {
    partitions: 1,
    configs: { 'max.message.bytes': String(4 << 20), 'flush.ms': flushMs },
  });
  return {
    log: m.log('bench', 0)!,
    close: async () => {
      await m.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function runLog(log: PartitionLog, bufs: Buffer[], from: number, n: number, c: Case): Promise<void> {
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < from + n) {
      const b = bufs[next++ % bufs.length]!;
      const r = await log.append(b, { durable: c.durable });
      if (r.kind !== 'appended') throw new Error(r.kind);
    }
  };
  await Promise.all(Array.from({ length: c.inFlight }, worker));
}

async function timed(f: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await f();
  return seconds(start);
}

const cases: Case[] = [];
for (const recordBytes of [1024, 100]) {
  for (const batchBytes of [16 * 1024, 256 * 1024, 1024 * 1024]) {
    cases.push({ recordBytes, batchBytes, durable: true, inFlight: 1, flushMs: '1000' });
    cases.push({ recordBytes, batchBytes, durable: true, inFlight: 8, flushMs: '1000' });
    cases.push({ recordBytes, batchBytes, durable: false, inFlight: 1, flushMs: '1000' });
    cases.push({ recordBytes, batchBytes, durable: false, inFlight: 8, flushMs: '1000' });
  }
}

const { dir, cleanup } = benchDir('append');
console.log(`storage append — ${machine()}${quick ? ' (quick)' : ''}`);
const rows: string[][] = [];
try {
  for (const c of cases) {
    // The pool is larger than the appends in flight, so no buffer is patched while queued.
    const { bufs, records } = batchPool(64, c.batchBytes, c.recordBytes);
    const n = batchesFor(c);
    const bytes = bufs.reduce((s, b) => s + b.length, 0) / bufs.length;
    const raw = new Raw(path.join(dir, 'raw.dat'));
    const { log, close } = await openLog(dir, c.flushMs);
    await runLog(log, bufs, 0, 8, c);
    // The machine is shared and its disk's fsync latency drifts a lot: interleave the two in
    // short slices (alternating which goes first) so both see the same conditions.
    let rawS = 0;
    let logS = 0;
    const slice = Math.max(1, Math.ceil(n / SLICES));
    for (let done = 0, k = 0; done < n; done += slice, k++) {
      const m = Math.min(slice, n - done);
      const r = (): Promise<number> => timed(() => raw.run(bufs, done, m, c.durable));
      const l = (): Promise<number> => timed(() => runLog(log, bufs, done, m, c));
      if (k % 2 === 0) {
        rawS += await r();
        logS += await l();
      } else {
        logS += await l();
        rawS += await r();
      }
    }
    raw.close();
    await close();
    const logMBs = mb(n * bytes) / logS;
    const rawMBs = mb(n * bytes) / rawS;
    const mode = `${c.durable ? 'durable' : 'non-durable'} ×${c.inFlight}`;
    rows.push([
      `${c.recordBytes} B`,
      `${c.batchBytes / 1024} KiB`,
      mode,
      fmt(logMBs),
      fmt((n * records) / logS / 1000, 0),
      fmt(rawMBs),
      fmt(logMBs / rawMBs, 2),
    ]);
  }
} finally {
  cleanup();
}
const md = table(['record', 'batch', 'mode', 'log MB/s', 'log krec/s', 'raw MB/s', 'ratio'], rows);
if (process.argv.includes('--markdown')) console.log('\n' + md);
