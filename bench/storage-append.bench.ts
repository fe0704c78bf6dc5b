/**
 * Append throughput of the partition log against a raw loop over the same batch bytes in the
 * same run — `fs.write` at increasing positions, plus `fdatasync` after every batch when
 * durable — for 1 KiB and 100 B records in 16 KiB, 256 KiB and 1 MiB batches.
 *
 * ×1: one append in flight, each awaited (the raw loop's own pattern); ×8: eight in flight
 * (group commit shares fsyncs, queued appends become one pwritev). The raw loop and both logs
 * run in rotating slices of the same run, so the three see the same machine and the two log
 * rows share one baseline. Non-durable appends keep the defaults: fsynced within flush.ms, and
 * whenever 16 MiB are unsynced; the raw loop never fsyncs them.
 *
 * A last row measures what the 16 MiB rule is for: the longest fdatasync (the longest stall of
 * the writes beside it) under a steady acks=1 load, against the same log fsyncing only on
 * flush.ms.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type FileIo, nodeFileIo } from '../src/storage/file-io.js';
import { openLogManager } from '../src/storage/log-manager.js';
import type { PartitionLog } from '../src/storage/log-types.js';
import { defineBenchmarks, type MeasuredRow } from './harness.js';
import { batchPool, benchDir, benchLog, call, fmt, MiB, scaleOf, seconds, timed } from './storage-util.js';

const SLICES = 20;

interface Case {
  recordBytes: number;
  batchBytes: number;
  durable: boolean;
}

function batchesFor(c: Case, scale: number): number {
  if (!c.durable) return Math.ceil((scale * 128 * MiB) / c.batchBytes);
  const byBatch: Record<number, number> = { [16 * 1024]: 600, [256 * 1024]: 240, [MiB]: 100 };
  return Math.ceil(scale * (byBatch[c.batchBytes] ?? 100));
}

function caseName(c: Case, inFlight: number): string {
  const batch = c.batchBytes >= MiB ? `${c.batchBytes / MiB} MiB` : `${c.batchBytes / 1024} KiB`;
  return `append ${c.recordBytes === 1024 ? '1 KiB' : `${c.recordBytes} B`} records, ${batch} batches, ${c.durable ? 'durable' : 'non-durable'} ×${inFlight}`;
}

/** The baseline: plain `fs.write` (+ `fdatasync` per batch when durable) on one file. */
async function rawLoop(
  fd: number,
  at: { pos: number },
  bufs: Buffer[],
  from: number,
  n: number,
  durable: boolean,
): Promise<void> {
  for (let i = from; i < from + n; i++) {
    const b = bufs[i % bufs.length]!;
    const pos = at.pos;
    at.pos += b.length;
    await call<number>((cb) => {
      fs.write(fd, b, 0, b.length, pos, cb);
    });
    if (durable)
      await call<undefined>((cb) => {
        fs.fdatasync(fd, (err) => {
          cb(err, undefined);
        });
      });
  }
}

