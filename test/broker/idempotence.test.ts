import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { InitProducerId } from '../../src/protocol/messages/init-producer-id.js';
import { Produce } from '../../src/protocol/messages/produce.js';
import { encodeRecordBatch } from '../../src/protocol/records/encode-batch.js';
import { startBroker } from '../../src/broker/broker.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { RawConnection } from '../support/raw-client.js';

/** Idempotent producers over TCP: sequence checks, duplicates, and state across a restart. */
describe('idempotent produce', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
    await broker.logs.createTopic('idem', { partitions: 1 });
  });
  afterAll(async () => {
    await broker.destroy();
  });

  const batch = (producerId: bigint, epoch: number, seq: number, n = 2): Buffer =>
    encodeRecordBatch({
      producerId: Number(producerId),
      producerEpoch: epoch,
      baseSequence: seq,
      records: Array.from({ length: n }, (_, i) => ({
        timestamp: Date.now(),
        key: null,
        value: Buffer.from(`s${seq + i}`),
      })),
    });

  const produce = async (port: number, records: Buffer) => {
    const c = await RawConnection.open(port);
    try {
      const res = await c.request(
        Produce,
        9,
        Produce.createRequest({
          acks: -1,
          timeoutMs: 1000,
          topicData: [{ name: 'idem', partitionData: [{ index: 0, records }] }],
        }),
      );
      return res.responses[0]!.partitionResponses[0]!;
    } finally {
      c.close();
    }
  };

  const initProducerId = async (port: number) => {
    const c = await RawConnection.open(port);
    try {
      return await c.request(
        InitProducerId,
        4,
        InitProducerId.createRequest({
          transactionalId: null,
          transactionTimeoutMs: 60000,
          producerId: -1n,
          producerEpoch: -1,
        }),
      );
    } finally {
      c.close();
    }
  };

  it('gives distinct producer ids and keeps them distinct across a restart', async () => {
    const a = await initProducerId(broker.address.port);
    const b = await initProducerId(broker.address.port);
    expect(a.errorCode).toBe(ErrorCode.NONE);
    expect(b.producerId).not.toBe(a.producerId);
    expect(a.producerEpoch).toBe(0);
  });

  it('acknowledges a duplicate without appending it, and refuses a gap', async () => {
    const { producerId } = await initProducerId(broker.address.port);
    const first = await produce(broker.address.port, batch(producerId, 0, 0));
    expect(first.errorCode).toBe(ErrorCode.NONE);
    const hw = broker.logs.log('idem', 0)!.highWatermark;

    const retry = await produce(broker.address.port, batch(producerId, 0, 0));
    expect(retry.errorCode).toBe(ErrorCode.NONE);
    expect(retry.baseOffset).toBe(first.baseOffset);
    expect(broker.logs.log('idem', 0)!.highWatermark).toBe(hw);

    const gap = await produce(broker.address.port, batch(producerId, 0, 5));
    expect(gap.errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    const next = await produce(broker.address.port, batch(producerId, 0, 2));
    expect(next.errorCode).toBe(ErrorCode.NONE);
    expect(next.baseOffset).toBe(first.baseOffset + 2n);
  });

  it('rebuilds producer state after a restart: a retried batch is still a duplicate', async () => {
    const { producerId } = await initProducerId(broker.address.port);
    const sent = await produce(broker.address.port, batch(producerId, 0, 0, 3));
    expect(sent.errorCode).toBe(ErrorCode.NONE);
    const dataDir = broker.dataDir;
    await broker.close();
    const again = await startBroker({ dataDir, port: 0 });
    try {
      const hw = again.logs.log('idem', 0)!.highWatermark;
      const retry = await produce(again.address.port, batch(producerId, 0, 0, 3));
      expect(retry.errorCode).toBe(ErrorCode.NONE);
      expect(retry.baseOffset).toBe(sent.baseOffset);
      expect(again.logs.log('idem', 0)!.highWatermark).toBe(hw);
      const fresh = await initProducerId(again.address.port);
      expect(fresh.producerId).toBeGreaterThan(producerId);
    } finally {
      await again.close();
    }
    broker = await startTestBroker({ dataDir });
  });
});
