import { describe, expect, it } from 'vitest';
import { operatorRegistry } from './registry.js';

describe('operator registry', () => {
  it('lists every operator once, each described', () => {
    expect(operatorRegistry.size).toBeGreaterThanOrEqual(9);
    for (const [kind, d] of operatorRegistry) {
      expect(d.kind).toBe(kind);
      expect(kind).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(d.description.length).toBeGreaterThan(10);
      expect([1, 2]).toContain(d.inputs);
    }
  });
});
