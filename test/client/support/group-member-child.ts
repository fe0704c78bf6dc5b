/**
 * A group member in a process of its own, so that a test can crash it (SIGKILL: no commit, no
 * LeaveGroup) and watch the group recover. Usage:
 *   node --import tsx group-member-child.ts BOOTSTRAP GROUP TOPIC SESSION_TIMEOUT_MS
 * Prints one JSON object per line: {"event":"assigned","partitions":[…]}, {"event":"record",
 * "partition","offset","value"}, {"event":"closed"}. Closing stdin closes the member cleanly.
 */
import { GroupConsumer } from '../../../src/client/index.js';

const [bootstrap, groupId, topic, session] = process.argv.slice(2);
const print = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};

const consumer = new GroupConsumer({
  bootstrap: bootstrap!,
  clientId: 'child-member',
  groupId: groupId!,
  topics: [topic!],
  autoOffsetReset: 'earliest',
  sessionTimeoutMs: Number(session),
  heartbeatIntervalMs: 100,
  maxWaitMs: 100,
  autoCommitIntervalMs: 100,
  onAssigned: (tps) => {
    print({ event: 'assigned', partitions: tps.map((tp) => tp.partition) });
  },
});

const state = { running: true };
process.stdin.on('end', () => {
  state.running = false;
});
process.stdin.resume();

while (state.running) {
  for (const part of await consumer.poll()) {
    part.forEach((r) => {
      print({ event: 'record', partition: part.partition, offset: r.offset, value: r.value?.toString() });
    });
  }
}
await consumer.close();
print({ event: 'closed' });
