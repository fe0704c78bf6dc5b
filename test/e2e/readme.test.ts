import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  boundedOutOfOrderness,
  Consumer,
  count,
  Producer,
  sliding,
  startBroker,
  StreamEnvironment,
} from '../../src/index.js';
import { tempDir } from '../support/broker.js';

/**
 * The README's TypeScript snippets, run as written (through the package's public entry point),
 * so the README cannot drift from the API.
 */
describe('README snippets', () => {
  it('embeds a broker and produces to it; the records read back', async () => {
    const dir = await tempDir();
    try {
      const broker = await startBroker({ dataDir: path.join(dir, 'data'), port: 0 });
      const producer = new Producer({ bootstrap: broker.bootstrap, idempotent: true });
      await producer.send('orders', [{ key: 'alice', value: '{"total":12}' }]);
      await producer.close();

      const consumer = new Consumer({ bootstrap: broker.bootstrap });
      consumer.assign([{ topic: 'orders', partition: 0 }]);
      consumer.seek({ topic: 'orders', partition: 0 }, 'earliest');
      const values: string[] = [];
      while (values.length < 1) {
        for (const p of await consumer.poll()) for (const r of p) values.push(r.value!.toString());
      }
      await consumer.close();
      expect(values).toEqual(['{"total":12}']);
      await broker.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('counts clicks per user in sliding windows', async () => {
    const clicks = [
      { user: 'alice', time: 1_000 },
      { user: 'alice', time: 4_000 },
      { user: 'bob', time: 7_000 },
    ];
    const env = new StreamEnvironment();
    const out = env
      .fromArray(clicks, { timestamps: (c) => c.time, watermarks: boundedOutOfOrderness('5s') })
      .keyBy((c) => c.user)
      .window(sliding('30s', '5s'))
      .aggregate(count(), (user, window, n) => ({ user, end: window.end, n }))
      .collect();
    await env.execute();
    const alice = out.values.filter((r) => r.user === 'alice');
    // Six 30 s windows sliding by 5 s contain t=1s and t=4s; each counts both clicks.
    expect(alice).toHaveLength(6);
    expect(alice.every((r) => r.n === 2)).toBe(true);
  });
});