async function logLoop(
  log: PartitionLog,
  bufs: Buffer[],
  from: number,
  n: number,
  durable: boolean,
  inFlight: number,
): Promise<void> {
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < from + n) {
      const r = await log.append(bufs[next++ % bufs.length]!, { durable });
      if (r.kind !== 'appended') throw new Error(`append: ${r.kind}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

async function* appendCase(dir: string, c: Case, scale: number): AsyncGenerator<MeasuredRow> {
  // The pool is larger than the appends in flight, so no buffer is patched while queued.
  const { bufs, records, bytes } = batchPool(64, c.batchBytes, c.recordBytes);
  const n = batchesFor(c, scale);
  const rawFile = path.join(dir, 'raw.dat');
  const fd = fs.openSync(rawFile, 'w');
  const at = { pos: 0 };
  const one = await benchLog(path.join(dir, 'x1'));
  const eight = await benchLog(path.join(dir, 'x8'));
  try {
    await logLoop(one.log, bufs, 0, 8, c.durable, 1);
    await logLoop(eight.log, bufs, 0, 8, c.durable, 8);
    const runs = [
      (from: number, m: number) => rawLoop(fd, at, bufs, from, m, c.durable),
      (from: number, m: number) => logLoop(one.log, bufs, from, m, c.durable, 1),
      (from: number, m: number) => logLoop(eight.log, bufs, from, m, c.durable, 8),
    ];
    const secs = [0, 0, 0];
    const slice = Math.max(1, Math.ceil(n / SLICES));
    for (let done = 0, k = 0; done < n; done += slice, k++) {
      const m = Math.min(slice, n - done);
      // The machine is shared and fsync latency drifts: rotate who goes first in each slice.
      for (let j = 0; j < 3; j++) {
        const i = (j + k) % 3;
        secs[i]! += await timed(() => runs[i]!(done, m));
      }
    }
    const mbs = (s: number): number => (n * bytes) / 1e6 / s;
    const recs = (s: number): number => (n * records) / s;
    for (const [i, inFlight] of [
      [1, 1],
      [2, 8],
    ] as const) {
      yield {
        name: caseName(c, inFlight),
        subject: { label: 'log', value: mbs(secs[i]!), unit: 'MB/s' },
        baseline: {
          label: c.durable ? 'raw write+fdatasync' : 'raw write',
          value: mbs(secs[0]!),
          unit: 'MB/s',
        },
        note: `${fmt(recs(secs[i]!) / 1000)} krec/s (raw ${fmt(recs(secs[0]!) / 1000)} krec/s)`,
      };
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(rawFile);
    for (const l of [one, eight]) await l.manager.close();
    fs.rmSync(path.join(dir, 'x1'), { recursive: true, force: true });
    fs.rmSync(path.join(dir, 'x8'), { recursive: true, force: true });
  }
}

/** Largest fdatasync and append waits under a steady paced acks=1 load (8 in flight, 256 KiB batches). */
async function steadyLoad(
  dataDir: string,
  writebackBytes: number,
  rate: number,
  secondsLong: number,
): Promise<{ fsyncMax: number; fsyncs: number; acks: number[] }> {
  const syncs: number[] = [];
  const io: FileIo = {
    ...nodeFileIo,
    fdatasync: async (fd) => {
      const t = process.hrtime.bigint();
      await nodeFileIo.fdatasync(fd);
      syncs.push(seconds(t) * 1000);
    },
  };
  const manager = await openLogManager({ dataDir, maintenanceIntervalMs: 0, io, writebackBytes });
  await manager.createTopic('bench', { partitions: 1, configs: { 'max.message.bytes': String(4 * MiB) } });
  const log = manager.log('bench', 0)!;
  const { bufs } = batchPool(64, 256 * 1024, 1024);
  const acks: number[] = [];
  const start = Date.now();
  let sent = 0;
  let i = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() - start < secondsLong * 1000) {
      const due = start + (sent / rate) * 1000;
      if (Date.now() < due) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const b = bufs[i++ % bufs.length]!;
      sent += b.length;
      const t = process.hrtime.bigint();
      await log.append(b, { durable: false });
      acks.push(seconds(t) * 1000);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await manager.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return { fsyncMax: Math.max(0, ...syncs), fsyncs: syncs.length, acks: acks.sort((a, b) => a - b) };
}

async function flushBoundRow(dir: string, scale: number): Promise<MeasuredRow> {
  const rate = 256e6;
  const each = Math.max(1, 1.5 * scale);
  const bounded: Awaited<ReturnType<typeof steadyLoad>>[] = [];
  const timeOnly: Awaited<ReturnType<typeof steadyLoad>>[] = [];
  for (let round = 0; round < 2; round++) {
    bounded.push(await steadyLoad(path.join(dir, `wb-${round}`), 16 * MiB, rate, each));
    timeOnly.push(await steadyLoad(path.join(dir, `ms-${round}`), Number.MAX_SAFE_INTEGER, rate, each));
  }
  const worst = (runs: typeof bounded): number => Math.max(...runs.map((r) => r.fsyncMax));
  const acks = (runs: typeof bounded): string => {
    const all = runs.flatMap((r) => r.acks).sort((a, b) => a - b);
    return `p99 ${fmt(all[Math.floor(all.length * 0.99)] ?? 0, 1)} ms, max ${fmt(all.at(-1) ?? 0, 1)} ms`;
  };
  return {
    name: 'append: longest fsync under 256 MB/s of acks=1 appends',
    subject: { label: 'flush.ms + 16 MiB rule', value: worst(bounded), unit: 'ms' },
    baseline: { label: 'flush.ms=1000 only', value: worst(timeOnly), unit: 'ms' },
    lowerIsBetter: true,
    note: `append waits ${acks(bounded)} vs ${acks(timeOnly)}; ${bounded.reduce((s, r) => s + r.fsyncs, 0)} vs ${timeOnly.reduce((s, r) => s + r.fsyncs, 0)} fsyncs`,
  };
}

export default defineBenchmarks({
  area: 'storage',
  async *measured({ timeMs, selected }) {
    const scale = scaleOf(timeMs);
    const { dir, cleanup } = benchDir('append');
    try {
      for (const recordBytes of [1024, 100]) {
        for (const batchBytes of [16 * 1024, 256 * 1024, MiB]) {
          for (const durable of [true, false]) {
            const c = { recordBytes, batchBytes, durable };
            if (!selected(caseName(c, 1)) && !selected(caseName(c, 8))) continue;
            yield* appendCase(dir, c, scale);
          }
        }
      }
      if (selected('append: longest fsync')) yield await flushBoundRow(dir, scale);
    } finally {
      cleanup();
    }
  },
});
