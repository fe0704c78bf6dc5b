import { spawn, type ChildProcess } from 'node:child_process';
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../support/broker.js';

const TOPIC = 'kjs-group';
const GROUP = 'kjs-app';
const PARTITIONS = 6;
/** Short sessions so a crashed member is noticed quickly (the broker allows ≥ 1 s here). */
const SESSION_MS = 3000;
const HEARTBEAT_MS = 300;
/**
 * kafkajs heartbeats between fetches only, so a fetch may not long-poll for longer than the
 * session (its default 5 s wait outlives a 3 s session: the member would be expired while idle).
 */
const MAX_WAIT_MS = 200;

/**
 * A kafkajs group member in its own process, so that it can really crash (SIGKILL: no
 * LeaveGroup, no last commit). It prints one JSON line per event: `assigned` and `record`.
 */
const memberScript = (bootstrap: string) => `
import { Kafka, logLevel } from 'kafkajs';
const kafka = new Kafka({ clientId: 'kjs-crasher', brokers: ['${bootstrap}'], logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: '${GROUP}', sessionTimeout: ${SESSION_MS}, heartbeatInterval: ${HEARTBEAT_MS}, rebalanceTimeout: 10000, maxWaitTimeInMs: ${MAX_WAIT_MS} });
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
consumer.on(consumer.events.GROUP_JOIN, (e) => say({ event: 'assigned', assignment: e.payload.memberAssignment }));
await consumer.connect();
await consumer.subscribe({ topic: '${TOPIC}', fromBeginning: true });
await consumer.run({ autoCommitThreshold: 1, eachMessage: async ({ message }) => say({ event: 'record', value: message.value.toString() }) });
`;

const until = async (cond: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

/**
 * kafkajs 2.2.4 consumer groups: three members share a topic; one leaves, one crashes (its
 * session times out); the survivor takes over every partition, and a new member resumes from
 * the committed offsets: no record is lost.
 */
describe('kafkajs consumer group', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let child: ChildProcess | undefined;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    broker = await startTestBroker({ config: { 'group.min.session.timeout.ms': '1000' } });
    kafka = new Kafka({ clientId: 'kjs-group', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    producer = kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    for (const c of consumers) await c.disconnect();
    await producer.disconnect();
    await admin.disconnect();
    await broker.destroy();
  });

  const produce = async (from: number, to: number): Promise<void> => {
    const messages = [];
    for (let i = from; i < to; i++) messages.push({ key: `k${i}`, value: `v${i}` });
    await producer.send({ topic: TOPIC, messages });
  };

  const member = async (seen: Set<string>): Promise<Consumer> => {
    const c = kafka.consumer({
      groupId: GROUP,
      sessionTimeout: SESSION_MS,
      heartbeatInterval: HEARTBEAT_MS,
      rebalanceTimeout: 10_000,
      maxWaitTimeInMs: MAX_WAIT_MS,
    });
    consumers.push(c);
    await c.connect();
    await c.subscribe({ topic: TOPIC, fromBeginning: true });
    await c.run({
      autoCommitThreshold: 1,
      eachMessage: async ({ message }) => {
        seen.add(message.value!.toString());
        await Promise.resolve();
      },
    });
    return c;
  };

  const described = async () => (await admin.describeGroups([GROUP])).groups[0]!;

  it('three members join, one leaves, one crashes; consumption resumes from committed offsets', async () => {
    const seenA = new Set<string>();
    const seenB = new Set<string>();
    const seenC = new Set<string>();
    let childAssigned = false;
    child = spawn(process.execPath, ['--input-type=module', '-e', memberScript(broker.bootstrap)], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const e = JSON.parse(line) as {
          event: string;
          value?: string;
          assignment?: Record<string, number[]>;
        };
        if (e.event === 'record') seenC.add(e.value!);
        if (e.event === 'assigned') childAssigned = Object.values(e.assignment ?? {}).flat().length > 0;
      }
    });
    await member(seenA);
    const b = await member(seenB);

    await until(async () => {
      const g = await described();
      return g.state === 'Stable' && g.members.length === 3;
    }, 'three members in a Stable group');
    await until(() => childAssigned, 'the child member to get partitions');
    const three = await described();
    expect(three.protocol).toBe('RoundRobinAssigner');

    await produce(0, 300);
    await until(() => seenA.size + seenB.size + seenC.size >= 300, 'the first 300 records');
    const unionSize = () => new Set([...seenA, ...seenB, ...seenC]).size;
    expect(seenA.size).toBeGreaterThan(0);
    expect(seenB.size).toBeGreaterThan(0);
    expect(seenC.size).toBeGreaterThan(0);

    // B leaves cleanly (LeaveGroup); C crashes without a word and is noticed by its session timeout.
    await b.disconnect();
    consumers.splice(consumers.indexOf(b), 1);
    child.kill('SIGKILL');
    await until(async () => {
      const g = await described();
      return g.state === 'Stable' && g.members.length === 1;
    }, 'the crashed member to be removed');
    await produce(300, 600);
    await until(() => unionSize() >= 600, 'all 600 records');
    const all = new Set([...seenA, ...seenB, ...seenC]);
    expect(all.size).toBe(600);
    for (let i = 0; i < 600; i++) expect(all.has(`v${i}`)).toBe(true);

    // A stops; its offsets were committed record by record.
    const a = consumers.pop()!;
    await a.disconnect();
    const committed = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    const ends = await admin.fetchTopicOffsets(TOPIC);
    const committedByPartition = Object.fromEntries(
      committed[0]!.partitions.map((p) => [p.partition, p.offset]),
    );
    expect(committedByPartition).toEqual(Object.fromEntries(ends.map((e) => [e.partition, e.high])));
    expect((await described()).state).toBe('Empty');

    // A new member resumes where the group left off: only the new records arrive.
    const seenD = new Set<string>();
    await member(seenD);
    await produce(600, 650);
    await until(() => seenD.size >= 50, 'the new records');
    await new Promise((r) => setTimeout(r, 200));
    expect([...seenD].sort()).toEqual(Array.from({ length: 50 }, (_, i) => `v${600 + i}`).sort());
  }, 60_000);
});
