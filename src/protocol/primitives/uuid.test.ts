import { describe, expect, it } from 'vitest';
import { Reader } from './reader.js';
import { uuidFromBytes, uuidToBytes, ZERO_UUID } from './uuid.js';
import { Writer } from './writer.js';

describe('uuid', () => {
  it("uses Kafka's printed form: 22 characters of URL-safe base64", () => {
    expect(uuidToBytes(ZERO_UUID)).toEqual(Buffer.alloc(16));
    const bytes = Buffer.from('fb8f6b3f1c2d4e5f8a9bf0e1d2c3b4a5', 'hex');
    const s = uuidFromBytes(bytes, 0);
    expect(s).toBe('-49rPxwtTl-Km_Dh0sO0pQ');
    expect(uuidToBytes(s)).toEqual(bytes);
  });

  it('round-trips through Writer and Reader', () => {
    const s = 'AAECAwQFBgcICQoLDA0ODw';
    const out = new Writer().uuid(s).finish();
    expect(out.toString('hex')).toBe('000102030405060708090a0b0c0d0e0f');
    expect(new Reader(out).uuid()).toBe(s);
  });

  it('rejects strings that are not exactly 16 bytes in canonical base64url', () => {
    for (const bad of [
      '',
      'AAAA',
      `${ZERO_UUID}A`,
      'AAAAAAAAAAAAAAAAAAAAAA==',
      'AAAAAAAAAAAAAAAAAAAAAB',
      '+/AAAAAAAAAAAAAAAAAAAA',
    ]) {
      expect(() => uuidToBytes(bad)).toThrow(expect.objectContaining({ kind: 'invalid-value' }));
    }
  });
});
