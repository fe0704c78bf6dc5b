/**
 * Micro-benchmarks of the stream engine against hand-written loops over the same generated
 * events (generation counted in both). Run: `npx tsx bench/stream-pipeline.bench.ts [events]`.
 * Prints events per CPU-second for the engine and the loop, and their ratio.
 *
 * The events are Nexmark-shaped bids (auction, bidder, price, dateTime) from a xorshift PRNG;
 * the real Nexmark generator and queries live in src/stream/nexmark.
 */
import {
  blackholeSink,
  count,
  max,
  session,
  sliding,
  StreamEnvironment,
  tumbling,
  boundedOutOfOrderness,
} from '../src/stream/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dataGenerator } from '../src/stream/connectors/data-generator-source.js';
import { defineBenchmarks } from './harness.js';

interface Bid {
  auction: number;
  bidder: number;
  price: number;
  dateTime: number;
  channel: string;
}
interface Event {
  event_type: number;
  bid: Bid | null;
}

const BASE = 1_700_000_000_000;
const RATE = 10_000_000; // events per second of event time, as the Nexmark suite

function fill(start: number, n: number, out: Event[]): void {
  for (let i = 0; i < n; i++) {
    const idx = start + i;
    let x = (idx * 2654435761) ^ 0x9e3779b9;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const r = x >>> 0;
    const isBid = idx % 50 >= 4;
    out.push({
      event_type: isBid ? 2 : 1,
      bid: isBid
        ? {
            auction: 1000 + (r % 1000),
            bidder: 2000 + ((r >>> 10) % 5000),
            price: r % 100000,
            dateTime: BASE + Math.floor((idx * 1000) / RATE),
            channel: 'Google',
          }
        : null,
    });
  }
}

interface Figure {
  name: string;
  engine: number;
  loop: number;
}

function cpuSeconds(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1e6;
}

async function engine(
  n: number,
  build: (env: StreamEnvironment) => void,
  checkpointDir: string | undefined,
): Promise<number> {
  const env = new StreamEnvironment({
    batchSize: 4096,
    ...(checkpointDir === undefined ? {} : { checkpoints: { storage: checkpointDir, interval: '1s' } }),
  });
  build(env);
  const start = process.cpuUsage();
  await env.execute({ restore: 'none' });
  return n / cpuSeconds(start);
}

function loop(n: number, body: (events: Event[]) => void): number {
  const start = process.cpuUsage();
  const batch: Event[] = [];
  for (let i = 0; i < n; i += 4096) {
    batch.length = 0;
    fill(i, Math.min(4096, n - i), batch);
    body(batch);
  }
  return n / cpuSeconds(start);
}

const source = (env: StreamEnvironment, n: number) =>
  env
    .fromSource(dataGenerator<Event>({ count: n, generateBatch: fill }), {
      timestamps: (e) => (e.bid === null ? BASE : e.bid.dateTime),
      watermarks: boundedOutOfOrderness('4s'),
    })
    .filter((e) => e.event_type === 2)
    .map((e) => e.bid!);

interface Case {
  readonly name: string;
  readonly build: (env: StreamEnvironment, n: number) => void;
  /** A fresh hand-written loop body (its own state) per run. */
  readonly loop: () => (events: Event[]) => void;
}

let checksum = 0;

