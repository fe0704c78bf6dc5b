import { describe, expect, it } from 'vitest';
import { toMillis, toPositiveMillis } from './duration.js';
import { StreamError } from './errors.js';

describe('toMillis', () => {
  it('reads numbers and unit strings', () => {
    expect(toMillis(250, 'x')).toBe(250);
    expect(toMillis('500ms', 'x')).toBe(500);
    expect(toMillis('10s', 'x')).toBe(10_000);
    expect(toMillis('1.5m', 'x')).toBe(90_000);
    expect(toMillis('2h', 'x')).toBe(7_200_000);
    expect(toMillis('1d', 'x')).toBe(86_400_000);
  });

  it('names the field in errors', () => {
    expect(() => toMillis('10 seconds' as never, 'window size')).toThrow(/window size: '10 seconds'/);
    expect(() => toMillis(-1, 'gap')).toThrow(StreamError);
    expect(() => toPositiveMillis(0, 'slide')).toThrow(/slide: 0 must be greater than zero/);
  });
});
