/**
 * `rivulet nexmark <sub-command>`: the Nexmark benchmark's tools. `generate` writes the events as
 * JSON lines; `run` runs a query on the engine over the same events. Usage errors exit 2,
 * failures while working exit 1.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { blackholeSink, jsonLinesSink, type JobMetrics, type Sink } from '../../stream/index.js';
import type { NexmarkEvent, NexmarkRunResult } from '../../stream/nexmark/index.js';
import {
  DEFAULT_CHECKPOINT_INTERVAL_MS,
  DEFAULT_RATE,
  MAX_EVENTS,
  MAX_RATE,
  JsonLinesEncoder,
  NEXMARK_QUERIES,
  NexmarkGenerator,
  isNexmarkQuery,
  runNexmarkQuery,
} from '../../stream/nexmark/index.js';
import type { Command } from '../command.js';

/** A bad command line: reported as one line naming the flag, exit code 2. */
class UsageError extends Error {}

interface Subcommand {
  readonly name: string;
  readonly usage: string;
  run(args: string[]): Promise<number>;
}

/** The flags every sub-command that generates events shares: they select the event stream. */
const EVENT_FLAGS = {
  events: { type: 'string' },
  seed: { type: 'string' },
  rate: { type: 'string' },
} as const;

const EVENT_FLAGS_USAGE = `    --events N   how many events (required), 0 to ${MAX_EVENTS}
    --seed S     seed, 0 to 4294967295 (default 0)
    --rate R     events per second of event time, 1 to ${MAX_RATE} (default ${DEFAULT_RATE});
                 event n happens at a fixed base time + n * 1e6 / R µs`;

/** The event stream selected by `--events`, `--seed` and `--rate`. */
interface EventSelection {
  readonly events: number;
  readonly seed: number;
  readonly rate: number;
}

/**
 * Parses a non-negative integer flag: digits, optionally grouped with `_` (`10_000_000`) or in
 * exponent form (`1e7`).
 */
function integerFlag(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const digits = text.replaceAll('_', '');
  const value = /^\d+(?:\.\d+)?(?:e\d+)?$/i.test(digits) ? Number(digits) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got '${text}')`);
  }
  return value;
}

function eventSelection(values: { events?: string; seed?: string; rate?: string }): EventSelection {
  const events = integerFlag('events', values.events, 0, MAX_EVENTS);
  if (events === undefined)
    throw new UsageError(`--events is required (how many events, 0 to ${MAX_EVENTS})`);
  return {
    events,
    seed: integerFlag('seed', values.seed, 0, 0xffffffff) ?? 0,
    rate: integerFlag('rate', values.rate, 1, MAX_RATE) ?? DEFAULT_RATE,
  };
}

/**
 * Runs `parse` (a `parseArgs` call), turning its errors into usage errors of one line (some of
 * `parseArgs`'s messages span several).
 */
function parseFlags<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ').trim());
  }
}

/** Progress lines on stderr, at most one a second (wall clock: reporting only, never pacing). */
class Progress {
  private readonly started = performance.now();
  private lastReport = this.started;

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  /** Reports `done` events; at most once a second unless `force` (the caller paces itself). */
  update(done: number, force = false): void {
    const now = performance.now();
    if (!force && now - this.lastReport < 1000) return;
    this.lastReport = now;
    const percent = this.total === 0 ? 100 : Math.floor((100 * done) / this.total);
    process.stderr.write(
      `${this.label}: ${done.toLocaleString('en-US')} of ${this.total.toLocaleString('en-US')} events (${percent}%)\n`,
    );
  }

  get seconds(): number {
    return (performance.now() - this.started) / 1000;
  }
}

const BATCH_EVENTS = 8192;

const generate: Subcommand = {
  name: 'generate',
  usage: `  rivulet nexmark generate --events N [--seed S] [--rate R] --out FILE
    Writes events 0 … N-1 to FILE as JSON lines, one per event:
    {"event_type":0|1|2,"person":{…}|null,"auction":{…}|null,"bid":{…}|null}
    with the field names of Nexmark's datagen table and times as epoch-ms integers. The same N,
    S and R always give the same bytes. FILE is replaced atomically when the events are written.
