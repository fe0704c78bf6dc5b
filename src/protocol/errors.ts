/**
 * What went wrong while decoding or encoding bytes. Decoders throw only {@link ProtocolError}:
 * a caller (the broker's connection, the client) can tell bad input from a bug in our code.
 */
export type ProtocolErrorKind =
  /** The input ended before the value did. */
  | 'truncated'
  /** A length or count is negative (where null is not allowed), or larger than the bytes left. */
  | 'invalid-length'
  /** A version outside the message's valid range. */
  | 'unsupported-version'
  /** A value that cannot be represented (a varint too long, a bad magic byte, a bad CRC …). */
  | 'invalid-value'
  /** A frame larger than the configured maximum. */
  | 'frame-too-large';

/** A typed decode/encode failure: the input was bad, not our code. */
export class ProtocolError extends Error {
  readonly kind: ProtocolErrorKind;

  constructor(kind: ProtocolErrorKind, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.kind = kind;
  }
}

/** True when `err` is a {@link ProtocolError} (optionally of the given kind). */
export function isProtocolError(err: unknown, kind?: ProtocolErrorKind): err is ProtocolError {
  return err instanceof ProtocolError && (kind === undefined || err.kind === kind);
}
