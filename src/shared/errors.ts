/**
 * Rivulet's own error catalog. A Kafka error code sent to a client is data (handlers return it);
 * a failure of ours is a {@link RivuletError} with a stable `RIV_ERR_*` code, a message that names
 * the field and the limit, a domain, and whether retrying can help. Every code is documented in
 * docs/errors.md (a test keeps the two in step).
 */
export type ErrorDomain =
  /** The caller's input or configuration is wrong; fix it and try again. */
  | 'user'
  /** Something outside Rivulet failed: the disk, the network, a peer. */
  | 'external'
  /** A bug in Rivulet. */
  | 'internal';

interface CatalogEntry {
  readonly domain: ErrorDomain;
  readonly retriable: boolean;
  readonly summary: string;
}

export const errorCatalog = {
  RIV_ERR_INVALID_ARGUMENT: {
    domain: 'user',
    retriable: false,
    summary: 'A command-line flag or API argument is missing or out of range.',
  },
  RIV_ERR_INVALID_CONFIG: {
    domain: 'user',
    retriable: false,
    summary: 'A configuration key is unknown or its value is invalid.',
  },
  RIV_ERR_INVALID_ADDRESS: {
    domain: 'user',
    retriable: false,
    summary: 'A HOST:PORT address cannot be parsed, or a wildcard listen address has no --advertise.',
  },
  RIV_ERR_ADDRESS_IN_USE: {
    domain: 'external',
    retriable: true,
    summary: 'The listen address is taken by another process.',
  },
  RIV_ERR_STORAGE: {
    domain: 'external',
    retriable: false,
    summary: 'The disk refused a write, fsync or read (ENOSPC, EIO, permissions).',
  },
  RIV_ERR_CONNECTION: {
    domain: 'external',
    retriable: true,
    summary: 'A network connection to a broker failed or was closed.',
  },
  RIV_ERR_KAFKA: {
    domain: 'external',
    retriable: false,
    summary: 'A Kafka broker answered with an error code (the message names it).',
  },
  RIV_ERR_UNSUPPORTED_VERSION: {
    domain: 'external',
    retriable: false,
    summary: 'The broker supports no version of an API the client needs (the message names both ranges).',
  },
  RIV_ERR_CLIENT_CLOSED: {
    domain: 'user',
    retriable: false,
    summary: 'A producer, consumer or admin client was used after close() (or closed during the call).',
  },
  RIV_ERR_TIMEOUT: {
    domain: 'external',
    retriable: true,
    summary: 'An operation did not complete within its deadline.',
  },
  RIV_ERR_INTERNAL: {
    domain: 'internal',
    retriable: false,
    summary: 'An unexpected failure inside Rivulet: a bug. Please report it with the log line.',
  },
} as const satisfies Record<string, CatalogEntry>;

export type RivuletErrorCode = keyof typeof errorCatalog;

/** A Rivulet failure with a stable code. */
export class RivuletError extends Error {
  readonly code: RivuletErrorCode;
  readonly domain: ErrorDomain;
  readonly retriable: boolean;

  constructor(code: RivuletErrorCode, message: string, options?: { cause?: unknown; retriable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RivuletError';
    this.code = code;
    this.domain = errorCatalog[code].domain;
    this.retriable = options?.retriable ?? errorCatalog[code].retriable;
  }
}

export function isRivuletError(err: unknown, code?: RivuletErrorCode): err is RivuletError {
  return err instanceof RivuletError && (code === undefined || err.code === code);
}
