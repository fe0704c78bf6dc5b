/** Helpers shared by the storage benchmarks (bench/storage/*.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBatch } from './batches.js';

/** A pool of distinct batches of at most `batchBytes` (as close as fits) with `recordBytes`-byte values. */
export function batchPool(
  count: number,
  batchBytes: number,
  recordBytes: number,
): { bufs: Buffer[]; records: number } {
  const build = (records: number, b: number): Buffer =>
    buildBatch({
      records: Array.from({ length: records }, (_, i) => ({
        key: `k${i % 100}`,
        value: Buffer.alloc(recordBytes, (b + i) % 251),
      })),
    });
  let records = Math.max(1, Math.floor((batchBytes - 61) / (recordBytes + 8)));
  const probe = build(records, 0).length;
  if (probe > batchBytes) records = Math.max(1, Math.floor(records * ((batchBytes - 61) / (probe - 61))));
  return { bufs: Array.from({ length: count }, (_, b) => build(records, b)), records };
}

export function benchDir(name: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rivulet-bench-${name}-`));
  return {
    dir,
    cleanup: () => {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} cores, ${cpu}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export function mb(bytes: number): number {
  return bytes / (1024 * 1024);
}

export function fmt(n: number, digits = 1): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Prints rows as an aligned text table (and returns it as Markdown for BENCHMARKS.md). */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(line(headers));
  for (const r of rows) console.log(line(r));
  const md = [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  return md.join('\n');
}

export function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
