import type { ApiSpec } from '../protocol/api.js';
import { ProtocolError } from '../protocol/errors.js';
import { decodeRequestHeader, encodeResponseHeader, peekRequestApi } from '../protocol/headers.js';
import { Reader } from '../protocol/primitives/reader.js';
import { Writer } from '../protocol/primitives/writer.js';
import type { Logger } from '../shared/logger.js';

/** Kafka's UNSUPPORTED_VERSION and UNKNOWN_SERVER_ERROR codes. */
const UNSUPPORTED_VERSION = 35;
const UNKNOWN_SERVER_ERROR = -1;
const API_VERSIONS_KEY = 18;

/** What a handler knows about the request it is serving. */
export interface RequestContext {
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** Identifies the connection (for logs and per-connection state such as fetch sessions). */
  readonly connectionId: number;
  readonly remoteAddress: string;
  readonly log: Logger;
  /** Aborted when the broker shuts down: long waits (Fetch) end early. */
  readonly signal: AbortSignal;
}

/** Returned by a handler that must not answer (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no-response');

export interface Handler<Req, Res> {
  readonly api: ApiSpec<Req, Res>;
  /** Versions served, inclusive; ApiVersions advertises exactly these. */
  readonly versions: readonly [number, number];
  handle(req: Req, ctx: RequestContext): Res | typeof NO_RESPONSE | Promise<Res | typeof NO_RESPONSE>;
  /**
   * The response for a request this handler cannot serve (a version outside `versions`, or an
   * unexpected failure) carrying `errorCode` wherever the response has error codes. Without
   * it, the router sets a top-level `errorCode` field if the response has one, and otherwise
   * closes the connection (what Kafka does for a request it cannot answer).
   */
  errorResponse?(req: Req, errorCode: number): Res;
}

/** Declares a handler; versions live beside it and ApiVersions is derived from the registry. */
export function defineHandler<Req, Res>(handler: Handler<Req, Res>): Handler<Req, Res> {
  return handler;
}

// Handlers are stored type-erased: the router only moves values between a spec and its handler.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyHandler = Handler<any, any>;

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/** A request the router refuses to answer: the connection should be closed. */
export class CloseConnection extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CloseConnection';
  }
}

export interface ConnectionContext {
  readonly connectionId: number;
  readonly remoteAddress: string;
  readonly log: Logger;
  readonly signal: AbortSignal;
}

/**
 * Maps api keys to handlers, decodes request frames, and encodes responses (size-prefixed).
 * Registering an API twice is an error.
 */
export class Router {
  private readonly handlers = new Map<number, AnyHandler>();

  constructor(handlers: readonly AnyHandler[]) {
    for (const h of handlers) {
      if (this.handlers.has(h.api.apiKey)) {
        throw new Error(`router: ${h.api.name} (api key ${h.api.apiKey}) is registered twice`);
      }
      const [min, max] = h.versions;
      if (min < h.api.minVersion || max > h.api.maxVersion || min > max) {
        throw new Error(
          `router: ${h.api.name} versions [${min}, ${max}] are outside the spec's [${h.api.minVersion}, ${h.api.maxVersion}]`,
        );
      }
      this.handlers.set(h.api.apiKey, h);
    }
  }

  /** Every API served with its version range, in api-key order (for ApiVersions). */
  supportedApis(): ApiVersionRange[] {
    return [...this.handlers.values()]
      .map((h) => ({ apiKey: h.api.apiKey, minVersion: h.versions[0], maxVersion: h.versions[1] }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }

  /**
   * Serves one request frame. Resolves to the response frame (size prefix included), or null
   * when the request takes no response. Throws {@link CloseConnection} or a ProtocolError when
   * the frame cannot be answered; the caller closes the connection.
   */
  async dispatch(frame: Buffer, conn: ConnectionContext): Promise<Buffer | null> {
    const { apiKey, apiVersion } = peekRequestApi(frame);
    const handler = this.handlers.get(apiKey);
    if (handler === undefined) {
      throw new CloseConnection(`unknown or unsupported api key ${apiKey} (version ${apiVersion})`);
    }
    const spec: ApiSpec<unknown, unknown> = handler.api;
    const r = new Reader(frame);
    if (apiVersion < spec.minVersion || apiVersion > spec.maxVersion) {
      if (apiKey !== API_VERSIONS_KEY) {
        throw new CloseConnection(
          `${spec.name} v${apiVersion} is not a version this broker knows (${spec.minVersion}-${spec.maxVersion})`,
        );
      }
      // KIP-511: a client newer than us sends ApiVersions at a version we do not know. Answer with
      // a v0 body carrying UNSUPPORTED_VERSION and our ranges, so it can retry at a version we know.
      const header = decodeRequestHeader(r, 2);
      const res = handler.errorResponse
        ? (handler.errorResponse(undefined, UNSUPPORTED_VERSION) as unknown)
        : spec.createResponse({ errorCode: UNSUPPORTED_VERSION });
      return this.encode(spec, res, 0, header.correlationId);
    }
    const header = decodeRequestHeader(r, spec.requestHeaderVersion(apiVersion));
    const req: unknown = spec.decodeRequest(r, apiVersion);
    const ctx: RequestContext = {
      apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
      connectionId: conn.connectionId,
      remoteAddress: conn.remoteAddress,
      log: conn.log,
      signal: conn.signal,
    };
    if (apiVersion < handler.versions[0] || apiVersion > handler.versions[1]) {
      return this.encode(
        spec,
        this.errorResponse(handler, req, UNSUPPORTED_VERSION),
        apiVersion,
        header.correlationId,
      );
    }
    let res: unknown;
    try {
      res = (await handler.handle(req, ctx)) as unknown;
    } catch (err) {
      if (err instanceof CloseConnection) throw err;
      conn.log.error('request failed', {
        api: spec.name,
        version: apiVersion,
        clientId: header.clientId,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        stack: err instanceof Error ? err.stack?.split('\n').slice(1, 4).join(' | ') : undefined,
      });
      res = this.errorResponse(handler, req, UNKNOWN_SERVER_ERROR);
    }
    if (res === NO_RESPONSE) return null;
    return this.encode(spec, res, apiVersion, header.correlationId);
  }

  private errorResponse(handler: AnyHandler, req: unknown, code: number): unknown {
    if (handler.errorResponse) return handler.errorResponse(req, code) as unknown;
    const res = handler.api.createResponse() as Record<string, unknown>;
    if (!('errorCode' in res)) {
      throw new CloseConnection(`${handler.api.name}: no way to answer with error ${code}`);
    }
    res.errorCode = code;
    return res;
  }

  private encode(
    spec: ApiSpec<unknown, unknown>,
    res: unknown,
    version: number,
    correlationId: number,
  ): Buffer {
    const w = new Writer(1024);
    w.int32(0); // size, patched below
    encodeResponseHeader(w, { correlationId }, spec.responseHeaderVersion(version));
    try {
      spec.encodeResponse(w, res, version);
    } catch (err) {
      if (err instanceof ProtocolError) {
        throw new Error(`${spec.name} v${version}: response does not encode: ${err.message}`, { cause: err });
      }
      throw err;
    }
    const out = w.finish();
    out.writeInt32BE(out.length - 4, 0);
    return out;
  }
}
