import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { batches } from '../protocol/records/batch-view.js';
import { buildBatch, filledRecords } from '../../test/storage/support/batches.js';
import { appended, offsetsOf } from '../../test/storage/support/contract.js';
import { type FileLogHandle, RecordingLogger, openFileLog } from '../../test/storage/support/file-log.js';
import { ManualClock, tempDir } from '../../test/storage/support/temp-dir.js';
import { resolveLogConfig } from './config.js';
import { systemClock } from './env.js';
import { isStorageError } from './errors.js';
import { nodeFileIo } from './file-io.js';
import type { FilePartitionLog } from './partition-log.js';
import { openPartitionLog } from './partition-open.js';

const MARKER = '.rivulet-clean-shutdown';

/** Every offset readable from `from`, batch by batch, stopping at the high watermark. */
async function readAll(log: FilePartitionLog, from = log.logStartOffset): Promise<number[]> {
  const out: number[] = [];
  let next = from;
  while (next < log.highWatermark) {
    const r = await log.read(next, 1 << 20);
    if (r.kind !== 'records' || r.records.length === 0) break;
    for (const b of batches(r.records)) {
      expect(b.crcValid()).toBe(true);
      out.push(b.baseOffsetNumber);
      next = b.lastOffsetNumber + 1;
    }
  }
  return out;
}

