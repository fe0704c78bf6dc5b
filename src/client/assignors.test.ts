import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareMembers,
  rangeAssignor,
  roundRobinAssignor,
  type MemberSubscription,
  type PartitionAssignor,
} from './assignors.js';
import type { TopicPartition } from './consumer-types.js';

const member = (
  memberId: string,
  topics: string[],
  groupInstanceId: string | null = null,
): MemberSubscription => ({
  memberId,
  groupInstanceId,
  topics,
  userData: null,
});

/** Assignment as 'topic-partition' strings per member, for readable expectations. */
function names(result: Map<string, TopicPartition[]>): Record<string, string[]> {
  return Object.fromEntries(
    [...result].map(([m, tps]) => [m, tps.map((tp) => `${tp.topic}-${tp.partition}`)]),
  );
}

describe('range assignor (Kafka RangeAssignorTest cases)', () => {
  it('two consumers, two 3-partition topics: the first takes the extra partition of each topic', () => {
    const r = rangeAssignor.assign(
      [member('consumer1', ['t1', 't2']), member('consumer2', ['t1', 't2'])],
      new Map([
        ['t1', 3],
        ['t2', 3],
      ]),
    );
    expect(names(r)).toEqual({
      consumer1: ['t1-0', 't1-1', 't2-0', 't2-1'],
      consumer2: ['t1-2', 't2-2'],
    });
  });

  it('only members subscribed to a topic share it; a missing topic is skipped', () => {
    const r = rangeAssignor.assign(
      [member('c1', ['t1']), member('c2', ['t1', 't2']), member('c3', ['t1', 'missing'])],
      new Map([
        ['t1', 3],
        ['t2', 2],
      ]),
    );
    expect(names(r)).toEqual({ c1: ['t1-0'], c2: ['t1-1', 't2-0', 't2-1'], c3: ['t1-2'] });
  });

  it('more consumers than partitions: the last ones get nothing', () => {
    const r = rangeAssignor.assign(
      [member('a', ['t']), member('b', ['t']), member('c', ['t'])],
      new Map([['t', 2]]),
    );
    expect(names(r)).toEqual({ a: ['t-0'], b: ['t-1'], c: [] });
  });

  it('static members sort by instance id, before dynamic ones', () => {
    const members = [member('m-1', ['t']), member('m-2', ['t'], 'zeta'), member('m-3', ['t'], 'alpha')];
    expect([...members].sort(compareMembers).map((m) => m.memberId)).toEqual(['m-3', 'm-2', 'm-1']);
    expect(names(rangeAssignor.assign(members, new Map([['t', 3]])))).toEqual({
      'm-3': ['t-0'],
      'm-2': ['t-1'],
      'm-1': ['t-2'],
    });
  });
});

describe('roundrobin assignor (Kafka RoundRobinAssignorTest cases)', () => {
  it('two consumers, two 3-partition topics: partitions dealt in topic order', () => {
    const r = roundRobinAssignor.assign(
      [member('consumer1', ['t1', 't2']), member('consumer2', ['t1', 't2'])],
      new Map([
        ['t1', 3],
        ['t2', 3],
      ]),
    );
    expect(names(r)).toEqual({ consumer1: ['t1-0', 't1-2', 't2-1'], consumer2: ['t1-1', 't2-0', 't2-2'] });
  });

  it('skips members not subscribed to the topic being dealt (testMultipleConsumersMixedTopics)', () => {
    const r = roundRobinAssignor.assign(
      [
        member('consumer1', ['topic1']),
        member('consumer2', ['topic1', 'topic2']),
        member('consumer3', ['topic1']),
      ],
      new Map([
        ['topic1', 3],
        ['topic2', 2],
      ]),
    );
    expect(names(r)).toEqual({
      consumer1: ['topic1-0'],
      consumer2: ['topic1-1', 'topic2-0', 'topic2-1'],
      consumer3: ['topic1-2'],
    });
  });

  it('with no members assigns nothing', () => {
    expect(roundRobinAssignor.assign([], new Map([['t', 3]])).size).toBe(0);
  });
});

const groups = fc
  .record({
    topics: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1 }),
    counts: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 4, maxLength: 4 }),
    members: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
    subscriptions: fc.array(fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), {
      minLength: 8,
      maxLength: 8,
    }),
  })
  .map(({ topics, counts, members, subscriptions }) => {
    const partitionsPerTopic = new Map<string, number>(topics.map((t) => [t, counts['abcd'.indexOf(t)]!]));
    const subs = members.map((id, i) => {
      const picked = topics.filter((_, j) => subscriptions[i]![j]);
      return member(id, picked.length > 0 ? picked : [topics[0]!]);
    });
    return { partitionsPerTopic, subs };
  });

function checkValid(assignor: PartitionAssignor): void {
  fc.assert(
    fc.property(groups, ({ partitionsPerTopic, subs }) => {
      const result = assignor.assign(subs, partitionsPerTopic);
      expect(new Set(result.keys())).toEqual(new Set(subs.map((m) => m.memberId)));
      const seen = new Set<string>();
      for (const m of subs) {
        for (const tp of result.get(m.memberId)!) {
          expect(m.topics).toContain(tp.topic); // only subscribed topics
          const k = `${tp.topic}-${tp.partition}`;
          expect(seen.has(k)).toBe(false); // each partition once
          seen.add(k);
        }
      }
      // Every partition of every subscribed topic is assigned.
      let total = 0;
      for (const t of new Set(subs.flatMap((m) => m.topics))) total += partitionsPerTopic.get(t) ?? 0;
      expect(seen.size).toBe(total);
    }),
  );
}

describe('assignor properties', () => {
  it('range: every subscribed partition to exactly one subscriber', () => {
    checkValid(rangeAssignor);
  });
  it('roundrobin: every subscribed partition to exactly one subscriber', () => {
    checkValid(roundRobinAssignor);
  });

  it('range: per topic, subscribers differ by at most one partition', () => {
    fc.assert(
      fc.property(groups, ({ partitionsPerTopic, subs }) => {
        const result = rangeAssignor.assign(subs, partitionsPerTopic);
        for (const [topic] of partitionsPerTopic) {
          const counts = subs
            .filter((m) => m.topics.includes(topic))
            .map((m) => result.get(m.memberId)!.filter((tp) => tp.topic === topic).length);
          if (counts.length > 0) expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('roundrobin: members with identical subscriptions differ by at most one partition', () => {
    fc.assert(
      fc.property(groups, ({ partitionsPerTopic, subs }) => {
        const same = subs.map((m) => ({ ...m, topics: [...partitionsPerTopic.keys()] }));
        const result = roundRobinAssignor.assign(same, partitionsPerTopic);
        const counts = same.map((m) => result.get(m.memberId)!.length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('both are deterministic: the member order given does not matter', () => {
    fc.assert(
      fc.property(groups, ({ partitionsPerTopic, subs }) => {
        for (const a of [rangeAssignor, roundRobinAssignor]) {
          expect(names(a.assign([...subs].reverse(), partitionsPerTopic))).toEqual(
            names(a.assign(subs, partitionsPerTopic)),
          );
        }
      }),
    );
  });
});
