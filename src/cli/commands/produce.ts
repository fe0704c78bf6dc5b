import { Producer } from '../../client/producer.js';
import type { CompressionName, ProducerRecord, SendResult } from '../../client/producer-types.js';
import { RivuletError } from '../../shared/errors.js';
import { intFlag, keyValues, parseFlags } from '../args.js';
import type { Command } from '../command.js';
import {
  BOOTSTRAP_USAGE,
  bootstrapFlag,
  cliClientOptions,
  CONNECT_TIMEOUT_MS,
  topicArg,
} from './kafka-flags.js';

const usage = `Usage: rivulet produce --topic T [options] < records.txt

Reads lines from stdin and produces each line as one record (the line's bytes, without the
newline). Prints a summary to stderr. Exits non-zero if any record could not be produced.

Options:
${BOOTSTRAP_USAGE}
  --topic T               the topic (created if the broker auto-creates topics)
  --keyed                 each line is KEY<TAB>VALUE: the key is what precedes the first tab
  --key-separator SEP     like --keyed, splitting at the first SEP instead of a tab
  --partition P           write every record to partition P (default: by key, keyless sticky)
  --acks 0|1|all          acknowledgement level (default all: durable on the broker)
  --compression CODEC     none (default), gzip, snappy, lz4 or zstd
  --header key=value      a header added to every record; repeatable
`;

const flags = {
  ...bootstrapFlag,
  topic: { type: 'string' },
  keyed: { type: 'boolean', default: false },
  'key-separator': { type: 'string' },
  partition: { type: 'string' },
  acks: { type: 'string', default: 'all' },
  compression: { type: 'string', default: 'none' },
  header: { type: 'string', multiple: true },
} as const;

const CODECS: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
/** Records per send() and sends in flight: enough to keep batches full without unbounded memory. */
const CHUNK_RECORDS = 2000;
const MAX_PENDING_SENDS = 16;

function parseAcks(v: string): 0 | 1 | 'all' {
  if (v === '0') return 0;
  if (v === '1') return 1;
  if (v === 'all' || v === '-1') return 'all';
  throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', `--acks must be 0, 1 or all, got '${v}'`);
}

function parseCodec(v: string): CompressionName {
  if ((CODECS as readonly string[]).includes(v)) return v as CompressionName;
  throw new RivuletError(
    'RIV_ERR_INVALID_ARGUMENT',
    `--compression must be ${CODECS.join(', ')}, got '${v}'`,
  );
}

/**
 * Splits stdin into lines as Buffers (slices of the chunks read: no copy, binary-safe). A final
 * line without a newline counts; a trailing `\r` is dropped.
 */
async function* lines(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let rest: Buffer | null = null;
  for await (const chunk of input) {
    const buf: Buffer = rest === null ? chunk : Buffer.concat([rest, chunk]);
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      yield buf.subarray(start, end);
      start = nl + 1;
    }
    rest = start < buf.length ? buf.subarray(start) : null;
  }
  if (rest !== null) yield rest[rest.length - 1] === 13 ? rest.subarray(0, rest.length - 1) : rest;
}

/** `rivulet produce`: stdin lines → records. */
export const produce: Command = {
  name: 'produce',
  summary: 'produce lines from stdin as records',
  usage,
  async run(args) {
    const { values, positionals } = parseFlags(args, flags, true);
    const topic = topicArg(values.topic, positionals, 'produce');
    const separator =
      values['key-separator'] !== undefined ? values['key-separator'] : values.keyed ? '\t' : undefined;
    if (separator === '') {
      throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', '--key-separator must not be empty');
    }
    const sep = separator === undefined ? null : Buffer.from(separator, 'utf8');
    const partition =
      values.partition === undefined ? undefined : intFlag(values.partition, '--partition', 0, 0, 0x7fffffff);
    const headers = keyValues(values.header, '--header');
    const hasHeaders = Object.keys(headers).length > 0;

    const producer = new Producer({
      ...cliClientOptions(values.bootstrap),
      acks: parseAcks(values.acks),
      compression: parseCodec(values.compression),
    });
    const started = Date.now();
    const pending: Promise<SendResult[]>[] = [];
    const perPartition = new Map<number, number>();
    let produced = 0;
    const settle = async (p: Promise<SendResult[]>): Promise<void> => {
      for (const r of await p) {
        produced += r.count;
        perPartition.set(r.partition, (perPartition.get(r.partition) ?? 0) + r.count);
      }
    };
    try {
      await producer.connect(CONNECT_TIMEOUT_MS);
      let chunk: ProducerRecord[] = [];
      let lineNo = 0;
      const dispatch = async (): Promise<void> => {
        const sent = producer.send(topic, chunk);
        // Observed later by settle(); without a handler now, an early failure would be unhandled.
        sent.catch(() => undefined);
        pending.push(sent);
        chunk = [];
        if (pending.length >= MAX_PENDING_SENDS) await settle(pending.shift()!);
      };
      for await (const line of lines(process.stdin)) {
        lineNo++;
        let key: Buffer | null = null;
        let value = line;
        if (sep !== null) {
          const at = line.indexOf(sep);
          if (at < 0) {
            throw new RivuletError(
              'RIV_ERR_INVALID_ARGUMENT',
              `line ${lineNo} has no key separator ${JSON.stringify(separator)}`,
            );
          }
          key = line.subarray(0, at);
          value = line.subarray(at + sep.length);
        }
        chunk.push({
          key,
          value,
          ...(partition === undefined ? {} : { partition }),
          ...(hasHeaders ? { headers } : {}),
        });
        if (chunk.length >= CHUNK_RECORDS) await dispatch();
      }
      if (chunk.length > 0) await dispatch();
      while (pending.length > 0) await settle(pending.shift()!);
    } finally {
      // Records already handed over are flushed (or fail) before the error is reported.
      const rest = pending.splice(0);
      await Promise.allSettled(rest);
      await producer.close();
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(2);
    const parts = [...perPartition.keys()].sort((a, b) => a - b);
    const where =
      parts.length === 0 ? '' : ` (partition${parts.length === 1 ? '' : 's'} ${parts.join(', ')})`;
    process.stderr.write(
      `Produced ${produced} record${produced === 1 ? '' : 's'} to '${topic}'${where} in ${seconds} s.\n`,
    );
    return 0;
  },
};
