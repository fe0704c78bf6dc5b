import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  Kafka,
  logLevel,
  PartitionAssigners,
  type Consumer,
  type PartitionAssigner,
  type Producer,
} from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAssignment } from '../groups/harness.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { assertClient, clients, PYTHON, skipUnless } from './clients.js';

/**
 * A group mixing kafkajs 2.2.4 and librdkafka 2.0.2 (confluent-kafka) members. They share no
 * assignor name out of the box: kafkajs offers only "RoundRobinAssigner", librdkafka "range",
 * "roundrobin" and "cooperative-sticky" (default "range,roundrobin"), so the second client to
 * join gets INCONSISTENT_GROUP_PROTOCOL. Both encode subscriptions and assignments in the
 * standard consumer protocol, so kafkajs's round-robin assigner registered under librdkafka's
 * name "roundrobin" works with librdkafka's: whichever member leads computes the assignment and
 * the others accept it.
 */
const available = clients.confluentKafka();
const memberScript = fileURLToPath(new URL('./python/confluent_kafka_group_member.py', import.meta.url));
const TOPIC = 'mixed';
const GROUP = 'mixed-app';
const PARTITIONS = 6;

/** kafkajs's round-robin assigner under librdkafka's protocol name. */
const roundrobin: PartitionAssigner = (config) => ({
  ...PartitionAssigners.roundRobin(config),
  name: 'roundrobin',
});

