import { describe, expect, it } from 'vitest';
import type { DataStream } from '../api/streams.js';
import { StreamEnvironment } from '../api/environment.js';
import { OutputTag } from '../core/output-tag.js';
import { count } from '../windows/aggregators.js';
import { tumbling } from '../windows/assigners.js';
import { TestDriver } from './test-driver.js';

interface Click {
  user: string;
  page: string;
}

const late = new OutputTag<Click>('late-clicks');

/** The pipeline under test, written once and used by the job and the tests alike. */
function clicksPerMinute(
  clicks: DataStream<Click>,
): DataStream<{ user: string; minute: number; clicks: number }> {
  return clicks
    .filter((c) => c.page !== '/health')
    .keyBy((c) => c.user)
    .window(tumbling('1m'))
    .lateOutput(late)
    .aggregate(count(), (user, w, n) => ({ user, minute: w.start / 60_000, clicks: n }))
    .uid('clicks-per-minute');
}

describe('TestDriver', () => {
  it('drives a pipeline with manual watermarks, step by step', async () => {
    const driver = new TestDriver();
    const clicks = driver.input<Click>();
    const result = clicksPerMinute(clicks.stream);
    const counts = result.collect();
    const lateClicks = result.sideOutput(late).collect();
    await driver.start();

    clicks.push({ user: 'ann', page: '/a' }, 1_000).push({ user: 'ann', page: '/health' }, 2_000);
    clicks.push({ user: 'bob', page: '/b' }, 59_999).push({ user: 'ann', page: '/c' }, 61_000);
    expect(counts.values).toEqual([]); // nothing fires without a watermark

    clicks.watermark(59_999);
    expect(counts.values).toEqual([
      { user: 'ann', minute: 0, clicks: 1 },
      { user: 'bob', minute: 0, clicks: 1 },
    ]);

    clicks.push({ user: 'bob', page: '/late' }, 30_000);
    expect(lateClicks.values).toEqual([{ user: 'bob', page: '/late' }]);

    clicks.end();
    expect(counts.values.at(-1)).toEqual({ user: 'ann', minute: 1, clicks: 1 });
    expect(driver.metrics().operators.find((o) => o.kind === 'filter')).toMatchObject({
      recordsIn: 5,
      recordsOut: 4,
    });
  });

  it('runs the same pipeline in a real job', async () => {
    const env = new StreamEnvironment();
    const out = clicksPerMinute(
      env.fromArray(
        [
          { user: 'ann', page: '/a', t: 0 },
          { user: 'ann', page: '/b', t: 10 },
        ],
        { timestamps: (c) => c.t },
      ),
    ).collect();
    await env.execute();
    expect(out.values).toEqual([{ user: 'ann', minute: 0, clicks: 2 }]);
  });

  it('refuses pushes before start', () => {
    const driver = new TestDriver();
    const input = driver.input<number>();
    expect(() => input.push(1)).toThrow(/call start\(\) before pushing/);
  });
});

describe('metrics hooks', () => {
  it('reports metrics periodically and per checkpoint', async () => {
    const env = new StreamEnvironment();
    env
      .fromArray([1, 2, 3], { timestamps: (x) => x })
      .map((x) => x)
      .collect();
    const checkpoints: number[] = [];
    const result = await env.execute({
      listener: {
        onCheckpoint: (info) => {
          checkpoints.push(info.id);
        },
      },
      metricsInterval: 1,
    });
    expect(checkpoints).toEqual([1]); // the final checkpoint
    const map = result.metrics.operators.find((o) => o.kind === 'map')!;
    expect(map).toMatchObject({
      recordsIn: 3,
      recordsOut: 3,
      watermark: Infinity,
      watermarkLagMs: undefined,
    });
    expect(result.metrics.sources[0]).toMatchObject({ recordsOut: 3, watermark: Infinity });
  });
});
