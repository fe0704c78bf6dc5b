import { ProtocolError } from '../errors.js';
import {
  checkInt32,
  checkVarlongNumber,
  uvarintSize,
  varintSize,
  writeUvarint,
  writeVarint,
  zigzag,
} from './varint.js';

/** A record header: a non-null UTF-8 key and nullable bytes. */
export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/**
 * One record of a batch, decoded. `offset` and `timestamp` are numbers (storage and the engine
 * use numbers; the batch's int64 fields are range-checked when converted). Note that the name
 * shadows TypeScript's `Record<K, V>` utility in a module that imports it; import it as
 * `import type { Record as KafkaRecord }` where that matters.
 *
 * @example
 * const r: Record = { offset: 42, timestamp: Date.now(), key: null, value: Buffer.from('v'), headers: [] };
 */
export interface Record {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/**
 * A record to encode. A decoded {@link Record} is one; `offset` may be left out (records then get
 * consecutive offsets from the batch's base offset) and keys/values may be any `Uint8Array`.
 */
export interface RecordInput {
  /** Absolute offset; the record's offset delta is `offset - baseOffset`. */
  offset?: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers?: readonly { readonly key: string; readonly value: Uint8Array | null }[];
}

/** Record attributes (int8) are unused in magic v2 and always written as 0. */
const RECORD_ATTRIBUTES = 0;

/**
 * Size of a record's body: everything after its length varint. The deltas are the values
 * that will be written, already range-checked by the caller.
 */
export function recordBodySize(r: RecordInput, timestampDelta: number, offsetDelta: number): number {
  let size = 1 + uvarintSize(zigzag(timestampDelta)) + varintSize(offsetDelta);
  const key = r.key;
  size += key === null ? 1 : varintSize(key.length) + key.length;
  const value = r.value;
  size += value === null ? 1 : varintSize(value.length) + value.length;
  const headers = r.headers;
  if (headers === undefined) return size + 1;
  size += varintSize(headers.length);
  for (const h of headers) {
    const keyLength = Buffer.byteLength(h.key, 'utf8');
    size += varintSize(keyLength) + keyLength;
    size += h.value === null ? 1 : varintSize(h.value.length) + h.value.length;
  }
  return size;
}

/** Total encoded size of a record whose body is `bodySize` bytes. */
export function recordSize(bodySize: number): number {
  return varintSize(bodySize) + bodySize;
}

/** Writes one record (length prefix included) at `pos`; returns the position after it. */
export function writeRecord(
  buf: Buffer,
  pos: number,
  r: RecordInput,
  bodySize: number,
  timestampDelta: number,
  offsetDelta: number,
): number {
  pos = writeVarint(buf, pos, bodySize);
  buf[pos++] = RECORD_ATTRIBUTES;
  pos = writeUvarint(buf, pos, zigzag(timestampDelta));
  pos = writeVarint(buf, pos, offsetDelta);
  pos = writeNullableBytes(buf, pos, r.key);
  pos = writeNullableBytes(buf, pos, r.value);
  const headers = r.headers;
  if (headers === undefined) {
    buf[pos++] = 0;
    return pos;
  }
  pos = writeVarint(buf, pos, headers.length);
  for (const h of headers) {
    const keyLength = Buffer.byteLength(h.key, 'utf8');
    pos = writeVarint(buf, pos, keyLength);
    pos += buf.write(h.key, pos, keyLength, 'utf8');
    pos = writeNullableBytes(buf, pos, h.value);
  }
  return pos;
}

function writeNullableBytes(buf: Buffer, pos: number, bytes: Uint8Array | null): number {
  if (bytes === null) {
    buf[pos] = 1; // zig-zag -1
    return pos + 1;
  }
  pos = writeVarint(buf, pos, bytes.length);
  buf.set(bytes, pos);
  return pos + bytes.length;
}

/** Checks the per-record deltas that an encoder could not write faithfully. */
export function checkRecordDeltas(timestampDelta: number, offsetDelta: number): void {
  checkVarlongNumber(timestampDelta, 'record timestamp delta');
  checkInt32(offsetDelta, 'record offset delta');
  if (offsetDelta < 0) {
    throw new ProtocolError('invalid-value', `record offset delta ${offsetDelta} is negative`);
  }
}
