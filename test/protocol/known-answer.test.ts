import { describe, expect, it } from 'vitest';
import { ApiKey, apiSpecs } from '../../src/protocol/api-keys.js';
import { decodeRequestHeader } from '../../src/protocol/headers.js';
import {
  ApiVersions,
  ConsumerGroupHeartbeat,
  Metadata,
  Produce,
  createProduceResponse,
  decodeApiVersionsResponse,
  encodeApiVersionsRequest,
  encodeConsumerGroupHeartbeatResponse,
  encodeProduceRequest,
  encodeProduceResponse,
  encodeApiVersionsResponse,
  encodeMetadataRequest,
  encodeMetadataResponse,
  decodeMetadataResponse,
} from '../../src/protocol/messages/index.js';
import { Reader } from '../../src/protocol/primitives/reader.js';
import { Writer } from '../../src/protocol/primitives/writer.js';

/**
 * Known answers: bytes written by hand from Kafka's protocol guide (docs/protocol.html), so that
 * a mistake made the same way in encoder and decoder cannot hide behind a round trip.
 */

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

function bytesOf<T>(encode: (w: Writer, msg: T, version: number) => void, msg: T, version: number): Buffer {
  const w = new Writer(16);
  encode(w, msg, version);
  return Buffer.from(w.finish());
}

function ascii(s: string): string {
  return Buffer.from(s, 'latin1').toString('hex');
}

describe('ApiVersions', () => {
  // A whole v3 request frame: size, header v2 (flexible body, but client id as an int16 string),
  // then compact strings and empty tagged-field sections.
  const frame = hex(`
    0000001e
    0012 0003 00000007 0004 ${ascii('kcat')} 00
    08 ${ascii('rivulet')} 06 ${ascii('0.1.0')} 00`);

  it('decodes a v3 request frame written by hand', () => {
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    const r = new Reader(frame, 4);
    expect(ApiVersions.requestHeaderVersion(3)).toBe(2);
    const header = decodeRequestHeader(r, 2);
    expect(header).toEqual({ requestApiKey: 18, requestApiVersion: 3, correlationId: 7, clientId: 'kcat' });
    expect(ApiVersions.decodeRequest(r, 3)).toStrictEqual({
      clientSoftwareName: 'rivulet',
      clientSoftwareVersion: '0.1.0',
    });
    expect(r.remaining).toBe(0);
  });

  it('encodes the same v3 request body', () => {
    const req = ApiVersions.createRequest({ clientSoftwareName: 'rivulet', clientSoftwareVersion: '0.1.0' });
    expect(bytesOf(encodeApiVersionsRequest, req, 3)).toEqual(frame.subarray(4 + 15));
  });

  it('encodes a v0 response: no throttle time, int32 array count', () => {
    const res = ApiVersions.createResponse({
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }],
      throttleTimeMs: 0,
    });
    expect(bytesOf(encodeApiVersionsResponse, res, 0)).toEqual(hex('0000 00000001 0012 0000 0003'));
    expect(ApiVersions.responseHeaderVersion(3)).toBe(0);
  });

  it('decodes a v3 response whose known tagged field (FinalizedFeaturesEpoch, tag 1) is set', () => {
    const bytes = hex(`
      0000
      02 0003 0000 000c 00
      00000000
      01 01 08 0000000000000005`);
    const res = decodeApiVersionsResponse(new Reader(bytes), 3);
    expect(res.apiKeys).toStrictEqual([{ apiKey: 3, minVersion: 0, maxVersion: 12 }]);
    expect(res.finalizedFeaturesEpoch).toBe(5n);
    expect(res.unknownTaggedFields).toBeUndefined();
    expect(bytesOf(encodeApiVersionsResponse, res, 3)).toEqual(bytes);
  });

  it('keeps an unknown tagged field and writes it back in tag order', () => {
    const bytes = hex(`0000 01 00000000 02 01 08 0000000000000005 09 02 abcd`);
    const res = decodeApiVersionsResponse(new Reader(bytes), 3);
    expect(res.unknownTaggedFields).toEqual([{ tag: 9, data: hex('abcd') }]);
    expect(bytesOf(encodeApiVersionsResponse, res, 3)).toEqual(bytes);
  });
});

describe('Metadata', () => {
  it('encodes v1 requests: int16 strings, int32 counts, -1 for all topics', () => {
    const some = Metadata.createRequest({ topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 't1' }] });
    expect(bytesOf(encodeMetadataRequest, some, 1)).toEqual(hex(`00000001 0002 ${ascii('t1')}`));
    const all = Metadata.createRequest({ topics: null });
    expect(bytesOf(encodeMetadataRequest, all, 1)).toEqual(hex('ffffffff'));
    expect(Metadata.decodeRequest(new Reader(hex('ffffffff')), 1).topics).toBeNull();
  });

  it('encodes a v9 request: compact forms and tagged-field sections', () => {
    const req = Metadata.createRequest({ topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 't1' }] });
    expect(bytesOf(encodeMetadataRequest, req, 9)).toEqual(hex(`02 03 ${ascii('t1')} 00 01 00 00 00`));
  });

  it('follows Kafka on fields a version lacks: non-ignorable non-default throws, ignorable is dropped', () => {
    const v0Null = Metadata.createRequest({ topics: null });
    expect(() => bytesOf(encodeMetadataRequest, v0Null, 0)).toThrow(
      expect.objectContaining({ kind: 'invalid-value' }),
    );
    const noAutoCreate = Metadata.createRequest({ allowAutoTopicCreation: false });
    expect(() => bytesOf(encodeMetadataRequest, noAutoCreate, 3)).toThrow(
      expect.objectContaining({ kind: 'unsupported-version' }),
    );
    const throttled = Metadata.createResponse({ throttleTimeMs: 100, clusterId: 'c' });
    const bytes = bytesOf(encodeMetadataResponse, throttled, 0);
    expect(bytes).toEqual(hex('00000000 00000000'));
    const back = decodeMetadataResponse(new Reader(bytes), 0);
    expect(back.throttleTimeMs).toBe(0);
    expect(back.clusterId).toBeNull();
    expect(back.controllerId).toBe(-1);
  });
});

