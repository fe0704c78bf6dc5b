import { describe, expect, it } from 'vitest';
import { generateEvents } from './generator.js';
import { eventToJson, eventsToJsonLines } from './json.js';

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
