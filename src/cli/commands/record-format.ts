import type { RecordCursor } from '../../protocol/records/record-cursor.js';
import { RivuletError } from '../../shared/errors.js';

/** How `consume` prints a record: its value, or a JSON object per line. */
export type RecordFormat = 'value' | 'json';

export function parseFormat(v: string): RecordFormat {
  if (v !== 'value' && v !== 'json') {
    throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', `--format must be value or json, got '${v}'`);
  }
  return v;
}

const NEWLINE = Buffer.from('\n');

function jsonLine(topic: string, partition: number, r: RecordCursor): string {
  const key = r.key;
  const value = r.value;
  return `${JSON.stringify({
    topic,
    partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: key === null ? null : key.toString('utf8'),
    value: value === null ? null : value.toString('utf8'),
    headers: r
      .headers()
      .map((h) => ({ key: h.key, value: h.value === null ? null : h.value.toString('utf8') })),
  })}\n`;
}

/** Collects printed records into one chunk per poll, so that stdout gets one write per poll. */
export class RecordPrinter {
  private parts: (Buffer | string)[] = [];

  constructor(private readonly format: RecordFormat) {}

  add(topic: string, partition: number, r: RecordCursor): void {
    if (this.format === 'json') {
      this.parts.push(jsonLine(topic, partition, r));
      return;
    }
    const v = r.value;
    if (v !== null) this.parts.push(v);
    this.parts.push(NEWLINE);
  }

  /** The chunk collected since the last call, or null when nothing was. */
  take(): Buffer | string | null {
    if (this.parts.length === 0) return null;
    const chunk =
      this.format === 'json' ? (this.parts as string[]).join('') : Buffer.concat(this.parts as Buffer[]);
    this.parts = [];
    return chunk;
  }
}
