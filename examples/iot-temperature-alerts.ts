/**
 * IoT temperature alerts. Two rules per sensor:
 *
 * - `overheat`: the 1-minute average temperature exceeds a limit (tumbling event-time windows,
 *   readings up to 10 s late still count, later ones go to a side output);
 * - `spike`: the temperature rises by more than 5 °C within 10 s of event time (a keyed process
 *   function keeping the sensor's recent readings in state, cleaned up by timers).
 *
 * Run: `npx tsx examples/iot-temperature-alerts.ts`.
 */
import { pathToFileURL } from 'node:url';
import {
  avg,
  boundedOutOfOrderness,
  dataGenerator,
  listState,
  OutputTag,
  StreamEnvironment,
  tumbling,
  type DataStream,
} from '../src/stream/index.js';

export interface Reading {
  readonly sensor: string;
  readonly celsius: number;
  readonly ts: number;
}

export type Alert =
  | { readonly kind: 'overheat'; readonly sensor: string; readonly minute: number; readonly average: number }
  | {
      readonly kind: 'spike';
      readonly sensor: string;
      readonly from: number;
      readonly to: number;
      readonly at: number;
    };

export const OVERHEAT_LIMIT = 80;
export const SPIKE_DELTA = 5;
export const SPIKE_WINDOW_MS = 10_000;

/** Readings too late for their minute. */
export const lateReadings = new OutputTag<Reading>('late-readings');

export function overheatAlerts(readings: DataStream<Reading>): DataStream<Alert> {
  return readings
    .keyBy((r) => r.sensor)
    .window(tumbling('1m', { grace: '10s' }))
    .lateOutput(lateReadings)
    .aggregate(
      avg((r: Reading) => r.celsius),
      (sensor, w, average) => ({ sensor, minute: w.start, average }),
    )
    .uid('minute-averages')
    .filter((a) => a.average > OVERHEAT_LIMIT)
    .map((a): Alert => ({ kind: 'overheat', ...a }));
}

const spikeState = { recent: listState<{ celsius: number; ts: number }>() };

export function spikeAlerts(readings: DataStream<Reading>): DataStream<Alert> {
  return readings
    .keyBy((r) => r.sensor)
    .process<Alert, typeof spikeState>(
      {
        state: spikeState,
        processElement(r, ctx) {
          const recent = ctx.state.recent.get().filter((x) => x.ts >= r.ts - SPIKE_WINDOW_MS && x.ts <= r.ts);
          const lowest = recent.reduce((m, x) => (x.celsius < m.celsius ? x : m), r);
          if (r.celsius - lowest.celsius > SPIKE_DELTA) {
            ctx.emit({ kind: 'spike', sensor: r.sensor, from: lowest.celsius, to: r.celsius, at: r.ts });
          }
          ctx.state.recent.update([...recent, { celsius: r.celsius, ts: r.ts }]);
          // Forget the readings once they can no longer take part in a spike.
          ctx.timers.registerEventTime(r.ts + SPIKE_WINDOW_MS);
        },
        onTimer(t, ctx) {
          const kept = ctx.state.recent.get().filter((x) => x.ts > t - SPIKE_WINDOW_MS);
          if (kept.length === 0) ctx.state.recent.clear();
          else ctx.state.recent.update(kept);
        },
      },
      { uid: 'spikes' },
    );
}

export function temperatureAlerts(readings: DataStream<Reading>): DataStream<Alert> {
  return overheatAlerts(readings).union(spikeAlerts(readings));
}

/** Deterministic readings of three sensors every second; s2 overheats, s1 spikes once. */
export function sampleReading(i: number): Reading {
  const sensor = `s${i % 3}`;
  const second = Math.floor(i / 3);
  const base = sensor === 's2' ? 78 + second / 20 : 20 + Math.sin(second / 10);
  const celsius = sensor === 's1' && second === 40 ? base + 12 : base;
  return { sensor, celsius: Math.round(celsius * 10) / 10, ts: 1_700_000_040_000 + second * 1000 };
}

export async function main(): Promise<void> {
  const env = new StreamEnvironment({ name: 'iot-temperature-alerts' });
  const readings = env.fromSource(dataGenerator({ count: 3 * 240, generate: sampleReading }), {
    timestamps: (r) => r.ts,
    watermarks: boundedOutOfOrderness('5s'),
  });
  temperatureAlerts(readings).print('alert ');
  await env.execute();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
