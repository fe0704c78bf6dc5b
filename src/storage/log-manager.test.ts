import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBatch, filledRecords } from '../../test/storage/support/batches.js';
import { offsetsOf } from '../../test/storage/support/contract.js';
import { RecordingLogger } from '../../test/storage/support/file-log.js';
import { ManualClock, tempDir } from '../../test/storage/support/temp-dir.js';
import { isStorageError } from './errors.js';
import { type FileLogManager, openLogManager } from './log-manager.js';
import type { LogManager } from './log-types.js';
import { MemoryLogManager } from './memory-log.js';

const rejectsWith = async (p: Promise<unknown>, code: string): Promise<void> => {
  await expect(p).rejects.toSatisfy((e: unknown) => isStorageError(e) && e.code === code);
};

function describeManager(
  name: string,
  open: () => Promise<{ m: LogManager; done: () => Promise<void> }>,
): void {
  describe(`LogManager contract: ${name}`, () => {
    let done: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await done?.();
      done = undefined;
    });
    const start = async (): Promise<LogManager> => {
      const r = await open();
      done = r.done;
      return r.m;
    };

    it('creates topics with ids and validated configs, and refuses bad requests', async () => {
      const m = await start();
      const t = await m.createTopic('orders', { partitions: 3, configs: { 'retention.ms': '1000' } });
      expect(t.topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(m.topicById(t.topicId)?.name).toBe('orders');
      expect(m.topicConfig('orders')?.retentionMs).toBe(1000);
      expect(m.log('orders', 2)).toBeDefined();
      expect(m.log('orders', 3)).toBeUndefined();
      await rejectsWith(m.createTopic('orders', { partitions: 1 }), 'topic-exists');
      await rejectsWith(m.createTopic('a/b', { partitions: 1 }), 'invalid-topic');
      await m.createTopic('x.y', { partitions: 1 });
      await rejectsWith(m.createTopic('x_y', { partitions: 1 }), 'invalid-topic');
      await rejectsWith(m.createTopic('zero', { partitions: 0 }), 'invalid-partitions');
      await rejectsWith(
        m.createTopic('cfg', { partitions: 1, configs: { 'retention.ms': 'soon' } }),
        'invalid-config',
      );
      await rejectsWith(
        m.createTopic('cfg', { partitions: 1, configs: { 'no.such.key': '1' } }),
        'invalid-config',
      );
      expect(m.topic('cfg')).toBeUndefined();
    });

    it('grows partitions, replaces configs, and deletes topics so a new one of that name starts empty', async () => {
      const m = await start();
      await m.createTopic('t', { partitions: 1 });
      await m.log('t', 0)!.append(buildBatch({ records: filledRecords(5, 10) }), { durable: true });
      const grown = await m.createPartitions('t', 3);
      expect(grown.partitions).toBe(3);
      expect(m.log('t', 2)?.highWatermark).toBe(0);
      await rejectsWith(m.createPartitions('t', 2), 'invalid-partitions');
      await m.setTopicConfigs('t', { 'max.message.bytes': '100' });
      expect(m.log('t', 0)!.config.maxMessageBytes).toBe(100);
      expect(
        (await m.log('t', 0)!.append(buildBatch({ records: filledRecords(5, 50) }), { durable: true })).kind,
      ).toBe('record-too-large');
      await rejectsWith(m.setTopicConfigs('t', { 'segment.ms': '0' }), 'invalid-config');
      const oldId = m.topic('t')!.topicId;
      await m.deleteTopic('t');
      expect(m.topic('t')).toBeUndefined();
      expect(m.log('t', 0)).toBeUndefined();
      await rejectsWith(m.deleteTopic('t'), 'unknown-topic');
      const again = await m.createTopic('t', { partitions: 1 });
      expect(again.topicId).not.toBe(oldId);
      expect(m.log('t', 0)!.highWatermark).toBe(0);
      expect(offsetsOf(await m.log('t', 0)!.read(0, 1000))).toEqual([]);
    });
  });
}

describeManager('memory', () => {
  const m = new MemoryLogManager();
  return Promise.resolve({ m, done: () => m.close() });
});

describeManager('file', async () => {
  const t = tempDir();
  const m = await openLogManager({ dataDir: t.dir, maintenanceIntervalMs: 0 });
  return {
    m,
    done: async () => {
      await m.close();
      t.cleanup();
    },
  };
});

