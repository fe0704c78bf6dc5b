import { describe, expect, it } from 'vitest';
import { BatchView } from '../protocol/records/batch-view.js';
import { buildBatch, buildControlBatch } from '../../test/storage/support/batches.js';
import { controlType, RecordCursor } from './record-cursor.js';

describe('RecordCursor', () => {
  it('walks offsets, timestamps, keys and values of an uncompressed batch', () => {
    const view = BatchView.at(
      buildBatch({
        baseOffset: 100,
        baseTimestamp: 5000,
        records: [
          { key: 'a', value: 'one', timestamp: 5000 },
          { key: null, value: null, timestamp: 4000, headers: [{ key: 'h', value: Buffer.from('v') }] },
          { key: Buffer.alloc(0), value: 'x'.repeat(300), timestamp: 9000 },
        ],
      }),
    );
    const c = new RecordCursor(view);
    const seen: [number, number, string | null, number][] = [];
    while (c.next()) seen.push([c.offset, c.timestamp, c.key()?.toString() ?? null, c.valueLength]);
    expect(seen).toEqual([
      [100, 5000, 'a', 3],
      [101, 4000, null, -1],
      [102, 9000, '', 300],
    ]);
  });

  it('gives every record the batch time when timestamps are log-append time', () => {
    const view = BatchView.at(buildBatch({ records: [{ timestamp: 1 }, { timestamp: 2 }] }));
    view.setLogAppendTime(777);
    const c = new RecordCursor(view);
    c.next();
    expect(c.timestamp).toBe(777);
  });

  it('refuses compressed batches and reads control types', () => {
    expect(
      () => new RecordCursor(BatchView.at(buildBatch({ gzip: true, records: [{ value: 'x' }] }))),
    ).toThrow(/compressed/);
    expect(
      controlType(BatchView.at(buildControlBatch({ producerId: 1, producerEpoch: 0, commit: true }))),
    ).toBe(1);
    expect(
      controlType(BatchView.at(buildControlBatch({ producerId: 1, producerEpoch: 0, commit: false }))),
    ).toBe(0);
  });

  it('throws a ProtocolError on a record running past the batch', () => {
    const bytes = buildBatch({ records: [{ value: 'abc' }] });
    bytes.writeInt32BE(5, 57);
    expect(() => {
      const c = new RecordCursor(BatchView.at(bytes));
      while (c.next());
    }).toThrow();
  });
});
