import { RivuletError } from '../shared/errors.js';

/*
 * The int64 boundary (ARCHITECTURE.md, "int64: bigint on the wire, number inside"): offsets and
 * timestamps are numbers in the client's API and bigints in the generated codecs. Converting is
 * exact within ±2^53; anything beyond is refused rather than rounded.
 */

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const MIN = BigInt(Number.MIN_SAFE_INTEGER);

/**
 * A broker's int64 as a number. A value outside the safe range is a response we cannot represent
 * (no log holds 2^53 records): like any malformed response it is a connection-level failure, not
 * a number silently rounded.
 */
export function fromInt64(v: bigint, field: string): number {
  if (v > MAX || v < MIN) {
    throw new RivuletError(
      'RIV_ERR_CONNECTION',
      `${field} ${v} from the broker is outside the safe integer range (±2^53); refusing to round it`,
      { retriable: false },
    );
  }
  return Number(v);
}

/** A caller's number as an int64; `field` names the argument when it is not a safe integer. */
export function toInt64(v: number, field: string): bigint {
  if (!Number.isSafeInteger(v)) {
    throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', `${field} must be a safe integer, got ${v}`);
  }
  return BigInt(v);
}
