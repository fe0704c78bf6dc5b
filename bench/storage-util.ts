/** Helpers shared by the storage benchmarks (bench/storage-*.bench.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeRecordBatch } from '../src/protocol/records/encode-batch.js';
import { openLogManager, type FileLogManager } from '../src/storage/log-manager.js';
import type { PartitionLog } from '../src/storage/log-types.js';

export const MiB = 1024 * 1024;

/**
 * How much data the storage benchmarks move, from the harness's `--time` (ms per case, default
 * 1000): the default is the full run (each figure over 128 MiB–1 GiB); `--time=250` is a quick
 * run at a quarter of the data. Never below an eighth, so a figure is still more than noise.
 */
export function scaleOf(timeMs: number): number {
  return Math.min(4, Math.max(1 / 8, timeMs / 1000));
}

/**
 * A pool of `count` distinct batches of at most `batchBytes` (as close as fits) holding
 * `recordBytes`-byte values under 100 distinct keys.
 */
export function batchPool(
  count: number,
  batchBytes: number,
  recordBytes: number,
): { bufs: Buffer[]; records: number; bytes: number } {
  const build = (records: number, b: number): Buffer =>
    encodeRecordBatch({
      baseTimestamp: 1_700_000_000_000,
      records: Array.from({ length: records }, (_, i) => ({
        timestamp: 1_700_000_000_000,
        key: Buffer.from(`k${i % 100}`),
        value: Buffer.alloc(recordBytes, (b + i) % 251),
      })),
    });
  let records = Math.max(1, Math.floor((batchBytes - 61) / (recordBytes + 8)));
  const probe = build(records, 0).length;
  if (probe > batchBytes) records = Math.max(1, Math.floor(records * ((batchBytes - 61) / (probe - 61))));
  const bufs = Array.from({ length: count }, (_, b) => build(records, b));
  return { bufs, records, bytes: bufs[0]!.length };
}

/** A fresh directory under the OS temp dir, removed by `cleanup`. */
export function benchDir(name: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rivulet-bench-${name}-`));
  return {
    dir,
    cleanup: () => {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A data directory with one one-partition topic `bench`. */
export async function benchLog(
  dataDir: string,
  configs: Record<string, string> = {},
  writebackBytes?: number,
): Promise<{ manager: FileLogManager; log: PartitionLog }> {
  const manager = await openLogManager({
    dataDir,
    maintenanceIntervalMs: 0,
    ...(writebackBytes === undefined ? {} : { writebackBytes }),
  });
  if (manager.topic('bench') === undefined) {
    await manager.createTopic('bench', {
      partitions: 1,
      configs: { 'max.message.bytes': String(4 * MiB), ...configs },
    });
  }
  return { manager, log: manager.log('bench', 0)! };
}

export function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Seconds `f` takes. */
export async function timed(f: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await f();
  return seconds(start);
}

/** A callback-style fs call as a promise (the raw baselines use plain `fs`, as a user would). */
export function call<T>(f: (cb: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    f((err, value) => {
      if (err === null) resolve(value);
      else reject(err);
    });
  });
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The `.log` files of partition bench-0 under `dataDir`, in offset order. */
export function segmentFiles(dataDir: string): string[] {
  const segDir = path.join(dataDir, 'bench-0');
  return fs
    .readdirSync(segDir)
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => path.join(segDir, f));
}
