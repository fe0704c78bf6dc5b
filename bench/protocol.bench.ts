import { encodeRequestHeader, decodeRequestHeader } from '../src/protocol/headers.js';
import type { RequestHeader } from '../src/protocol/headers.js';
import { Fetch, Metadata, Produce } from '../src/protocol/messages/index.js';
import type { FetchResponse, MetadataResponse, ProduceRequest } from '../src/protocol/messages/index.js';
import { createPartitionData } from '../src/protocol/messages/fetch.js';
import { Reader } from '../src/protocol/primitives/reader.js';
import { Writer } from '../src/protocol/primitives/writer.js';
import { BatchView } from '../src/protocol/records/batch-view.js';
import { crc32c } from '../src/protocol/records/crc32c.js';
import { encodeRecordBatch } from '../src/protocol/records/encode-batch.js';
import { defineBenchmarks } from './harness.js';
import { jsonRecords } from './inputs.js';

/*
 * The generated codecs on the messages that carry the bulk of a broker's bytes (a Produce
 * request and a Fetch response with a 1 MiB batch) and on the largest structured one (a
 * Metadata response for 100 topics of 10 partitions).
 *
 * Baselines: for the record-carrying messages, the floor of touching the same bytes once: a
 * `buf.equals` (memcmp) of the frame for decoding, an allocation plus `Buffer.copy` of the frame
 * for encoding, which any encoder that returns one buffer must do. For Metadata, whose cost is
 * per field rather than per byte, a copy would say nothing; the yardstick is V8's native
 * serialiser on the same object graph, `JSON.stringify` (and `JSON.parse` of its output).
 */

const PRODUCE_VERSION = 9;
const FETCH_VERSION = 16;
const METADATA_VERSION = 12;

function produceRequest(batch: Buffer): ProduceRequest {
  return Produce.createRequest({
    acks: -1,
    timeoutMs: 30_000,
    topicData: [{ name: 'events', partitionData: [{ index: 0, records: batch }] }],
  });
}

function encodeProduceFrame(header: RequestHeader, req: ProduceRequest, w: Writer): Buffer {
  encodeRequestHeader(w, header, Produce.requestHeaderVersion(PRODUCE_VERSION));
  Produce.encodeRequest(w, req, PRODUCE_VERSION);
  return w.finish();
}

function fetchResponse(batch: Buffer): FetchResponse {
  return Fetch.createResponse({
    responses: [
      {
        topic: '',
        topicId: Buffer.alloc(16, 0xab).toString('base64url'),
        partitions: [
          createPartitionData({
            partitionIndex: 0,
            highWatermark: 1_000_000n,
            lastStableOffset: 1_000_000n,
            logStartOffset: 0n,
            records: batch,
          }),
        ],
      },
    ],
  });
}

function metadataResponse(topics: number, partitions: number): MetadataResponse {
  const brokers = [1, 2, 3].map((nodeId) => ({
    nodeId,
    host: `broker-${nodeId}.example`,
    port: 9092,
    rack: null,
  }));
  return Metadata.createResponse({
    brokers,
    clusterId: 'rivulet-bench-cluster',
    controllerId: 1,
    topics: Array.from({ length: topics }, (_, t) => ({
      errorCode: 0,
      name: `topic-${String(t).padStart(3, '0')}`,
      topicId: Buffer.alloc(16, t + 1).toString('base64url'),
      isInternal: false,
      partitions: Array.from({ length: partitions }, (_, p) => ({
        errorCode: 0,
        partitionIndex: p,
        leaderId: (p % 3) + 1,
        leaderEpoch: 7,
        replicaNodes: [1, 2, 3],
        isrNodes: [1, 2, 3],
        offlineReplicas: [],
      })),
      topicAuthorizedOperations: -2147483648,
    })),
  });
}

function allocAndCopy(src: Buffer): Buffer {
  const out = Buffer.allocUnsafe(src.length);
  src.copy(out);
  return out;
}

function kib(n: number): string {
  return `${(n / 1024).toFixed(0)} KiB`;
}

