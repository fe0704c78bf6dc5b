import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BatchView, batches, CompressionType } from '../protocol/records/batch-view.js';
import { decodeRecordBatch } from '../protocol/records/decode-batch.js';
import { buildBatch } from '../../test/storage/support/batches.js';
import { FaultyIo } from '../../test/storage/support/faulty-io.js';
import { type FileLogHandle, openFileLog } from '../../test/storage/support/file-log.js';
import { ManualClock } from '../../test/storage/support/temp-dir.js';
import { compactPartition } from './compaction.js';
import { silentLogger } from './env.js';
import { nodeFileIo } from './file-io.js';
import type { FilePartitionLog } from './partition-log.js';

type Rec = [offset: number, key: string | null, value: string | null];

async function records(log: FilePartitionLog): Promise<Rec[]> {
  const out: Rec[] = [];
  let next = log.logStartOffset;
  while (next < log.highWatermark) {
    const r = await log.read(next, 1 << 20);
    if (r.kind !== 'records' || r.records.length === 0) break;
    for (const b of batches(r.records)) {
      for (const rec of decodeRecordBatch(b).records) {
        out.push([rec.offset, rec.key?.toString() ?? null, rec.value?.toString() ?? null]);
      }
      next = b.lastOffsetNumber + 1;
    }
  }
  return out;
}

/** What compaction of everything below the active segment must leave. */
function model(all: Rec[], activeBase: number, cleanedUpTo = activeBase): Rec[] {
  const latest = new Map<string, number>();
  for (const [o, k] of all) if (o < activeBase) latest.set(k!, o);
  return all.filter(([o, k]) => o >= cleanedUpTo || latest.get(k!) === o);
}

