import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBatch, buildControlBatch, filledRecords } from '../../test/storage/support/batches.js';
import { appended, describePartitionLogContract, offsetsOf } from '../../test/storage/support/contract.js';
import { FaultyIo } from '../../test/storage/support/faulty-io.js';
import { type FileLogHandle, fileLogFactory, openFileLog } from '../../test/storage/support/file-log.js';
import { ManualClock } from '../../test/storage/support/temp-dir.js';
import { LONG_MAX } from './config.js';
import { isStorageError } from './errors.js';

describePartitionLogContract('file', fileLogFactory);

describe('FilePartitionLog', () => {
  let h: FileLogHandle | undefined;
  const clock = new ManualClock();
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const files = (handle: FileLogHandle): string[] => fs.readdirSync(path.join(handle.dir, 't-0')).sort();

  it('shows a durable append to readers only after its fsync, and later appends after it', async () => {
    const io = new FaultyIo();
    h = await openFileLog({}, clock, { io });
    const log = h.log;
    io.holdSyncs();
    let durableDone = false;
    const durable = log.append(buildBatch({ records: filledRecords(2, 10) }), { durable: true }).then((r) => {
      durableDone = true;
      return r;
    });
    const quick = await log.append(buildBatch({ records: filledRecords(3, 10) }), { durable: false });
    expect(appended(quick).baseOffset).toBe(2);
    expect(durableDone).toBe(false);
    expect(log.logEndOffset).toBe(5);
    expect(log.highWatermark).toBe(0);
    expect(offsetsOf(await log.read(0, 1 << 20))).toEqual([]);
    io.release();
    expect(appended(await durable).baseOffset).toBe(0);
    expect(log.highWatermark).toBe(5);
    expect(offsetsOf(await log.read(0, 1 << 20))).toEqual([0, 2]);
  });

  it('shares fsyncs between concurrent durable appends (group commit)', async () => {
    h = await openFileLog({}, clock);
    const log = h.log;
    const before = log.syncCount;
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        log.append(buildBatch({ records: filledRecords(1, 100) }), { durable: true }),
      ),
    );
    expect(results.map((r) => appended(r).baseOffset)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(log.syncCount - before).toBeLessThanOrEqual(2);
  });

  it('starts an fsync once writebackBytes are unsynced, without holding back the writes beside it', async () => {
    const io = new FaultyIo();
    h = await openFileLog({ 'flush.ms': LONG_MAX }, clock, { io, writebackBytes: 20_000 });
    const log = h.log;
    const batch = (): Buffer => buildBatch({ records: filledRecords(1, 4000) });
    const size = batch().length;
    const before = io.syncsStarted;
    io.holdSyncs();
    let written = 0;
    while (written + size < 20_000) {
      await log.append(batch(), { durable: false });
      written += size;
    }
    expect(io.syncsStarted).toBe(before);
    await log.append(batch(), { durable: false });
    expect(io.syncsStarted).toBe(before + 1);
    // The sync is held: appends are still acknowledged when written, and the next 20 kB queue
    // one more sync behind it (never more than one running).
    for (let i = 0; i < 6; i++) expect((await log.append(batch(), { durable: false })).kind).toBe('appended');
    expect(io.syncsStarted).toBe(before + 1);
    io.release();
    expect(appended(await log.append(batch(), { durable: true })).baseOffset).toBe(11);
    expect(io.syncsStarted).toBeGreaterThanOrEqual(before + 2);
  });

  it('writes queued appends in groups of at most 1 MiB, unless one append alone is larger', async () => {
    const io = new FaultyIo();
    h = await openFileLog({ 'max.message.bytes': String(4 << 20) }, clock, { io });
    const log = h.log;
    const batch = (kib: number): Buffer => buildBatch({ records: filledRecords(1, kib * 1024) });
    io.holdWrites();
    const first = log.append(batch(1), { durable: false });
    await io.writeHeld;
    const before = io.writes;
    const rest = [600, 600, 300, 2000, 10].map((kib) => log.append(batch(kib), { durable: false }));
    io.releaseWrites();
    const outcomes = await Promise.all([first, ...rest]);
    expect(outcomes.map((r) => appended(r).baseOffset)).toEqual([0, 1, 2, 3, 4, 5]);
    // [600] [600 300] [2000] [10]
    expect(io.writes - before).toBe(4);
  });

  it('rolls segments by size, by record time and when the index is full, naming files by base offset', async () => {
    h = await openFileLog(
      {
        'segment.bytes': '1000',
        'segment.ms': '60000',
        'index.interval.bytes': '0',
        'segment.index.bytes': '24',
      },
      clock,
    );
    const log = h.log;
    const t0 = clock.now();
    const one = (ts: number): Buffer => buildBatch({ records: filledRecords(1, 100), baseTimestamp: ts });
    // ~180-byte batches: five fit in 1000 bytes, but the 24-byte index (3 entries) fills first.
    for (let i = 0; i < 4; i++) await log.append(one(t0), { durable: false });
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0]);
    await log.append(one(t0), { durable: false });
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0, 4]);
    await log.append(one(t0 + 60_001), { durable: false });
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0, 4, 5]);
    await log.append(buildBatch({ records: filledRecords(1, 900), baseTimestamp: t0 + 60_001 }), {
      durable: true,
    });
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0, 4, 5, 6]);
    expect(files(h)).toContain('00000000000000000005.log');
    expect(offsetsOf(await log.read(0, 1 << 20))).toEqual([0, 1, 2, 3]);
    expect(offsetsOf(await log.read(4, 1 << 20))).toEqual([4]);
    expect(offsetsOf(await log.read(6, 1 << 20))).toEqual([6]);
  });

  it('keeps data, indexes and producer state across clean and unclean restarts', async () => {
    h = await openFileLog({ 'segment.bytes': '2000', 'index.interval.bytes': '100' }, clock);
    const batch = (seq: number): Buffer =>
      buildBatch({ records: filledRecords(3, 50), producerId: 11, producerEpoch: 2, baseSequence: seq });
    for (let i = 0; i < 40; i++) await h.log.append(batch(i * 3), { durable: i % 3 === 0 });
    const expected = offsetsOf(await h.log.read(0, 1 << 30));
    expect(h.log.segments.length).toBeGreaterThan(3);
    for (const restart of ['reopen', 'crashAndReopen', 'reopen'] as const) {
      const log = await h[restart]();
      expect(log.highWatermark).toBe(120);
      const all: number[] = [];
      let next = 0;
      while (next < 120) {
        const got = offsetsOf(await log.read(next, 1000));
        all.push(...got);
        next = got[got.length - 1]! + 3;
      }
      expect(all).toEqual(Array.from({ length: 40 }, (_, i) => i * 3));
      expect(expected.length).toBeGreaterThan(0);
      // The last five batches are still recognised as duplicates after the restart.
      expect(await log.append(batch(117), { durable: true })).toMatchObject({
        kind: 'duplicate',
        baseOffset: 117,
      });
      expect(await log.append(batch(105), { durable: true })).toMatchObject({
        kind: 'duplicate',
        baseOffset: 105,
      });
      expect((await log.append(batch(300), { durable: true })).kind).toBe('out-of-order-sequence');
    }
    expect(files(h).filter((f) => f.endsWith('.snapshot')).length).toBeLessThanOrEqual(2);
  });

  it('keeps open and aborted transactions across restarts', async () => {
    h = await openFileLog({ 'segment.bytes': '300' }, clock);
    const txn = (pid: number, seq: number): Buffer =>
      buildBatch({
        records: filledRecords(1, 40),
        producerId: pid,
        producerEpoch: 0,
        baseSequence: seq,
        transactional: true,
      });
    await h.log.append(txn(1, 0), { durable: true });
    await h.log.append(txn(2, 0), { durable: true });
    await h.log.append(buildControlBatch({ producerId: 1, producerEpoch: 0, commit: false }), {
      durable: true,
    });
    for (let i = 0; i < 6; i++)
      await h.log.append(buildBatch({ records: filledRecords(1, 40) }), { durable: true });
    expect(h.log.lastStableOffset).toBe(1);
    for (const restart of ['crashAndReopen', 'reopen', 'crashAndReopen'] as const) {
      const log = await h[restart]();
      expect(log.lastStableOffset).toBe(1);
      expect(log.abortedTransactions(0, 100)).toEqual([{ producerId: 1, firstOffset: 0, lastOffset: 2 }]);
    }
    await h.log.append(buildControlBatch({ producerId: 2, producerEpoch: 0, commit: true }), {
      durable: true,
    });
    expect(h.log.lastStableOffset).toBe(h.log.highWatermark);
  });

  it('fails an append on a full disk, drops its partial bytes, and keeps going', async () => {
    const io = new FaultyIo();
    h = await openFileLog({}, clock, { io });
    const log = h.log;
    await log.append(buildBatch({ records: filledRecords(2, 10) }), { durable: true });
    const sizeBefore = log.active.size;
    io.failWrites = 'ENOSPC';
    io.partialBytes = 17;
    const failed = log.append(buildBatch({ records: filledRecords(4, 10) }), { durable: true });
    await expect(failed).rejects.toSatisfy((e: unknown) => isStorageError(e, 'disk-full'));
    expect(fs.statSync(log.active.file).size).toBe(sizeBefore);
    expect(log.logEndOffset).toBe(2);
    expect(log.status).toBe('online');
    io.failWrites = undefined;
    expect(
      appended(await log.append(buildBatch({ records: filledRecords(1, 10) }), { durable: true })).baseOffset,
    ).toBe(2);
    expect(offsetsOf(await log.read(0, 1 << 20))).toEqual([0, 2]);
  });

  it('goes read-only after a failed fsync: waiting appends fail, reads still work, restart recovers', async () => {
    const io = new FaultyIo();
    h = await openFileLog({}, clock, { io });
    const log = h.log;
    await log.append(buildBatch({ records: filledRecords(2, 10) }), { durable: true });
    const nonDurable = await log.append(buildBatch({ records: filledRecords(1, 10) }), { durable: false });
    expect(nonDurable.kind).toBe('appended');
    io.failSyncs = 'EIO';
    const results = await Promise.allSettled([
      log.append(buildBatch({ records: filledRecords(1, 10) }), { durable: true }),
      log.append(buildBatch({ records: filledRecords(1, 10) }), { durable: true }),
    ]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      if (r.status === 'rejected') expect(isStorageError(r.reason)).toBe(true);
    }
    expect(log.status).toBe('offline');
    expect(h.logger.has('error', 'offline')).toBe(true);
    await expect(
      log.append(buildBatch({ records: filledRecords(1, 10) }), { durable: false }),
    ).rejects.toSatisfy((e: unknown) => isStorageError(e, 'offline'));
    expect(offsetsOf(await log.read(0, 1 << 20))).toEqual([0, 2]);
    io.failSyncs = undefined;
    const reopened = await h.crashAndReopen();
    expect(reopened.status).toBe('online');
    expect(offsetsOf(await reopened.read(0, 1 << 20)).slice(0, 2)).toEqual([0, 2]);
  });

  it('fails a write that completes after an fsync failure instead of leaving it pending', async () => {
    const io = new FaultyIo();
    h = await openFileLog({}, clock, { io });
    const log = h.log;
    io.holdSyncs();
    const first = log.append(buildBatch({ records: filledRecords(1, 10) }), { durable: true });
    await new Promise((resolve) => setImmediate(resolve));
    io.holdWrites();
    const second = log.append(buildBatch({ records: filledRecords(1, 10) }), { durable: true });
    await io.writeHeld;
    io.failSyncs = 'EIO';
    io.release();
    await expect(first).rejects.toSatisfy((e: unknown) => isStorageError(e, 'offline'));
    io.releaseWrites();
    await expect(second).rejects.toSatisfy((e: unknown) => isStorageError(e, 'offline'));
    io.failSyncs = undefined;
  });

  it('takes the partition offline when a failed write cannot be truncated away', async () => {
    const io = new FaultyIo();
    h = await openFileLog({}, clock, { io });
    io.failWrites = 'EIO';
    io.failTruncates = 'EIO';
    await expect(
      h.log.append(buildBatch({ records: filledRecords(1, 10) }), { durable: false }),
    ).rejects.toSatisfy((e: unknown) => isStorageError(e, 'io-error'));
    expect(h.log.status).toBe('offline');
    io.failWrites = undefined;
    io.failTruncates = undefined;
  });

  it('verifies CRCs when reading data loaded from disk and refuses a corrupt batch', async () => {
    h = await openFileLog({}, clock);
    for (let i = 0; i < 3; i++)
      await h.log.append(buildBatch({ records: filledRecords(2, 40) }), { durable: true });
    const file = h.log.active.file;
    const size = buildBatch({ records: filledRecords(2, 40) }).length;
    await h.manager.close();
    const bytes = fs.readFileSync(file);
    bytes[size + 70] = bytes[size + 70]! ^ 0x10;
    fs.writeFileSync(file, bytes);
    fs.writeFileSync(path.join(h.dir, '.rivulet-clean-shutdown'), '');
    const log = await h.reopenAfterExternalChange();
    expect(offsetsOf(await log.read(0, 1 << 20))).toEqual([0]);
    await expect(log.read(2, 1 << 20)).rejects.toSatisfy((e: unknown) => isStorageError(e, 'corrupt-data'));
    expect(offsetsOf(await log.read(4, 1 << 20))).toEqual([4]);
    expect(h.logger.has('error', 'corrupt')).toBe(true);
  });
});
