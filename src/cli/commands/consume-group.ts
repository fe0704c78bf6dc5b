import type { SeekTarget, TopicPartition } from '../../client/consumer-types.js';
import { isKafkaError } from '../../client/errors.js';
import { GroupConsumer } from '../../client/group-consumer.js';
import { isRivuletError } from '../../shared/errors.js';
import {
  cliClientOptions,
  CONNECT_TIMEOUT_MS,
  explainTopicError,
  isStdoutClosed,
  writeOut,
} from './kafka-flags.js';
import { RecordPrinter, type RecordFormat } from './record-format.js';

/** What `rivulet consume --group` was asked. */
export interface GroupConsumeOptions {
  bootstrap: string;
  topic: string;
  group: string;
  /** Where partitions without a committed offset start. */
  from: SeekTarget;
  format: RecordFormat;
  max: number;
  follow: boolean;
}

/** How often a member commits what it printed (and on every revocation and at exit). */
const COMMIT_INTERVAL_MS = 1000;

/** A commit refused because the group moved on: the next owner reads those records again. */
function isRebalanceError(err: unknown): boolean {
  return (
    isKafkaError(err) &&
    ['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID'].includes(err.errorName)
  );
}

/**
 * `rivulet consume --group G`: prints the records of the partitions the group assigns this
 * member, starting from the group's committed offsets (`from` where there is none), and commits
 * the offset after the last record printed — never past it, so `--max` and the end-offset cutoff
 * lose nothing — every second, when partitions are revoked, and on exit. Without `--follow` it
 * stops once every assigned partition reached the end offset it had when assigned, then leaves
 * the group. SIGINT and SIGTERM commit and leave too.
 */
export async function consumeAsGroupMember(o: GroupConsumeOptions): Promise<number> {
  const { topic } = o;
  /** Per partition: the offset after the last record printed (what to commit). */
  const printedNext = new Map<number, number>();
  /**
   * Per partition: where reading started, committed while nothing is printed (so that the
   * group's lag covers every partition it owns, as Kafka's console consumer's commits do).
   */
  const started = new Map<number, number>();
  /** Without --follow: where each partition stops, looked up when it is first assigned. */
  const ends = new Map<number, number>();
  const state = { joined: false, interrupted: false };

  const commitPrinted = async (partitions: readonly number[]): Promise<void> => {
    const offsets = partitions.flatMap((partition) => {
      const offset = printedNext.get(partition) ?? started.get(partition);
      return offset === undefined ? [] : [{ topic, partition, offset }];
    });
    try {
      await consumer.commit(offsets);
    } catch (err) {
      if (!isRebalanceError(err)) throw err;
    }
  };

  const forget = (tps: readonly TopicPartition[]): void => {
    for (const tp of tps) {
      printedNext.delete(tp.partition);
      started.delete(tp.partition);
    }
  };

  const consumer: GroupConsumer = new GroupConsumer({
    ...cliClientOptions(o.bootstrap),
    groupId: o.group,
    topics: [topic],
    autoCommit: false,
    autoOffsetReset: 'earliest',
    maxWaitMs: o.follow ? 500 : 100,
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1000,
    onAssigned: async (tps) => {
      state.joined = true;
      for (const tp of tps) if (consumer.position(tp) === undefined) consumer.seek(tp, o.from);
      const missing = o.follow ? [] : tps.filter((tp) => !ends.has(tp.partition));
      if (missing.length > 0) {
        const found = await consumer.endOffsets(missing);
        missing.forEach((tp, i) => ends.set(tp.partition, found[i]!));
      }
    },
    onRevoked: async (tps) => {
      await commitPrinted(tps.map((tp) => tp.partition));
      forget(tps);
    },
    onLost: forget,
  });

  const onSignal = (): void => {
    state.interrupted = true;
    // Ends a join waiting on the rest of the group at once; the loop then sees the flag.
    void consumer.close().catch(() => undefined);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const interrupted = (): boolean => state.interrupted;
  let printed = 0;
  const printer = new RecordPrinter(o.format);
  let lastCommit = Date.now();
  try {
    await consumer.connect(CONNECT_TIMEOUT_MS);
    try {
      await consumer.cluster.topics([topic], { waitForTopics: false });
    } catch (err) {
      explainTopicError(err, topic);
    }
    while (!interrupted() && printed < o.max && !isStdoutClosed()) {
      // A position known before any record came is where this partition starts (positions move
      // only when a poll returns the partition's records).
      for (const tp of consumer.assignment()) {
        const position = consumer.position(tp);
        if (position !== undefined && !started.has(tp.partition)) started.set(tp.partition, position);
      }
      if (!o.follow && state.joined) {
        const assigned = consumer.assignment();
        const finished = assigned.filter((tp) => {
          const position = consumer.position(tp);
          return position !== undefined && position >= (ends.get(tp.partition) ?? Infinity);
        });
        consumer.pause(finished);
        if (finished.length === assigned.length) break;
      }
      let parts;
      try {
        parts = await consumer.poll();
      } catch (err) {
        if (interrupted() && isRivuletError(err, 'RIV_ERR_CLIENT_CLOSED')) break;
        throw err;
      }
      for (const part of parts) {
        if (!started.has(part.partition)) started.set(part.partition, part.fetchOffset);
        const end = o.follow ? Infinity : (ends.get(part.partition) ?? Infinity);
        part.forEach((r) => {
          if (r.offset >= end || printed >= o.max) return false;
          printed++;
          printer.add(topic, part.partition, r);
          printedNext.set(part.partition, r.offset + 1);
          return true;
        });
      }
      const chunk = printer.take();
      if (chunk !== null && !(await writeOut(chunk))) break;
      if (Date.now() - lastCommit >= COMMIT_INTERVAL_MS && !interrupted()) {
        lastCommit = Date.now();
        await commitPrinted(consumer.assignment().map((tp) => tp.partition));
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await consumer.close(); // revokes: commits what was printed, then LeaveGroup
  }
  if (!o.follow) {
    process.stderr.write(
      `Consumed ${printed} record${printed === 1 ? '' : 's'} from '${topic}' as a member of group '${o.group}'.\n`,
    );
  }
  return 0;
}