const cases: Case[] = [
  {
    name: 'projection (q0/q1 shape)',
    build: (env, n) => {
      source(env, n)
        .map((b) => ({ auction: b.auction, price: b.price * 0.908 }))
        .sinkTo(blackholeSink());
    },
    loop: () => {
      const out: Array<{ auction: number; price: number }> = [];
      return (evs) => {
        out.length = 0;
        for (const e of evs)
          if (e.event_type === 2) out.push({ auction: e.bid!.auction, price: e.bid!.price * 0.908 });
        checksum += out.length;
      };
    },
  },
  {
    name: 'tumbling 10s max per auction (q7 shape)',
    build: (env, n) => {
      source(env, n)
        .keyBy((b) => b.auction)
        .window(tumbling('10s'))
        .aggregate(max((b: Bid) => b.price))
        .sinkTo(blackholeSink());
    },
    loop: () => {
      const windows = new Map<number, Map<number, number>>();
      return (evs) => {
        for (const e of evs) {
          if (e.event_type !== 2) continue;
          const b = e.bid!;
          const w = b.dateTime - (b.dateTime % 10_000);
          let m = windows.get(w);
          if (m === undefined) windows.set(w, (m = new Map<number, number>()));
          const cur = m.get(b.auction);
          if (cur === undefined || b.price > cur) m.set(b.auction, b.price);
        }
      };
    },
  },
  {
    name: 'sliding 10s/2s count per auction (q5 shape)',
    build: (env, n) => {
      source(env, n)
        .keyBy((b) => b.auction)
        .window(sliding('10s', '2s'))
        .aggregate(count())
        .sinkTo(blackholeSink());
    },
    loop: () => {
      const slices = new Map<number, Map<number, number>>();
      return (evs) => {
        for (const e of evs) {
          if (e.event_type !== 2) continue;
          const b = e.bid!;
          const s = b.dateTime - (b.dateTime % 2000);
          let m = slices.get(s);
          if (m === undefined) slices.set(s, (m = new Map<number, number>()));
          m.set(b.auction, (m.get(b.auction) ?? 0) + 1);
        }
      };
    },
  },
  {
    name: 'session 10s count per bidder (q11 shape)',
    build: (env, n) => {
      source(env, n)
        .keyBy((b) => b.bidder)
        .window(session('10s'))
        .aggregate(count())
        .sinkTo(blackholeSink());
    },
    loop: () => {
      const sessions = new Map<number, { start: number; end: number; n: number }>();
      return (evs) => {
        for (const e of evs) {
          if (e.event_type !== 2) continue;
          const b = e.bid!;
          const s = sessions.get(b.bidder);
          if (s !== undefined && b.dateTime <= s.end) {
            s.end = Math.max(s.end, b.dateTime + 10_000);
            s.n++;
          } else sessions.set(b.bidder, { start: b.dateTime, end: b.dateTime + 10_000, n: 1 });
        }
      };
    },
  },
];

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 2_000_000);
  const repeat = Number(process.argv[3] ?? 1);
  const dir = mkdtempSync(join(tmpdir(), 'riv-bench-'));
  const figures: Figure[] = [];
  for (const c of cases) {
    // Warm up both paths, then take the best of `repeat` runs of each (the machine is shared).
    await engine(
      200_000,
      (env) => {
        c.build(env, 200_000);
      },
      undefined,
    );
    loop(200_000, c.loop());
    let best: Figure = { name: c.name, engine: 0, loop: 0 };
    for (let r = 0; r < repeat; r++) {
      const e = await engine(
        n,
        (env) => {
          c.build(env, n);
        },
        join(dir, `${c.name.length}-${r}`),
      );
      const l = loop(n, c.loop());
      best = { name: c.name, engine: Math.max(best.engine, e), loop: Math.max(best.loop, l) };
    }
    figures.push(best);
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`events: ${n}, best of ${repeat}, checkpoints every 1s on   [checksum ${checksum}]`);
  for (const f of figures) {
    const k = (x: number): string => `${Math.round(x / 1000)}K`.padStart(7);
    console.log(
      `${f.name.padEnd(44)} engine ${k(f.engine)} ev/cpu-s   loop ${k(f.loop)}   ratio ${(f.engine / f.loop).toFixed(2)}`,
    );
  }
}

// A script of its own (run it with tsx): `npm run bench` imports every *.bench.ts, and must
// neither start it nor find it without a default export.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

export default defineBenchmarks({ area: 'stream-pipeline' });
