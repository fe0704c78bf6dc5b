/*
 * A scripted Kafka responder for capturing what real clients send (not a broker: it stores
 * nothing). It listens on 127.0.0.1, records every request frame byte for byte, and answers just
 * enough, with our own generated encoders, for a client to get past its handshake to the
 * requests worth capturing: see answers.ts for what each API gets.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { apiSpecs } from '../../src/protocol/api-keys.js';
import { FrameReader, frame } from '../../src/protocol/frame.js';
import { decodeRequestHeader, encodeResponseHeader, peekRequestApi } from '../../src/protocol/headers.js';
import { Reader } from '../../src/protocol/primitives/reader.js';
import { Writer } from '../../src/protocol/primitives/writer.js';
import { type Answer, type BrokerIdentity, answer } from './answers.js';

/** One request frame as it arrived. */
export interface CapturedFrame {
  /** The capture session (client and scenario) that was running when the frame arrived. */
  session: string;
  /** Arrival order over the whole capture. */
  seq: number;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
  /** The frame as sent: int32 size prefix, header, body. */
  bytes: Buffer;
}

export interface ResponderOptions {
  /** Topics a Metadata request for all topics (null) is told about. */
  topics: readonly string[];
  log?: (line: string) => void;
}

const MAX_FRAME_BYTES = 100 * 1024 * 1024;

export class Responder {
  readonly frames: CapturedFrame[] = [];
  /** Labels the frames recorded from now on. */
  session = '';
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiters: { match: (f: CapturedFrame) => boolean; resolve: (f: CapturedFrame) => void }[] =
    [];
  private readonly identity: BrokerIdentity;
  private readonly log: (line: string) => void;

  private constructor(server: Server, port: number, opts: ResponderOptions) {
    this.server = server;
    this.identity = { nodeId: 1, host: '127.0.0.1', port, topics: opts.topics };
    this.log = opts.log ?? (() => undefined);
  }

  get port(): number {
    return this.identity.port;
  }

  get bootstrap(): string {
    return `${this.identity.host}:${this.identity.port}`;
  }

  static async start(opts: ResponderOptions): Promise<Responder> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    const responder = new Responder(server, address.port, opts);
    server.on('connection', (socket) => {
      responder.accept(socket);
    });
    return responder;
  }

  /** Resolves with the first frame (already recorded or still to come) that `match` accepts. */
  waitFor(match: (f: CapturedFrame) => boolean): Promise<CapturedFrame> {
    const seen = this.frames.find(match);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Drops every client connection and pending delayed answer (between sessions). */
  closeConnections(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async close(): Promise<void> {
    this.closeConnections();
    await new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const session = this.session;
    const frames = new FrameReader(MAX_FRAME_BYTES);
    socket.on('data', (chunk) => {
      try {
        for (const payload of frames.push(chunk)) this.handle(socket, session, payload);
      } catch (err) {
        this.log(`[${session}] dropping connection: ${String(err)}`);
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private handle(socket: Socket, session: string, payload: Buffer): void {
    const { apiKey, apiVersion } = peekRequestApi(payload);
    const spec = apiSpecs.get(apiKey);
    if (spec === undefined) throw new Error(`unknown api key ${apiKey}`);
    const reader = new Reader(payload);
    const header = decodeRequestHeader(reader, spec.requestHeaderVersion(apiVersion));
    const captured: CapturedFrame = {
      session,
      seq: this.frames.length,
      apiKey,
      apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
      // The FrameReader's payload may be a slice of a reused chunk: copy, with its prefix.
      bytes: frame(payload),
    };
    this.frames.push(captured);
    this.log(
      `[${session}] ${spec.name} v${apiVersion} from ${header.clientId ?? '(null)'} (${payload.length} bytes)`,
    );
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (waiter.match(captured)) {
        this.waiters.splice(i, 1);
        waiter.resolve(captured);
      }
    }
    const reply = answer(this.identity, spec, apiVersion, reader, header.clientId);
    if (reply === null) return;
    const send = (): void => {
      socket.write(this.responseFrame(header.correlationId, spec.responseHeaderVersion(apiVersion), reply));
    };
    if (reply.delayMs > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        send();
      }, reply.delayMs);
      this.timers.add(t);
    } else {
      send();
    }
  }

  private responseFrame(correlationId: number, headerVersion: number, reply: Answer): Buffer {
    const w = new Writer();
    encodeResponseHeader(w, { correlationId }, headerVersion);
    reply.encode(w);
    return frame(w.finish());
  }
}
