import type { Broker } from '../broker/broker.js';
import { encodeRecordBatch } from '../protocol/records/encode-batch.js';
import type { Logger } from '../shared/logger.js';

/** The topic `rivulet start` keeps writing to. */
export const DEMO_TOPIC = 'demo-pageviews';

const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
const pages = ['/', '/pricing', '/docs', '/docs/streams', '/blog', '/signup', '/login'];

/**
 * A small live demo: every `intervalMs`, a few page-view events (JSON, keyed by user) are
 * appended to {@link DEMO_TOPIC}, durably, through the broker's own storage. Readable with any
 * Kafka client. Returns a function that stops it. (A stream-processing pipeline replaces this
 * once the engine's Kafka connector lands.)
 */
export async function startDemo(
  broker: Broker,
  log: Logger,
  intervalMs = 1000,
): Promise<() => Promise<void>> {
  if (broker.logs.topic(DEMO_TOPIC) === undefined) {
    await broker.logs.createTopic(DEMO_TOPIC, { partitions: 3 });
  }
  let n = 0;
  let writing: Promise<unknown> = Promise.resolve();
  const tick = (): void => {
    const now = Date.now();
    const byPartition = new Map<number, { timestamp: number; key: Buffer; value: Buffer }[]>();
    for (let i = 0; i < 3; i++) {
      const user = users[(n * 7 + i * 3) % users.length]!;
      const page = pages[(n * 5 + i) % pages.length]!;
      const event = { time: new Date(now).toISOString(), user, page, seq: n * 3 + i };
      const partition = users.indexOf(user) % 3;
      const list = byPartition.get(partition) ?? [];
      list.push({ timestamp: now, key: Buffer.from(user), value: Buffer.from(JSON.stringify(event)) });
      byPartition.set(partition, list);
    }
    n++;
    writing = Promise.all(
      [...byPartition].map(
        ([partition, records]) =>
          broker.logs.log(DEMO_TOPIC, partition)?.append(encodeRecordBatch({ records }), { durable: true }) ??
          Promise.resolve(),
      ),
    ).catch((err: unknown) => {
      log.warn('demo append failed', { error: err instanceof Error ? err.message : String(err) });
    });
  };
  const timer = setInterval(tick, intervalMs);
  tick();
  return async () => {
    clearInterval(timer);
    await writing;
  };
}
