import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBatch, filledRecords } from '../../test/storage/support/batches.js';
import { offsetsOf } from '../../test/storage/support/contract.js';
import { type FileLogHandle, openFileLog } from '../../test/storage/support/file-log.js';
import { ManualClock } from '../../test/storage/support/temp-dir.js';
import { resolveLogConfig } from './config.js';
import { applyRetention, retentionCount } from './retention.js';

const DAY = 86_400_000;

describe('retentionCount', () => {
  const segs = [
    { baseOffset: 0, size: 100, maxTimestamp: 1000 },
    { baseOffset: 10, size: 100, maxTimestamp: 2000 },
    { baseOffset: 20, size: 100, maxTimestamp: 3000 },
  ];

  it('deletes a prefix of segments older than retention.ms, only below the high watermark', () => {
    const c = resolveLogConfig({ 'retention.ms': '1500' });
    expect(retentionCount(segs, c, 3600, 0, 30, 30)).toBe(2);
    expect(retentionCount(segs, c, 3600, 0, 15, 30)).toBe(1);
    expect(retentionCount(segs, c, 5000, 0, 30, 30)).toBe(3);
    expect(retentionCount(segs, resolveLogConfig({ 'retention.ms': '-1' }), 1e12, 0, 30, 30)).toBe(0);
  });

  it('deletes oldest segments while the rest still exceeds retention.bytes (Kafka rule)', () => {
    expect(retentionCount(segs, resolveLogConfig({ 'retention.bytes': '150' }), 0, 0, 30, 30)).toBe(1);
    expect(retentionCount(segs, resolveLogConfig({ 'retention.bytes': '100' }), 0, 0, 30, 30)).toBe(2);
    expect(retentionCount(segs, resolveLogConfig({ 'retention.bytes': '200' }), 0, 0, 30, 30)).toBe(1);
    expect(retentionCount(segs, resolveLogConfig({ 'retention.bytes': '-1' }), 0, 0, 30, 30)).toBe(0);
  });

  it('always deletes segments wholly below the log start, even on compacted topics', () => {
    const c = resolveLogConfig({ 'cleanup.policy': 'compact', 'retention.ms': '1' });
    expect(retentionCount(segs, c, 1e12, 20, 30, 30)).toBe(2);
    expect(retentionCount(segs, c, 1e12, 19, 30, 30)).toBe(1);
  });
});

describe('applyRetention', () => {
  let h: FileLogHandle | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('deletes expired segments, moves the log start, and survives a restart', async () => {
    const clock = new ManualClock();
    h = await openFileLog(
      { 'segment.bytes': '400', 'retention.ms': String(DAY), 'file.delete.delay.ms': '0' },
      clock,
    );
    const t0 = clock.now();
    for (let i = 0; i < 12; i++) {
      await h.log.append(buildBatch({ records: filledRecords(2, 40), baseTimestamp: t0 + i * 1000 }), {
        durable: true,
      });
    }
    const before = h.log.segments.map((s) => s.baseOffset);
    expect(before.length).toBeGreaterThan(3);
    clock.time = t0 + DAY + 2500;
    const deleted = await applyRetention(h.log, clock.now());
    expect(deleted).toBeGreaterThan(0);
    const start = h.log.logStartOffset;
    expect(start).toBe(h.log.segments[0]!.baseOffset);
    expect(h.log.segments[0]!.maxTimestamp).toBeGreaterThanOrEqual(t0 + 2500 - 1000);
    expect((await h.log.read(0, 100)).kind).toBe('offset-out-of-range');
    const files = fs.readdirSync(path.join(h.dir, 't-0'));
    expect(files).not.toContain('00000000000000000000.log');
    const log = await h.crashAndReopen();
    expect(log.logStartOffset).toBe(start);
    expect(offsetsOf(await log.read(start, 1 << 20))[0]).toBe(start);
  });

  it('rolls and deletes the active segment too when everything has expired', async () => {
    const clock = new ManualClock();
    h = await openFileLog({ 'retention.ms': '1000', 'file.delete.delay.ms': '0' }, clock);
    for (let i = 0; i < 3; i++)
      await h.log.append(buildBatch({ records: filledRecords(1, 10), baseTimestamp: clock.now() }), {
        durable: true,
      });
    clock.advance(5000);
    expect(await applyRetention(h.log, clock.now())).toBe(1);
    expect(h.log.logStartOffset).toBe(3);
    expect(h.log.logEndOffset).toBe(3);
    expect(h.log.segments.map((s) => s.baseOffset)).toEqual([3]);
    expect(offsetsOf(await h.log.read(3, 100))).toEqual([]);
  });

  it('keeps deleted files around for file.delete.delay.ms, and recovery removes leftovers', async () => {
    const clock = new ManualClock();
    h = await openFileLog(
      { 'segment.bytes': '200', 'retention.bytes': '300', 'file.delete.delay.ms': '3600000' },
      clock,
    );
    for (let i = 0; i < 6; i++)
      await h.log.append(buildBatch({ records: filledRecords(1, 100) }), { durable: true });
    expect(await applyRetention(h.log, clock.now())).toBeGreaterThan(0);
    const dir = path.join(h.dir, 't-0');
    expect(fs.readdirSync(dir).some((f) => f.endsWith('.log.deleted'))).toBe(true);
    await h.crashAndReopen();
    expect(fs.readdirSync(dir).some((f) => f.endsWith('.deleted'))).toBe(false);
  });

  it('keeps producer state after retention deleted the segments that wrote it', async () => {
    const clock = new ManualClock();
    h = await openFileLog(
      { 'segment.bytes': '300', 'retention.bytes': '600', 'file.delete.delay.ms': '0' },
      clock,
    );
    const mine = (seq: number): Buffer =>
      buildBatch({ records: filledRecords(1, 50), producerId: 42, producerEpoch: 3, baseSequence: seq });
    for (let seq = 0; seq < 4; seq++) await h.log.append(mine(seq), { durable: true });
    for (let i = 0; i < 12; i++)
      await h.log.append(buildBatch({ records: filledRecords(1, 50) }), { durable: true });
    expect(await applyRetention(h.log, clock.now())).toBeGreaterThan(0);
    expect(h.log.logStartOffset).toBeGreaterThan(4);
    for (const restart of ['crashAndReopen', 'reopen'] as const) {
      const log = await h[restart]();
      expect(await log.append(mine(3), { durable: true })).toMatchObject({
        kind: 'duplicate',
        baseOffset: 3,
      });
      expect((await log.append(mine(9), { durable: true })).kind).toBe('out-of-order-sequence');
      expect(
        (
          await log.append(
            buildBatch({ records: filledRecords(1, 5), producerId: 42, producerEpoch: 2, baseSequence: 4 }),
            { durable: true },
          )
        ).kind,
      ).toBe('invalid-producer-epoch');
    }
  });

  it('deletes whole segments below a DeleteRecords log start', async () => {
    const clock = new ManualClock();
    h = await openFileLog({ 'segment.bytes': '200', 'file.delete.delay.ms': '0' }, clock);
    for (let i = 0; i < 6; i++)
      await h.log.append(buildBatch({ records: filledRecords(1, 100) }), { durable: true });
    expect(h.log.segments.length).toBe(6);
    await h.log.deleteRecords(4);
    expect(h.log.segments.map((s) => s.baseOffset)).toEqual([4, 5]);
    const log = await h.reopen();
    expect(log.logStartOffset).toBe(4);
  });
});
