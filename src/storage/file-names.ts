import path from 'node:path';

/**
 * File names inside a partition directory, as Kafka names them: the segment's base offset as
 * 20 zero-padded digits, then the kind. Temporary and swap suffixes mark files that recovery
 * must finish or discard (see the format description in index.ts).
 */
export const Suffix = {
  Log: '.log',
  Index: '.index',
  TimeIndex: '.timeindex',
  TxnIndex: '.txnindex',
  Snapshot: '.snapshot',
  /** A compaction output: discarded by recovery unless the swap manifest names it. */
  Cleaned: '.cleaned',
  /** A segment removed from the log, waiting for `file.delete.delay.ms`: unlinked by recovery. */
  Deleted: '.deleted',
  /** Any atomic write in progress: discarded by recovery. */
  Tmp: '.tmp',
} as const;

export const PARTITION_STATE_FILE = 'partition-state.json';
/** Written (atomically) once a compaction output is complete: the commit point of the swap. */
export const SWAP_MANIFEST_FILE = 'compaction-swap.json';
export const METADATA_FILE = 'metadata.json';
export const CLEAN_SHUTDOWN_FILE = '.rivulet-clean-shutdown';

/** `00000000000000001234` for offset 1234. */
export function offsetFileStem(offset: number): string {
  return String(offset).padStart(20, '0');
}

export function segmentFile(dir: string, baseOffset: number, suffix: string): string {
  return path.join(dir, offsetFileStem(baseOffset) + suffix);
}

/** Parses `<20 digits><suffix>` (suffix may be compound, e.g. `.log.swap`), or returns undefined. */
export function parseOffsetFileName(name: string): { offset: number; suffix: string } | undefined {
  const match = /^(\d{20})(\..+)$/.exec(name);
  if (match === null) return undefined;
  const offset = Number(match[1]);
  if (!Number.isSafeInteger(offset)) return undefined;
  return { offset, suffix: match[2]! };
}

/** `<topic>-<partition>`, Kafka's partition directory name. */
export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** Splits a partition directory name at its last `-`; undefined when it is not one. */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | undefined {
  const match = /^(.+)-(\d+)$/.exec(name);
  if (match === null) return undefined;
  return { topic: match[1]!, partition: Number(match[2]) };
}
