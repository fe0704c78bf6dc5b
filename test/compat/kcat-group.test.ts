import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { run } from '../support/process.js';
import { assertClient, clients, skipUnless } from './clients.js';

/** kcat 1.7 (librdkafka 2.0.2) balanced consumers (`-G`) against the broker over TCP. */
const available = clients.kcat();
const TOPIC = 'kc-group';

const until = async (cond: () => boolean, what: string, ms = 20_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe.skipIf(skipUnless(available))('kcat -G (balanced consumer groups)', () => {
  let broker: TestBroker;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    assertClient('kcat', available);
    broker = await startTestBroker({ config: { 'num.partitions': '3' } });
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await broker.destroy();
  });

  const kcat = async (args: string[], input?: string): Promise<string> => {
    const r = await run('kcat', ['-b', broker.bootstrap, ...args], input === undefined ? {} : { input });
    if (r.code !== 0) throw new Error(`kcat ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const produce = async (partition: number, values: string[], topic = TOPIC): Promise<void> => {
    await kcat(['-P', '-t', topic, '-p', String(partition)], values.join('\n') + '\n');
  };
  const lines = (s: string) => s.split('\n').filter((l) => l !== '');
  /** One group member that reads to the end of its partitions, commits and leaves. */
  const consumeToEnd = async (group: string) =>
    lines(
      await kcat([
        '-G',
        group,
        TOPIC,
        '-X',
        'auto.offset.reset=earliest',
        '-X',
        'fetch.wait.max.ms=50',
        '-e',
        '-q',
        '-f',
        '%p:%s\n',
      ]),
    );

  it('consumes everything, commits, and the next run resumes from the committed offsets', async () => {
    for (const p of [0, 1, 2])
      await produce(
        p,
        Array.from({ length: 30 }, (_, i) => `p${p}-${i}`),
      );
    const first = await consumeToEnd('kc-app');
    expect(first.sort()).toEqual(
      [0, 1, 2].flatMap((p) => Array.from({ length: 30 }, (_, i) => `${p}:p${p}-${i}`)).sort(),
    );
    expect(await consumeToEnd('kc-app')).toEqual([]);
    await produce(2, ['late-1', 'late-2']);
    expect(await consumeToEnd('kc-app')).toEqual(['2:late-1', '2:late-2']);

    const lag = broker.groups.lag('kc-app')!;
    expect(lag.state).toBe('Empty');
    expect(lag.partitions.map((p) => [p.partition, p.committedOffset, p.logEndOffset, p.lag])).toEqual([
      [0, 30, 30, 0],
      [1, 30, 30, 0],
      [2, 32, 32, 0],
    ]);
  });

  it('two members share the partitions and both consume; they commit and leave on SIGINT', async () => {
    const group = 'kc-pair';
    // A topic of its own, read from the earliest offset: no race between a member finding its
    // start position and the records arriving, however loaded the machine is.
    const topic = 'kc-pair-topic';
    await broker.logs.createTopic(topic, { partitions: 3 });
    const seen: string[][] = [[], []];
    for (const i of [0, 1]) {
      const child = spawn(
        'kcat',
        [
          '-b',
          broker.bootstrap,
          '-G',
          group,
          topic,
          '-X',
          'auto.offset.reset=earliest',
          '-X',
          'heartbeat.interval.ms=100',
          '-X',
          'session.timeout.ms=6000',
          '-X',
          'fetch.wait.max.ms=50',
          '-q',
          '-u',
          '-f',
          '%p:%s\n',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      let partial = '';
      child.stdout.on('data', (b: Buffer) => {
        const parts = (partial + b.toString()).split('\n');
        partial = parts.pop()!; // a line may be cut between two chunks
        seen[i]!.push(...parts.filter((l) => l !== ''));
      });
    }
    await until(() => {
      const d = broker.groups.describeGroup(group);
      return (
        d.state === 'Stable' && d.members.length === 2 && d.members.every((m) => m.assignment.length > 0)
      );
    }, 'two members with assignments');
    for (const p of [0, 1, 2])
      await produce(
        p,
        Array.from({ length: 20 }, (_, i) => `pair-${p}-${i}`),
        topic,
      );
    await until(() => seen[0]!.length + seen[1]!.length >= 60, 'all 60 records');
    expect(seen[0]!.length).toBeGreaterThan(0);
    expect(seen[1]!.length).toBeGreaterThan(0);
    expect([...seen[0]!, ...seen[1]!].sort()).toEqual(
      [0, 1, 2].flatMap((p) => Array.from({ length: 20 }, (_, i) => `${p}:pair-${p}-${i}`)).sort(),
    );
    // Each partition went to one member only.
    const owners = (s: string[]) => new Set(s.map((l) => l.split(':')[0]));
    const [o0, o1] = [owners(seen[0]!), owners(seen[1]!)];
    expect([...o0].some((p) => o1.has(p))).toBe(false);

    const exits = children.map((c) => new Promise((resolve) => c.once('exit', resolve)));
    for (const c of children) c.kill('SIGINT');
    await Promise.all(exits);
    children.length = 0;
    await until(() => broker.groups.describeGroup(group).state === 'Empty', 'the group to empty');
    expect(broker.groups.lag(group)?.totalLag).toBe(0);
  });
});
