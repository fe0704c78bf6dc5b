import { describe, expect, it } from 'vitest';
import { collectSink } from '../../src/stream/index.js';
import type { NexmarkEvent, NexmarkQuery } from '../../src/stream/nexmark/index.js';
import {
  NEXMARK_QUERIES,
  QUERY_COLUMNS,
  generateEvents,
  runNexmarkQuery,
} from '../../src/stream/nexmark/index.js';
import type { Row } from './reference.js';
import { diffRows, referenceQueries } from './reference.js';

interface Input {
  readonly name: string;
  readonly events: number;
  readonly rate: number;
  readonly seed: number;
}

// Sparse (windows with few events, sessions that close), the default rate over several windows,
// and dense (everything within a fraction of a second: one window, long sessions).
const inputs: readonly Input[] = [
  { name: '20K events at 100/s', events: 20_000, rate: 100, seed: 2 },
  { name: '150K events at 10K/s', events: 150_000, rate: 10_000, seed: 1 },
  { name: '60K events at 10M/s', events: 60_000, rate: 10_000_000, seed: 3 },
];

const generated = new Map<Input, NexmarkEvent[]>(
  inputs.map((input) => [input, generateEvents(input.events, input)]),
);

/** The query's rows on the engine, checkpointing as `nexmark run` does. */
async function engineRows(query: NexmarkQuery, input: Input, checkpointIntervalMs?: number): Promise<Row[]> {
  const sink = collectSink<object>();
  const { events, rate, seed } = input;
  const result = await runNexmarkQuery({
    query,
    events,
    rate,
    seed,
    sink,
    ...(checkpointIntervalMs === undefined ? {} : { checkpointIntervalMs, batchSize: 512 }),
  });
  expect(result.job.status).toBe('finished');
  expect(result.rows).toBe(sink.values.length);
  return sink.values as Row[];
}

describe.each(NEXMARK_QUERIES)('Nexmark %s on the engine', (query) => {
  it.each(inputs)('equals the reference computation on $name', async (input) => {
    const expected = referenceQueries[query](generated.get(input)!);
    const rows = await engineRows(query, input);
    expect(diffRows(expected, rows)).toEqual({ missing: [], unexpected: [] });
  });

  it('writes rows with the query’s columns in SELECT order', async () => {
    const rows = await engineRows(query, inputs[1]!);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => Object.keys(r).join()))).toEqual(new Set([QUERY_COLUMNS[query].join()]));
  });
});
