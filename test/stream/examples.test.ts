import { describe, expect, it, vi } from 'vitest';
import * as fraud from '../../examples/fraud-detection.js';
import * as iot from '../../examples/iot-temperature-alerts.js';
import * as sliding from '../../examples/sliding-window-counts.js';
import { StreamEnvironment, TestDriver, boundedOutOfOrderness } from '../../src/stream/index.js';

/** Runs an example's main() and returns what it printed. */
async function printed(main: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((l) => l !== ''),
    );
    return true;
  });
  try {
    await main();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('example: sliding-window counts per user', () => {
  it('equals counting every 30 s window by hand', async () => {
    const clicks = Array.from({ length: 700 }, (_, i) => sliding.sampleClick(i));
    const env = new StreamEnvironment();
    const out = sliding.eventsPerUser(env.fromArray(clicks, { timestamps: (c) => c.ts })).collect();
    await env.execute();

    const expected = new Map<string, number>();
    for (const c of clicks) {
      for (let start = c.ts - (c.ts % 5000); start > c.ts - 30_000; start -= 5000) {
        const id = `${c.user}|${start}`;
        expected.set(id, (expected.get(id) ?? 0) + 1);
      }
    }
    const actual = new Map(out.values.map((r) => [`${r.user}|${r.window_start}`, r.events]));
    expect(actual).toEqual(expected);
    expect(out.values.every((r) => r.window_end - r.window_start === 30_000)).toBe(true);
  });

  it('runs', async () => {
    const lines = await printed(() => sliding.main([]));
    expect(lines.length).toBeGreaterThan(10);
    expect(JSON.parse(lines[0]!)).toHaveProperty('events');
  });
});

describe('example: IoT temperature alerts', () => {
  it('raises the alerts an independent check finds', async () => {
    const readings = Array.from({ length: 3 * 240 }, (_, i) => iot.sampleReading(i));
    const env = new StreamEnvironment();
    const out = iot
      .temperatureAlerts(
        env.fromArray(readings, { timestamps: (r) => r.ts, watermarks: boundedOutOfOrderness('5s') }),
      )
      .collect();
    await env.execute();

    const expected: iot.Alert[] = [];
    const minutes = new Map<string, { sum: number; n: number; sensor: string; minute: number }>();
    for (const r of readings) {
      const minute = r.ts - (r.ts % 60_000);
      const m = minutes.get(`${r.sensor}|${minute}`) ?? { sum: 0, n: 0, sensor: r.sensor, minute };
      m.sum += r.celsius;
      m.n++;
      minutes.set(`${r.sensor}|${minute}`, m);
      const window = readings.filter(
        (x) => x.sensor === r.sensor && x.ts >= r.ts - iot.SPIKE_WINDOW_MS && x.ts < r.ts,
      );
      const lowest = window.reduce((lo, x) => (x.celsius < lo.celsius ? x : lo), r);
      if (r.celsius - lowest.celsius > iot.SPIKE_DELTA) {
        expected.push({ kind: 'spike', sensor: r.sensor, from: lowest.celsius, to: r.celsius, at: r.ts });
      }
    }
    for (const m of minutes.values()) {
      if (m.sum / m.n > iot.OVERHEAT_LIMIT)
        expected.push({ kind: 'overheat', sensor: m.sensor, minute: m.minute, average: m.sum / m.n });
    }
    const key = (a: iot.Alert): string =>
      JSON.stringify(a, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v));
    expect(out.values.map(key).sort()).toEqual(expected.map(key).sort());
    expect(out.values.some((a) => a.kind === 'spike')).toBe(true);
    expect(out.values.some((a) => a.kind === 'overheat')).toBe(true);
  });

  it('sends readings later than the grace period to the side output', async () => {
    const driver = new TestDriver();
    const input = driver.input<iot.Reading>();
    const alerts = iot.overheatAlerts(input.stream);
    const late = alerts.collect();
    await driver.start();
    input.push({ sensor: 's', celsius: 90, ts: 1000 }, 1000).watermark(70_000);
    expect(late.values).toEqual([{ kind: 'overheat', sensor: 's', minute: 0, average: 90 }]);
  });

  it('runs', async () => {
    const lines = await printed(() => iot.main());
    expect(lines.some((l) => l.includes('"spike"'))).toBe(true);
  });
});

describe('example: fraud detection', () => {
  function setup() {
    const driver = new TestDriver();
    const tx = driver.input<fraud.Transaction>();
    const alerts = fraud.fraudAlerts(tx.stream).collect();
    return { driver, tx, alerts };
  }

  it('flags a small transaction followed by a large one within a minute', async () => {
    const { driver, tx, alerts } = setup();
    await driver.start();
    tx.push({ account: 'a', amount: 0.5, id: 1 });
    driver.advanceProcessingTime(59_999);
    tx.push({ account: 'a', amount: 900, id: 2 });
    expect(alerts.values).toEqual([{ account: 'a', small: 1, large: 2 }]);
  });

  it('does not flag after a minute, across accounts, or with a transaction in between', async () => {
    const { driver, tx, alerts } = setup();
    await driver.start();
    tx.push({ account: 'a', amount: 0.5, id: 1 });
    driver.advanceProcessingTime(60_000);
    tx.push({ account: 'a', amount: 900, id: 2 });
    tx.push({ account: 'b', amount: 0.1, id: 3 });
    tx.push({ account: 'c', amount: 900, id: 4 });
    tx.push({ account: 'b', amount: 20, id: 5 });
    tx.push({ account: 'b', amount: 900, id: 6 });
    expect(alerts.values).toEqual([]);
  });

  it('runs', async () => {
    const lines = await printed(() => fraud.main());
    expect(lines).toEqual(['fraud {"account":"a3","small":13,"large":18}']);
  });
});
