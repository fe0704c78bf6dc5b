import { type BatchView, CompressionType } from '../protocol/records/batch-view.js';
import { compressionReady } from '../protocol/records/compression.js';
import { decodeControlRecordKey } from '../protocol/records/control-records.js';
import { type DecodeOptions, forEachRecord } from '../protocol/records/decode-batch.js';
import type { RecordCursor } from '../protocol/records/record-cursor.js';

/*
 * Storage passes batches through as bytes; it opens one only where a rule needs its records:
 * keys on compacted topics (append check, compaction), per-record timestamps (timestamp limits,
 * ListOffsets), the control type of a transaction marker. Compressed batches are decompressed
 * (src/protocol/records), so those rules hold for them too.
 *
 * zstd is WebAssembly and must be loaded (`initCompression()`) before its first use. Storage's
 * entry points await it — `openLogManager`, `openPartitionLog`, and `MemoryLogManager` starts
 * it on construction — so a file log can always open zstd batches; a zstd batch reaching the
 * memory twin before the load finished fails with the error below rather than being misread.
 */

/** Thrown when a zstd batch must be opened before zstd was loaded (a start-up ordering bug). */
export class CompressionNotReadyError extends Error {
  constructor() {
    super('zstd is not loaded yet: await initCompression() before storage opens zstd batches');
    this.name = 'CompressionNotReadyError';
  }
}

/**
 * Visits the records of `view` (decompressing when needed) with one reused cursor; the visitor
 * may return `false` to stop. Bad bytes throw ProtocolError. The CRC is checked only when
 * `verifyCrc` is set (appends arrive with checked CRCs; segment scans check their own).
 */
export function visitRecords(
  view: BatchView,
  visit: (record: RecordCursor) => unknown,
  options: DecodeOptions = { verifyCrc: false },
): void {
  if (view.compressionCode === CompressionType.Zstd && !compressionReady()) {
    throw new CompressionNotReadyError();
  }
  forEachRecord(view, visit, options);
}

/** A key as a map key: its bytes as a latin1 string (one char per byte, so distinct bytes stay distinct). */
export function keyString(r: RecordCursor): string | null {
  return r.keyLength < 0 ? null : r.data.toString('latin1', r.keyStart, r.keyStart + r.keyLength);
}

/** The type of a control batch's marker (0 abort, 1 commit), or -1 when unreadable. */
export function controlType(view: BatchView): number {
  let type = -1;
  try {
    visitRecords(view, (r) => {
      type = decodeControlRecordKey(r.key);
      return false;
    });
  } catch {
    return -1;
  }
  return type;
}
