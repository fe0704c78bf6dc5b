import { ProtocolError } from '../errors.js';

/**
 * Kafka prints UUIDs (topic ids, directory ids) as URL-safe base64 without padding (22
 * characters), so that is our string form too: what a user sees matches Kafka's tools.
 */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export function uuidFromBytes(buf: Buffer, offset: number): string {
  return buf.toString('base64url', offset, offset + 16);
}

export function uuidToBytes(uuid: string): Buffer {
  const bytes = Buffer.from(uuid, 'base64url');
  if (bytes.length !== 16 || bytes.toString('base64url') !== uuid) {
    throw new ProtocolError('invalid-value', `uuid: '${uuid}' is not 16 bytes of base64url`);
  }
  return bytes;
}
