import { Consumer } from '../../client/consumer.js';
import type { SeekTarget, TopicPartition } from '../../client/consumer-types.js';
import { RivuletError } from '../../shared/errors.js';
import { intFlag, parseFlags } from '../args.js';
import type { Command } from '../command.js';
import { consumeAsGroupMember } from './consume-group.js';
import {
  BOOTSTRAP_USAGE,
  bootstrapFlag,
  cliClientOptions,
  CONNECT_TIMEOUT_MS,
  explainTopicError,
  isStdoutClosed,
  topicArg,
  writeOut,
} from './kafka-flags.js';
import { parseFormat, RecordPrinter } from './record-format.js';

const usage = `Usage: rivulet consume --topic T [options]

Prints a topic's records to stdout, one per line. Without --follow it stops at the end offsets
the partitions had when it started (when they were assigned, with --group); with --follow it
keeps printing new records until Ctrl-C.

Options:
${BOOTSTRAP_USAGE}
  --topic T               the topic
  --from WHERE            earliest (default), latest, an OFFSET, @TIMESTAMP_MS, or an ISO-8601
                          time such as 2024-05-01T12:00:00Z (the first record at or after it)
  --partition P           only partition P (default: every partition)
  --follow                keep waiting for new records until interrupted
  --max N                 stop after N records
  --format value|json     value: the value per line (default); json: one object per line with
                          topic, partition, offset, timestamp, key, value and headers
  --group G               consume as a member of consumer group G: share the partitions with
                          the group's other members, resume from its committed offsets (--from
                          applies to partitions without one) and commit what was printed
`;

const flags = {
  ...bootstrapFlag,
  topic: { type: 'string' },
  from: { type: 'string', default: 'earliest' },
  partition: { type: 'string' },
  follow: { type: 'boolean', default: false },
  max: { type: 'string' },
  format: { type: 'string', default: 'value' },
  group: { type: 'string' },
} as const;

/** Parses `--from`. */
export function parseFrom(v: string): SeekTarget {
  if (v === 'earliest' || v === 'beginning') return 'earliest';
  if (v === 'latest' || v === 'end') return 'latest';
  if (/^\d+$/.test(v)) return intFlag(v, '--from', 0, 0, Number.MAX_SAFE_INTEGER);
  if (/^@\d+$/.test(v))
    return { timestamp: intFlag(v.slice(1), '--from @TIMESTAMP_MS', 0, 0, Number.MAX_SAFE_INTEGER) };
  if (/^\d{4}-\d{2}-\d{2}/.test(v)) {
    const t = Date.parse(v);
    if (!Number.isNaN(t) && t >= 0) return { timestamp: t };
  }
  throw new RivuletError(
    'RIV_ERR_INVALID_ARGUMENT',
    `--from must be earliest, latest, an offset, @TIMESTAMP_MS or an ISO-8601 time, got '${v}'`,
  );
}

/** `rivulet consume`: records → stdout. */
export const consume: Command = {
  name: 'consume',
  summary: 'print records of a topic',
  usage,
  async run(args) {
    const { values, positionals } = parseFlags(args, flags, true);
    const topic = topicArg(values.topic, positionals, 'consume');
    const from = parseFrom(values.from);
    const format = parseFormat(values.format);
    const max =
      values.max === undefined ? Infinity : intFlag(values.max, '--max', 0, 0, Number.MAX_SAFE_INTEGER);
    const follow = values.follow;
    if (values.group !== undefined) {
      if (values.partition !== undefined) {
        throw new RivuletError(
          'RIV_ERR_INVALID_ARGUMENT',
          '--partition cannot be combined with --group: the group assigns the partitions',
        );
      }
      const group = values.group;
      if (group === '') throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', '--group needs a group id');
      return consumeAsGroupMember({ bootstrap: values.bootstrap, topic, group, from, format, max, follow });
    }

    const consumer = new Consumer({
      ...cliClientOptions(values.bootstrap),
      autoOffsetReset: 'earliest',
      maxWaitMs: follow ? 500 : 100,
    });
    const interrupted = { yes: false };
    const onSignal = (): void => {
      interrupted.yes = true;
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let printed = 0;
    const printer = new RecordPrinter(format);
    try {
      await consumer.connect(CONNECT_TIMEOUT_MS);
      let count: number;
      try {
        const [info] = await consumer.cluster.topics([topic], { waitForTopics: false });
        count = info!.partitions.length;
      } catch (err) {
        explainTopicError(err, topic);
      }
      let tps: TopicPartition[];
      if (values.partition === undefined) {
        tps = Array.from({ length: count }, (_, partition) => ({ topic, partition }));
      } else {
        const p = intFlag(values.partition, '--partition', 0, 0, 0x7fffffff);
        if (p >= count) {
          throw new RivuletError(
            'RIV_ERR_INVALID_ARGUMENT',
            `partition ${p} of '${topic}' does not exist (${count} partitions)`,
          );
        }
        tps = [{ topic, partition: p }];
      }
      consumer.assign(tps);
      for (const tp of tps) consumer.seek(tp, from);
      // Without --follow, the end offsets seen now are where each partition stops.
      const ends = follow ? null : await consumer.endOffsets(tps);
      const done = (i: number): boolean => {
        const position = consumer.position(tps[i]!);
        return ends !== null && position !== undefined && position >= ends[i]!;
      };
      const endOf = new Map(tps.map((tp, i) => [tp.partition, ends?.[i] ?? Infinity]));

      while (!interrupted.yes && printed < max && !isStdoutClosed()) {
        if (ends !== null) {
          const finished = tps.filter((_, i) => done(i));
          consumer.pause(finished);
          if (finished.length === tps.length) break;
        }
        const parts = await consumer.poll();
        for (const part of parts) {
          const end = endOf.get(part.partition) ?? Infinity;
          part.forEach((r) => {
            if (r.offset >= end || printed >= max) return false;
            printed++;
            printer.add(topic, part.partition, r);
            return true;
          });
        }
        const chunk = printer.take();
        if (chunk !== null && !(await writeOut(chunk))) break;
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await consumer.close();
    }
    if (!follow)
      process.stderr.write(`Consumed ${printed} record${printed === 1 ? '' : 's'} from '${topic}'.\n`);
    return 0;
  },
};