describe('Produce', () => {
  const request = hex(`
    ffff ffff 00007530
    00000001 0001 ${ascii('t')}
    00000001 00000000 00000003 aabbcc`);

  it('decodes a v3 request and slices the records without copying', () => {
    const req = Produce.decodeRequest(new Reader(request), 3);
    expect(req).toStrictEqual({
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records: hex('aabbcc') }] }],
    });
    const records = req.topicData[0]!.partitionData[0]!.records!;
    expect(records.buffer).toBe(request.buffer);
    expect(bytesOf(encodeProduceRequest, req, 3)).toEqual(request);
  });

  it('writes a v10 response with a tagged CurrentLeader struct (tag 0, size 9)', () => {
    const res = createProduceResponse({
      responses: [
        {
          name: 't',
          partitionResponses: [
            {
              index: 0,
              errorCode: 6,
              baseOffset: -1n,
              logAppendTimeMs: -1n,
              logStartOffset: -1n,
              recordErrors: [],
              errorMessage: null,
              currentLeader: { leaderId: 1, leaderEpoch: 7 },
            },
          ],
        },
      ],
    });
    const bytes = hex(`
      02 02 ${ascii('t')}
      02 00000000 0006 ffffffffffffffff ffffffffffffffff ffffffffffffffff 01 00
      01 00 09 00000001 00000007 00
      00
      00000000 00`);
    expect(bytesOf(encodeProduceResponse, res, 10)).toEqual(bytes);
    expect(Produce.decodeResponse(new Reader(bytes), 10)).toStrictEqual(res);
    // At v9 the field does not exist; it is not ignorable, so a non-default value is an error.
    expect(() => bytesOf(encodeProduceResponse, res, 9)).toThrow(
      expect.objectContaining({ kind: 'unsupported-version' }),
    );
  });
});

describe('ConsumerGroupHeartbeat', () => {
  it('writes a nullable struct as a presence byte: -1 for null, 1 then the struct', () => {
    const head = `00000000 0000 00 02 ${ascii('m')} 00000001 00001388`;
    const none = ConsumerGroupHeartbeat.createResponse({
      memberId: 'm',
      memberEpoch: 1,
      heartbeatIntervalMs: 5000,
    });
    expect(bytesOf(encodeConsumerGroupHeartbeatResponse, none, 0)).toEqual(hex(`${head} ff 00`));
    const topicId = Buffer.alloc(16, 0x11);
    const some = {
      ...none,
      assignment: { topicPartitions: [{ topicId: topicId.toString('base64url'), partitions: [3] }] },
    };
    const bytes = hex(`${head} 01 02 ${topicId.toString('hex')} 02 00000003 00 00 00`);
    expect(bytesOf(encodeConsumerGroupHeartbeatResponse, some, 0)).toEqual(bytes);
    expect(ConsumerGroupHeartbeat.decodeResponse(new Reader(bytes), 0)).toStrictEqual(some);
    const badPresence = Buffer.from(bytes);
    badPresence[bytes.length - 1 - 1 - 1 - 4 - 1 - 16 - 1 - 1] = 2;
    expect(() => ConsumerGroupHeartbeat.decodeResponse(new Reader(badPresence), 0)).toThrow(
      expect.objectContaining({ kind: 'invalid-value' }),
    );
  });
});

describe('ApiKey and apiSpecs', () => {
  it('map every api key to its spec', () => {
    expect(ApiKey.Produce).toBe(0);
    expect(ApiKey.Metadata).toBe(3);
    expect(ApiKey.ApiVersions).toBe(18);
    expect(apiSpecs.get(ApiKey.Metadata)).toBe(Metadata);
    for (const [key, spec] of apiSpecs) expect(spec.apiKey).toBe(key);
    expect(apiSpecs.size).toBe(Object.keys(ApiKey).length);
  });

  it('choose header versions as Kafka does', () => {
    const controlledShutdown = apiSpecs.get(ApiKey.ControlledShutdown)!;
    expect([0, 1, 2, 3].map((v) => controlledShutdown.requestHeaderVersion(v))).toEqual([0, 1, 1, 2]);
    expect([8, 9].map((v) => Metadata.requestHeaderVersion(v))).toEqual([1, 2]);
    expect([8, 9].map((v) => Metadata.responseHeaderVersion(v))).toEqual([0, 1]);
    expect(ApiVersions.responseHeaderVersion(4)).toBe(0);
    expect(Metadata.flexibleMinVersion).toBe(9);
  });
});
