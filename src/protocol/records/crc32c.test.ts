import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';

describe('crc32c', () => {
  // Check values from RFC 3720 (iSCSI) appendix B.4 and the CRC catalogue.
  it.each([
    ['"123456789"', Buffer.from('123456789'), 0xe3069283],
    ['32 zero bytes', Buffer.alloc(32), 0x8a9136aa],
    ['32 0xff bytes', Buffer.alloc(32, 0xff), 0x62a8ab43],
    ['bytes 0..31', Buffer.from(Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e],
    ['bytes 31..0', Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c],
    ['nothing', Buffer.alloc(0), 0],
  ])('matches the published check value for %s', (_name, bytes, expected) => {
    expect(crc32c(bytes)).toBe(expected);
  });

  it('returns an unsigned 32-bit value', () => {
    const v = crc32c(Buffer.from('123456789')); // 0xe3069283 has bit 31 set
    expect(v).toBeGreaterThan(0x7fffffff);
    expect(Number.isInteger(v)).toBe(true);
  });

  it('checksums a view without reading outside it', () => {
    const whole = Buffer.from('xx123456789yy');
    expect(crc32c(whole.subarray(2, 11))).toBe(0xe3069283);
  });
});
