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
