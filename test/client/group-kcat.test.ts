import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, decodeAssignment, Producer } from '../../src/client/index.js';
import { assertClient, clients, skipUnless } from '../compat/clients.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { leaderClientId, startMember, until, type RunningMember } from './support/group-members.js';

/**
 * Our group consumer and kcat -G (librdkafka 2.0.2) in one group. librdkafka offers `range`
 * and `roundrobin` by default, as we do, so the group agrees on `range` whoever leads, and each
 * side reads the other's assignment.
 */
const available = clients.kcat();
const TOPIC = 'kcat-mixed';
const GROUP = 'kcat-mixed-group';

describe.skipIf(skipUnless(available))('a group of our consumer and kcat -G', () => {
  let broker: TestBroker;
  let producer: Producer;
  const ours: RunningMember[] = [];
  let kcat: ChildProcess | null = null;
  const kcatSeen: string[] = [];

  beforeAll(async () => {
    assertClient('kcat', available);
    broker = await startTestBroker();
    const admin = new Admin({ bootstrap: broker.bootstrap });
    await admin.createTopics([{ name: TOPIC, partitions: 4 }]);
    await admin.close();
    producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 0 });
  });
  afterAll(async () => {
    kcat?.kill('SIGKILL');
    await Promise.all(ours.map((m) => m.stop()));
    await producer.close();
    await broker.destroy();
  });

  const startOurs = (): RunningMember => {
    const m = startMember({
      bootstrap: broker.bootstrap,
      clientId: 'rivulet-member',
      groupId: GROUP,
      topics: [TOPIC],
    });
    ours.push(m);
    return m;
  };
  const stopOurs = async (m: RunningMember): Promise<void> => {
    ours.splice(ours.indexOf(m), 1);
    await m.stop();
  };
  const startKcat = (): void => {
    const child = spawn(
      'kcat',
      [
        '-b',
        broker.bootstrap,
        '-G',
        GROUP,
        TOPIC,
        '-X',
        'client.id=kcat-member',
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
        '%s\n',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let partial = '';
    child.stdout.on('data', (b: Buffer) => {
      const lines = (partial + b.toString()).split('\n');
      partial = lines.pop()!;
      kcatSeen.push(...lines.filter((l) => l !== ''));
    });
    kcat = child;
  };

  /** Partitions per client id, as the coordinator stores the Stable group's assignment. */
  const owners = (): Record<string, number[]> => {
    const d = broker.groups.describeGroup(GROUP);
    if (d.state !== 'Stable') return {};
    return Object.fromEntries(
      d.members.map((m) => [
        m.clientId,
        decodeAssignment(m.assignment)
          .partitions.map((tp) => tp.partition)
          .sort(),
      ]),
    );
  };
  const split = (a: string, b: string) => (): boolean => {
    const o = owners();
    return o[a]?.length === 2 && o[b]?.length === 2;
  };
  let produced = 0;
  const produce = async (n: number): Promise<void> => {
    await producer.send(
      TOPIC,
      Array.from({ length: n }, (_, i) => ({ value: `m${produced + i}`, partition: (produced + i) % 4 })),
    );
    produced += n;
  };
  const union = (): Set<string> =>
    new Set([...kcatSeen, ...ours.flatMap((m) => m.records.map((r) => r.value)), ...gone]);
  const gone: string[] = [];

  it('share partitions under "range" with either leading, hand over on leave, and lose no record', async () => {
    // Ours joins first and leads: our range assignor splits the topic, kcat reads its half.
    const first = startOurs();
    await until(() => first.assigned().length === 4, 'our member to join');
    startKcat();
    await until(split('rivulet-member', 'kcat-member'), 'our member and kcat sharing the topic');
    expect(broker.groups.describeGroup(GROUP).protocolData).toBe('range');
    expect(leaderClientId(broker, GROUP)).toBe('rivulet-member');
    await until(() => first.assigned().length === 2, 'our member to see its half');
    expect(first.assigned()).toEqual(owners()['rivulet-member']);
    await produce(40);
    await until(() => union().size === 40, 'the first 40 records');
    expect(kcatSeen.length).toBeGreaterThan(0);
    expect(first.records.length).toBeGreaterThan(0);

    // Ours leaves; kcat alone, then a new member of ours joins with kcat leading (librdkafka's range).
    await stopOurs(first);
    gone.push(...first.records.map((r) => r.value));
    await until(() => owners()['kcat-member']?.length === 4, 'kcat to own the topic');
    const second = startOurs();
    await until(split('rivulet-member', 'kcat-member'), 'kcat and our new member sharing the topic');
    expect(leaderClientId(broker, GROUP)).toBe('kcat-member');
    await until(() => second.assigned().length === 2, 'our new member to see its half');
    expect(second.assigned()).toEqual(owners()['rivulet-member']);
    await produce(40);
    await until(() => union().size === 80, '80 records');
    expect(second.records.length).toBeGreaterThan(0);

    // kcat leaves on SIGINT (it commits and sends LeaveGroup); ours takes everything over.
    const exited = new Promise((resolve) => kcat!.once('exit', resolve));
    kcat!.kill('SIGINT');
    await exited;
    kcat = null;
    await until(() => second.assigned().length === 4, 'our member to own the topic');
    await produce(20);
    await until(() => union().size === 100, 'all 100 records');
    expect([...union()].sort()).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`).sort());
    await stopOurs(second);
    expect(broker.groups.lag(GROUP)!.totalLag).toBe(0);
  }, 60_000);
});