export default defineBenchmarks({
  area: 'protocol',
  benchmarks: () => {
    const batch = encodeRecordBatch({ records: jsonRecords(1 << 20) });
    const header: RequestHeader = {
      requestApiKey: 0,
      requestApiVersion: 9,
      correlationId: 42,
      clientId: 'bench',
    };
    const req = produceRequest(batch);
    // A request frame as the broker gets it from the FrameReader: header and body, no size prefix.
    const produce = Buffer.from(encodeProduceFrame(header, req, new Writer()));
    const produceCopy = Buffer.from(produce);
    const produceBytes = produce.length;
    const presized = () => new Writer(batch.length + 512);

    const decodeProduce = () => {
      const r = new Reader(produce);
      decodeRequestHeader(r, Produce.requestHeaderVersion(PRODUCE_VERSION));
      return Produce.decodeRequest(r, PRODUCE_VERSION);
    };
    const produceNote = () => `frame ${kib(produceBytes)}, one batch of ${kib(batch.length)}`;

    const fetch = fetchResponse(batch);
    const encodeFetch = () => {
      const w = new Writer(batch.length + 512);
      Fetch.encodeResponse(w, fetch, FETCH_VERSION);
      return w.finish();
    };
    const fetchEncoded = Buffer.from(encodeFetch());
    const fetchBytes = fetchEncoded.length;

    const metadata = metadataResponse(100, 10);
    const metadataBytes = (() => {
      const w = new Writer();
      Metadata.encodeResponse(w, metadata, METADATA_VERSION);
      return Buffer.from(w.finish());
    })();
    const metadataJson = JSON.stringify(metadata);
    const metadataNote = () =>
      `100 topics × 10 partitions, 3 brokers: ${kib(metadataBytes.length)} encoded, ${kib(metadataJson.length)} as JSON`;

    return [
      {
        name: `decode Produce v${PRODUCE_VERSION} request, 1 MiB batch`,
        subject: { label: 'header + Produce.decodeRequest', run: decodeProduce, bytes: produceBytes },
        baseline: { label: 'buf.equals(copy)', run: () => produce.equals(produceCopy), bytes: produceBytes },
        note: () => `${produceNote()}; records stay a zero-copy slice`,
      },
      {
        name: `decode Produce v${PRODUCE_VERSION} + check the batch CRC`,
        subject: {
          label: 'decode + BatchView.crcValid',
          run: () => BatchView.at(decodeProduce().topicData[0]!.partitionData[0]!.records!).crcValid(),
          bytes: produceBytes,
        },
        baseline: { label: 'crc32c of the batch', run: () => crc32c(batch), bytes: produceBytes },
      },
      {
        name: `encode Produce v${PRODUCE_VERSION} request, 1 MiB batch`,
        subject: {
          label: 'header + Produce.encodeRequest',
          run: () => encodeProduceFrame(header, req, presized()),
          bytes: produceBytes,
        },
        baseline: { label: 'allocUnsafe + copy', run: () => allocAndCopy(produce), bytes: produceBytes },
        note: () => `${produceNote()}; Writer presized to batch + 512 B`,
      },
      {
        name: `encode Produce v${PRODUCE_VERSION}: growing vs presized Writer`,
        subject: {
          label: 'new Writer() (grows)',
          run: () => encodeProduceFrame(header, req, new Writer()),
          bytes: produceBytes,
        },
        baseline: {
          label: 'new Writer(batch + 512)',
          run: () => encodeProduceFrame(header, req, presized()),
          bytes: produceBytes,
        },
      },
      {
        name: `encode Fetch v${FETCH_VERSION} response, 1 MiB of records`,
        subject: { label: 'Fetch.encodeResponse', run: encodeFetch, bytes: fetchBytes },
        baseline: { label: 'allocUnsafe + copy', run: () => allocAndCopy(fetchEncoded), bytes: fetchBytes },
        note: () => `one partition, response body ${kib(fetchBytes)}`,
      },
      {
        name: `encode Metadata v${METADATA_VERSION} response, 100 × 10`,
        subject: {
          label: 'Metadata.encodeResponse',
          run: () => {
            const w = new Writer(metadataBytes.length);
            Metadata.encodeResponse(w, metadata, METADATA_VERSION);
            return w.finish();
          },
        },
        baseline: { label: 'JSON.stringify', run: () => JSON.stringify(metadata) },
        note: metadataNote,
      },
      {
        name: `decode Metadata v${METADATA_VERSION} response, 100 × 10`,
        subject: {
          label: 'Metadata.decodeResponse',
          run: () => Metadata.decodeResponse(new Reader(metadataBytes), METADATA_VERSION),
        },
        baseline: { label: 'JSON.parse', run: () => JSON.parse(metadataJson) as unknown },
        note: metadataNote,
      },
    ];
  },
});
