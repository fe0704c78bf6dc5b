import { connect, type Socket } from 'node:net';
import type { ApiSpec } from '../../src/protocol/api.js';
import { FrameReader } from '../../src/protocol/frame.js';
import { decodeResponseHeader, encodeRequestHeader } from '../../src/protocol/headers.js';
import { Reader } from '../../src/protocol/primitives/reader.js';
import { Writer } from '../../src/protocol/primitives/writer.js';

/**
 * A bare protocol connection for broker tests: sends typed requests or arbitrary bytes and
 * reports what came back, including whether the broker closed the connection. Deliberately
 * minimal — tests of bad input need to send what a real client never would.
 */
export class RawConnection {
  private readonly socket: Socket;
  private readonly frames = new FrameReader(1 << 30);
  private readonly waiting: ((frame: Buffer) => void)[] = [];
  private readonly received: Buffer[] = [];
  private correlationId = 1;
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.frames.push(chunk)) {
        const w = this.waiting.shift();
        if (w) w(f);
        else this.received.push(f);
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      socket.on('close', () => {
        resolve();
      });
    });
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => {
        resolve(new RawConnection(s));
      });
      s.once('error', reject);
    });
  }

  /** Writes raw bytes (no framing added). */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Builds a size-prefixed request frame for `spec` at `version`. */
  frame<Req>(
    spec: ApiSpec<Req, unknown>,
    version: number,
    req: Req,
    correlationId = this.correlationId++,
  ): Buffer {
    const w = new Writer();
    w.int32(0);
    encodeRequestHeader(
      w,
      { requestApiKey: spec.apiKey, requestApiVersion: version, correlationId, clientId: 'raw-test' },
      spec.requestHeaderVersion(version),
    );
    spec.encodeRequest(w, req, version);
    const out = w.finish();
    out.writeInt32BE(out.length - 4, 0);
    return Buffer.from(out);
  }

  /** Sends one request and decodes its response. */
  async request<Req, Res>(spec: ApiSpec<Req, Res>, version: number, req: Req): Promise<Res> {
    const id = this.correlationId++;
    this.write(this.frame(spec, version, req, id));
    const frame = await this.nextFrame();
    const r = new Reader(frame);
    const header = decodeResponseHeader(r, spec.responseHeaderVersion(version));
    if (header.correlationId !== id)
      throw new Error(`correlation id ${header.correlationId}, expected ${id}`);
    return spec.decodeResponse(r, version);
  }

  /** The next response frame, or a rejection if the connection closes first. */
  nextFrame(): Promise<Buffer> {
    const ready = this.received.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      void this.closed.then(() => {
        reject(new Error('connection closed'));
      });
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
