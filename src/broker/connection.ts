import type { Socket } from 'node:net';
import { FrameReader } from '../protocol/frame.js';
import { isProtocolError } from '../protocol/errors.js';
import type { Logger } from '../shared/logger.js';
import { CloseConnection, type Router } from './router.js';

export interface ConnectionOptions {
  readonly id: number;
  readonly router: Router;
  readonly log: Logger;
  /** socket.request.max.bytes: larger frames close the connection before being buffered. */
  readonly maxFrameBytes: number;
  /** connections.max.idle.ms */
  readonly idleMs: number;
  /** queued.max.requests: reading pauses while this many requests are in flight. */
  readonly maxInFlight: number;
  readonly signal: AbortSignal;
}

/** One response slot: filled when its request completes; written when all earlier slots are. */
interface Slot {
  done: boolean;
  response: Buffer | null;
}

/**
 * One client connection. Requests are started in arrival order and may run concurrently
 * (so that, for example, pipelined acks=all produces share one fsync), but responses are
 * written strictly in request order, as Kafka clients require. A malformed frame or a request
 * the router cannot answer closes only this connection, with one log line.
 */
export class Connection {
  private readonly socket: Socket;
  private readonly opts: ConnectionOptions;
  private readonly frames: FrameReader;
  private readonly slots: Slot[] = [];
  private inFlight = 0;
  private closed = false;
  private readonly idle = new Set<() => void>();
  readonly remoteAddress: string;

  constructor(socket: Socket, opts: ConnectionOptions) {
    this.socket = socket;
    this.opts = opts;
    this.frames = new FrameReader(opts.maxFrameBytes);
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.setTimeout(opts.idleMs);
    socket.on('timeout', () => {
      if (this.inFlight === 0) this.close('idle timeout');
    });
    socket.on('data', (chunk: Buffer) => {
      this.onData(chunk);
    });
    socket.on('error', (err) => {
      opts.log.debug('socket error', { conn: opts.id, remote: this.remoteAddress, error: err.message });
    });
    socket.on('close', () => {
      this.closed = true;
      this.notifyIdle();
    });
  }

  /** Resolves once no request is in flight (used by a clean broker shutdown). */
  drained(): Promise<void> {
    if (this.inFlight === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  close(reason: string): void {
    if (this.socket.destroyed) return;
    this.closed = true;
    this.opts.log.debug('closing connection', { conn: this.opts.id, remote: this.remoteAddress, reason });
    this.socket.destroy();
    this.notifyIdle();
  }

  /** Ends the connection after the responses already queued are written. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const frame of frames) this.start(frame);
  }

  private start(frame: Buffer): void {
    if (this.closed) return;
    const slot: Slot = { done: false, response: null };
    this.slots.push(slot);
    this.inFlight++;
    if (this.inFlight >= this.opts.maxInFlight) this.socket.pause();
    const conn = {
      connectionId: this.opts.id,
      remoteAddress: this.remoteAddress,
      log: this.opts.log,
      signal: this.opts.signal,
    };
    this.opts.router.dispatch(frame, conn).then(
      (response) => {
        slot.done = true;
        slot.response = response;
        this.finish();
      },
      (err: unknown) => {
        this.fail(err);
      },
    );
  }

  private finish(): void {
    this.inFlight--;
    while (this.slots.length > 0 && this.slots[0]!.done) {
      const slot = this.slots.shift()!;
      if (slot.response !== null && !this.closed) this.socket.write(slot.response);
    }
    if (this.inFlight < this.opts.maxInFlight && !this.closed) this.socket.resume();
    if (this.inFlight === 0) this.notifyIdle();
  }

  private fail(err: unknown): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.closed) return;
    const expected = err instanceof CloseConnection || isProtocolError(err);
    const fields = {
      conn: this.opts.id,
      remote: this.remoteAddress,
      error: err instanceof Error ? err.message : String(err),
    };
    if (expected) this.opts.log.warn('closing connection: bad request', fields);
    else this.opts.log.error('closing connection: internal error', fields);
    this.close('error');
  }

  private notifyIdle(): void {
    for (const resolve of this.idle) resolve();
    this.idle.clear();
  }
}
