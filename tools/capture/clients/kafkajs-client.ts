/*
 * Drives kafkajs for the golden-frame capture (tools/capture/capture.ts runs it with tsx).
 * argv[2] is a JSON job (see ../job.ts). Produce sends the planned records in one batch and
 * exits; consume joins the group and runs until the capture script has seen its Fetch and
 * kills it.
 */
import { CompressionTypes, type IHeaders, Kafka, PartitionAssigners, logLevel } from 'kafkajs';
import type { ClientJob, ConsumeJob, ProduceJob } from '../job.js';

const COMPRESSION = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP } as const;
/** kafkajs's only built-in assigner, by the protocol name it joins with. */
const ASSIGNERS = { RoundRobinAssigner: PartitionAssigners.roundRobin } as const;

async function produce(kafka: Kafka, job: ProduceJob): Promise<void> {
  if (job.codec !== 'none' && job.codec !== 'gzip') throw new Error(`kafkajs ships no ${job.codec} codec`);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: job.topic,
    acks: job.acks,
    timeout: job.timeoutMs,
    compression: COMPRESSION[job.codec],
    messages: job.records.map((r) => {
      const headers: IHeaders = {};
      // kafkajs writes an undefined header value as a null (length -1).
      for (const [k, v] of r.headers) headers[k] = v ?? undefined;
      return {
        partition: job.partition,
        key: r.key,
        value: r.value,
        headers,
        timestamp: String(r.timestamp),
      };
    }),
  });
  await producer.disconnect();
}

async function consume(kafka: Kafka, job: ConsumeJob): Promise<void> {
  const c = job.consumer;
  const consumer = kafka.consumer({
    groupId: c.groupId,
    sessionTimeout: c.sessionTimeoutMs,
    rebalanceTimeout: c.rebalanceTimeoutMs,
    maxWaitTimeInMs: c.maxWaitMs,
    minBytes: c.minBytes,
    maxBytes: c.maxBytes,
    maxBytesPerPartition: c.partitionMaxBytes,
    readUncommitted: c.isolationLevel === 0,
    partitionAssigners: c.assignors.map((name) => {
      if (!(name in ASSIGNERS)) throw new Error(`kafkajs has no ${name} assigner`);
      return ASSIGNERS[name as keyof typeof ASSIGNERS];
    }),
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [job.topic], fromBeginning: true });
  await consumer.run({ autoCommit: false, eachMessage: () => Promise.resolve() });
}

const job = JSON.parse(process.argv[2] ?? '') as ClientJob;
const kafka = new Kafka({
  clientId: job.clientId,
  brokers: [job.bootstrap],
  logLevel: logLevel.NOTHING,
  retry: { retries: 0 },
});
await (job.mode === 'produce' ? produce(kafka, job) : consume(kafka, job));
