import { describe, expect, it } from 'vitest';
import { isProtocolError } from '../errors.js';
import { BatchView } from './batch-view.js';
import {
  ControlRecordType,
  decodeControlBatch,
  decodeControlRecordKey,
  decodeEndTxnMarkerValue,
  encodeControlBatch,
  encodeControlRecordKey,
  encodeEndTxnMarkerValue,
} from './control-records.js';
import { decodeRecordBatch } from './decode-batch.js';
import { encodeRecordBatch } from './encode-batch.js';

function kind(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (err) {
    if (isProtocolError(err)) return err.kind;
    throw err;
  }
}

describe('control records', () => {
  it('encode the key and value in Kafka layout', () => {
    expect(encodeControlRecordKey(ControlRecordType.Abort).toString('hex')).toBe('00000000');
    expect(encodeControlRecordKey(ControlRecordType.Commit).toString('hex')).toBe('00000001');
    expect(encodeEndTxnMarkerValue(0x01020304).toString('hex')).toBe('000001020304');
  });

  it.each([
    ['commit', ControlRecordType.Commit],
    ['abort', ControlRecordType.Abort],
  ] as const)('round-trip a %s marker batch', (_name, type) => {
    const bytes = encodeControlBatch({
      type,
      producerId: 4242,
      producerEpoch: 3,
      coordinatorEpoch: 17,
      timestamp: 1_700_000_000_123,
      baseOffset: 99,
    });
    const view = BatchView.at(bytes);
    expect([view.isControl, view.isTransactional, view.compressionCode, view.recordsCount]).toEqual([
      true,
      true,
      0,
      1,
    ]);
    expect(view.crcValid()).toBe(true);
    const marker = decodeControlBatch(bytes);
    expect(marker).toMatchObject({ type, coordinatorEpoch: 17, offset: 99, timestamp: 1_700_000_000_123 });
    expect(marker.header).toMatchObject({ producerId: 4242, producerEpoch: 3, baseSequence: -1 });
  });

  it('read newer key/value versions as version 0, as Kafka does', () => {
    expect(decodeControlRecordKey(Buffer.from('00010001ffff', 'hex'))).toBe(1);
    expect(decodeEndTxnMarkerValue(Buffer.from('000100000005abcd', 'hex'))).toBe(5);
  });

  it('refuse short, null or negative-version keys and values', () => {
    expect(kind(() => decodeControlRecordKey(null))).toBe('invalid-length');
    expect(kind(() => decodeControlRecordKey(Buffer.from('0000', 'hex')))).toBe('invalid-length');
    expect(kind(() => decodeControlRecordKey(Buffer.from('ffff0000', 'hex')))).toBe('invalid-value');
    expect(kind(() => decodeEndTxnMarkerValue(Buffer.from('00000001', 'hex')))).toBe('invalid-length');
    expect(kind(() => decodeEndTxnMarkerValue(null))).toBe('invalid-length');
  });

  it('refuse a batch that is not a control batch or holds other than one record', () => {
    const data = encodeRecordBatch({ records: [{ timestamp: 0, key: null, value: null }] });
    expect(kind(() => decodeControlBatch(data))).toBe('invalid-value');
    const two = encodeRecordBatch({
      control: true,
      transactional: true,
      records: [0, 1].map(() => ({
        timestamp: 0,
        key: encodeControlRecordKey(1),
        value: encodeEndTxnMarkerValue(0),
      })),
    });
    expect(kind(() => decodeControlBatch(two))).toBe('invalid-length');
  });

  it('decode other control types (e.g. KRaft leader change) by number, without a coordinator epoch', () => {
    const bytes = encodeRecordBatch({
      control: true,
      records: [{ timestamp: 0, key: Buffer.from('00000002', 'hex'), value: Buffer.from('anything') }],
    });
    expect(decodeControlBatch(bytes)).toMatchObject({ type: 2, coordinatorEpoch: null });
    expect(decodeRecordBatch(bytes).isControl).toBe(true);
  });
});
