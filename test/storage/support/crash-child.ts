/**
 * Child process for the crash tests: opens a data directory (running recovery), then appends
 * to two partitions as fast as it can with 8 appends in flight, mostly durable, some from an
 * idempotent producer, and reports every acknowledgement on stdout as
 * `ack <partition> <base> <last> <crc> <durable>` — the parent kills it with SIGKILL at a
 * random point and checks that every reported append survived.
 *
 * Usage: node --import tsx crash-child.ts <data-dir> <run-id>
 */
import { BatchView } from '../../../src/protocol/records/batch-view.js';
import { openLogManager } from '../../../src/storage/log-manager.js';
import { buildBatch } from './batches.js';

const [dataDir, runArg] = process.argv.slice(2);
if (dataDir === undefined || runArg === undefined) throw new Error('usage: crash-child <data-dir> <run-id>');
const runId = Number(runArg);

const say = (line: string): void => {
  // Synchronous for pipes on Linux: once written, the parent gets it even if we die next.
  process.stdout.write(line + '\n');
};

say('recovering');
const manager = await openLogManager({ dataDir, maintenanceIntervalMs: 0 });
if (manager.topic('crash') === undefined) {
  await manager.createTopic('crash', {
    partitions: 2,
    configs: { 'segment.bytes': String(96 * 1024), 'index.interval.bytes': '1024', 'flush.ms': '50' },
  });
}
say('ready');

const sequences = [0, 0];
let n = 0;
async function one(partition: number): Promise<void> {
  const count = 1 + (n % 17);
  const idempotent = partition === 1;
  const durable = n % 5 !== 0;
  const records = Array.from({ length: count }, (_, i) => ({
    key: `${runId}:${n}:${i}`,
    value: Buffer.alloc(((n * 131 + i * 17) % 1500) + 1, (n + i) % 251),
  }));
  const bytes = buildBatch({
    records,
    ...(idempotent
      ? { producerId: 1000 + runId, producerEpoch: 0, baseSequence: sequences[partition]! }
      : {}),
  });
  if (idempotent) sequences[partition]! += count;
  n++;
  const crc = BatchView.at(bytes).crc;
  const r = await manager.log('crash', partition)!.append(bytes, { durable });
  if (r.kind !== 'appended') throw new Error(`append refused: ${JSON.stringify(r)}`);
  say(`ack ${partition} ${r.baseOffset} ${r.lastOffset} ${crc} ${durable ? 1 : 0}`);
}

// Seven writers on partition 0; one on partition 1, whose idempotent appends must stay in
// sequence order.
async function writer(partition: number): Promise<void> {
  for (;;) await one(partition);
}
await Promise.all([writer(1), ...Array.from({ length: 7 }, () => writer(0))]);
