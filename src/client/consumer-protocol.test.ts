import { describe, expect, it } from 'vitest';
import { encodeConsumerProtocolSubscription } from '../protocol/messages/data/consumer-protocol-subscription.js';
import { Writer } from '../protocol/primitives/writer.js';
import { isRivuletError } from '../shared/errors.js';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from './consumer-protocol.js';

describe('consumer protocol encodings', () => {
  it('round-trips a subscription and an assignment, partitions grouped by topic', () => {
    const sub = { topics: ['orders', 'payments'], userData: Buffer.from('hi'), ownedPartitions: [] };
    expect(decodeSubscription(encodeSubscription(sub))).toEqual(sub);
    const partitions = [
      { topic: 'orders', partition: 2 },
      { topic: 'payments', partition: 0 },
      { topic: 'orders', partition: 0 },
    ];
    const bytes = encodeAssignment({ partitions, userData: null });
    expect(bytes.readInt16BE(0)).toBe(0);
    expect(decodeAssignment(bytes).partitions).toEqual([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 2 },
      { topic: 'payments', partition: 0 },
    ]);
  });

  it('writes subscription v1 exactly as Kafka lays it out', () => {
    const bytes = encodeSubscription({ topics: ['t'], userData: null, ownedPartitions: [] });
    // version 1 | topics [1: "t"] | user data null | owned partitions []
    expect(bytes.toString('hex')).toBe('0001' + '00000001' + '0001' + '74' + 'ffffffff' + '00000000');
  });

  it('reads a version newer than it knows as its latest, ignoring appended fields', () => {
    const w = new Writer();
    w.int16(7);
    encodeConsumerProtocolSubscription(
      w,
      {
        topics: ['t'],
        userData: null,
        ownedPartitions: [{ topic: 't', partitions: [1] }],
        generationId: 4,
        rackId: 'r1',
      },
      3,
    );
    w.int32(12345); // a field of "version 7"
    expect(decodeSubscription(w.finish())).toEqual({
      topics: ['t'],
      userData: null,
      ownedPartitions: [{ topic: 't', partition: 1 }],
    });
  });

  it('reads an empty assignment as no partitions, and refuses garbage with RIV_ERR_CONNECTION', () => {
    expect(decodeAssignment(Buffer.alloc(0))).toEqual({ partitions: [], userData: null });
    let caught: unknown;
    try {
      decodeAssignment(Buffer.from([0, 0, 0, 0, 0, 9]));
    } catch (err) {
      caught = err;
    }
    expect(isRivuletError(caught, 'RIV_ERR_CONNECTION')).toBe(true);
    expect(() => decodeSubscription(Buffer.from([0xff, 0xff]))).toThrow(
      'malformed consumer-protocol subscription',
    );
  });
});
