import { describe, expect, it } from 'vitest';
import { Fetch, JoinGroup } from '../../src/protocol/messages/index.js';
import {
  decodeConsumerProtocolSubscription,
  encodeConsumerProtocolSubscription,
} from '../../src/protocol/messages/data/consumer-protocol-subscription.js';
import { Reader } from '../../src/protocol/primitives/reader.js';
import { ZERO_UUID } from '../../src/protocol/primitives/uuid.js';
import { Writer } from '../../src/protocol/primitives/writer.js';
import { decodeBody, fixturesOf, readFrame } from './load.js';
import { CONSUME_TOPIC, PLANS } from './scenario.js';

/*
 * The group consumer's first JoinGroup and first Fetch, field by field against the consumer
 * settings the capture script gave each client. Between the two, the responder made the member
 * the group's leader, reported no committed offset and answered ListOffsets with 0, so every
 * client (auto.offset.reset earliest) fetches from offset 0.
 */

describe.each(fixturesOf('JoinGroup').map((e) => [e.file, e] as const))('%s', (_file, entry) => {
  const c = PLANS[entry.client].consumer;
  const body = decodeBody(readFrame(entry), JoinGroup);

  it('joins the planned group with the planned timeouts and assignors', () => {
    // v1 added the rebalance timeout and v5 the static member id: versions that can carry the plan.
    expect(entry.version).toBeGreaterThanOrEqual(c.groupInstanceId === null ? 1 : 5);
    expect(body).toStrictEqual({
      groupId: c.groupId,
      sessionTimeoutMs: c.sessionTimeoutMs,
      rebalanceTimeoutMs: c.rebalanceTimeoutMs,
      // A first join: the coordinator hands out the member id.
      memberId: '',
      groupInstanceId: c.groupInstanceId,
      protocolType: 'consumer',
      protocols: c.assignors.map((name) => ({ name, metadata: expect.any(Buffer) as Buffer })),
      reason: null,
    });
  });

  it.each(body.protocols.map((p) => [p.name, p.metadata] as const))(
    "subscribes to the consumer's topic in %s's metadata (ConsumerProtocolSubscription)",
    (_name, metadata) => {
      const r = new Reader(metadata);
      const version = r.int16();
      const subscription = decodeConsumerProtocolSubscription(r, version);
      expect(r.remaining).toBe(0);
      expect(subscription).toStrictEqual({
        topics: [CONSUME_TOPIC],
        // Every client sends empty user data rather than null.
        userData: Buffer.alloc(0),
        ownedPartitions: [],
        generationId: -1,
        rackId: null,
      });
      const w = new Writer();
      w.int16(version);
      encodeConsumerProtocolSubscription(w, subscription, version);
      expect(w.finish().equals(metadata)).toBe(true);
    },
  );
});

describe.each(fixturesOf('Fetch').map((e) => [e.file, e] as const))('%s', (_file, entry) => {
  const c = PLANS[entry.client].consumer;
  const body = decodeBody(readFrame(entry), Fetch);

  it('fetches the consumed partition from offset 0 with the planned limits and isolation', () => {
    // v3 added the response size limit and v4 the isolation level.
    expect(entry.version).toBeGreaterThanOrEqual(4);
    expect(body).toStrictEqual({
      clusterId: null,
      // A consumer, not a follower.
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs: c.maxWaitMs,
      minBytes: c.minBytes,
      maxBytes: c.maxBytes,
      isolationLevel: c.isolationLevel,
      // No incremental fetch session (KIP-227): a full fetch that asks for none.
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: CONSUME_TOPIC,
          topicId: ZERO_UUID,
          partitions: [
            {
              partition: 0,
              // None of these clients sends leader epochs (KIP-320), though Metadata gave one.
              currentLeaderEpoch: -1,
              fetchOffset: 0n,
              lastFetchedEpoch: -1,
              // Only followers know a log start offset.
              logStartOffset: -1n,
              partitionMaxBytes: c.partitionMaxBytes,
              replicaDirectoryId: ZERO_UUID,
            },
          ],
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });
  });
});
