import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Admin, Producer } from '../../src/client/index.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { assertBuilt, rivulet, spawnRivulet, until } from './support/cli.js';

interface DescribeJson {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  coordinator: { nodeId: number; host: string; port: number };
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    host: string;
    assignment: { topic: string; partition: number }[];
  }[];
  offsets: {
    topic: string;
    partition: number;
    committedOffset: number | null;
    endOffset: number | null;
    lag: number | null;
    memberId: string | null;
  }[];
  totalLag: number;
}

const lines = (out: string): string[] => out.split('\n').filter((l) => l !== '');

/** `rivulet consume --group` and `rivulet groups`, as child processes against a broker. */
describe('rivulet consume --group and rivulet groups', () => {
  let broker: TestBroker;
  let admin: Admin;
  let producer: Producer;
  let b: string[];

  beforeAll(async () => {
    assertBuilt();
    broker = await startTestBroker();
    admin = new Admin({ bootstrap: broker.bootstrap });
    producer = new Producer({ bootstrap: broker.bootstrap, lingerMs: 0 });
    b = ['--bootstrap', broker.bootstrap];
  });
  afterAll(async () => {
    await producer.close();
    await admin.close();
    await broker.destroy();
  });

  /** `count` records per partition, values `${tag}-${partition}-${i}`; returns the values. */
  const produce = async (
    topic: string,
    partitions: number,
    count: number,
    tag: string,
  ): Promise<string[]> => {
    const values: string[] = [];
    for (let p = 0; p < partitions; p++) {
      const batch = Array.from({ length: count }, (_, i) => ({ value: `${tag}-${p}-${i}`, partition: p }));
      await producer.send(topic, batch);
      values.push(...batch.map((r) => r.value));
    }
    return values;
  };
  const describeJson = async (group: string): Promise<DescribeJson> => {
    const r = await rivulet(['groups', 'describe', group, '--json', ...b]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(r.stdout) as DescribeJson;
  };

  it('resumes from the committed offsets after a restart, and describes the group with its lag', async () => {
    await admin.createTopics([{ name: 'resume', partitions: 3 }]);
    const first = await produce('resume', 3, 10, 'one');
    const run1 = await rivulet(['consume', '--topic', 'resume', '--group', 'resumer', ...b]);
    expect(run1.code).toBe(0);
    expect(lines(run1.stdout).sort()).toEqual([...first].sort());
    expect(run1.stderr).toBe("Consumed 30 records from 'resume' as a member of group 'resumer'.\n");

    // Nothing new: a second run prints nothing. Then only what was produced since.
    expect((await rivulet(['consume', '--topic', 'resume', '--group', 'resumer', ...b])).stdout).toBe('');
    const second = await produce('resume', 3, 4, 'two');
    expect((await describeJson('resumer')).totalLag).toBe(12);
    const run2 = await rivulet(['consume', '--topic', 'resume', '--group', 'resumer', ...b]);
    expect(lines(run2.stdout).sort()).toEqual([...second].sort());

    const d = await describeJson('resumer');
    expect(d).toMatchObject({
      groupId: 'resumer',
      state: 'Empty',
      protocolType: 'consumer',
      members: [],
      totalLag: 0,
    });
    expect(`${d.coordinator.host}:${d.coordinator.port}`).toBe(broker.bootstrap);
    expect(
      d.offsets.map((o) => [o.topic, o.partition, o.committedOffset, o.endOffset, o.lag, o.memberId]),
    ).toEqual([
      ['resume', 0, 14, 14, 0, null],
      ['resume', 1, 14, 14, 0, null],
      ['resume', 2, 14, 14, 0, null],
    ]);
    const text = await rivulet(['groups', 'describe', 'resumer', ...b]);
    expect(text.stdout).toBe(
      [
        'Group: resumer',
        `State: Empty   Protocol: consumer   Members: 0   Coordinator: 1 (${broker.bootstrap})`,
        '',
        'Members: none',
        '',
        'TOPIC   PARTITION  COMMITTED  END  LAG  MEMBER-ID',
        'resume  0          14         14   0    -',
        'resume  1          14         14   0    -',
        'resume  2          14         14   0    -',
        'Total lag: 0',
        '',
      ].join('\n'),
    );
  });

  it('--max commits only what it printed; --from applies where nothing is committed', async () => {
    await admin.createTopics([{ name: 'limited', partitions: 1 }]);
    await produce('limited', 1, 10, 'l');
    const some = await rivulet([
      'consume',
      '--topic',
      'limited',
      '--group',
      'limiter',
      '--from',
      '4',
      '--max',
      '3',
      ...b,
    ]);
    expect(lines(some.stdout)).toEqual(['l-0-4', 'l-0-5', 'l-0-6']);
    const rest = await rivulet(['consume', '--topic', 'limited', '--group', 'limiter', '--from', '0', ...b]);
    expect(lines(rest.stdout)).toEqual(['l-0-7', 'l-0-8', 'l-0-9']); // the committed offset wins over --from
    const late = await rivulet([
      'consume',
      '--topic',
      'limited',
      '--group',
      'late-joiner',
      '--from',
      'latest',
      ...b,
    ]);
    expect(late.stdout).toBe('');
    expect((await describeJson('late-joiner')).offsets.map((o) => o.committedOffset)).toEqual([10]);
  });

  it('two followers share the partitions, each record printed once; SIGINT and SIGTERM leave the group', async () => {
    await admin.createTopics([{ name: 'shared', partitions: 4 }]);
    const args = ['consume', '--topic', 'shared', '--group', 'sharers', '--follow', '--format', 'json', ...b];
    const one = spawnRivulet(args);
    const two = spawnRivulet(args);
    const assigned = (d: DescribeJson): number[] => d.members.map((m) => m.assignment.length).sort();
    const snapshot = { d: null as DescribeJson | null };
    await until(() => {
      const g = broker.groups.describeGroup('sharers');
      return g.state === 'Stable' && g.members.length === 2;
    }, 'both consumers in the group');
    snapshot.d = await describeJson('sharers');
    expect(snapshot.d.state).toBe('Stable');
    expect(snapshot.d.protocol).toBe('range');
    expect(assigned(snapshot.d)).toEqual([2, 2]);
    expect(snapshot.d.members.map((m) => [m.clientId, m.host])).toEqual([
      ['rivulet-cli', '/127.0.0.1'],
      ['rivulet-cli', '/127.0.0.1'],
    ]);

    const values = await produce('shared', 4, 25, 's');
    const seen = (): { value: string; partition: number }[][] =>
      [one, two].map((c) =>
        lines(c.stdout()).map((l) => JSON.parse(l) as { value: string; partition: number }),
      );
    await until(() => seen().flat().length >= 100, 'all 100 records');
    const [a, c] = seen();
    expect(a!.length).toBeGreaterThan(0);
    expect(c!.length).toBeGreaterThan(0);
    expect([...a!, ...c!].map((r) => r.value).sort()).toEqual([...values].sort());
    const partitionsOf = (rs: { partition: number }[]) => new Set(rs.map((r) => r.partition));
    expect([...partitionsOf(a!)].some((p) => partitionsOf(c!).has(p))).toBe(false);

    // The text report: both members with their partitions, lag 0 once both committed.
    const committed = (): (number | null)[] | undefined =>
      broker.groups.lag('sharers')?.partitions.map((p) => p.committedOffset);
    await until(() => committed()?.join() === '25,25,25,25', 'both members to commit what they printed');
    const text = (await rivulet(['groups', 'describe', 'sharers', ...b])).stdout;
    expect(text).toContain('State: Stable   Protocol: consumer (range)   Members: 2');
    for (const m of snapshot.d.members) expect(text).toContain(m.memberId);
    expect(text).toMatch(/shared {2}0 +25 +25 +0 +rivulet-cli-/);
    expect((await rivulet(['groups', 'list', ...b])).stdout).toMatch(/^sharers +Stable +consumer$/m);

    // A group with members cannot be deleted.
    const refused = await rivulet(['groups', 'delete', 'sharers', ...b]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('NON_EMPTY_GROUP (the group still has members; stop them first)');

    one.child.kill('SIGINT');
    expect(await one.exited).toBe(0);
    // It sent LeaveGroup: the other member is alone at once, not after a session timeout.
    expect(broker.groups.describeGroup('sharers').members).toHaveLength(1);
    await produce('shared', 4, 5, 'after');
    const after = (): string[] =>
      seen()[1]!
        .filter((r) => r.value.startsWith('after'))
        .map((r) => r.value);
    await until(() => after().length === 20, 'the remaining member to read every new record');
    two.child.kill('SIGTERM');
    expect(await two.exited).toBe(0);
    expect(broker.groups.describeGroup('sharers').members).toHaveLength(0);
    expect(broker.groups.lag('sharers')!.partitions.map((p) => p.committedOffset)).toEqual([30, 30, 30, 30]);
    // Every record printed exactly once across both: the second resumed where the first committed.
    const everything = seen()
      .flat()
      .map((r) => r.value);
    expect(everything).toHaveLength(120);
    expect(new Set(everything).size).toBe(120);

    const json = JSON.parse((await rivulet(['groups', 'list', '--json', ...b])).stdout) as unknown[];
    expect(json).toContainEqual({ groupId: 'sharers', protocolType: 'consumer', state: 'Empty' });
    const deleted = await rivulet(['groups', 'delete', 'sharers', 'resumer', ...b]);
    expect(deleted).toMatchObject({
      code: 0,
      stdout: "Deleted group 'sharers'.\nDeleted group 'resumer'.\n",
    });
    expect((await rivulet(['groups', 'list', '--state', 'Empty', '--json', ...b])).stdout).not.toContain(
      'sharers',
    );
  }, 60_000);

  it('reports usage errors with exit code 2', async () => {
    const combined = await rivulet(['consume', '--topic', 't', '--group', 'g', '--partition', '0', ...b]);
    expect(combined.code).toBe(2);
    expect(combined.stderr).toContain('--partition cannot be combined with --group');
    const missing = await rivulet(['consume', '--topic', 'no-such-topic', '--group', 'g', ...b]);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain("topic 'no-such-topic' does not exist");
    const unknown = await rivulet(['groups', 'describe', 'no-such-group', ...b]);
    expect(unknown).toMatchObject({
      code: 2,
      stderr: "rivulet groups: group 'no-such-group' does not exist [RIV_ERR_INVALID_ARGUMENT]\n",
    });
    expect((await rivulet(['groups', 'delete', 'no-such-group', ...b])).code).toBe(2);
    expect((await rivulet(['groups', 'describe', ...b])).stderr).toContain(
      'groups describe needs a group id',
    );
    expect((await rivulet(['groups', 'rename', ...b])).stderr).toContain("unknown groups action 'rename'");
  });
});
