import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Producer } from '../../src/client/index.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { closedPort } from '../client/support/fault-proxy.js';
import { assertBuilt, rivulet } from './support/cli.js';

describe('rivulet topics', () => {
  let broker: TestBroker;
  let b: string[];

  beforeAll(async () => {
    assertBuilt();
    broker = await startTestBroker();
    b = ['--bootstrap', broker.bootstrap];
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('creates a topic with partitions and configs, lists and describes it', async () => {
    const created = await rivulet([
      'topics',
      'create',
      'orders',
      '--partitions',
      '3',
      '--config',
      'retention.ms=86400000',
      '--config',
      'cleanup.policy=compact',
      ...b,
    ]);
    expect(created).toMatchObject({ code: 0, stdout: "Created topic 'orders' with 3 partitions.\n" });

    const producer = new Producer({ bootstrap: broker.bootstrap });
    // Keyed: a compacted topic refuses keyless records (INVALID_RECORD), as Kafka does.
    await producer.send('orders', [
      { key: 'a', value: 'a', partition: 1 },
      { key: 'b', value: 'b', partition: 1 },
    ]);
    await producer.close();

    const listed = await rivulet(['topics', 'list', ...b]);
    expect(listed.stdout.split('\n')).toContain('orders');

    const described = await rivulet(['topics', 'describe', 'orders', ...b]);
    expect(described.code).toBe(0);
    expect(described.stdout).toContain('Topic: orders\n');
    expect(described.stdout).toContain('Partitions: 3   Records: 2\n');
    expect(described.stdout).toMatch(/PARTITION +LEADER +REPLICAS +ISR +START +END\n/);
    expect(described.stdout).toMatch(/\n1 +1 +1 +1 +0 +2\n/);
    expect(described.stdout).toContain('Configs (not defaults):\n');
    expect(described.stdout).toContain('  retention.ms=86400000\n');
    expect(described.stdout).toContain('  cleanup.policy=compact\n');
    expect(described.stdout).not.toContain('segment.bytes');

    const json = JSON.parse((await rivulet(['topics', 'describe', 'orders', '--json', ...b])).stdout) as {
      name: string;
      partitions: { partition: number; leader: number; start: number; end: number }[];
      configs: Record<string, string>;
    };
    expect(json.name).toBe('orders');
    expect(json.partitions.map((p) => [p.partition, p.start, p.end])).toEqual([
      [0, 0, 0],
      [1, 0, 2],
      [2, 0, 0],
    ]);
    expect(json.configs).toEqual({ 'retention.ms': '86400000', 'cleanup.policy': 'compact' });

    const listJson = JSON.parse((await rivulet(['topics', 'list', '--json', ...b])).stdout) as {
      name: string;
      partitions: number;
    }[];
    expect(listJson).toContainEqual(expect.objectContaining({ name: 'orders', partitions: 3 }));
  });

  it('deletes topics', async () => {
    await rivulet(['topics', 'create', 'doomed', ...b]);
    const deleted = await rivulet(['topics', 'delete', 'doomed', ...b]);
    expect(deleted).toMatchObject({ code: 0, stdout: "Deleted topic 'doomed'.\n" });
    expect((await rivulet(['topics', 'list', ...b])).stdout.split('\n')).not.toContain('doomed');
  });

  it('reports Kafka errors in one line with a non-zero exit', async () => {
    await rivulet(['topics', 'create', 'twice', ...b]);
    const again = await rivulet(['topics', 'create', 'twice', ...b]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^rivulet topics: CreateTopics for topic 'twice': TOPIC_ALREADY_EXISTS .*\[RIV_ERR_KAFKA\]\n$/,
    );
    expect((await rivulet(['topics', 'create', 'twice', '--if-not-exists', ...b])).code).toBe(0);

    const badConfig = await rivulet(['topics', 'create', 'bad', '--config', 'retention.ms=soon', ...b]);
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toContain('INVALID_CONFIG');
    expect(badConfig.stderr.trim().split('\n')).toHaveLength(1);

    const missing = await rivulet(['topics', 'describe', 'missing', ...b]);
    expect(missing).toMatchObject({
      code: 2,
      stderr: "rivulet topics: topic 'missing' does not exist [RIV_ERR_INVALID_ARGUMENT]\n",
    });

    const noAction = await rivulet(['topics', ...b]);
    expect(noAction.code).toBe(2);
    expect(noAction.stderr).toContain('topics needs an action: list, create, describe, delete');
  });

  it('prints usage for --help', async () => {
    for (const cmd of ['topics', 'produce', 'consume']) {
      const help = await rivulet([cmd, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: rivulet ${cmd}`);
      expect(help.stdout).toContain('--bootstrap HOST:PORT');
    }
  });

  it('reports an unreachable broker in one line naming the address, for every command', async () => {
    const port = await closedPort();
    const address = `127.0.0.1:${port}`;
    const runs = await Promise.all([
      rivulet(['topics', 'list', '--bootstrap', address]),
      rivulet(['produce', '--topic', 't', '--bootstrap', address], 'x\n'),
      rivulet(['consume', '--topic', 't', '--bootstrap', address]),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `^rivulet \\w+: cannot connect to ${address.replace(/\./g, '\\.')}: connection refused \\(ECONNREFUSED\\) \\[RIV_ERR_CONNECTION\\]\\n$`,
        ),
      );
    }
  });
});