describe('compaction', () => {
  let h: FileLogHandle | undefined;
  const clock = new ManualClock();
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const compact = (opts: { force?: boolean; io?: FaultyIo } = {}) =>
    compactPartition(h!.log, {
      io: opts.io ?? nodeFileIo,
      logger: silentLogger,
      now: clock.now(),
      force: opts.force ?? true,
    });

  /** Writes key k(i mod keys) = v<i> for i in [from, to), one record per batch. */
  async function write(from: number, to: number, keys: number): Promise<void> {
    for (let i = from; i < to; i++) {
      await h!.log.append(
        buildBatch({ records: [{ key: `k${i % keys}`, value: `v${i}` }], baseTimestamp: clock.now() }),
        {
          durable: true,
        },
      );
    }
  }

  it('keeps the latest record per key in closed segments, offsets unchanged', async () => {
    h = await openFileLog(
      { 'cleanup.policy': 'compact', 'segment.bytes': '300', 'file.delete.delay.ms': '0' },
      clock,
    );
    await write(0, 40, 4);
    const before = await records(h.log);
    const activeBase = h.log.active.baseOffset;
    const result = await compact();
    expect(result?.recordsRemoved).toBeGreaterThan(0);
    const after = await records(h.log);
    const expected = model(before, activeBase);
    expect(after).toEqual(expected);
    expect(h.log.cleanerCheckpoint).toBe(activeBase);
    // Outputs are grouped by input size (as Kafka does); the next pass merges shrunk segments.
    await write(40, 60, 4);
    const segments = h.log.segments.length;
    const all = await records(h.log);
    await compact();
    expect(h.log.segments.length).toBeLessThan(segments);
    expect(await records(h.log)).toEqual(model(all, h.log.active.baseOffset));
    // Still the same after restarts, clean and unclean.
    const now = await records(h.log);
    expect(await records(await h.reopen())).toEqual(now);
    expect(await records(await h.crashAndReopen())).toEqual(now);
    expect(fs.readdirSync(path.join(h.dir, 't-0')).filter((f) => /cleaned|swap|deleted/.test(f))).toEqual([]);
  });

  it('removes tombstones only after they were cleaned once and delete.retention.ms passed', async () => {
    h = await openFileLog(
      { 'cleanup.policy': 'compact', 'segment.bytes': '200', 'delete.retention.ms': '1000' },
      clock,
    );
    await h.log.append(buildBatch({ records: [{ key: 'a', value: '1' }], baseTimestamp: clock.now() }), {
      durable: true,
    });
    await h.log.append(buildBatch({ records: [{ key: 'a', value: null }], baseTimestamp: clock.now() }), {
      durable: true,
    });
    await write(100, 106, 3);
    await compact();
    expect((await records(h.log)).filter(([, k]) => k === 'a')).toEqual([[1, 'a', null]]);
    clock.advance(2000);
    await write(106, 112, 3);
    await compact();
    expect((await records(h.log)).filter(([, k]) => k === 'a')).toEqual([]);
  });

  it('compacts inside compressed batches and re-encodes them with their own codec', async () => {
    h = await openFileLog(
      { 'cleanup.policy': 'compact', 'segment.bytes': '400', 'file.delete.delay.ms': '0' },
      clock,
    );
    const codecs = [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];
    for (const [i, compression] of codecs.entries()) {
      await h.log.append(
        buildBatch({
          compression,
          baseTimestamp: clock.now(),
          records: [
            { key: 'a', value: `a${i}` },
            { key: `only${i}`, value: 'x' },
            { key: 'b', value: `b${i}` },
          ],
        }),
        { durable: true },
      );
    }
    await write(0, 12, 2);
    const before = await records(h.log);
    const activeBase = h.log.active.baseOffset;
    expect(activeBase).toBeGreaterThan(12);
    await compact();
    expect(await records(h.log)).toEqual(model(before, activeBase));
    // Each compressed batch kept its codec, base offset and last offset delta, with fewer records.
    const kept: BatchView[] = [];
    for (let next = 0; next < 12;) {
      const r = await h.log.read(next, 1 << 20);
      if (r.kind !== 'records') throw new Error(r.kind);
      for (const b of batches(r.records)) if (b.baseOffsetNumber < 12) kept.push(b);
      next = kept.at(-1)!.lastOffsetNumber + 1;
    }
    expect(
      kept.map((b) => [b.baseOffsetNumber, b.compressionCode, b.lastOffsetDelta, b.recordsCount]),
    ).toEqual([
      [0, CompressionType.Gzip, 2, 1],
      [3, CompressionType.Snappy, 2, 1],
      [6, CompressionType.Lz4, 2, 1],
      [9, CompressionType.Zstd, 2, 3],
    ]);
    expect(kept.every((b) => b.crcValid())).toBe(true);
  });

  it('waits for min.cleanable.dirty.ratio and min.compaction.lag.ms', async () => {
    h = await openFileLog(
      {
        'cleanup.policy': 'compact',
        'segment.bytes': '200',
        'min.cleanable.dirty.ratio': '0.5',
        'min.compaction.lag.ms': '10000',
      },
      clock,
    );
    await write(0, 12, 3);
    expect(await compact({ force: false })).toBeUndefined();
    clock.advance(20_000);
    await write(12, 13, 3);
    expect((await compact({ force: false }))?.recordsRemoved).toBeGreaterThan(0);
    await write(13, 15, 3);
    expect(await compact({ force: false })).toBeUndefined();
  });

  it('lets appends continue while it runs', async () => {
    h = await openFileLog({ 'cleanup.policy': 'compact', 'segment.bytes': '300' }, clock);
    await write(0, 40, 4);
    const running = compact();
    const appends = Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h!.log.append(buildBatch({ records: [{ key: `n${i}`, value: 'x' }], baseTimestamp: clock.now() }), {
          durable: true,
        }),
      ),
    );
    const [done, results] = await Promise.all([running, appends]);
    expect(done).toBeDefined();
    expect(results.every((r) => r.kind === 'appended')).toBe(true);
    expect((await records(h.log)).filter(([, k]) => k?.startsWith('n') === true)).toHaveLength(20);
  });

  it('finishes a swap interrupted after its commit point, and discards one interrupted before', async () => {
    const io = new FaultyIo();
    h = await openFileLog(
      { 'cleanup.policy': 'compact', 'segment.bytes': '300', 'file.delete.delay.ms': '0' },
      clock,
      { io },
    );
    await write(0, 30, 3);
    const before = await records(h.log);
    const activeBase = h.log.active.baseOffset;
    // The first output fails to swap, so only the first segment ends up compacted.
    const compacted = model(before, activeBase, h.log.segments[1]!.baseOffset);

    // Before the commit point: the cleaned file cannot be fsynced.
    io.failSyncs = 'EIO';
    await expect(compact({ io })).rejects.toThrow();
    io.failSyncs = undefined;
    expect(await records(h.log)).toEqual(before);

    // After the commit point: the rename of the cleaned file fails; a restart completes it.
    const rename = io.rename;
    io.rename = async (from, to) => {
      if (from.endsWith('.log.cleaned')) throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
      await rename(from, to);
    };
    await expect(compact({ io })).rejects.toThrow();
    io.rename = rename;
    expect(fs.existsSync(path.join(h.dir, 't-0', 'compaction-swap.json'))).toBe(true);
    const log = await h.crashAndReopen();
    expect(await records(log)).toEqual(compacted);
    expect(fs.existsSync(path.join(h.dir, 't-0', 'compaction-swap.json'))).toBe(false);
  });
});
