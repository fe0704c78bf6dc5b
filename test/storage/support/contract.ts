/**
 * The PartitionLog contract, run against the on-disk log and its in-memory twin so that the
 * twin stays a faithful stand-in for the layers above.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BatchView, CompressionType, batches } from '../../../src/protocol/records/batch-view.js';
import { initCompression } from '../../../src/protocol/records/compression.js';
import type { AppendOutcome, PartitionLog, ReadResult } from '../../../src/storage/log-types.js';
import { buildBatch, buildControlBatch, filledRecords } from './batches.js';
import { ManualClock } from './temp-dir.js';

export interface OpenedLog {
  readonly log: PartitionLog;
  close(): Promise<void>;
}

export type LogFactory = (configs: Record<string, string>, clock: ManualClock) => Promise<OpenedLog>;

export function offsetsOf(r: ReadResult): number[] {
  if (r.kind !== 'records') throw new Error(`expected records, got ${r.kind}`);
  return [...batches(r.records)].map((b) => b.baseOffsetNumber);
}

export function appended(o: AppendOutcome): { baseOffset: number; lastOffset: number } {
  if (o.kind !== 'appended') throw new Error(`expected appended, got ${o.kind}: ${JSON.stringify(o)}`);
  return o;
}

export function describePartitionLogContract(name: string, factory: LogFactory): void {
  describe(`PartitionLog contract: ${name}`, () => {
    let opened: OpenedLog | undefined;
    const clock = new ManualClock();
    const open = async (configs: Record<string, string> = {}): Promise<PartitionLog> => {
      opened = await factory(configs, clock);
      return opened.log;
    };
    afterEach(async () => {
      await opened?.close();
      opened = undefined;
    });

    it('starts empty: reads at 0 are empty, beyond the end out of range', async () => {
      const log = await open();
      expect(log.highWatermark).toBe(0);
      expect(log.logEndOffset).toBe(0);
      expect(log.logStartOffset).toBe(0);
      expect(offsetsOf(await log.read(0, 1000))).toEqual([]);
      expect((await log.read(1, 1000)).kind).toBe('offset-out-of-range');
      expect(await log.offsetForTimestamp(0)).toBeNull();
      expect(await log.maxTimestamp()).toBeNull();
    });

    it('assigns offsets in call order, patching base offsets, for durable and non-durable appends', async () => {
      const log = await open();
      const two = Buffer.concat([
        buildBatch({ records: filledRecords(3, 10) }),
        buildBatch({ records: filledRecords(2, 10) }),
      ]);
      const results = await Promise.all([
        log.append(buildBatch({ records: filledRecords(4, 10) }), { durable: true }),
        log.append(two, { durable: false }),
        log.append(buildBatch({ records: filledRecords(1, 10) }), { durable: true }),
      ]);
      expect(results.map((r) => appended(r))).toMatchObject([
        { baseOffset: 0, lastOffset: 3 },
        { baseOffset: 4, lastOffset: 8 },
        { baseOffset: 9, lastOffset: 9 },
      ]);
      expect([...batches(two)].map((b) => b.baseOffsetNumber)).toEqual([4, 7]);
      expect(log.highWatermark).toBe(10);
      expect(log.logEndOffset).toBe(10);
      const read = await log.read(0, 1 << 20);
      expect(offsetsOf(read)).toEqual([0, 4, 7, 9]);
      if (read.kind === 'records') {
        for (const b of batches(read.records)) expect(b.crcValid()).toBe(true);
      }
    });

    it('reads whole batches from the one holding the offset, within the byte budget (first batch always)', async () => {
      const log = await open();
      const sizes: number[] = [];
      for (let i = 0; i < 6; i++) {
        const b = buildBatch({ records: filledRecords(5, 100) });
        sizes.push(b.length);
        await log.append(b, { durable: false });
      }
      expect(offsetsOf(await log.read(7, 1))).toEqual([5]);
      expect(offsetsOf(await log.read(7, sizes[0]! * 2))).toEqual([5, 10]);
      expect(offsetsOf(await log.read(7, sizes[0]! * 2 - 1))).toEqual([5]);
      expect(offsetsOf(await log.read(29, 1 << 20))).toEqual([25]);
      expect(offsetsOf(await log.read(30, 1 << 20))).toEqual([]);
      expect((await log.read(31, 1 << 20)).kind).toBe('offset-out-of-range');
      expect(offsetsOf(await log.read(0, 1 << 20, { maxOffset: 15 }))).toEqual([0, 5, 10]);
      expect(offsetsOf(await log.read(0, 1 << 20, { maxOffset: 11 }))).toEqual([0, 5, 10]);
      expect(offsetsOf(await log.read(15, 1 << 20, { maxOffset: 15 }))).toEqual([]);
    });

    it('DeleteRecords moves the log start; reads below it are out of range', async () => {
      const log = await open();
      for (let i = 0; i < 4; i++)
        await log.append(buildBatch({ records: filledRecords(5, 10) }), { durable: true });
      expect(await log.deleteRecords(21)).toMatchObject({ kind: 'offset-out-of-range', highWatermark: 20 });
      expect(await log.deleteRecords(7)).toEqual({ kind: 'deleted', lowWatermark: 7 });
      expect(log.logStartOffset).toBe(7);
      expect((await log.read(6, 100)).kind).toBe('offset-out-of-range');
      expect(offsetsOf(await log.read(7, 1 << 20))[0]).toBe(5);
      expect(await log.deleteRecords(3)).toEqual({ kind: 'deleted', lowWatermark: 7 });
      expect(await log.deleteRecords(-1)).toEqual({ kind: 'deleted', lowWatermark: 20 });
      expect(offsetsOf(await log.read(20, 100))).toEqual([]);
      expect(
        appended(await log.append(buildBatch({ records: filledRecords(1, 1) }), { durable: true }))
          .baseOffset,
      ).toBe(20);
    });

    it('finds the first record at or after a timestamp, record by record', async () => {
      const log = await open();
      const t = 1_000_000;
      await log.append(
        buildBatch({
          baseTimestamp: t,
          records: [{ timestamp: t }, { timestamp: t + 50 }, { timestamp: t + 10 }],
        }),
        {
          durable: true,
        },
      );
      await log.append(
        buildBatch({ baseTimestamp: t + 20, records: [{ timestamp: t + 20 }, { timestamp: t + 60 }] }),
        {
          durable: true,
        },
      );
      expect(await log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: t });
      expect(await log.offsetForTimestamp(t + 5)).toEqual({ offset: 1, timestamp: t + 50 });
      expect(await log.offsetForTimestamp(t + 55)).toEqual({ offset: 4, timestamp: t + 60 });
      expect(await log.offsetForTimestamp(t + 61)).toBeNull();
      expect(await log.maxTimestamp()).toEqual({ offset: 4, timestamp: t + 60 });
      await log.deleteRecords(2);
      expect(await log.offsetForTimestamp(0)).toEqual({ offset: 2, timestamp: t + 10 });
    });

    it('looks inside compressed batches for timestamp lookups', async () => {
      await initCompression(); // this test encodes zstd itself
      const log = await open();
      const t = 2_000_000;
      await log.append(buildBatch({ baseTimestamp: t - 1, records: [{}] }), { durable: false });
      for (const compression of [CompressionType.Gzip, CompressionType.Lz4, CompressionType.Zstd]) {
        await log.append(
          buildBatch({
            compression,
            baseTimestamp: t,
            records: [{ timestamp: t }, { timestamp: t + 9 }, { timestamp: t + 3 }],
          }),
          { durable: false },
        );
      }
      expect(await log.offsetForTimestamp(t + 5)).toEqual({ offset: 2, timestamp: t + 9 });
      expect(await log.offsetForTimestamp(t + 1)).toEqual({ offset: 2, timestamp: t + 9 });
      expect(await log.offsetForTimestamp(t)).toEqual({ offset: 1, timestamp: t });
      expect(await log.maxTimestamp()).toEqual({ offset: 2, timestamp: t + 9 });
      await log.deleteRecords(3);
      expect(await log.offsetForTimestamp(t)).toEqual({ offset: 3, timestamp: t + 3 });
    });

    it('stamps log-append time when asked or configured', async () => {
      const log = await open({ 'message.timestamp.type': 'LogAppendTime' });
      const r = await log.append(buildBatch({ records: filledRecords(2, 5), baseTimestamp: 5 }), {
        durable: true,
      });
      expect(r).toMatchObject({ kind: 'appended', logAppendTime: clock.now() });
      const read = await log.read(0, 1000);
      if (read.kind !== 'records') throw new Error('no records');
      const view = BatchView.at(read.records);
      expect(view.logAppendTime).toBe(true);
      expect(view.maxTimestampNumber).toBe(clock.now());
      expect(view.crcValid()).toBe(true);
      expect(await log.offsetForTimestamp(clock.now())).toEqual({ offset: 0, timestamp: clock.now() });
      const explicit = await log.append(buildBatch({ records: filledRecords(1, 5) }), {
        durable: false,
        logAppendTime: 42,
      });
      expect(explicit).toMatchObject({ logAppendTime: 42 });
    });

    it('refuses malformed, oversized and out-of-time input without writing', async () => {
      const log = await open({ 'max.message.bytes': '500', 'message.timestamp.before.max.ms': '1000' });
      expect((await log.append(Buffer.alloc(30), { durable: true })).kind).toBe('invalid-record');
      expect(
        (await log.append(buildBatch({ records: filledRecords(10, 100) }), { durable: true })).kind,
      ).toBe('record-too-large');
      expect(
        (
          await log.append(buildBatch({ records: filledRecords(2, 1), lastOffsetDelta: 5 }), {
            durable: true,
          })
        ).kind,
      ).toBe('invalid-record');
      const whole = buildBatch({ records: filledRecords(2, 1), baseTimestamp: clock.now() });
      expect((await log.append(whole.subarray(0, whole.length - 1), { durable: true })).kind).toBe(
        'invalid-record',
      );
      expect(
        (
          await log.append(buildBatch({ records: filledRecords(1, 1), baseTimestamp: clock.now() - 5000 }), {
            durable: true,
          })
        ).kind,
      ).toBe('invalid-timestamp');
      const twoIdempotent = Buffer.concat([
        buildBatch({
          records: filledRecords(1, 1),
          producerId: 1,
          producerEpoch: 0,
          baseSequence: 0,
          baseTimestamp: clock.now(),
        }),
        buildBatch({
          records: filledRecords(1, 1),
          producerId: 1,
          producerEpoch: 0,
          baseSequence: 1,
          baseTimestamp: clock.now(),
        }),
      ]);
      expect((await log.append(twoIdempotent, { durable: true })).kind).toBe('invalid-record');
      expect(log.logEndOffset).toBe(0);
    });

    it('refuses records without a key on a compacted topic, inside compressed batches too', async () => {
      const log = await open({ 'cleanup.policy': 'compact' });
      expect(
        (await log.append(buildBatch({ records: [{ key: null, value: 'v' }] }), { durable: true })).kind,
      ).toBe('invalid-record');
      for (const compression of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4]) {
        const batch = buildBatch({
          compression,
          records: [
            { key: 'k', value: 'v' },
            { key: null, value: 'v' },
          ],
        });
        const r = await log.append(batch, { durable: true });
        expect(r.kind === 'invalid-record' ? r.message : r.kind).toMatch(/without a key/);
      }
      expect(
        (await log.append(buildBatch({ records: [{ key: 'k', value: 'v' }] }), { durable: true })).kind,
      ).toBe('appended');
      expect(
        (
          await log.append(
            buildBatch({ compression: CompressionType.Lz4, records: [{ key: 'k', value: 'v' }] }),
            {
              durable: true,
            },
          )
        ).kind,
      ).toBe('appended');
    });

    it('checks the timestamp of every record, compressed or not, when the topic limits them', async () => {
      const log = await open({ 'message.timestamp.before.max.ms': '1000' });
      const now = clock.now();
      // The first and the max timestamp pass: only a record in the middle is too old.
      const batch = (compression: CompressionType): Buffer =>
        buildBatch({
          compression,
          baseTimestamp: now,
          records: [{ timestamp: now }, { timestamp: now - 5000 }, { timestamp: now }],
        });
      for (const compression of [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy]) {
        expect((await log.append(batch(compression), { durable: false })).kind).toBe('invalid-timestamp');
      }
      expect(log.logEndOffset).toBe(0);
    });

    it('deduplicates idempotent retries and enforces sequence and epoch rules', async () => {
      const log = await open();
      const batch = (seq: number, epoch = 0, n = 2): Buffer =>
        buildBatch({ records: filledRecords(n, 5), producerId: 7, producerEpoch: epoch, baseSequence: seq });
      expect(appended(await log.append(batch(0), { durable: true })).baseOffset).toBe(0);
      expect(appended(await log.append(batch(2), { durable: true })).baseOffset).toBe(2);
      expect(await log.append(batch(0), { durable: true })).toMatchObject({
        kind: 'duplicate',
        baseOffset: 0,
        lastOffset: 1,
      });
      expect(await log.append(batch(2), { durable: false })).toMatchObject({
        kind: 'duplicate',
        baseOffset: 2,
        lastOffset: 3,
      });
      expect((await log.append(batch(7), { durable: true })).kind).toBe('out-of-order-sequence');
      expect((await log.append(batch(4, 1), { durable: true })).kind).toBe('out-of-order-sequence');
      expect(appended(await log.append(batch(0, 1), { durable: true })).baseOffset).toBe(4);
      expect((await log.append(batch(2, 0), { durable: true })).kind).toBe('invalid-producer-epoch');
      // A producer this log has never seen may start at any sequence (KIP-360).
      expect(
        appended(
          await log.append(
            buildBatch({ records: filledRecords(1, 1), producerId: 9, producerEpoch: 3, baseSequence: 40 }),
            { durable: true },
          ),
        ).baseOffset,
      ).toBe(6);
      expect(log.logEndOffset).toBe(7);
    });

    it('tracks open transactions: last stable offset and aborted transactions', async () => {
      const log = await open();
      await log.append(buildBatch({ records: filledRecords(2, 1) }), { durable: true });
      const txn = (pid: number, seq: number): Buffer =>
        buildBatch({
          records: filledRecords(1, 1),
          producerId: pid,
          producerEpoch: 0,
          baseSequence: seq,
          transactional: true,
        });
      await log.append(txn(1, 0), { durable: true });
      await log.append(txn(2, 0), { durable: true });
      expect(log.lastStableOffset).toBe(2);
      await log.append(buildControlBatch({ producerId: 1, producerEpoch: 0, commit: true }), {
        durable: true,
      });
      expect(log.lastStableOffset).toBe(3);
      await log.append(txn(2, 1), { durable: true });
      await log.append(buildControlBatch({ producerId: 2, producerEpoch: 0, commit: false }), {
        durable: true,
      });
      expect(log.lastStableOffset).toBe(7);
      expect(log.abortedTransactions(0, 100)).toEqual([{ producerId: 2, firstOffset: 3, lastOffset: 6 }]);
      expect(log.abortedTransactions(7, 100)).toEqual([]);
    });

    it('tells listeners when the high watermark moves', async () => {
      const log = await open();
      const seen: number[] = [];
      const off = log.onHighWatermark((hw) => seen.push(hw));
      await log.append(buildBatch({ records: filledRecords(3, 1) }), { durable: true });
      await log.append(buildBatch({ records: filledRecords(2, 1) }), { durable: false });
      off();
      await log.append(buildBatch({ records: filledRecords(1, 1) }), { durable: false });
      expect(seen).toEqual([3, 5]);
    });
  });
}
