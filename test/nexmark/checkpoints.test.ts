import { describe, expect, it } from 'vitest';
import type { CheckpointData } from '../../src/stream/index.js';
import { TestDriver, boundedOutOfOrderness, collectSink } from '../../src/stream/index.js';
import type { NexmarkEvent, NexmarkQuery } from '../../src/stream/nexmark/index.js';
import {
  NEXMARK_QUERIES,
  NEXMARK_WATERMARK_DELAY,
  eventTime,
  generateEvents,
  queryPipelines,
  runNexmarkQuery,
} from '../../src/stream/nexmark/index.js';
import type { Row } from './reference.js';
import { diffRows, referenceQueries } from './reference.js';

const noDifference = { missing: [], unexpected: [] };

describe('Nexmark queries with checkpoints', () => {
  const options = { events: 50_000, rate: 10_000, seed: 4 };
  const events = generateEvents(options.events, options);

  it.each(NEXMARK_QUERIES)('%s gives the same rows with a checkpoint every millisecond', async (query) => {
    const sink = collectSink<object>();
    const result = await runNexmarkQuery({
      query,
      ...options,
      sink,
      checkpointIntervalMs: 1,
      batchSize: 256,
    });
    expect(result.job.lastCheckpoint?.finished).toBe(true);
    expect(diffRows(referenceQueries[query](events), sink.values as Row[])).toEqual(noDifference);
  });
});

/** A query on a test driver fed like the real source: batches stamped with `dateTime`, the DDL's watermark. */
async function drive(query: NexmarkQuery, restore?: CheckpointData) {
  const driver = new TestDriver();
  const input = driver.input<NexmarkEvent>({
    uid: 'nexmark-source',
    watermarks: boundedOutOfOrderness(NEXMARK_WATERMARK_DELAY),
  });
  const out = queryPipelines[query](input.stream).collect();
  await driver.start(restore);
  return { driver, input, out };
}

describe.each([
  { rate: 10_000, events: 150_000, batch: 5_000 },
  { rate: 100, events: 20_000, batch: 500 },
])('Nexmark queries restored from a checkpoint ($events events at $rate/s)', ({ rate, events, batch }) => {
  const input = generateEvents(events, { rate, seed: 5 });
  const batches: NexmarkEvent[][] = [];
  for (let i = 0; i < input.length; i += batch) batches.push(input.slice(i, i + batch));
  // Mid-window for every query: 6.5 s of event time at 10K/s, 65 s at 100/s.
  const cut = Math.floor(batches.length * 0.43);

  // The stateful queries, and q2 for a stateless one (q0 and q1 differ from it only in columns).
  it.each(['q2', 'q3', 'q5', 'q7', 'q8', 'q11'] as const)(
    '%s checkpointed after every batch, and restored mid-run, gives the reference rows',
    async (query) => {
      const expected = referenceQueries[query](input);
      const first = await drive(query);
      let atCut: { checkpoint: CheckpointData; rows: number } | undefined;
      for (let i = 0; i < batches.length; i++) {
        first.input.pushAll(batches[i]!, eventTime);
        const checkpoint = await first.driver.checkpoint();
        if (i === cut) atCut = { checkpoint, rows: first.out.values.length };
      }
      first.input.end();
      expect(diffRows(expected, first.out.values as Row[])).toEqual(noDifference);

      // A new job from the checkpoint at the cut: the rows the first one had emitted by then,
      // then the restored job's, are the whole result, once.
      const restored = await drive(query, atCut!.checkpoint);
      for (const b of batches.slice(cut + 1)) restored.input.pushAll(b, eventTime);
      restored.input.end();
      const rows = [...first.out.values.slice(0, atCut!.rows), ...restored.out.values] as Row[];
      expect(diffRows(expected, rows)).toEqual(noDifference);
    },
  );
});
