import { describe, expect, it } from 'vitest';
import { ControlRecordType, encodeControlBatch } from '../protocol/records/control-records.js';
import { encodeRecordBatch } from '../protocol/records/encode-batch.js';
import { FetchedPartition, type AbortedTxn } from './fetched-partition.js';

const values = (p: FetchedPartition): string[] => p.toArray().map((r) => r.value!.toString());

function batch(
  baseOffset: number,
  vals: string[],
  opts: { producerId?: number; transactional?: boolean } = {},
): Buffer {
  return encodeRecordBatch({
    baseOffset,
    records: vals.map((v) => ({ timestamp: 1000 + baseOffset, key: null, value: Buffer.from(v) })),
    ...(opts.producerId === undefined
      ? {}
      : { producerId: opts.producerId, producerEpoch: 0, baseSequence: 0 }),
    ...(opts.transactional === true ? { transactional: true } : {}),
  });
}

function marker(offset: number, producerId: number, type: ControlRecordType): Buffer {
  return encodeControlBatch({
    type,
    producerId,
    producerEpoch: 0,
    coordinatorEpoch: 0,
    timestamp: 1,
    baseOffset: offset,
  });
}

function part(bytes: Buffer, fetchOffset: number, aborted: AbortedTxn[] | null = null): FetchedPartition {
  return new FetchedPartition('t', 0, fetchOffset, bytes, 100, 100, 0, aborted);
}

describe('FetchedPartition', () => {
  it('skips records before the fetch offset inside the first batch', () => {
    const p = part(Buffer.concat([batch(0, ['a', 'b', 'c']), batch(3, ['d'])]), 2);
    expect(values(p)).toEqual(['c', 'd']);
    expect(p.toArray().map((r) => r.offset)).toEqual([2, 3]);
    expect(p.nextOffset).toBe(4);
  });

  it('ignores a trailing partial batch and continues before it', () => {
    const whole = batch(0, ['a', 'b']);
    const next = batch(2, ['c', 'd']);
    const p = part(Buffer.concat([whole, next.subarray(0, next.length - 3)]), 0);
    expect(values(p)).toEqual(['a', 'b']);
    expect(p.nextOffset).toBe(2);
  });

  it('visits with a cursor reused within each batch and stops when the visitor returns false', () => {
    const p = part(Buffer.concat([batch(0, ['a', 'b', 'c']), batch(3, ['d', 'e'])]), 0);
    const seen: string[] = [];
    const cursors = new Set<unknown>();
    const n = p.forEach((r) => {
      cursors.add(r);
      seen.push(r.value!.toString());
      return seen.length < 4;
    });
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
    expect(n).toBe(4);
    expect(cursors.size).toBe(2); // one per batch visited, none per record
  });

  it('hides control batches, and under read_committed the batches of aborted transactions', () => {
    const bytes = Buffer.concat([
      batch(0, ['plain-0']),
      batch(1, ['txn7-a'], { producerId: 7, transactional: true }),
      batch(2, ['txn8-a'], { producerId: 8, transactional: true }),
      marker(3, 7, ControlRecordType.Abort),
      marker(4, 8, ControlRecordType.Commit),
      batch(5, ['txn7-b'], { producerId: 7, transactional: true }),
      marker(6, 7, ControlRecordType.Commit),
      batch(7, ['plain-7']),
    ]);
    // read_uncommitted: everything but the markers.
    expect(values(part(bytes, 0))).toEqual(['plain-0', 'txn7-a', 'txn8-a', 'txn7-b', 'plain-7']);
    // read_committed: producer 7's first transaction (from offset 1) was aborted.
    const committed = part(bytes, 0, [{ producerId: 7, firstOffset: 1 }]);
    expect(values(committed)).toEqual(['plain-0', 'txn8-a', 'txn7-b', 'plain-7']);
    expect(committed.nextOffset).toBe(8);
  });

  it('iterates as ConsumerRecords carrying topic and partition', () => {
    const [r] = [...part(batch(5, ['x']), 5)];
    expect(r).toMatchObject({ topic: 't', partition: 0, offset: 5, timestamp: 1005, key: null, headers: [] });
  });
});
