import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { DeleteTopics } from '../../src/protocol/messages/delete-topics.js';
import { Metadata } from '../../src/protocol/messages/metadata.js';
import { OffsetCommit } from '../../src/protocol/messages/offset-commit.js';
import { OffsetFetch } from '../../src/protocol/messages/offset-fetch.js';
import { Produce } from '../../src/protocol/messages/produce.js';
import { ZERO_UUID } from '../../src/protocol/primitives/uuid.js';
import { encodeRecordBatch } from '../../src/protocol/records/encode-batch.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { RawConnection } from '../support/raw-client.js';

/** Internal topics belong to the broker; a deleted topic takes its committed offsets with it. */
describe('internal topics and topic deletion', () => {
  let broker: TestBroker;
  let c: RawConnection;
  beforeAll(async () => {
    broker = await startTestBroker();
    c = await RawConnection.open(broker.address.port);
  });
  afterAll(async () => {
    c.close();
    await broker.destroy();
  });

  /** An offsets-only commit (generation -1), as a simple consumer sends it. */
  const commit = (groupId: string, topic: string, offset: bigint) =>
    c.request(
      OffsetCommit,
      8,
      OffsetCommit.createRequest({
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        topics: [
          {
            name: topic,
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: offset,
                committedLeaderEpoch: -1,
                commitTimestamp: -1n,
                committedMetadata: '',
              },
            ],
          },
        ],
      }),
    );

  it('refuses produce to an internal topic with INVALID_TOPIC_EXCEPTION', async () => {
    await commit('g-internal', 'anything', 1n); // makes the coordinator create __consumer_offsets
    const res = await c.request(
      Produce,
      9,
      Produce.createRequest({
        acks: -1,
        timeoutMs: 1000,
        topicData: [
          {
            name: '__consumer_offsets',
            partitionData: [
              {
                index: 0,
                records: encodeRecordBatch({ records: [{ timestamp: 0, key: null, value: null }] }),
              },
            ],
          },
        ],
      }),
    );
    expect(res.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('does not auto-create an internal topic through Metadata', async () => {
    const res = await c.request(
      Metadata,
      12,
      Metadata.createRequest({ topics: [{ topicId: ZERO_UUID, name: '__not_yours' }] }),
    );
    expect(res.topics[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect(broker.logs.topic('__not_yours')).toBeUndefined();
  });

  it('forgets committed offsets of a deleted topic, so a re-created one starts clean', async () => {
    await broker.logs.createTopic('doomed', { partitions: 1 });
    expect((await commit('g-del', 'doomed', 42n)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);
    const del = await c.request(
      DeleteTopics,
      6,
      DeleteTopics.createRequest({ topics: [{ name: 'doomed', topicId: ZERO_UUID }], timeoutMs: 1000 }),
    );
    expect(del.responses[0]!.errorCode).toBe(ErrorCode.NONE);
    const fetched = await c.request(
      OffsetFetch,
      7,
      OffsetFetch.createRequest({ groupId: 'g-del', topics: null }),
    );
    expect(fetched.topics).toEqual([]);
  });
});