const until = async (cond: () => boolean, what: string, ms = 30_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

interface MemberEvent {
  event: string;
  partitions?: number[];
  value?: string;
}

describe.skipIf(skipUnless(available))('mixed consumer group: kafkajs and librdkafka members', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let producer: Producer;
  const consumers: Consumer[] = [];
  const children: ChildProcess[] = [];
  const seen = new Map<string, Set<string>>();

  beforeAll(async () => {
    assertClient('python3-confluent-kafka', available);
    broker = await startTestBroker();
    await broker.logs.createTopic(TOPIC, { partitions: PARTITIONS });
    kafka = new Kafka({ clientId: 'mixed-kafkajs', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    producer = kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    for (const c of consumers) await c.disconnect();
    await producer.disconnect();
    await broker.destroy();
  });

  const kafkajsMember = async (name: string): Promise<Consumer> => {
    const got = new Set<string>();
    seen.set(name, got);
    const c = kafka.consumer({
      groupId: GROUP,
      partitionAssigners: [roundrobin],
      sessionTimeout: 6000,
      heartbeatInterval: 200,
      maxWaitTimeInMs: 200,
    });
    consumers.push(c);
    await c.connect();
    await c.subscribe({ topic: TOPIC, fromBeginning: true });
    await c.run({
      eachMessage: async ({ message }) => {
        got.add(message.value!.toString());
        await Promise.resolve();
      },
    });
    return c;
  };

  const librdkafkaMember = (name: string): { child: ChildProcess; events: MemberEvent[] } => {
    const got = new Set<string>();
    seen.set(name, got);
    const events: MemberEvent[] = [];
    const child = spawn(PYTHON, [memberScript, broker.bootstrap, GROUP, TOPIC, 'roundrobin'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    children.push(child);
    let partial = '';
    child.stdout.on('data', (b: Buffer) => {
      const parts = (partial + b.toString()).split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        const e = JSON.parse(line) as MemberEvent;
        events.push(e);
        if (e.event === 'record') got.add(e.value!);
      }
    });
    return { child, events };
  };

  let produced = 0;
  const produce = async (n: number): Promise<void> => {
    const messages = Array.from({ length: n }, (_, i) => ({ value: `m${produced + i}` }));
    produced += n;
    await producer.send({ topic: TOPIC, messages });
  };
  const union = () => new Set([...seen.values()].flatMap((s) => [...s]));
  /** The group is Stable with `n` members whose assignments cover every partition exactly once. */
  const stableWith = (n: number) => (): boolean => {
    const d = broker.groups.describeGroup(GROUP);
    if (d.state !== 'Stable' || d.members.length !== n) return false;
    const owned = d.members.flatMap((m) => decodeAssignment(m.assignment).flatMap((tp) => tp.partitions));
    return owned.length === PARTITIONS && new Set(owned).size === PARTITIONS;
  };

  const leaderClientId = (): string | undefined => {
    const g = broker.groups.group(GROUP);
    return g?.members.get(g.leaderId ?? '')?.clientId;
  };

  it('agree on "roundrobin" with either client leading, rebalance as members come and go, lose no record', async () => {
    // librdkafka joins first and leads: it assigns with its own roundrobin.
    const rdk = librdkafkaMember('librdkafka-1');
    await until(() => rdk.events.some((e) => e.event === 'assign'), 'librdkafka to join');
    await kafkajsMember('kafkajs-1');
    await until(stableWith(2), 'kafkajs and librdkafka sharing the topic');
    expect(leaderClientId()).toBe('librdkafka-member');
    expect(broker.groups.describeGroup(GROUP).protocolData).toBe('roundrobin');
    const clientIds = broker.groups
      .describeGroup(GROUP)
      .members.map((m) => m.clientId)
      .sort();
    expect(clientIds).toEqual(['librdkafka-member', 'mixed-kafkajs']);

    await produce(300);
    await until(() => union().size === 300, 'the first 300 records');
    expect(seen.get('kafkajs-1')!.size).toBeGreaterThan(0);
    expect(seen.get('librdkafka-1')!.size).toBeGreaterThan(0);

    await kafkajsMember('kafkajs-2');
    await until(stableWith(3), 'three members');
    await produce(150);
    await until(() => union().size === 450, '450 records');

    // The librdkafka member leaves (close: commit, LeaveGroup); the kafkajs members take over.
    rdk.child.stdin!.end();
    await until(() => rdk.events.some((e) => e.event === 'closed'), 'librdkafka to close');
    await until(stableWith(2), 'the two kafkajs members');
    expect(leaderClientId()).toBe('mixed-kafkajs'); // now kafkajs's assigner leads
    await produce(150);
    await until(() => union().size === 600, 'all 600 records');
    expect([...union()].sort()).toEqual(Array.from({ length: 600 }, (_, i) => `m${i}`).sort());
    expect(rdk.events.filter((e) => e.event === 'error')).toEqual([]);
  }, 60_000);

  it('without a common assignor name the second client is refused: INCONSISTENT_GROUP_PROTOCOL', async () => {
    const group = 'mixed-default';
    const { child, events } = (() => {
      // librdkafka's default strategy list, "range,roundrobin", in a fresh group.
      const got: MemberEvent[] = [];
      const c = spawn(PYTHON, [memberScript, broker.bootstrap, group, TOPIC, 'range,roundrobin'], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      children.push(c);
      c.stdout.on('data', (b: Buffer) => {
        for (const line of b
          .toString()
          .split('\n')
          .filter((l) => l !== ''))
          got.push(JSON.parse(line) as MemberEvent);
      });
      return { child: c, events: got };
    })();
    await until(() => events.some((e) => e.event === 'assign'), 'librdkafka to join');
    const joined = kafka.consumer({ groupId: group, retry: { retries: 0 } });
    consumers.push(joined);
    await joined.connect();
    await joined.subscribe({ topic: TOPIC });
    const crashed = new Promise<string>((resolve) => {
      joined.on(joined.events.CRASH, (e) => {
        resolve(String((e.payload.error as { type?: string }).type));
      });
    });
    await joined.run({ eachMessage: () => Promise.resolve() });
    expect(await crashed).toBe('INCONSISTENT_GROUP_PROTOCOL');
    expect(broker.groups.describeGroup(group).members.map((m) => m.clientId)).toEqual(['librdkafka-member']);
    child.stdin.end();
  }, 30_000);
});
