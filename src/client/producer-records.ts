import type { RecordHeader } from '../protocol/records/record.js';
import type { Bytes, ProducerRecord } from './producer-types.js';

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

/** `Bytes` as a Buffer: strings encoded as UTF-8, other Uint8Arrays viewed without a copy. */
export function toBuffer(b: Bytes | null | undefined): Buffer | null {
  if (b === null || b === undefined) return null;
  if (typeof b === 'string') return Buffer.from(b, 'utf8');
  if (Buffer.isBuffer(b)) return b;
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** A record's headers as the encoder takes them (a shared empty list when there are none). */
export function toHeaders(h: ProducerRecord['headers']): readonly RecordHeader[] {
  if (h === undefined) return NO_HEADERS;
  if (Array.isArray(h)) {
    const list = h as readonly { key: string; value: Bytes | null }[];
    return list.length === 0 ? NO_HEADERS : list.map((x) => ({ key: x.key, value: toBuffer(x.value) }));
  }
  const entries = Object.entries(h as Readonly<Record<string, Bytes | null>>);
  return entries.length === 0 ? NO_HEADERS : entries.map(([key, value]) => ({ key, value: toBuffer(value) }));
}

/**
 * Bytes a record adds to a batch, a little above the real encoding (varints counted at their
 * widest for small records): batch limits are upper bounds, so erring high is safe.
 */
export function recordBytes(
  key: Buffer | null,
  value: Buffer | null,
  headers: readonly RecordHeader[],
): number {
  let size = 21 + (key === null ? 0 : key.length) + (value === null ? 0 : value.length);
  for (const h of headers) size += 10 + h.key.length * 3 + (h.value === null ? 0 : h.value.length);
  return size;
}
