import { connect, type Socket } from 'node:net';
import type { ApiSpec } from '../protocol/api.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { isProtocolError } from '../protocol/errors.js';
import { FrameReader } from '../protocol/frame.js';
import { decodeResponseHeader, encodeRequestHeader } from '../protocol/headers.js';
import { ApiVersions, type ApiVersionsResponse } from '../protocol/messages/api-versions.js';
import { Reader } from '../protocol/primitives/reader.js';
import { Writer } from '../protocol/primitives/writer.js';
import { RivuletError } from '../shared/errors.js';
import { silentLogger, type Logger } from '../shared/logger.js';
import { NegotiatedVersions } from './versions.js';

/** What a {@link BrokerConnection} needs to know. */
export interface ConnectionOptions {
  host: string;
  port: number;
  /** Sent in every request header (default `'rivulet'`). */
  clientId?: string;
  /** Deadline for the TCP connect plus the ApiVersions handshake (default 10 s). */
  connectTimeoutMs?: number;
  /** Default time a request may wait for its response (default 30 s). */
  requestTimeoutMs?: number;
  /** Largest response frame accepted (default 512 MiB); a larger size prefix closes the connection. */
  maxResponseBytes?: number;
  /** Highest versions to use, by Kafka API name (`{ Fetch: 11 }`); see ClientOptions.maxVersions. */
  maxVersions?: Readonly<Record<string, number>>;
  logger?: Logger;
}

/** Per-request options of {@link BrokerConnection.send}. */
export interface SendOptions {
  /** Overrides the connection's request timeout (Fetch adds its long-poll wait). */
  timeoutMs?: number;
  /** Expected encoded size, to size the write buffer once (Produce passes its batches' bytes). */
  sizeHint?: number;
}

/** The client software name and version KIP-511 asks for (validated by brokers). */
const SOFTWARE_NAME = 'rivulet';
const SOFTWARE_VERSION = '0.1.0';

/** One request waiting for its response. A class, so every entry has the same shape. */
class Pending {
  constructor(
    readonly correlationId: number,
    /** Decodes the response body; null returns the raw body bytes. */
    readonly spec: ApiSpec<unknown, unknown> | null,
    readonly version: number,
    readonly headerVersion: number,
    readonly deadline: number,
    readonly timeoutMs: number,
    readonly apiName: string,
    readonly resolve: (value: unknown) => void,
    readonly reject: (err: Error) => void,
  ) {}
}

type State = 'idle' | 'connecting' | 'ready' | 'closed';

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out',
  EPIPE: 'connection closed by peer',
};

function describeSocketError(err: NodeJS.ErrnoException): string {
  const reason = err.code === undefined ? undefined : REASONS[err.code];
  return reason === undefined ? err.message : `${reason} (${err.code})`;
}

/**
 * One TCP connection to one broker: size-prefixed frames, correlation ids, requests pipelined
 * (any number in flight; Kafka answers each connection in order, so responses are matched to a
 * FIFO queue and checked by correlation id). The first request connects and negotiates versions
 * with ApiVersions; after a failure (socket error, timeout, malformed response) every in-flight
 * request is rejected and the next request reconnects. A request that outlives its timeout fails
 * with RIV_ERR_TIMEOUT and closes the connection, as Kafka's clients do: its response could still
 * arrive and would be matched to the wrong request.
 *
 * @example
 * ```ts
 * const conn = new BrokerConnection({ host: '127.0.0.1', port: 9092 });
 * await conn.connect();
 * const v = conn.version(Metadata);
 * const md = await conn.send(Metadata, v, Metadata.createRequest({ topics: null }));
 * await conn.close();
 * ```
 */
export class BrokerConnection {
  /** `host:port`, for messages. */
  readonly address: string;
  private readonly host: string;
  private readonly port: number;
  private readonly clientId: string;
  private readonly connectTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly log: Logger;
  private readonly maxVersions: Readonly<Record<string, number>>;