${EVENT_FLAGS_USAGE}
    --out FILE   where to write (required)
`,
  async run(args) {
    const { values } = parseFlags(() =>
      parseArgs({
        args,
        options: { ...EVENT_FLAGS, out: { type: 'string' } },
        strict: true,
        allowPositionals: false,
      }),
    );
    const selection = eventSelection(values);
    const out = values.out;
    if (out === undefined || out === '') throw new UsageError('--out is required (the file to write)');
    const { bytes, seconds } = await writeEventsFile(out, selection);
    const rate = seconds > 0 ? Math.round(selection.events / seconds).toLocaleString('en-US') : '-';
    process.stderr.write(
      `nexmark generate: wrote ${selection.events.toLocaleString('en-US')} events ` +
        `(${(bytes / 1e6).toFixed(1)} MB) to ${out} in ${seconds.toFixed(2)} s (${rate} events/s)\n`,
    );
    return 0;
  },
};

/**
 * Writes the selected events to `path` as JSON lines through a temporary file in the same
 * directory, fsynced and renamed over `path`: a reader sees the old file or the whole new one.
 * Generation of the next batch overlaps the write of the previous one.
 */
async function writeEventsFile(
  path: string,
  selection: EventSelection,
): Promise<{ bytes: number; seconds: number }> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const progress = new Progress('nexmark generate', selection.events);
  const handle = await open(temp, 'w');
  let bytes = 0;
  try {
    const generator = new NexmarkGenerator(selection);
    const batch: NexmarkEvent[] = [];
    // Two encoders: one batch's bytes are being written while the next is encoded.
    const encoders = [new JsonLinesEncoder(), new JsonLinesEncoder()] as const;
    let writing: Promise<unknown> = Promise.resolve();
    for (let i = 0; generator.nextBatch(batch, BATCH_EVENTS) > 0; i++) {
      const chunk = encoders[i & 1]!.encode(batch);
      bytes += chunk.length;
      await writing;
      writing = handle.write(chunk);
      progress.update(generator.position);
    }
    await writing;
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
  return { bytes, seconds: progress.seconds };
}

const MAX_CHECKPOINT_INTERVAL_MS = 86_400_000;
const QUERY_LIST = NEXMARK_QUERIES.join(', ');

const run: Subcommand = {
  name: 'run',
  usage: `  rivulet nexmark run --query Q --events N [--seed S] [--rate R] (--out FILE | --sink blackhole)
                      [--checkpoint-interval MS] [--json]
    Runs Nexmark query Q, written with the DataStream API, over exactly the events 'generate'
    writes for the same N, S and R, with checkpoints on. Output rows are named after the query's
    SELECT list, plus window_start and window_end for windowed queries; times are epoch-ms
    integers. Progress goes to stderr.
    --query Q    ${QUERY_LIST} (required)
${EVENT_FLAGS_USAGE}
    --out FILE   write the rows to FILE as JSON lines, replaced atomically when the job ends
    --sink blackhole
                 discard the rows (for benchmarks); give --out or --sink, not both
    --checkpoint-interval MS
                 time between checkpoints, 1 to ${MAX_CHECKPOINT_INTERVAL_MS} ms (default
                 ${DEFAULT_CHECKPOINT_INTERVAL_MS}); checkpoints go to a temporary directory removed at the end
    --json       print {"query","events","seconds","cpuSeconds","eventsPerSecond"} as the last
                 line of stdout: seconds of wall-clock time, CPU seconds of the process (user +
                 system), and eventsPerSecond = events / cpuSeconds (events: all generated events)
