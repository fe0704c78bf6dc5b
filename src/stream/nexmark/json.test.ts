import { describe, expect, it } from 'vitest';
import { generateEvents } from './generator.js';
import { JsonLinesEncoder, eventToJson, eventsToJsonLines } from './json.js';

describe('eventToJson', () => {
  it('writes exactly what JSON.stringify writes for generated events of every kind', () => {
    const events = generateEvents(20_000, { seed: 9, position: 123_456_789 });
    const mismatched = events.filter((e) => eventToJson(e) !== JSON.stringify(e));
    expect(mismatched).toEqual([]);
  });

  it('writes one line per event that parses back to the event', () => {
    const events = generateEvents(200, { seed: 3 });
    const lines = eventsToJsonLines(events).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(events);
  });
});

describe('JsonLinesEncoder', () => {
  it('encodes batches to the bytes of eventsToJsonLines, growing its buffer as needed', () => {
    const encoder = new JsonLinesEncoder(64);
    for (const [position, count] of [
      [0, 1],
      [0, 500],
      [7_777, 3_000],
      [10, 0],
    ] as const) {
      const events = generateEvents(count, { seed: 4, rate: 1_000_000, position });
      expect(encoder.encode(events).toString('latin1')).toBe(eventsToJsonLines(events));
    }
  });
});
