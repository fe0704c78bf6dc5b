import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startBroker, type Broker, type BrokerOptions } from '../../src/broker/broker.js';

/** A fresh data directory under the OS temp dir. */
export async function tempDir(prefix = 'rivulet-test-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export interface TestBroker extends Broker {
  readonly dataDir: string;
  /** Closes the broker and removes its data directory. */
  destroy(): Promise<void>;
}

/**
 * Starts a real broker on 127.0.0.1 with an OS-chosen port and a temporary data directory.
 * Group rebalances start without Kafka's 3 s initial delay.
 */
export async function startTestBroker(opts: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const dataDir = opts.dataDir ?? (await tempDir());
  const broker = await startBroker({
    ...opts,
    dataDir,
    port: 0,
    config: { 'group.initial.rebalance.delay.ms': '0', ...opts.config },
  });
  return Object.assign(broker, {
    dataDir,
    destroy: async () => {
      await broker.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}
