import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/protocol/error-codes.js';
import { ApiVersions } from '../../src/protocol/messages/api-versions.js';
import { Metadata } from '../../src/protocol/messages/metadata.js';
import { Produce, type ProduceResponse } from '../../src/protocol/messages/produce.js';
import { encodeRecordBatch } from '../../src/protocol/records/encode-batch.js';
import { BATCH } from '../../src/protocol/records/batch-view.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { RawConnection } from '../support/raw-client.js';

/** Bad input over real TCP: each gets Kafka's error code or a closed connection, never a crash. */
describe('broker bad input', () => {
  let broker: TestBroker;
  const conns: RawConnection[] = [];
  const open = async (): Promise<RawConnection> => {
    const c = await RawConnection.open(broker.address.port);
    conns.push(c);
    return c;
  };

  beforeAll(async () => {
    broker = await startTestBroker({
      config: { 'socket.request.max.bytes': '65536', 'message.max.bytes': '2000' },
    });
    await broker.logs.createTopic('bad', { partitions: 1 });
  });
  afterAll(async () => {
    for (const c of conns) c.close();
    await broker.destroy();
  });

  /** The broker still answers a well-formed request on a new connection. */
  const stillServing = async (): Promise<void> => {
    const c = await open();
    const res = await c.request(Metadata, 12, Metadata.createRequest({ topics: null }));
    expect(res.topics.map((t) => t.name)).toContain('bad');
  };

  const produce = async (
    records: Buffer,
    opts: { version?: number; acks?: number; partition?: number } = {},
  ) => {
    const c = await open();
    const res: ProduceResponse = await c.request(
      Produce,
      opts.version ?? 9,
      Produce.createRequest({
        acks: opts.acks ?? -1,
        timeoutMs: 1000,
        topicData: [{ name: 'bad', partitionData: [{ index: opts.partition ?? 0, records }] }],
      }),
    );
    return res.responses[0]!.partitionResponses[0]!;
  };

  const batch = (value = 'v'): Buffer =>
    encodeRecordBatch({ records: [{ timestamp: Date.now(), key: null, value: Buffer.from(value) }] });

  it('closes a connection whose frame exceeds socket.request.max.bytes, before reading it', async () => {
    const c = await open();
    const header = Buffer.alloc(4);
    header.writeInt32BE(65537);
    c.write(header);
    await c.closed;
    await stillServing();
  });

  it('closes a connection that sends garbage', async () => {
    const c = await open();
    c.write(Buffer.from([0, 0, 0, 8, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef]));
    await c.closed;
    await stillServing();
  });

  it('closes a connection whose request body is truncated', async () => {
    const c = await open();
    const good = c.frame(
      Metadata,
      1,
      Metadata.createRequest({ topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'bad' }] }),
    );
    const cut = good.subarray(0, good.length - 3);
    cut.writeInt32BE(cut.length - 4, 0);
    c.write(cut);
    await c.closed;
    await stillServing();
  });

  it('closes a connection that asks for an unknown API key or an unknown version', async () => {
    const c1 = await open();
    const unknownKey = c1.frame(Metadata, 1, Metadata.createRequest({ topics: null }));
    unknownKey.writeInt16BE(9999, 4);
    c1.write(unknownKey);
    await c1.closed;
    const c2 = await open();
    const unknownVersion = c2.frame(Metadata, 1, Metadata.createRequest({ topics: null }));
    unknownVersion.writeInt16BE(99, 6);
    c2.write(unknownVersion);
    await c2.closed;
    await stillServing();
  });

  it('answers ApiVersions at an unknown version with UNSUPPORTED_VERSION and its ranges (v0 body)', async () => {
    const c = await open();
    const f = c.frame(
      ApiVersions,
      3,
      ApiVersions.createRequest({ clientSoftwareName: 'x', clientSoftwareVersion: '1' }),
    );
    f.writeInt16BE(77, 6);
    c.write(f);
    const { Reader } = await import('../../src/protocol/primitives/reader.js');
    const r = new Reader(await c.nextFrame());
    r.int32(); // correlation id (response header v0)
    const res = ApiVersions.decodeResponse(r, 0);
    expect(res.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(res.apiKeys.find((k) => k.apiKey === ApiVersions.apiKey)).toEqual(
      expect.objectContaining({ minVersion: 0, maxVersion: 4 }),
    );
  });

  it('answers Produce below v3 (message sets v0/v1) with UNSUPPORTED_VERSION', async () => {
    const p = await produce(batch(), { version: 2 });
    expect(p.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });

  it('rejects a batch with a bad CRC with CORRUPT_MESSAGE and appends nothing', async () => {
    const b = batch();
    b[b.length - 1]! ^= 0xff;
    const p = await produce(b);
    expect(p.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(broker.logs.log('bad', 0)!.highWatermark).toBe(0);
  });

  it('rejects a batch larger than message.max.bytes with MESSAGE_TOO_LARGE', async () => {
    const p = await produce(batch('x'.repeat(3000)));
    expect(p.errorCode).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('rejects a malformed batch with INVALID_RECORD (CORRUPT_MESSAGE before v8)', async () => {
    const b = batch();
    b.writeInt32BE(-5, BATCH.RECORDS_COUNT); // count disagrees with the data
    const view = (await import('../../src/protocol/records/batch-view.js')).BatchView.at(b);
    b.writeUInt32BE(view.computeCrc(), BATCH.CRC);
    expect((await produce(b, { version: 9 })).errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect((await produce(b, { version: 7 })).errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  it('answers a produce to an unknown partition with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    expect((await produce(batch(), { partition: 5 })).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('answers acks=2 with INVALID_REQUIRED_ACKS', async () => {
    expect((await produce(batch(), { acks: 2 })).errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
  });

  it('appends a good batch after all of that', async () => {
    const p = await produce(batch('ok'));
    expect(p.errorCode).toBe(ErrorCode.NONE);
    expect(p.baseOffset).toBe(0n);
  });
});
