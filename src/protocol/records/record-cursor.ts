import { ProtocolError } from '../errors.js';
import type { Record, RecordHeader } from './record.js';
import { VarintReader } from './varint.js';

/** The smallest record body: attributes, timestamp delta, offset delta, key, value, header count. */
const MIN_RECORD_BODY = 6;
/** The smallest record including its length varint. */
export const MIN_RECORD_SIZE = 1 + MIN_RECORD_BODY;

/**
 * One record during a scan, without allocating: the same cursor is reused for every record of
 * a batch, and key, value and headers are byte ranges of {@link RecordCursor.data} until asked
 * for. Read what you need inside the visitor; the fields change on the next record.
 *
 * @example
 * forEachRecord(batchBytes, (r) => {
 *   total += r.valueLength; // no allocation
 *   if (r.offset === wanted) found = r.value; // a zero-copy slice
 * });
 */
export class RecordCursor {
  /** The batch's records bytes (decompressed when the batch is compressed). */
  data: Buffer = Buffer.alloc(0);
  /** Absolute offset: base offset + offset delta. */
  offset = 0;
  /** Create time, or the batch's max timestamp when the batch uses log-append time. */
  timestamp = 0;
  /** Position of the key in {@link data}; meaningful when keyLength ≥ 0. */
  keyStart = 0;
  /** Key length in bytes, -1 for a null key. */
  keyLength = -1;
  valueStart = 0;
  /** Value length in bytes, -1 for a null value. */
  valueLength = -1;
  headerCount = 0;
  /** Position of the first header in {@link data}. */
  headersStart = 0;

  /** The key as a zero-copy slice of {@link data}, or null. */
  get key(): Buffer | null {
    return this.keyLength < 0 ? null : this.data.subarray(this.keyStart, this.keyStart + this.keyLength);
  }

  /** The value as a zero-copy slice of {@link data}, or null. */
  get value(): Buffer | null {
    return this.valueLength < 0
      ? null
      : this.data.subarray(this.valueStart, this.valueStart + this.valueLength);
  }

  /** Decodes the headers (already validated by the scan); values are zero-copy slices. */
  headers(): RecordHeader[] {
    const headers: RecordHeader[] = [];
    if (this.headerCount === 0) return headers;
    const r = new VarintReader(this.data, this.headersStart, this.data.length);
    const data = this.data;
    for (let i = 0; i < this.headerCount; i++) {
      const keyLength = r.varint('header key length');
      const key = data.toString('utf8', r.pos, r.pos + keyLength);
      r.pos += keyLength;
      const valueLength = r.varint('header value length');
      let value: Buffer | null = null;
      if (valueLength >= 0) {
        value = data.subarray(r.pos, r.pos + valueLength);
        r.pos += valueLength;
      }
      headers.push({ key, value });
    }
    return headers;
  }

  /** The current record as a {@link Record} object (key, value and header values are slices). */
  toRecord(): Record {
    return {
      offset: this.offset,
      timestamp: this.timestamp,
      key: this.key,
      value: this.value,
      headers: this.headers(),
    };
  }
}

/** What a scan needs from the batch header. */
export interface ScanContext {
  baseOffset: number;
  baseTimestamp: number;
  /** When set, every record's timestamp is this (log-append time); else base + delta. */
  logAppendTime: number | null;
}

/**
 * Validates and visits `count` records in `data[start, end)`. Every record must consume exactly
 * its declared length, and the records must fill the range exactly. A visitor returning `false`
 * stops the scan (the remaining records are then not validated). Returns the records visited.
 */
export function scanRecords(
  data: Buffer,
  start: number,
  end: number,
  count: number,
  ctx: ScanContext,
  cursor: RecordCursor,
  visit: (r: RecordCursor) => unknown,
): number {
  if (count > (end - start) / MIN_RECORD_SIZE) {
    throw new ProtocolError(
      'invalid-length',
      `record batch: ${count} records cannot fit in ${end - start} bytes of records`,
    );
  }
  cursor.data = data;
  const r = new VarintReader(data, start, end);
  for (let i = 0; i < count; i++) {
    r.end = end;
    const length = r.varint('record length');
    if (length < MIN_RECORD_BODY || length > end - r.pos) {
      throw new ProtocolError(
        'invalid-length',
        `record ${i}: length ${length} is outside [${MIN_RECORD_BODY}, ${end - r.pos}]`,
      );
    }
    const recordEnd = r.pos + length;
    r.end = recordEnd;
    r.pos++; // attributes: unused in v2
    const timestampDelta = r.varlong('record timestamp delta');
    const offsetDelta = r.varint('record offset delta');
    cursor.offset = ctx.baseOffset + offsetDelta;
    if (ctx.logAppendTime === null) {
      const timestamp = ctx.baseTimestamp + timestampDelta;
      if (!Number.isSafeInteger(timestamp)) {
        throw new ProtocolError('invalid-value', `record ${i}: timestamp is outside the safe integer range`);
      }
      cursor.timestamp = timestamp;
    } else {
      cursor.timestamp = ctx.logAppendTime;
    }
    cursor.keyLength = nullableLength(r, recordEnd, 'record key length', i);
    cursor.keyStart = r.pos;
    r.pos += cursor.keyLength < 0 ? 0 : cursor.keyLength;
    cursor.valueLength = nullableLength(r, recordEnd, 'record value length', i);
    cursor.valueStart = r.pos;
    r.pos += cursor.valueLength < 0 ? 0 : cursor.valueLength;
    const headerCount = r.varint('record header count');
    // Every header takes at least two bytes (key length, value length).
    if (headerCount < 0 || headerCount * 2 > recordEnd - r.pos) {
      throw new ProtocolError('invalid-length', `record ${i}: header count ${headerCount} does not fit`);
    }
    cursor.headerCount = headerCount;
    cursor.headersStart = r.pos;
    for (let h = 0; h < headerCount; h++) {
      const keyLength = r.varint('record header key length');
      if (keyLength < 0 || keyLength > recordEnd - r.pos) {
        throw new ProtocolError('invalid-length', `record ${i}: header key length ${keyLength} is invalid`);
      }
      r.pos += keyLength;
      const valueLength = nullableLength(r, recordEnd, 'record header value length', i);
      r.pos += valueLength < 0 ? 0 : valueLength;
    }
    if (r.pos !== recordEnd) {
      throw new ProtocolError(
        'invalid-length',
        `record ${i}: declared ${length} bytes but its fields take ${length - (recordEnd - r.pos)}`,
      );
    }
    if (visit(cursor) === false) return i + 1;
  }
  if (r.pos !== end) {
    throw new ProtocolError(
      'invalid-length',
      `record batch: ${end - r.pos} bytes left after the ${count} declared records`,
    );
  }
  return count;
}

/** A varint length where -1 means null; `what` is a constant so a scan builds no strings. */
function nullableLength(r: VarintReader, recordEnd: number, what: string, index: number): number {
  const n = r.varint(what);
  if (n < -1 || n > recordEnd - r.pos) {
    throw new ProtocolError('invalid-length', `record ${index}: ${what} ${n} is invalid`);
  }
  return n;
}
