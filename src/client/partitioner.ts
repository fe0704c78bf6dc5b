/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2): the 32-bit MurmurHash2 variant
 * with seed 0x9747b28c that Kafka's default partitioner applies to serialized keys. Returns the
 * signed 32-bit hash, as Java does.
 *
 * @example
 * ```ts
 * murmur2(Buffer.from('foobar')); // -790332482
 * ```
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[tail]!, m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * The partition Kafka's default partitioner gives a keyed record: the positive part of the
 * key's murmur2 hash modulo the partition count (Java's `toPositive(murmur2(key)) % n`).
 *
 * @example
 * ```ts
 * keyPartition(Buffer.from('user-42'), 12); // same partition as the Java client picks
 * ```
 */
export function keyPartition(key: Uint8Array, partitionCount: number): number {
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

/**
 * Chooses a record's partition. Return a partition in `[0, partitionCount)`, or -1 to leave a
 * keyless record to the producer's sticky choice.
 */
export type Partitioner = (topic: string, key: Buffer | null, partitionCount: number) => number;

/**
 * Kafka's default: keyed records by {@link keyPartition}; keyless records stick to one partition
 * until its batch is sent, then move to another (KIP-480), which fills batches and so keeps
 * throughput high without skewing partitions over time.
 *
 * @example
 * ```ts
 * new Producer({ bootstrap, partitioner: defaultPartitioner });
 * ```
 */
export const defaultPartitioner: Partitioner = (_topic, key, partitionCount) =>
  key === null ? -1 : keyPartition(key, partitionCount);
