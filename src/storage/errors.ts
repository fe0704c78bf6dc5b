/**
 * Why a storage operation failed. The broker maps these to Kafka error codes: `disk-full`,
 * `io-error`, `offline` and `corrupt-data` → KAFKA_STORAGE_ERROR; `closed` →
 * NOT_LEADER_OR_FOLLOWER (the partition went away while the request waited); the topic codes →
 * their CreateTopics/DeleteTopics counterparts.
 */
export type StorageErrorCode =
  /** ENOSPC or EDQUOT while writing: nothing of the failed append was kept; later appends may succeed. */
  | 'disk-full'
  /** Any other I/O failure (EIO, EBADF …) on read, write, fsync or open. */
  | 'io-error'
  /** The partition is read-only: an fsync failed, so nothing written after it may be acknowledged. */
  | 'offline'
  /** The log (or the log manager) is closed, or the partition was deleted. */
  | 'closed'
  /** The requested offset lies in a batch whose bytes failed validation (CRC or structure). */
  | 'corrupt-data'
  | 'topic-exists'
  | 'unknown-topic'
  | 'invalid-topic'
  | 'invalid-config'
  | 'invalid-partitions';

/** A storage failure: our own (I/O, corruption, lifecycle), never a client's bad input to append. */
export class StorageError extends Error {
  readonly code: StorageErrorCode;
  /** The errno code (`EIO`, `ENOSPC` …) when the failure came from the file system. */
  readonly errno: string | undefined;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown; errno?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StorageError';
    this.code = code;
    this.errno = options?.errno;
  }
}

/** True when `err` is a {@link StorageError} (optionally with the given code). */
export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}

/** The `code` of a Node.js system error (`'ENOSPC'` …), or undefined. */
export function errnoOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') {
    return err.code;
  }
  return undefined;
}

/** Wraps a file-system error from `what` (e.g. "write 00000000000000000000.log") as a StorageError. */
export function ioError(what: string, err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  const errno = errnoOf(err);
  const code = errno === 'ENOSPC' || errno === 'EDQUOT' ? 'disk-full' : 'io-error';
  const reason = err instanceof Error ? err.message : String(err);
  return new StorageError(code, `${what}: ${reason}`, {
    cause: err,
    ...(errno === undefined ? {} : { errno }),
  });
}
