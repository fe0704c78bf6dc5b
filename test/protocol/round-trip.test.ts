import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reader } from '../../src/protocol/primitives/reader.js';
import { Writer } from '../../src/protocol/primitives/writer.js';
import type { Codec, Value } from './schema.js';
import { codecOf, messageArb, model, versionsOf } from './schema.js';

/**
 * For every message of every spec and every version: a value derived from the schema encodes,
 * decodes to an equal value, consuming every byte, and re-encodes to the same bytes.
 */

const NUM_RUNS = Number(process.env.ROUND_TRIP_RUNS ?? 12);

function encode(codec: Codec, value: Value, version: number): Buffer {
  const w = new Writer(64);
  codec.encode(w, value, version);
  return Buffer.from(w.finish());
}

describe('round trip of every message and version', () => {
  it('covers every message of the specs', () => {
    const requests = model.messages.filter((m) => m.type === 'request').length;
    expect(model.messages.filter((m) => m.type === 'response').length).toBe(requests);
    expect(requests).toBeGreaterThanOrEqual(80);
  });

  for (const m of model.messages) {
    it(`${m.name} v${versionsOf(m).join(',')}`, () => {
      const codec = codecOf(m);
      for (const version of versionsOf(m)) {
        fc.assert(
          fc.property(messageArb(m, version), (value) => {
            const bytes = encode(codec, value, version);
            const r = new Reader(bytes);
            const decoded = codec.decode(r, version);
            expect(r.remaining).toBe(0);
            expect(decoded).toStrictEqual(value);
            expect(encode(codec, decoded, version).equals(bytes)).toBe(true);
          }),
          { numRuns: NUM_RUNS, seed: 0x5eed + version },
        );
      }
    });
  }
});