  private state: State = 'idle';
  private socket: Socket | null = null;
  private frames: FrameReader | null = null;
  private connecting: Promise<void> | null = null;
  private versions: NegotiatedVersions | null = null;
  private readonly pending: Pending[] = [];
  private nextCorrelationId = 1;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private drainWaiters: (() => void)[] = [];

  constructor(opts: ConnectionOptions) {
    this.host = opts.host;
    this.port = opts.port;
    this.address = opts.host.includes(':') ? `[${opts.host}]:${opts.port}` : `${opts.host}:${opts.port}`;
    this.clientId = opts.clientId ?? 'rivulet';
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.maxResponseBytes = opts.maxResponseBytes ?? 512 * 1024 * 1024;
    this.log = opts.logger ?? silentLogger;
    this.maxVersions = opts.maxVersions ?? {};
  }

  /** True once connected and versions are negotiated. */
  get isReady(): boolean {
    return this.state === 'ready';
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.pending.length;
  }

  /** Connects and negotiates API versions, unless already connected. */
  connect(): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    if (this.state === 'closed') return Promise.reject(this.closedError());
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** The version to use for `spec` (connect first); RIV_ERR_UNSUPPORTED_VERSION when none is shared. */
  version(spec: ApiSpec<unknown, unknown>): number {
    if (this.versions === null) {
      throw new RivuletError(
        'RIV_ERR_INTERNAL',
        `version(${spec.name}) asked before ${this.address} connected`,
      );
    }
    return this.versions.version(spec);
  }

  /** True when this broker and we share a version of `spec` at or above `atLeast`. */
  supports(spec: ApiSpec<unknown, unknown>, atLeast = 0): boolean {
    return this.versions?.supports(spec, atLeast) ?? false;
  }

  /**
   * Sends a request and resolves to its decoded response. Connects first when needed (versions
   * are then known only after the connect, so callers that pick a version call
   * {@link connect} before {@link version}).
   */
  send<Req, Res>(spec: ApiSpec<Req, Res>, version: number, req: Req, opts?: SendOptions): Promise<Res> {
    if (this.state !== 'ready') {
      return this.connect().then(() => this.send(spec, version, req, opts));
    }
    return new Promise<Res>((resolve, reject) => {
      this.enqueue(spec, version, req, opts, resolve as (v: unknown) => void, reject);
    });
  }

  /**
   * Sends a request that gets no response (Produce with acks=0). Resolves once the bytes are
   * handed to the socket.
   */
  async sendNoResponse<Req>(
    spec: ApiSpec<Req, unknown>,
    version: number,
    req: Req,
    opts?: SendOptions,
  ): Promise<void> {
    if (this.state !== 'ready') await this.connect();
    const socket = this.socket!;
    socket.write(this.encode(spec, version, req, this.takeCorrelationId(), opts));
  }

  /** Waits for in-flight requests (bounded by their timeouts), then closes. Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.pending.length > 0) {
      await new Promise<void>((resolve) => {
        this.drainWaiters.push(resolve);
      });
    }
    this.state = 'closed';
    this.teardown(this.closedError());
  }

  /** Closes at once; in-flight requests fail with `err` (or RIV_ERR_CLIENT_CLOSED). */
  destroy(err?: Error): void {
    this.state = 'closed';
    this.teardown(err ?? this.closedError());
  }

  /** Correlation ids are positive int32s; they wrap after 2^31-1 requests. */
  private takeCorrelationId(): number {
    const id = this.nextCorrelationId;
    this.nextCorrelationId = id === 0x7fffffff ? 1 : id + 1;
    return id;
  }

  /** A method, not an inline test, so that TypeScript does not narrow `state` across awaits. */
  private wasClosed(): boolean {
    return this.state === 'closed';
  }

  private closedError(): RivuletError {
    return new RivuletError('RIV_ERR_CLIENT_CLOSED', `the connection to ${this.address} was closed`);
  }

