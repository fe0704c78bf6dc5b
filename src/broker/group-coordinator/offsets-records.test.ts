import { describe, expect, it } from 'vitest';
import {
  decodeGroupValue,
  decodeKey,
  decodeOffsetValue,
  encodeGroupKey,
  encodeGroupValue,
  encodeOffsetKey,
  encodeOffsetValue,
  type GroupMetadataValue,
} from './offsets-records.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('__consumer_offsets records (Kafka format)', () => {
  it('writes an offset key as Kafka does (version 1: group, topic, partition)', () => {
    expect(encodeOffsetKey('g', 't', 3)).toEqual(hex('0001 0001 67 0001 74 00000003'));
    expect(decodeKey(hex('0000 0001 67 0001 74 00000003'))).toEqual({
      kind: 'offset',
      group: 'g',
      topic: 't',
      partition: 3,
    });
  });

  it('writes a group key as Kafka does (version 2)', () => {
    expect(encodeGroupKey('app')).toEqual(hex('0002 0003 617070'));
    expect(decodeKey(encodeGroupKey('app'))).toEqual({ kind: 'group', group: 'app' });
  });

  it('writes offset value v3 (with leader epoch), or v1 when the commit has an expiry', () => {
    const v3 = { offset: 42, leaderEpoch: 7, metadata: 'm', commitTimestamp: 1000, expireTimestamp: -1 };
    expect(encodeOffsetValue(v3)).toEqual(hex('0003 000000000000002a 00000007 0001 6d 00000000000003e8'));
    expect(decodeOffsetValue(encodeOffsetValue(v3))).toEqual(v3);
    const v1 = { offset: 5, leaderEpoch: 9, metadata: '', commitTimestamp: 1000, expireTimestamp: 2000 };
    expect(encodeOffsetValue(v1)).toEqual(
      hex('0001 0000000000000005 0000 00000000000003e8 00000000000007d0'),
    );
    expect(decodeOffsetValue(encodeOffsetValue(v1))).toEqual({ ...v1, leaderEpoch: -1 });
  });

  it('reads offset values v0 and v2 written by older Kafka versions', () => {
    const v0 = hex('0000 0000000000000010 0002 6869 0000000000000064');
    expect(decodeOffsetValue(v0)).toEqual({
      offset: 16,
      leaderEpoch: -1,
      metadata: 'hi',
      commitTimestamp: 100,
      expireTimestamp: -1,
    });
    expect(decodeOffsetValue(hex('0002 0000000000000010 0000 0000000000000064')).offset).toBe(16);
  });

  it('round-trips group metadata v3 and reads v0', () => {
    const v: GroupMetadataValue = {
      protocolType: 'consumer',
      generationId: 4,
      protocolName: 'range',
      leaderId: 'm-1',
      stateTimestamp: 1234,
      members: [
        {
          memberId: 'm-1',
          groupInstanceId: 'i-1',
          clientId: 'c',
          clientHost: '/127.0.0.1',
          rebalanceTimeoutMs: 30000,
          sessionTimeoutMs: 10000,
          subscription: Buffer.from('sub'),
          assignment: Buffer.from('asg'),
        },
      ],
    };
    expect(decodeGroupValue(encodeGroupValue(v))).toEqual(v);
    const v0 = hex(
      '0000 0008 636f6e73756d6572 00000002 0005 72616e6765 0001 61 00000001' +
        ' 0001 61 0001 63 0001 68 00002710 00000001 78 00000001 79',
    );
    expect(decodeGroupValue(v0)).toEqual({
      protocolType: 'consumer',
      generationId: 2,
      protocolName: 'range',
      leaderId: 'a',
      stateTimestamp: -1,
      members: [
        {
          memberId: 'a',
          groupInstanceId: null,
          clientId: 'c',
          clientHost: 'h',
          rebalanceTimeoutMs: 10000,
          sessionTimeoutMs: 10000,
          subscription: Buffer.from('x'),
          assignment: Buffer.from('y'),
        },
      ],
    });
  });

  it('refuses versions it cannot read', () => {
    expect(() => decodeKey(hex('0003 0001 67'))).toThrow(/unknown key version 3/);
    expect(() => decodeOffsetValue(hex('0004 00'))).toThrow(/unknown offset value version 4/);
    expect(() => decodeGroupValue(hex('0004 00'))).toThrow(/unknown group value version 4/);
  });
});
