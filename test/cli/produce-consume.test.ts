import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, Consumer, Producer, type ConsumerRecord } from '../../src/client/index.js';
import { batches } from '../../src/protocol/records/batch-view.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { assertBuilt, rivulet, spawnRivulet, until } from './support/cli.js';

interface JsonRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
}

const jsonLines = (out: string): JsonRecord[] =>
  out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as JsonRecord);

describe('rivulet produce and consume', () => {
  let broker: TestBroker;
  let admin: Admin;
  let b: string[];

  beforeAll(async () => {
    assertBuilt();
    broker = await startTestBroker();
    admin = new Admin({ bootstrap: broker.bootstrap });
    b = ['--bootstrap', broker.bootstrap];
  });
  afterAll(async () => {
    await admin.close();
    await broker.destroy();
  });

  /**
   * Every record of `topic`, read with the client (not the CLI under test), once the topic holds
   * at least `atLeast` records (acks=0 returns before the broker has appended).
   */
  async function readBack(topic: string, atLeast = 0): Promise<ConsumerRecord[]> {
    const [info] = await admin.describeTopics([topic]);
    const c = new Consumer({ bootstrap: broker.bootstrap, autoOffsetReset: 'earliest', maxWaitMs: 50 });
    const tps = info!.partitions.map((p) => ({ topic, partition: p.partition }));
    c.assign(tps);
    let ends = await c.endOffsets(tps);
    while (ends.reduce((a, e) => a + e, 0) < atLeast) ends = await c.endOffsets(tps);
    const out: ConsumerRecord[] = [];
    while (tps.some((tp, i) => (c.position(tp) ?? 0) < ends[i]!))
      for (const p of await c.poll()) out.push(...p);
    await c.close();
    return out.sort((x, y) => x.partition - y.partition || x.offset - y.offset);
  }

  it('produces stdin lines as records and reports a summary on stderr', async () => {
    const r = await rivulet(['produce', '--topic', 'lines', ...b], 'first\nsecond\n\nlast-without-newline');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Produced 4 records to 'lines' \(partitions? [\d, ]+\) in \d+\.\d\d s\.\n$/);
    const got = await readBack('lines');
    expect(got.map((x) => [x.key, x.value?.toString()])).toEqual([
      [null, 'first'],
      [null, 'second'],
      [null, ''],
      [null, 'last-without-newline'],
    ]);
  });

  it('splits keys at the first tab with --keyed, or at --key-separator, and partitions by key', async () => {
    await admin.createTopics([{ name: 'keyed', partitions: 4 }]);
    const input = ['alice\t{"n":1}', 'bob\t{"n":2}\twith tab', 'alice\t{"n":3}'].join('\n') + '\n';
    expect((await rivulet(['produce', '--topic', 'keyed', '--keyed', ...b], input)).code).toBe(0);
    expect(
      (await rivulet(['produce', '--topic', 'keyed', '--key-separator', '::', ...b], 'carol::x::y\n')).code,
    ).toBe(0);
    const got = await readBack('keyed');
    const pairs = got.map((x) => [x.key?.toString(), x.value?.toString()]);
    expect(pairs).toEqual(
      expect.arrayContaining([
        ['alice', '{"n":1}'],
        ['bob', '{"n":2}\twith tab'],
        ['alice', '{"n":3}'],
        ['carol', 'x::y'],
      ]),
    );
    const alice = got.filter((x) => x.key?.toString() === 'alice');
    expect(new Set(alice.map((x) => x.partition)).size).toBe(1);
    expect(alice.map((x) => x.value?.toString())).toEqual(['{"n":1}', '{"n":3}']);

    const missing = await rivulet(['produce', '--topic', 'keyed', '--keyed', ...b], 'k\tv\nno-tab-here\n');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('line 2 has no key separator "\\t"');
  });

  for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
    it(`produces with --compression ${compression} and --acks`, async () => {
      const topic = `cli-${compression}`;
      await admin.createTopics([{ name: topic, partitions: 2 }]);
      const lines = Array.from({ length: 200 }, (_, i) => `${compression}-${i}`);
      const acks = compression === 'gzip' ? '0' : compression === 'snappy' ? '1' : 'all';
      const r = await rivulet(
        ['produce', '--topic', topic, '--partition', '1', '--compression', compression, '--acks', acks, ...b],
        lines.join('\n') + '\n',
      );
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`Produced 200 records to '${topic}' (partition 1)`);
      const got = await readBack(topic, 200);
      expect(got.map((x) => x.value?.toString())).toEqual(lines);
      expect(got.every((x) => x.partition === 1)).toBe(true);
      const read = await broker.logs.log(topic, 1)!.read(0, 1 << 20);
      const codecs = new Set(
        read.kind === 'records' ? [...batches(read.records)].map((v) => v.compressionCode) : [],
      );
      expect(codecs).toEqual(new Set([['none', 'gzip', 'snappy', 'lz4', 'zstd'].indexOf(compression)]));
    });
  }

  it('refuses bad flags with exit code 2', async () => {
    const codec = await rivulet(['produce', '--topic', 't', '--compression', 'brotli', ...b], 'x\n');
    expect(codec).toMatchObject({ code: 2 });
    expect(codec.stderr).toContain("--compression must be none, gzip, snappy, lz4, zstd, got 'brotli'");
    expect((await rivulet(['produce', '--topic', 't', '--acks', '2', ...b], 'x\n')).stderr).toContain(
      "--acks must be 0, 1 or all, got '2'",
    );
    expect((await rivulet(['produce', ...b], 'x\n')).stderr).toContain('produce needs a topic: --topic NAME');
    expect((await rivulet(['consume', '--topic', 't', '--from', 'yesterday', ...b])).stderr).toContain(
      "--from must be earliest, latest, an offset, @TIMESTAMP_MS or an ISO-8601 time, got 'yesterday'",
    );
  });

  describe('consume', () => {
    const base = Date.parse('2024-05-01T12:00:00Z');

    beforeAll(async () => {
      await admin.createTopics([{ name: 'events', partitions: 2 }]);
      const p = new Producer({ bootstrap: broker.bootstrap });
      await p.send(
        'events',
        Array.from({ length: 10 }, (_, i) => ({
          key: `k${i}`,
          value: `event-${i}`,
          partition: i % 2,
          timestamp: base + i * 60_000,
          headers: i === 0 ? { source: 'test', empty: null } : {},
        })),
      );
      await p.close();
    });

    it('prints every value from the earliest offset and stops at the end offsets', async () => {
      const r = await rivulet(['consume', '--topic', 'events', ...b]);
      expect(r.code).toBe(0);
      const values = r.stdout.split('\n').filter((l) => l !== '');
      expect(values.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `event-${i}`).sort());
      expect(r.stderr).toBe("Consumed 10 records from 'events'.\n");
    });

    it('prints JSON with key, headers, partition, offset and timestamp', async () => {
      const r = await rivulet(['consume', '--topic', 'events', '--partition', '0', '--format', 'json', ...b]);
      const recs = jsonLines(r.stdout);
      expect(recs).toHaveLength(5);
      expect(recs[0]).toEqual({
        topic: 'events',
        partition: 0,
        offset: 0,
        timestamp: base,
        key: 'k0',
        value: 'event-0',
        headers: [
          { key: 'source', value: 'test' },
          { key: 'empty', value: null },
        ],
      });
      expect(recs.map((x) => x.offset)).toEqual([0, 1, 2, 3, 4]);
    });

    it('starts from an offset, a timestamp, an ISO-8601 time or the end, and honours --max', async () => {
      const values = async (...args: string[]): Promise<string[]> =>
        (await rivulet(['consume', '--topic', 'events', '--partition', '1', ...args, ...b])).stdout
          .split('\n')
          .filter((l) => l !== '');
      expect(await values('--from', '3')).toEqual(['event-7', 'event-9']);
      expect(await values('--from', `@${base + 5 * 60_000}`)).toEqual(['event-5', 'event-7', 'event-9']);
      expect(await values('--from', '2024-05-01T12:06:00Z')).toEqual(['event-7', 'event-9']);
      expect(await values('--from', 'latest')).toEqual([]);
      expect(await values('--max', '2')).toEqual(['event-1', 'event-3']);
    });

    it('follows new records until interrupted', async () => {
      const follower = spawnRivulet(['consume', '--topic', 'events', '--follow', '--format', 'json', ...b]);
      await until(() => jsonLines(follower.stdout()).length === 10, 'the existing records');
      const p = new Producer({ bootstrap: broker.bootstrap });
      await p.send('events', [{ value: 'live-1', partition: 1 }]);
      await until(() => follower.stdout().includes('live-1'), 'the new record');
      await p.send('events', [{ value: 'live-2', partition: 0 }]);
      await until(() => follower.stdout().includes('live-2'), 'the second new record');
      await p.close();
      follower.child.kill('SIGINT');
      expect(await follower.exited).toBe(0);
      const recs = jsonLines(follower.stdout());
      expect(recs.slice(10).map((x) => x.value)).toEqual(['live-1', 'live-2']);
      expect(follower.stderr()).toBe('');
    });

    it('without --follow ignores records produced after it started', async () => {
      await admin.createTopics([{ name: 'growing', partitions: 1 }]);
      const p = new Producer({ bootstrap: broker.bootstrap });
      await p.send(
        'growing',
        Array.from({ length: 3 }, (_, i) => ({ value: `old-${i}` })),
      );
      const reader = spawnRivulet(['consume', '--topic', 'growing', '--from', 'latest', ...b]);
      const code = await reader.exited;
      await p.send('growing', [{ value: 'new' }]);
      await p.close();
      expect(code).toBe(0);
      expect(reader.stdout()).toBe('');
    });
  });
});
