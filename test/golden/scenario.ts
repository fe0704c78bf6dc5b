/*
 * What the capture script (tools/capture/capture.ts) asks each real client to do, and so what
 * the golden tests expect to find in the frames it recorded. One source for both: change a
 * value here and the fixtures must be captured again (the tests will say so).
 *
 * Values differ between clients on purpose, so that a fixture filed under the wrong client, or a
 * field read from the wrong offset, cannot pass by coincidence.
 */

export const CLIENTS = ['kcat', 'kafka-python', 'confluent-kafka', 'kafkajs'] as const;
export type ClientName = (typeof CLIENTS)[number];

export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Codec = (typeof CODECS)[number];

/** Produce sessions write to `golden-<codec>`, partition 0; the consumer reads CONSUME_TOPIC. */
export function produceTopic(codec: Codec): string {
  return `golden-${codec}`;
}
export const PRODUCE_PARTITION = 0;
export const CONSUME_TOPIC = 'golden-events';

/** One record as a client is asked to send it: strings are UTF-8, null is a null key/value. */
export interface PlannedRecord {
  key: string | null;
  value: string | null;
  headers: [string, string | null][];
  /** Create time, for clients whose API takes one (kcat uses its clock). */
  timestamp: number;
}

/** Compressible, so that every codec's output is smaller than its input. */
const LONG_VALUE = `{"event":"golden","text":"${'lorem ipsum dolor sit amet, '.repeat(40)}"}`;

/** 2025-01-01T00:00:00Z; the last record goes back in time (a negative timestamp delta). */
const T0 = 1_735_689_600_000;

export interface ClientPlan {
  clientId: string;
  /** Codecs whose Produce frames are captured (kafkajs ships only none and gzip). */
  codecs: readonly Codec[];
  acks: number;
  /** Produce request timeout. */
  produceTimeoutMs: number;
  /**
   * Whether the client can send a header with a null value: kafka-python's `send()` asserts
   * every header value is `bytes`; kafkajs 2.2.4 sizes a header with `Buffer.byteLength(value)`
   * before its null check and throws.
   */
  nullHeaderValues: boolean;
  /** Whether records carry the plan's timestamps (kcat cannot set one per message). */
  setsTimestamps: boolean;
  consumer: ConsumerPlan;
}

export interface ConsumerPlan {
  groupId: string;
  /** Static membership (KIP-345), where the script sets one. */
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  /** `max.poll.interval.ms` in librdkafka and kafka-python: sent as the rebalance timeout. */
  rebalanceTimeoutMs: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  partitionMaxBytes: number;
  /** 0 read_uncommitted, 1 read_committed (kafka-python 2.0.2 has no setting: always 0). */
  isolationLevel: number;
  /** Partition assignors by protocol name, in the order of preference the script sets. */
  assignors: string[];
}

export const PLANS: { readonly [C in ClientName]: ClientPlan } = {
  kcat: {
    clientId: 'golden-kcat',
    codecs: CODECS,
    acks: -1,
    produceTimeoutMs: 4_000,
    nullHeaderValues: true,
    setsTimestamps: false,
    consumer: {
      groupId: 'golden-group-kcat',
      groupInstanceId: null,
      sessionTimeoutMs: 6_000,
      rebalanceTimeoutMs: 20_000,
      maxWaitMs: 100,
      minBytes: 1,
      maxBytes: 2_000_000,
      partitionMaxBytes: 500_000,
      isolationLevel: 0,
      assignors: ['roundrobin', 'range'],
    },
  },
  'kafka-python': {
    clientId: 'golden-kafka-python',
    codecs: CODECS,
    acks: 1,
    produceTimeoutMs: 5_000,
    nullHeaderValues: false,
    setsTimestamps: true,
    consumer: {
      groupId: 'golden-group-kafka-python',
      groupInstanceId: null,
      sessionTimeoutMs: 7_000,
      rebalanceTimeoutMs: 21_000,
      maxWaitMs: 200,
      minBytes: 2,
      maxBytes: 3_000_000,
      partitionMaxBytes: 600_000,
      isolationLevel: 0,
      assignors: ['roundrobin'],
    },
  },
  'confluent-kafka': {
    clientId: 'golden-confluent-kafka',
    codecs: CODECS,
    acks: -1,
    produceTimeoutMs: 6_000,
    nullHeaderValues: true,
    setsTimestamps: true,
    consumer: {
      groupId: 'golden-group-confluent-kafka',
      groupInstanceId: 'golden-instance-1',
      sessionTimeoutMs: 8_000,
      rebalanceTimeoutMs: 22_000,
      maxWaitMs: 300,
      minBytes: 3,
      maxBytes: 4_000_000,
      partitionMaxBytes: 700_000,
      isolationLevel: 1,
      assignors: ['range'],
    },
  },
  kafkajs: {
    clientId: 'golden-kafkajs',
    codecs: ['none', 'gzip'],
    acks: -1,
    produceTimeoutMs: 7_000,
    nullHeaderValues: false,
    setsTimestamps: true,
    consumer: {
      groupId: 'golden-group-kafkajs',
      groupInstanceId: null,
      sessionTimeoutMs: 9_000,
      rebalanceTimeoutMs: 23_000,
      maxWaitMs: 400,
      minBytes: 4,
      maxBytes: 5_000_000,
      partitionMaxBytes: 800_000,
      isolationLevel: 1,
      assignors: ['RoundRobinAssigner'],
    },
  },
};

/**
 * The records every Produce session sends, in order, to partition 0. kcat applies its `-H`
 * headers to every message, so every record carries the same headers for every client.
 */
export function plannedRecords(client: ClientName): PlannedRecord[] {
  const headers: [string, string | null][] = PLANS[client].nullHeaderValues
    ? [
        ['h1', 'v1'],
        ['h2', null],
      ]
    : [['h1', 'v1']];
  return [
    { key: 'key-1', value: '{"n":1,"text":"hello"}', headers, timestamp: T0 },
    { key: null, value: 'no key', headers, timestamp: T0 + 1 },
    { key: 'key-3', value: null, headers, timestamp: T0 + 1000 },
    { key: 'key-4', value: LONG_VALUE, headers, timestamp: T0 - 5 },
  ];
}
