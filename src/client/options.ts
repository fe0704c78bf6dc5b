import { RivuletError } from '../shared/errors.js';
import { silentLogger, type Logger } from '../shared/logger.js';
import { resolveRetry, type ResolvedRetry, type RetryOptions } from './retry.js';

/** Options every client (producer, consumer, admin) takes. */
export interface ClientOptions {
  /**
   * Where to find the cluster: `'host:port'`, a comma-separated list, or an array. Any one
   * reachable broker is enough; the rest of the cluster is learnt from Metadata.
   */
  bootstrap: string | readonly string[];
  /** Sent in every request header (default `'rivulet'`). */
  clientId?: string;
  /** TCP connect plus version handshake deadline per broker (default 10 s). */
  connectTimeoutMs?: number;
  /** Time a request may wait for its response (default 30 s); Fetch adds its max wait. */
  requestTimeoutMs?: number;
  /** Backoff and deadline for retriable failures (default 100 ms → 1 s, 30 s in all). */
  retry?: RetryOptions;
  /** Cached metadata older than this is refreshed before use (default 5 min, as Kafka). */
  metadataMaxAgeMs?: number;
  /**
   * Highest protocol versions to use, by Kafka API name (`{ Fetch: 11, Produce: 7 }`). The client
   * otherwise uses the highest version it shares with each broker; caps make it behave like an
   * older client (interoperability checks, working around a broker bug in one version).
   */
  maxVersions?: Readonly<Record<string, number>>;
  logger?: Logger;
}

export interface HostAndPort {
  host: string;
  port: number;
}

export interface ResolvedClientOptions {
  bootstrap: HostAndPort[];
  clientId: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  retry: ResolvedRetry;
  metadataMaxAgeMs: number;
  maxVersions: Readonly<Record<string, number>>;
  logger: Logger;
}

/**
 * Parses one bootstrap address: `host:port`, `[v6]:port`, or a bare host (port 9092).
 *
 * @example
 * ```ts
 * parseBootstrapAddress('127.0.0.1:9092'); // { host: '127.0.0.1', port: 9092 }
 * ```
 */
export function parseBootstrapAddress(text: string): HostAndPort {
  const t = text.trim();
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(t);
  const port = m?.[3] === undefined ? 9092 : Number(m[3]);
  const host = m?.[1] ?? m?.[2];
  if (host === undefined || port < 1 || port > 65535) {
    throw new RivuletError('RIV_ERR_INVALID_ADDRESS', `bootstrap: expected HOST:PORT, got '${text}'`);
  }
  return { host, port };
}

export function resolveClientOptions(opts: ClientOptions): ResolvedClientOptions {
  const list = typeof opts.bootstrap === 'string' ? opts.bootstrap.split(',') : [...opts.bootstrap];
  const bootstrap = list.filter((s) => s.trim() !== '').map(parseBootstrapAddress);
  if (bootstrap.length === 0) {
    throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', 'bootstrap: at least one HOST:PORT is needed');
  }
  return {
    bootstrap,
    clientId: opts.clientId ?? 'rivulet',
    connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
    requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
    retry: resolveRetry(opts.retry),
    metadataMaxAgeMs: opts.metadataMaxAgeMs ?? 300_000,
    maxVersions: opts.maxVersions ?? {},
    logger: opts.logger ?? silentLogger,
  };
}