describe('recovery', () => {
  let h: FileLogHandle | undefined;
  const clock = new ManualClock();
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  /** A closed log of `n` one-record batches of `value` bytes each; returns the batch size. */
  async function build(n: number, configs: Record<string, string> = {}, value = 20): Promise<number> {
    h = await openFileLog({ 'index.interval.bytes': '100', ...configs }, clock);
    let size = 0;
    for (let i = 0; i < n; i++) {
      const b = buildBatch({ records: filledRecords(1, value) });
      size = b.length;
      await h.log.append(b, { durable: true });
    }
    await h.manager.close();
    return size;
  }

  const partitionDir = (): string => path.join(h!.dir, 't-0');
  const segmentFiles = (): string[] =>
    fs
      .readdirSync(partitionDir())
      .filter((f) => f.endsWith('.log'))
      .sort()
      .map((f) => path.join(partitionDir(), f));

  it('recovers a tail torn at every byte of the last batch to the last whole batch', async () => {
    const size = await build(6, {}, 1);
    const src = partitionDir();
    const logFile = segmentFiles()[0]!;
    const full = fs.statSync(logFile).size;
    const scratch = tempDir();
    try {
      for (let cut = full - size; cut < full; cut++) {
        // Every byte after an unclean stop; a sample with the clean-shutdown marker present
        // (the tail check must catch a tear the marker does not know about).
        for (const clean of cut % 8 === 0 ? [false, true] : [false]) {
          const dir = path.join(scratch.dir, `${cut}-${clean}`);
          fs.cpSync(src, dir, { recursive: true });
          fs.truncateSync(path.join(dir, path.basename(logFile)), cut);
          const logger = new RecordingLogger();
          const log = await openPartitionLog({
            dir,
            topic: 't',
            partition: 0,
            topicId: 'x',
            config: resolveLogConfig({ 'index.interval.bytes': '100' }),
            io: nodeFileIo,
            clock: systemClock,
            logger,
            clean,
          });
          expect(log.logEndOffset).toBe(5);
          expect(await readAll(log)).toEqual([0, 1, 2, 3, 4]);
          expect(fs.statSync(path.join(dir, path.basename(logFile))).size).toBe(full - size);
          expect(
            appended(await log.append(buildBatch({ records: filledRecords(1, 1) }), { durable: true }))
              .baseOffset,
          ).toBe(5);
          await log.close();
          fs.rmSync(dir, { recursive: true });
        }
      }
    } finally {
      scratch.cleanup();
    }
  });

  it('truncates garbage after the last batch', async () => {
    await build(4);
    const file = segmentFiles()[0]!;
    fs.appendFileSync(
      file,
      Buffer.concat([Buffer.alloc(100), Buffer.from('not a batch at all, really not')]),
    );
    fs.rmSync(path.join(h!.dir, MARKER));
    const log = await h!.reopenAfterExternalChange();
    expect(await readAll(log)).toEqual([0, 1, 2, 3]);
    expect(h!.logger.has('warn', 'torn tail')).toBe(true);
  });

  for (const where of ['payload', 'length field'] as const) {
    it(`keeps batches after a corrupt one in the middle of the active segment (${where}) and refuses to serve it`, async () => {
      const size = await build(5);
      const file = segmentFiles()[0]!;
      const bytes = fs.readFileSync(file);
      if (where === 'payload') bytes[2 * size + 70] = bytes[2 * size + 70]! ^ 0x01;
      else bytes.writeInt32BE(0x00ffffff, 2 * size + 8);
      fs.writeFileSync(file, bytes);
      fs.rmSync(path.join(h!.dir, MARKER));
      const log = await h!.reopenAfterExternalChange();
      expect(log.logEndOffset).toBe(5);
      expect(log.corruptRanges).toMatchObject([{ firstOffset: 2, lastOffset: 2 }]);
      expect(h!.logger.has('error', 'corrupt')).toBe(true);
      expect(offsetsOf(await log.read(0, 1 << 20))).toEqual([0, 1]);
      await expect(log.read(2, 1 << 20)).rejects.toSatisfy((e: unknown) => isStorageError(e, 'corrupt-data'));
      expect(offsetsOf(await log.read(3, 1 << 20))).toEqual([3, 4]);
      expect(
        appended(await log.append(buildBatch({ records: filledRecords(1, 1) }), { durable: true }))
          .baseOffset,
      ).toBe(5);
      // DeleteRecords past the damage lets consumers move on.
      await log.deleteRecords(3);
      expect(await readAll(log)).toEqual([3, 4, 5]);
    });
  }

  it('detects a bit flip in a closed segment when it is first read after a clean start', async () => {
    const size = await build(12, { 'segment.bytes': '300' });
    const files = segmentFiles();
    expect(files.length).toBeGreaterThan(2);
    const victim = files[1]!;
    const base = Number(path.basename(victim, '.log'));
    const bytes = fs.readFileSync(victim);
    bytes[size + 65] = bytes[size + 65]! ^ 0x80;
    fs.writeFileSync(victim, bytes);
    const log = await h!.reopenAfterExternalChange();
    expect(log.corruptRanges).toEqual([]);
    expect(offsetsOf(await log.read(base, 1 << 20))).toEqual([base]);
    await expect(log.read(base + 1, 1 << 20)).rejects.toSatisfy((e: unknown) =>
      isStorageError(e, 'corrupt-data'),
    );
    expect(log.corruptRanges).toMatchObject([{ segment: base, firstOffset: base + 1 }]);
    expect(h!.logger.has('error', 'corrupt')).toBe(true);
  });

  it('detects a bit flip anywhere when the recovery point is lost (full validation)', async () => {
    const size = await build(12, { 'segment.bytes': '300' });
    const victim = segmentFiles()[1]!;
    const base = Number(path.basename(victim, '.log'));
    const bytes = fs.readFileSync(victim);
    bytes[size + 65] = bytes[size + 65]! ^ 0x80;
    fs.writeFileSync(victim, bytes);
    fs.rmSync(path.join(partitionDir(), 'partition-state.json'));
    fs.rmSync(path.join(h!.dir, MARKER));
    const log = await h!.reopenAfterExternalChange();
    expect(log.corruptRanges).toMatchObject([{ segment: base, firstOffset: base + 1, lastOffset: base + 1 }]);
    expect(log.logEndOffset).toBe(12);
    const all = await readAll(log, base + 2);
    expect(all).toEqual(Array.from({ length: 10 - base }, (_, i) => base + 2 + i));
  });

  it('rebuilds missing or garbled index files', async () => {
    await build(30, { 'segment.bytes': '500', 'index.interval.bytes': '50' });
    const dir = partitionDir();
    const indexes = fs.readdirSync(dir).filter((f) => f.endsWith('.index'));
    fs.rmSync(path.join(dir, indexes[0]!));
    fs.writeFileSync(path.join(dir, indexes[1]!), Buffer.from('garbage!'));
    fs.writeFileSync(path.join(dir, indexes[2]!.replace('.index', '.timeindex')), Buffer.alloc(24, 0xff));
    const log = await h!.reopenAfterExternalChange();
    expect(await readAll(log)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(fs.statSync(path.join(dir, indexes[0]!)).size).toBeGreaterThan(0);
    expect(await log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 1_700_000_000_000 });
  });

  it('removes temporary and half-finished files, and index files without a log', async () => {
    await build(3);
    const dir = partitionDir();
    for (const name of [
      '00000000000000000000.log.cleaned',
      'partition-state.json.tmp',
      '00000000000000000099.index',
      '00000000000000000007.log.deleted',
    ]) {
      fs.writeFileSync(path.join(dir, name), 'x');
    }
    const log = await h!.reopenAfterExternalChange();
    expect(await readAll(log)).toEqual([0, 1, 2]);
    expect(fs.readdirSync(dir).filter((f) => /cleaned|tmp|deleted|99/.test(f))).toEqual([]);
  });

  it('rebuilds producer state by replay when snapshots are missing or corrupt', async () => {
    h = await openFileLog({ 'segment.bytes': '400' }, clock);
    const batch = (seq: number): Buffer =>
      buildBatch({ records: filledRecords(2, 20), producerId: 5, producerEpoch: 1, baseSequence: seq });
    for (let i = 0; i < 12; i++) await h.log.append(batch(i * 2), { durable: true });
    await h.log.abandon();
    const dir = partitionDir();
    const snaps = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.snapshot'))
      .sort();
    expect(snaps.length).toBeGreaterThan(0);
    fs.writeFileSync(path.join(dir, snaps[snaps.length - 1]!), Buffer.from('corrupt snapshot'));
    for (const s of snaps.slice(0, -1)) fs.rmSync(path.join(dir, s));
    const log = await h.reopenAfterExternalChange();
    expect(h.logger.has('warn', 'bad producer snapshot')).toBe(true);
    expect(await log.append(batch(22), { durable: true })).toMatchObject({
      kind: 'duplicate',
      baseOffset: 22,
    });
    expect(await log.append(batch(14), { durable: true })).toMatchObject({
      kind: 'duplicate',
      baseOffset: 14,
    });
    expect(appended(await log.append(batch(24), { durable: true })).baseOffset).toBe(24);
  });

  it('drops snapshots beyond the recovered log end', async () => {
    await build(3);
    const dir = partitionDir();
    fs.writeFileSync(path.join(dir, '00000000000000000900.snapshot'), 'x');
    await h!.reopenAfterExternalChange();
    expect(fs.existsSync(path.join(dir, '00000000000000000900.snapshot'))).toBe(false);
  });
});
