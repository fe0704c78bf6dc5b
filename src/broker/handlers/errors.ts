import { ErrorCode } from '../../protocol/error-codes.js';
import { isStorageError, type StorageErrorCode } from '../../storage/errors.js';

const storageCodes: Record<StorageErrorCode, number> = {
  'disk-full': ErrorCode.KAFKA_STORAGE_ERROR,
  'io-error': ErrorCode.KAFKA_STORAGE_ERROR,
  offline: ErrorCode.KAFKA_STORAGE_ERROR,
  'corrupt-data': ErrorCode.KAFKA_STORAGE_ERROR,
  // The partition went away (deleted, or the broker is stopping) while the request waited.
  closed: ErrorCode.NOT_LEADER_OR_FOLLOWER,
  'topic-exists': ErrorCode.TOPIC_ALREADY_EXISTS,
  'unknown-topic': ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  'invalid-topic': ErrorCode.INVALID_TOPIC_EXCEPTION,
  'invalid-config': ErrorCode.INVALID_CONFIG,
  'invalid-partitions': ErrorCode.INVALID_PARTITIONS,
};

/**
 * Maps an expected failure (a storage refusal or I/O error) to Kafka's code and a message;
 * anything else is a bug and is rethrown (the router answers UNKNOWN_SERVER_ERROR and logs it).
 */
export function expectedError(err: unknown): { code: number; message: string } {
  if (isStorageError(err)) return { code: storageCodes[err.code], message: err.message };
  throw err;
}

/** Offsets and timestamps cross from bigint (wire) to number (storage) here, range-checked. */
export function toSafeNumber(v: bigint): number | null {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : null;
}
