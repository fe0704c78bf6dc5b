/**
 * The Nexmark benchmark on the engine: per query, events per CPU-second of the query running on
 * the engine with checkpoints on (every second, to a temporary directory; blackhole output that
 * only checksums the rows), beside the hand-written loop computing the same rows over the same
 * events in the same run. Both include generating the events. Each measurement runs in its own
 * process (`bench/nexmark-measure.ts`), after a warm-up; the best of a few alternating runs of
 * each is reported. The engine's rows must match the loop's (count and checksum) or the
 * benchmark fails.
 *
 *   npm run bench -- nexmark              # all queries; `npm run bench -- q5` for one
 *
 * Environment: NEXMARK_EVENTS (default 10,000,000), NEXMARK_RATE (events per second of event
 * time, default 10,000,000, the Nexmark suite's), NEXMARK_SEED (0), NEXMARK_REPEAT (runs of
 * each side, best kept; default 2), NEXMARK_CHECKPOINT_INTERVAL (ms, default 1000).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { NexmarkQuery } from '../src/stream/nexmark/index.js';
import { NEXMARK_QUERIES } from '../src/stream/nexmark/index.js';
import { defineBenchmarks, type MeasuredRow } from './harness.js';
import type { NexmarkMeasurement } from './nexmark.js';

/** The best published per-core figures (K events/s): Feldera's, and Flink's for q11 (x 2.5 is the goal). */
const PUBLISHED: Readonly<Record<NexmarkQuery, { readonly feldera?: number; readonly flink: number }>> = {
  q0: { feldera: 436, flink: 155 },
  q1: { feldera: 412, flink: 158 },
  q2: { feldera: 422, flink: 175 },
  q3: { feldera: 413, flink: 152 },
  q5: { feldera: 412, flink: 22 },
  q7: { feldera: 196, flink: 12 },
  q8: { feldera: 415, flink: 146 },
  q11: { flink: 40 },
};

function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  const value = text === undefined ? fallback : Number(text.replaceAll('_', ''));
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
}

const script = fileURLToPath(new URL('./nexmark-measure.ts', import.meta.url));

/** Runs one side of a row in a child process and returns its measurement. */
function measureInChild(
  side: 'engine' | 'baseline',
  query: NexmarkQuery,
  args: string[],
): Promise<NexmarkMeasurement> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, '--side', side, '--query', query, ...args],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trimEnd().split('\n').at(-1);
      if (code !== 0 || last === undefined || last === '') {
        reject(new Error(`nexmark ${side} ${query}: the measuring process exited with code ${String(code)}`));
      } else {
        resolve(JSON.parse(last) as NexmarkMeasurement);
      }
    });
  });
}

const perSecond = (m: NexmarkMeasurement): number => m.eventsPerSecond / 1e6;

export default defineBenchmarks({
  area: 'nexmark',
  async *measured({ selected }) {
    const events = envNumber('NEXMARK_EVENTS', 10_000_000);
    const rate = envNumber('NEXMARK_RATE', 10_000_000);
    const seed = envNumber('NEXMARK_SEED', 0);
    const repeat = Math.max(1, envNumber('NEXMARK_REPEAT', 2));
    const interval = envNumber('NEXMARK_CHECKPOINT_INTERVAL', 1000);
    const args = ['--events', String(events), '--rate', String(rate), '--seed', String(seed)];
    for (const query of NEXMARK_QUERIES) {
      const name = `${query} events per CPU-second`;
      if (!selected(name)) continue;
      let engine: NexmarkMeasurement | undefined;
      let loop: NexmarkMeasurement | undefined;
      for (let i = 0; i < repeat; i++) {
        const e = await measureInChild('engine', query, [...args, '--checkpoint-interval', String(interval)]);
        const b = await measureInChild('baseline', query, args);
        if (e.rows !== b.rows || e.checksum !== b.checksum) {
          throw new Error(
            `nexmark ${query}: the engine's rows (${e.rows}, checksum ${e.checksum}) differ from the loop's (${b.rows}, checksum ${b.checksum})`,
          );
        }
        if (engine === undefined || e.eventsPerSecond > engine.eventsPerSecond) engine = e;
        if (loop === undefined || b.eventsPerSecond > loop.eventsPerSecond) loop = b;
      }
      const { feldera, flink } = PUBLISHED[query];
      const perCore = engine!.eventsPerSecond / 1000;
      const versus =
        feldera === undefined
          ? `${(perCore / flink).toFixed(1)}× Flink's ${flink}K/core`
          : `${(perCore / feldera).toFixed(1)}× Feldera's ${feldera}K/core`;
      const row: MeasuredRow = {
        name,
        subject: {
          label: `engine, checkpoints every ${interval} ms`,
          value: perSecond(engine!),
          unit: 'M events/CPU-s',
        },
        baseline: { label: 'hand-written loop', value: perSecond(loop!), unit: 'M events/CPU-s' },
        note: `${versus}; ${engine!.rows.toLocaleString('en-US')} row${engine!.rows === 1 ? '' : 's'}, same as the loop; ${(events / 1e6).toFixed(0)}M events at ${rate.toLocaleString('en-US')}/s, best of ${repeat}`,
      };
      yield row;
    }
  },
});