  private enqueue(
    spec: ApiSpec<unknown, unknown> | null,
    version: number,
    req: unknown,
    opts: SendOptions | undefined,
    resolve: (v: unknown) => void,
    reject: (err: Error) => void,
    rawSpec?: ApiSpec<unknown, unknown>,
  ): void {
    const encodeSpec = (spec ?? rawSpec)!;
    const correlationId = this.takeCorrelationId();
    let frame: Buffer;
    try {
      frame = this.encode(encodeSpec, version, req, correlationId, opts);
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const timeoutMs = opts?.timeoutMs ?? this.requestTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    this.pending.push(
      new Pending(
        correlationId,
        spec,
        version,
        encodeSpec.responseHeaderVersion(version),
        deadline,
        timeoutMs,
        encodeSpec.name,
        resolve,
        reject,
      ),
    );
    if (deadline < this.timerAt) this.armTimer(deadline);
    this.socket!.write(frame);
  }

  private encode(
    spec: ApiSpec<unknown, unknown>,
    version: number,
    req: unknown,
    correlationId: number,
    opts: SendOptions | undefined,
  ): Buffer {
    const w = new Writer((opts?.sizeHint ?? 0) + 256);
    w.int32(0);
    try {
      encodeRequestHeader(
        w,
        { requestApiKey: spec.apiKey, requestApiVersion: version, correlationId, clientId: this.clientId },
        spec.requestHeaderVersion(version),
      );
      spec.encodeRequest(w, req, version);
    } catch (err) {
      if (isProtocolError(err)) {
        throw new RivuletError(
          'RIV_ERR_INVALID_ARGUMENT',
          `cannot encode a ${spec.name} v${version} request: ${err.message}`,
          { cause: err },
        );
      }
      throw err;
    }
    const out = w.finish();
    out.writeInt32BE(out.length - 4, 0);
    return out;
  }

  private async open(): Promise<void> {
    this.state = 'connecting';
    const deadline = Date.now() + this.connectTimeoutMs;
    let socket: Socket | null = null;
    try {
      socket = await this.dial();
      if (this.wasClosed()) throw this.closedError();
      const s = socket;
      this.socket = s;
      this.frames = new FrameReader(this.maxResponseBytes);
      s.on('data', (chunk: Buffer) => {
        this.onData(s, chunk);
      });
      s.on('error', (err: NodeJS.ErrnoException) => {
        const reason = describeSocketError(err);
        this.fail(
          s,
          new RivuletError('RIV_ERR_CONNECTION', `connection to ${this.address} failed: ${reason}`, {
            cause: err,
          }),
        );
      });
      s.on('close', () => {
        this.fail(s, new RivuletError('RIV_ERR_CONNECTION', `connection to ${this.address} was closed`));
      });
      this.versions = await this.handshake(deadline - Date.now());
      if (this.wasClosed()) throw this.closedError();
      this.state = 'ready';
    } catch (err) {
      if (!this.wasClosed()) this.state = 'idle';
      if (socket !== null && socket === this.socket) {
        this.fail(socket, err instanceof Error ? err : new Error(String(err)));
      } else {
        socket?.destroy();
      }
      throw err;
    }
    this.log.debug('connected', { broker: this.address });
  }

  private dial(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new RivuletError(
            'RIV_ERR_CONNECTION',
            `cannot connect to ${this.address}: no answer within ${this.connectTimeoutMs} ms`,
          ),
        );
      }, this.connectTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        reject(
          new RivuletError(
            'RIV_ERR_CONNECTION',
            `cannot connect to ${this.address}: ${describeSocketError(err)}`,
            {
              cause: err,
            },
          ),
        );
      });
    });
  }

  /**
   * ApiVersions at our highest version. A broker that does not know it answers v0 with
   * UNSUPPORTED_VERSION and its full list (KIP-511), which is all we need.
   */
  private async handshake(timeoutMs: number): Promise<NegotiatedVersions> {
    const version = ApiVersions.maxVersion;
    const body = await new Promise<Buffer>((resolve, reject) => {
      this.enqueue(
        null,
        version,
        ApiVersions.createRequest({
          clientSoftwareName: SOFTWARE_NAME,
          clientSoftwareVersion: SOFTWARE_VERSION,
        }),
        { timeoutMs: Math.max(1, timeoutMs) },
        resolve as (v: unknown) => void,
        reject,
        ApiVersions,
      );
    });
    let res: ApiVersionsResponse;
    try {
      res = ApiVersions.decodeResponse(new Reader(body), version);
      if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION)
        res = ApiVersions.decodeResponse(new Reader(body), 0);
    } catch {
      // A v0 fallback answer does not parse as a flexible version.
      res = ApiVersions.decodeResponse(new Reader(body), 0);
    }
    if (res.errorCode !== ErrorCode.NONE && res.errorCode !== ErrorCode.UNSUPPORTED_VERSION) {
      throw new RivuletError(
        'RIV_ERR_CONNECTION',
        `broker ${this.address} refused ApiVersions with error code ${res.errorCode}`,
      );
    }
    return new NegotiatedVersions(res.apiKeys, this.address, this.maxVersions);
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    let frames: Buffer[];
    try {
      frames = this.frames!.push(chunk);
    } catch (err) {
      this.fail(socket, this.malformed(err));
      return;
    }
    for (const frame of frames) {
      const p = this.pending.shift();
      if (p === undefined) {
        this.fail(socket, this.malformed(new Error('a response arrived with no request waiting')));
        return;
      }
      let value: unknown;
      try {
        const r = new Reader(frame);
        const header = decodeResponseHeader(r, p.headerVersion);
        if (header.correlationId !== p.correlationId) {
          throw new Error(`correlation id ${header.correlationId}, expected ${p.correlationId}`);
        }
        value = p.spec === null ? frame.subarray(r.offset) : p.spec.decodeResponse(r, p.version);
      } catch (err) {
        p.reject(this.malformed(err, p.apiName));
        this.fail(socket, this.malformed(err, p.apiName));
        return;
      }
      p.resolve(value);
    }
    if (this.pending.length === 0) this.notifyDrained();
  }

  private malformed(err: unknown, api?: string): RivuletError {
    const what = api === undefined ? 'a malformed response' : `a malformed ${api} response`;
    return new RivuletError(
      'RIV_ERR_CONNECTION',
      `${this.address} sent ${what}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }

  private armTimer(at: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.onTimer();
      },
      Math.max(0, at - Date.now()),
    );
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.pending.length === 0) return;
    const now = Date.now();
    let next = Infinity;
    for (const p of this.pending) {
      if (p.deadline <= now) {
        const err = new RivuletError(
          'RIV_ERR_TIMEOUT',
          `${p.apiName} request to ${this.address} got no response within ${p.timeoutMs} ms`,
        );
        this.fail(this.socket, err, p);
        return;
      }
      next = Math.min(next, p.deadline);
    }
    this.armTimer(next);
  }

  /**
   * Tears the socket down after a failure: `first` (the request that caused it, if any) gets
   * `err`, the other in-flight requests a retriable connection error, and the next request
   * reconnects. A stale socket's late events are ignored.
   */
  private fail(socket: Socket | null, err: Error, first?: Pending): void {
    if (socket !== this.socket || socket === null) return;
    if (this.state !== 'closed') this.state = 'idle';
    this.log.debug('connection failed', { broker: this.address, error: err.message });
    this.teardown(err, first);
  }

  private teardown(err: Error, first?: Pending): void {
    const socket = this.socket;
    this.socket = null;
    this.frames = null;
    this.versions = this.state === 'closed' ? null : this.versions;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
    const pending = this.pending.splice(0);
    const others =
      first === undefined
        ? err
        : new RivuletError('RIV_ERR_CONNECTION', `connection to ${this.address} closed: ${err.message}`);
    for (const p of pending) p.reject(p === first ? err : others);
    socket?.destroy();
    this.notifyDrained();
  }

  private notifyDrained(): void {
    const waiters = this.drainWaiters;
    if (waiters.length === 0) return;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}
