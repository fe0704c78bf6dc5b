import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { keyPartition, murmur2 } from './partitioner.js';

describe('murmur2', () => {
  // Kafka's own vectors: org.apache.kafka.common.utils.UtilsTest.testMurmur2.
  const vectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];

  it.each(vectors)('hashes %j as Kafka does', (input, expected) => {
    expect(murmur2(Buffer.from(input))).toBe(expected);
  });

  it('hashes the empty key (every tail length is covered by the vectors above)', () => {
    expect(murmur2(Buffer.alloc(0))).toBe(275646681);
  });

  it('maps keys to partitions as toPositive(hash) % n', () => {
    for (const [input, hash] of vectors) {
      for (const n of [1, 3, 12, 100]) {
        expect(keyPartition(Buffer.from(input), n)).toBe((hash & 0x7fffffff) % n);
      }
    }
    // A concrete case: 'foobar' over 12 partitions.
    expect(keyPartition(Buffer.from('foobar'), 12)).toBe(((-790332482 & 0x7fffffff) >>> 0) % 12);
  });
});

describe('keyPartition against another Java-compatible client', () => {
  // kafkajs' DefaultPartitioner ports Java's; its murmur2 is a separate implementation (Long-based).
  const kafkajs = Partitioners.DefaultPartitioner();

  it('agrees with kafkajs for arbitrary keys and partition counts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 1000 }), (bytes, n) => {
        const key = Buffer.from(bytes);
        const theirs = kafkajs({
          topic: 't',
          partitionMetadata: Array.from({ length: n }, (_, i) => ({
            partitionId: i,
            leader: 0,
            partitionErrorCode: 0,
            replicas: [0],
            isr: [0],
          })),
          message: { key, value: null },
        });
        expect(keyPartition(key, n)).toBe(theirs);
      }),
      { numRuns: 2000 },
    );
  });
});
