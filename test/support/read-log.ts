import { decodeRecordBatches } from '../../src/protocol/records/decode-batch.js';
import type { Record } from '../../src/protocol/records/record.js';
import type { Broker } from '../../src/broker/broker.js';

/** Every record of a partition, read straight from the broker's storage (not over the wire). */
export async function readAll(broker: Broker, topic: string, partition: number): Promise<Record[]> {
  const log = broker.logs.log(topic, partition);
  if (log === undefined) throw new Error(`${topic}-${partition} does not exist`);
  const out: Record[] = [];
  let offset = log.logStartOffset;
  while (offset < log.highWatermark) {
    const r = await log.read(offset, 1 << 20);
    if (r.kind !== 'records' || r.records.length === 0) break;
    for (const batch of decodeRecordBatches(r.records)) {
      for (const rec of batch.records) if (rec.offset >= offset) out.push(rec);
    }
    offset = out.length > 0 ? out[out.length - 1]!.offset + 1 : r.highWatermark;
  }
  return out;
}
