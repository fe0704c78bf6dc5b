import { Kafka, logLevel, PartitionAssigners, type Consumer, type PartitionAssigner } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, decodeAssignment, Producer, roundRobinAssignor } from '../../src/client/index.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { leaderClientId, startMember, until, type RunningMember } from './support/group-members.js';

/**
 * Our group consumer and kafkajs 2.2.4 in one group. kafkajs offers only its round-robin
 * assigner, named "RoundRobinAssigner"; registered under Kafka's name "roundrobin" it shares a
 * group with members offering `roundRobinAssignor`, whichever side leads.
 */
const TOPIC = 'kjs-mixed';
const GROUP = 'kjs-mixed-group';

const roundrobin: PartitionAssigner = (config) => ({
  ...PartitionAssigners.roundRobin(config),
  name: 'roundrobin',
});

describe('a group of our consumer and kafkajs', () => {
  let broker: TestBroker;
  let producer: Producer;
  let kafka: Kafka;
  const ours: RunningMember[] = [];
  const theirs: Consumer[] = [];
  const kafkajsSeen: string[] = [];

  beforeAll(async () => {
    broker = await startTestBroker();
    const admin = new Admin({ bootstrap: broker.bootstrap });
    await admin.createTopics([{ name: TOPIC, partitions: 4 }]);
    await admin.close();
    producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 0 });
    kafka = new Kafka({
      clientId: 'kafkajs-member',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
    });
  });
  afterAll(async () => {
    for (const c of theirs) await c.disconnect();
    await Promise.all(ours.map((m) => m.stop()));
    await producer.close();
    await broker.destroy();
  });

  const startKafkajs = async (): Promise<Consumer> => {
    const c = kafka.consumer({
      groupId: GROUP,
      partitionAssigners: [roundrobin],
      sessionTimeout: 10_000,
      heartbeatInterval: 100,
      maxWaitTimeInMs: 100,
    });
    theirs.push(c);
    await c.connect();
    await c.subscribe({ topic: TOPIC, fromBeginning: true });
    await c.run({
      eachMessage: async ({ message }) => {
        kafkajsSeen.push(message.value!.toString());
        await Promise.resolve();
      },
    });
    return c;
  };
  const owners = (): Record<string, number> => {
    const d = broker.groups.describeGroup(GROUP);
    if (d.state !== 'Stable') return {};
    return Object.fromEntries(
      d.members.map((m) => [m.clientId, decodeAssignment(m.assignment).partitions.length]),
    );
  };
  let produced = 0;
  const produce = async (n: number): Promise<void> => {
    await producer.send(
      TOPIC,
      Array.from({ length: n }, (_, i) => ({ value: `k${produced + i}`, partition: (produced + i) % 4 })),
    );
    produced += n;
  };
  const union = (): Set<string> =>
    new Set([...kafkajsSeen, ...ours.flatMap((m) => m.records.map((r) => r.value))]);

  it('agree on "roundrobin" with either leading and lose no record', async () => {
    const kjs = await startKafkajs(); // kafkajs leads
    await until(() => owners()['kafkajs-member'] === 4, 'kafkajs to own the topic');
    const mine = startMember({
      bootstrap: broker.bootstrap,
      clientId: 'rivulet-member',
      groupId: GROUP,
      topics: [TOPIC],
      assignors: [roundRobinAssignor],
    });
    ours.push(mine);
    await until(
      () => owners()['kafkajs-member'] === 2 && owners()['rivulet-member'] === 2,
      'two partitions each',
    );
    expect(leaderClientId(broker, GROUP)).toBe('kafkajs-member');
    expect(broker.groups.describeGroup(GROUP).protocolData).toBe('roundrobin');
    await produce(40);
    await until(() => union().size === 40, 'the first 40 records');
    expect(mine.records.length).toBeGreaterThan(0);
    expect(kafkajsSeen.length).toBeGreaterThan(0);

    // kafkajs leaves; ours is alone, then leads when kafkajs joins again.
    await kjs.disconnect();
    theirs.splice(theirs.indexOf(kjs), 1);
    await until(() => mine.assigned().length === 4, 'ours to own the topic');
    await startKafkajs();
    await until(() => owners()['kafkajs-member'] === 2 && owners()['rivulet-member'] === 2, 'two each again');
    expect(leaderClientId(broker, GROUP)).toBe('rivulet-member');
    await produce(40);
    await until(() => union().size === 80, 'all 80 records');
    expect([...union()].sort()).toEqual(Array.from({ length: 80 }, (_, i) => `k${i}`).sort());
  }, 60_000);
});
