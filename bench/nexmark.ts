/**
 * Nexmark figures: events per CPU-second for generation alone and for each query's hand-written
 * baseline, generation included, over the same events `rivulet nexmark generate` writes.
 *
 *   npx tsx bench/nexmark.ts [--events N] [--rate R] [--seed S] [--queries q0,q5] [--repeat K] [--json]
 *
 * Defaults: 10,000,000 events at 10,000,000 events/s of event time (the Nexmark suite's rate),
 * seed 0, one run each. CPU time is the process's user + system time, so garbage collection on
 * helper threads counts. Each measurement follows a short warm-up run of the same loop; with
 * `--repeat K` the best of K runs is reported (on a shared machine the best run is the one least
 * disturbed by others).
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { NexmarkQuery } from '../src/stream/nexmark/index.js';
import { NEXMARK_QUERIES, NexmarkGenerator, isNexmarkQuery } from '../src/stream/nexmark/index.js';
import type { BaselineResult, EventBatchSource } from './nexmark-baseline.js';
import { baselines, generationOnly } from './nexmark-baseline.js';

/** The event stream a measurement runs over. */
export interface NexmarkBenchOptions {
  readonly events: number;
  readonly rate: number;
  readonly seed: number;
}

/** One measurement: the fields of `rivulet nexmark run --json`, plus the result it computed. */
export interface NexmarkMeasurement {
  readonly query: string;
  readonly events: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly eventsPerSecond: number;
  readonly rows: number;
  readonly checksum: number;
}

const WARM_UP_EVENTS = 300_000;

/**
 * Runs `loop` over a fresh generator for the options' events and measures it, after a warm-up
 * run over the first {@link WARM_UP_EVENTS} events. `eventsPerSecond` is per CPU-second.
 */
export function measure(
  name: string,
  loop: (source: EventBatchSource) => BaselineResult,
  options: NexmarkBenchOptions,
): NexmarkMeasurement {
  const { events, rate, seed } = options;
  loop(new NexmarkGenerator({ seed, rate, events: Math.min(events, WARM_UP_EVENTS) }));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = loop(new NexmarkGenerator({ seed, rate, events }));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    query: name,
    events,
    seconds,
    cpuSeconds,
    eventsPerSecond: Math.round(events / cpuSeconds),
    rows: result.rows,
    checksum: result.checksum,
  };
}

/** The best (highest events per CPU-second) of `repeat` measurements. */
function best(repeat: number, run: () => NexmarkMeasurement): NexmarkMeasurement {
  let top = run();
  for (let i = 1; i < repeat; i++) {
    const next = run();
    if (next.eventsPerSecond > top.eventsPerSecond) top = next;
  }
  return top;
}

/** Measures generation alone, then each query's baseline, each the best of `repeat` runs. */
export function measureBaselines(
  options: NexmarkBenchOptions,
  queries: readonly NexmarkQuery[] = NEXMARK_QUERIES,
  repeat = 1,
): NexmarkMeasurement[] {
  return [
    best(repeat, () => measure('generate', generationOnly, options)),
    ...queries.map((q) => best(repeat, () => measure(`${q} baseline`, baselines[q], options))),
  ];
}

function main(): void {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '10000000' },
      rate: { type: 'string', default: '10000000' },
      seed: { type: 'string', default: '0' },
      queries: { type: 'string', default: NEXMARK_QUERIES.join(',') },
      repeat: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
    },
  });
  const queries = values.queries.split(',').map((q) => {
    if (!isNexmarkQuery(q))
      throw new Error(`--queries: unknown query '${q}' (known: ${NEXMARK_QUERIES.join(', ')})`);
    return q;
  });
  const options = { events: Number(values.events), rate: Number(values.rate), seed: Number(values.seed) };
  process.stderr.write(
    `Nexmark baselines: ${options.events.toLocaleString('en-US')} events, ` +
      `${options.rate.toLocaleString('en-US')} events/s of event time, seed ${options.seed}\n`,
  );
  const results: NexmarkMeasurement[] = [];
  for (const m of measureBaselines(options, queries, Number(values.repeat))) {
    results.push(m);
    process.stderr.write(
      `  ${m.query.padEnd(13)} ${(m.eventsPerSecond / 1e6).toFixed(2).padStart(6)} M events/CPU-s  ` +
        `(${m.cpuSeconds.toFixed(2)} CPU-s, ${m.seconds.toFixed(2)} s, ${m.rows.toLocaleString('en-US')} rows)\n`,
    );
  }
  if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
