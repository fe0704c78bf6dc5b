/**
 * Real-process crash tests: a child appends (mostly durably) and is killed with SIGKILL at a
 * random point, many times over the same data directory; after each kill the log is opened
 * (recovery), every append the child reported as acknowledged must be there byte for byte
 * (same offsets, same CRC), and the whole log must read back as a valid, gap-free sequence.
 * Kills also land during recovery itself and during the child's start-up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { describe, expect, it } from 'vitest';
import { batches } from '../../src/protocol/records/batch-view.js';
import { openLogManager } from '../../src/storage/log-manager.js';
import type { PartitionLog } from '../../src/storage/log-types.js';
import { tempDir } from './support/temp-dir.js';

interface Ack {
  readonly partition: number;
  readonly base: number;
  readonly last: number;
  readonly crc: number;
  readonly durable: boolean;
}

const CHILD = path.join(import.meta.dirname, 'support', 'crash-child.ts');

/** Runs the child until it has reported `killAfter` acks (or, if negative, until it says `stage`), then SIGKILLs it. */
function runAndKill(
  dataDir: string,
  runId: number,
  killAfter: number,
  stage: 'recovering' | 'ready',
): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, String(runId)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: Ack[] = [];
    let stderr = '';
    let killed = false;
    const kill = (): void => {
      if (!killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const [kind, p, base, last, crc, durable] = line.split(' ');
      if (kind === 'ack') {
        acks.push({
          partition: Number(p),
          base: Number(base),
          last: Number(last),
          crc: Number(crc),
          durable: durable === '1',
        });
        if (acks.length >= killAfter && killAfter >= 0) kill();
      } else if (killAfter < 0 && kind === stage) {
        kill();
      }
    });
    // Lines already in the pipe may still arrive after the exit event: wait for both.
    let exited = false;
    let closed = false;
    lines.on('close', () => {
      closed = true;
      if (exited) resolve(acks);
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`child exited with ${code ?? signal}: ${stderr}`));
        return;
      }
      exited = true;
      if (closed) resolve(acks);
    });
  });
}

async function verify(log: PartitionLog, acks: readonly Ack[]): Promise<number> {
  // The whole log: valid batches, offsets without gaps, up to the high watermark.
  const crcAt = new Map<number, { last: number; crc: number }>();
  let next = log.logStartOffset;
  while (next < log.highWatermark) {
    const r = await log.read(next, 1 << 20);
    if (r.kind !== 'records') throw new Error(`read ${next}: ${r.kind}`);
    expect(r.records.length).toBeGreaterThan(0);
    for (const b of batches(r.records)) {
      expect(b.crcValid()).toBe(true);
      expect(b.baseOffsetNumber).toBe(next);
      crcAt.set(b.baseOffsetNumber, { last: b.lastOffsetNumber, crc: b.crc });
      next = b.lastOffsetNumber + 1;
    }
  }
  expect(next).toBe(log.highWatermark);
  // Every acknowledged append is there, unchanged (SIGKILL keeps the page cache, so this holds
  // for non-durable appends too; durable ones would also survive power loss).
  for (const a of acks) expect(crcAt.get(a.base)).toEqual({ last: a.last, crc: a.crc });
  return crcAt.size;
}

describe('crash recovery with real processes', () => {
  it(
    'keeps every acknowledged append across repeated SIGKILLs, including kills during recovery',
    { timeout: 120_000 },
    async () => {
      const t = tempDir('rivulet-crash-');
      const acks: Ack[] = [];
      let seed = 12345;
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      try {
        for (let run = 1; run <= 14; run++) {
          const mode = run % 5 === 0 ? 'recovering' : run % 7 === 0 ? 'ready' : 'acks';
          const got = await runAndKill(
            t.dir,
            run,
            mode === 'acks' ? 1 + random(400) : -1,
            mode === 'acks' ? 'ready' : mode,
          );
          acks.push(...got);
          if (run % 3 !== 0) continue;
          // Every third run the parent recovers and checks; the others leave recovery to the next child.
          const m = await openLogManager({ dataDir: t.dir, maintenanceIntervalMs: 0 });
          for (const partition of [0, 1]) {
            await verify(
              m.log('crash', partition)!,
              acks.filter((a) => a.partition === partition),
            );
          }
          if (run % 2 === 0) await m.close();
          else for (const partition of [0, 1]) await m.fileLog('crash', partition)!.abandon();
        }
        const m = await openLogManager({ dataDir: t.dir, maintenanceIntervalMs: 0 });
        let batchesSeen = 0;
        for (const partition of [0, 1]) {
          batchesSeen += await verify(
            m.log('crash', partition)!,
            acks.filter((a) => a.partition === partition),
          );
        }
        expect(acks.filter((a) => a.durable).length).toBeGreaterThan(100);
        expect(batchesSeen).toBeGreaterThanOrEqual(acks.length);
        expect(m.fileLog('crash', 0)!.segments.length).toBeGreaterThan(1);
        await m.close();
      } finally {
        t.cleanup();
      }
    },
  );
});