`,
  async run(args) {
    const { values } = parseFlags(() =>
      parseArgs({
        args,
        options: {
          query: { type: 'string' },
          ...EVENT_FLAGS,
          out: { type: 'string' },
          sink: { type: 'string' },
          'checkpoint-interval': { type: 'string' },
          json: { type: 'boolean', default: false },
        },
        strict: true,
        allowPositionals: false,
      }),
    );
    const query = values.query;
    if (query === undefined) throw new UsageError(`--query is required (one of ${QUERY_LIST})`);
    if (!isNexmarkQuery(query)) throw new UsageError(`--query must be one of ${QUERY_LIST} (got '${query}')`);
    const selection = eventSelection(values);
    const checkpointIntervalMs =
      integerFlag('checkpoint-interval', values['checkpoint-interval'], 1, MAX_CHECKPOINT_INTERVAL_MS) ??
      DEFAULT_CHECKPOINT_INTERVAL_MS;
    const sink = outputSink(values.out, values.sink);
    const progress = new Progress(`nexmark run ${query}`, selection.events);
    let result: NexmarkRunResult;
    try {
      result = await runNexmarkQuery({
        query,
        ...selection,
        sink,
        checkpointIntervalMs,
        listener: {
          onMetrics: (m) => {
            progress.update(eventsRead(m), true);
          },
        },
      });
    } catch (err) {
      // The file sink stages its parts beside FILE until the job ends; a failed run leaves FILE
      // as it was, and should not leave the parts either.
      if (values.out !== undefined)
        await rm(`${resolve(values.out)}.parts`, { recursive: true, force: true });
      throw err;
    }
    process.stderr.write(summary(result, values.out));
    if (values.json) {
      const { events, seconds, cpuSeconds, eventsPerSecond } = result;
      process.stdout.write(`${JSON.stringify({ query, events, seconds, cpuSeconds, eventsPerSecond })}\n`);
    }
    return 0;
  },
};

/** The sink `--out FILE` or `--sink blackhole` selects: exactly one of them must be given. */
function outputSink(out: string | undefined, sink: string | undefined): Sink<object> {
  if (out !== undefined && sink !== undefined) {
    throw new UsageError('give one of --out FILE and --sink blackhole, not both');
  }
  if (sink !== undefined) {
    if (sink !== 'blackhole')
      throw new UsageError(`--sink must be 'blackhole' (got '${sink}'); for a file use --out FILE`);
    return blackholeSink<object>();
  }
  if (out === undefined || out === '') {
    throw new UsageError('--out FILE or --sink blackhole is required (where the rows go)');
  }
  return jsonLinesSink<object>({ file: out });
}

function eventsRead(metrics: JobMetrics): number {
  let read = 0;
  for (const s of metrics.sources) read += s.recordsOut;
  return read;
}

function summary(result: NexmarkRunResult, out: string | undefined): string {
  const { rows } = result;
  const checkpoints = result.job.metrics.checkpoints.completed;
  return (
    `nexmark run ${result.query}: ${result.events.toLocaleString('en-US')} events in ` +
    `${result.seconds.toFixed(2)} s, ${result.cpuSeconds.toFixed(2)} CPU-s ` +
    `(${result.eventsPerSecond.toLocaleString('en-US')} events per CPU-second); ` +
    `${rows.toLocaleString('en-US')} rows${out === undefined ? '' : ` to ${out}`}, ` +
    `${checkpoints} checkpoint${checkpoints === 1 ? '' : 's'}\n`
  );
}

/** Every sub-command, in the order the usage lists them. */
const subcommands: readonly Subcommand[] = [generate, run];

const usage = `Usage: rivulet nexmark <sub-command> [options]

The Nexmark streaming benchmark: its events (persons, auctions, bids) from a deterministic
generator, and its queries on the stream engine.

${subcommands.map((s) => s.usage).join('\n')}`;

/** `rivulet nexmark`: the Nexmark benchmark's sub-commands. */
export const nexmark: Command = {
  name: 'nexmark',
  summary: 'Nexmark benchmark: generate its events, run its queries',
  usage,
  async run(args) {
    const [name, ...rest] = args;
    const subcommand = subcommands.find((s) => s.name === name);
    if (subcommand === undefined) {
      const known = subcommands.map((s) => s.name).join(', ');
      process.stderr.write(
        name === undefined
          ? `rivulet nexmark: a sub-command is required (${known}). Run 'rivulet nexmark --help'.\n`
          : `rivulet nexmark: unknown sub-command '${name}' (known: ${known}).\n`,
      );
      return 2;
    }
    try {
      return await subcommand.run(rest);
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`rivulet nexmark ${subcommand.name}: ${err.message}\n`);
        return 2;
      }
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`rivulet nexmark ${subcommand.name}: ${message}\n`);
      return 1;
    }
  },
};
