import { describe, expect, it } from 'vitest';
import { baselines, checksumRows, generationOnly } from '../../bench/nexmark-baseline.js';
import type { NexmarkEvent } from '../../src/stream/nexmark/index.js';
import { NEXMARK_QUERIES, NexmarkGenerator, generateEvents } from '../../src/stream/nexmark/index.js';
import { ArraySource, at, auction, bid, person } from './events.js';
import { referenceQueries } from './reference.js';

/** Hand-made events that reach the corners: ties, a bid at a window's end, gaps, touching sessions. */
const corners: NexmarkEvent[] = [
  person(1, at(0), { state: 'OR' }),
  bid(1, 1, 9, at(0)),
  auction(10, 1, at(1)),
  bid(1, 1, 1, at(1)),
  auction(11, 2, at(1.5)),
  bid(2, 1, 1, at(1.5)),
  bid(3, 2, 9, at(3)),
  bid(2, 1, 1, at(5)),
  person(2, at(6), { state: 'CA' }),
  bid(2, 1, 1, at(6)),
  bid(4, 3, 9, at(10)),
  auction(12, 3, at(11)),
  person(3, at(12), { state: 'WA' }),
  bid(5, 3, 4, at(15)),
  bid(5, 1, 3, at(15)),
  bid(5, 1, 3, at(25)),
  person(4, at(100), { state: 'ID' }),
  auction(13, 4, at(101)),
  bid(6, 4, 50, at(100)),
  bid(6, 4, 50, at(130)),
];

describe('Nexmark baselines', () => {
  it.each(NEXMARK_QUERIES)('%s agrees with the reference computation on hand-made corner cases', (query) => {
    expect(baselines[query](new ArraySource(corners))).toEqual(
      checksumRows(query, referenceQueries[query](corners)),
    );
  });

  // Sparse (100/s: windows with few events), the default rate, and dense (1M/s: all in 0.2 s).
  const inputs = ([100, 10_000, 1_000_000] as const).map((rate) => {
    const count = rate === 100 ? 20_000 : rate === 10_000 ? 150_000 : 60_000;
    return { rate, count, events: generateEvents(count, { seed: 3, rate }) };
  });

  it.each(NEXMARK_QUERIES)('%s agrees with the reference computation on generated events', (query) => {
    for (const { rate, count, events } of inputs) {
      const expected = checksumRows(query, referenceQueries[query](events));
      expect(expected.rows).toBeGreaterThan(0);
      expect(baselines[query](new NexmarkGenerator({ seed: 3, rate, events: count }))).toEqual(expected);
    }
  });

  it('rejects events out of time order', () => {
    const events = [bid(1, 1, 1, at(20)), bid(1, 1, 1, at(5))];
    for (const query of ['q5', 'q7', 'q8', 'q11'] as const) {
      expect(() => baselines[query](new ArraySource(events))).toThrow(/time order/);
    }
  });

  it('counts every generated event when only generating', () => {
    expect(generationOnly(new NexmarkGenerator({ events: 12_345 })).rows).toBe(12_345);
  });
});