describe('FileLogManager', () => {
  let cleanup: (() => void) | undefined;
  let m: FileLogManager | undefined;
  afterEach(async () => {
    await m?.close();
    m = undefined;
    cleanup?.();
  });

  it('keeps cluster id, node id, topics and data across restarts; marks clean shutdowns', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    m = await openLogManager({ dataDir: t.dir, nodeId: 7, maintenanceIntervalMs: 0 });
    const { clusterId } = m;
    const topic = await m.createTopic('t', { partitions: 2, configs: { 'cleanup.policy': 'compact' } });
    await m.log('t', 1)!.append(buildBatch({ records: [{ key: 'k', value: 'v' }] }), { durable: true });
    await m.close();
    expect(fs.existsSync(path.join(t.dir, '.rivulet-clean-shutdown'))).toBe(true);
    fs.writeFileSync(path.join(t.dir, 'metadata.json.tmp'), '{"half": ');
    m = await openLogManager({ dataDir: t.dir, nodeId: 99, maintenanceIntervalMs: 0 });
    expect(fs.existsSync(path.join(t.dir, '.rivulet-clean-shutdown'))).toBe(false);
    expect(fs.existsSync(path.join(t.dir, 'metadata.json.tmp'))).toBe(false);
    expect(m.clusterId).toBe(clusterId);
    expect(m.nodeId).toBe(7);
    expect(m.topic('t')).toEqual(topic);
    expect(m.log('t', 1)!.highWatermark).toBe(1);
    expect(JSON.parse(fs.readFileSync(path.join(t.dir, 'metadata.json'), 'utf8'))).toMatchObject({
      version: 1,
      clusterId,
    });
  });

  it('moves deleted topic data out of the way at once and removes it', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    m = await openLogManager({ dataDir: t.dir, maintenanceIntervalMs: 0 });
    await m.createTopic('gone', { partitions: 2 });
    await m.deleteTopic('gone');
    expect(fs.readdirSync(t.dir).filter((d) => d.startsWith('gone-') && !d.endsWith('-delete'))).toEqual([]);
    await m.close();
    m = undefined;
    expect(fs.readdirSync(t.dir).filter((d) => d.startsWith('gone'))).toEqual([]);
  });

  it('sets aside a stray directory where a new topic is created, and refuses data without metadata', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    fs.mkdirSync(path.join(t.dir, 'old-0'));
    fs.writeFileSync(path.join(t.dir, 'old-0', '00000000000000000000.log'), 'leftover');
    await expect(openLogManager({ dataDir: t.dir, maintenanceIntervalMs: 0 })).rejects.toSatisfy(
      (e: unknown) => isStorageError(e, 'corrupt-data'),
    );
    fs.writeFileSync(
      path.join(t.dir, 'metadata.json'),
      JSON.stringify({ version: 1, clusterId: 'c', nodeId: 1, topics: [] }),
    );
    const logger = new RecordingLogger();
    m = await openLogManager({ dataDir: t.dir, maintenanceIntervalMs: 0, logger });
    expect(logger.has('warn', 'unknown partition')).toBe(true);
    await m.createTopic('old', { partitions: 1 });
    expect(m.log('old', 0)!.highWatermark).toBe(0);
    expect(fs.readdirSync(t.dir).some((d) => d.startsWith('old-0.') && d.endsWith('-stray'))).toBe(true);
  });

  it('runs retention and compaction in its maintenance pass', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const clock = new ManualClock();
    m = await openLogManager({ dataDir: t.dir, clock, maintenanceIntervalMs: 0 });
    await m.createTopic('r', {
      partitions: 1,
      configs: { 'segment.bytes': '200', 'retention.ms': '1000', 'file.delete.delay.ms': '0' },
    });
    await m.createTopic('c', {
      partitions: 1,
      configs: { 'segment.bytes': '200', 'cleanup.policy': 'compact' },
    });
    for (let i = 0; i < 6; i++) {
      await m
        .log('r', 0)!
        .append(buildBatch({ records: filledRecords(1, 100), baseTimestamp: clock.now() }), {
          durable: true,
        });
      await m
        .log('c', 0)!
        .append(
          buildBatch({ records: [{ key: 'same', value: 'x'.repeat(100) }], baseTimestamp: clock.now() }),
          {
            durable: true,
          },
        );
    }
    clock.advance(10_000);
    await m.runMaintenance();
    expect(m.log('r', 0)!.logStartOffset).toBe(6);
    expect(m.log('c', 0)!.sizeInBytes).toBeLessThan(6 * 150);
  });
});
