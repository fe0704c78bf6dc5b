import { connect, createServer, type Server, type Socket } from 'node:net';
import { FrameReader } from '../../../src/protocol/frame.js';

/** What the proxy knows about a request it forwarded. */
export interface ForwardedRequest {
  apiKey: number;
  apiVersion: number;
  /** Requests of this api key forwarded so far on any connection, this one included (1-based). */
  nth: number;
}

/**
 * What to do with the response to a forwarded request: relay it (null), `cut` both connections
 * instead of relaying it (the broker acted on the request, the client never hears: the
 * lost-acknowledgement case an idempotent producer exists for), or `stall`: relay nothing more
 * on this connection, as a hung broker would (requests wait until their timeout).
 */
export type Fault = 'cut' | 'stall' | null;

/**
 * A TCP proxy in front of a real broker that injects network faults chosen per request by
 * {@link FaultProxy.fault}. Everything else passes through unchanged.
 */
export class FaultProxy {
  readonly port: number;
  fault: ((req: ForwardedRequest) => Fault) | null = null;
  /** Requests seen per api key. */
  readonly counts = new Map<number, number>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    port: number,
  ) {
    this.port = port;
  }

  /** Where connections go; may be set after start (a broker advertising the proxy needs its port first). */
  target: { host: string; port: number } | null = null;

  static async start(target?: { host: string; port: number }): Promise<FaultProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('proxy has no port');
    const proxy = new FaultProxy(server, addr.port);
    proxy.target = target ?? null;
    server.on('connection', (client) => {
      if (proxy.target === null) client.destroy();
      else proxy.pipe(client, proxy.target);
    });
    return proxy;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  private pipe(client: Socket, target: { host: string; port: number }): void {
    const upstream = connect(target);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const requests = new FrameReader(1 << 30);
    const responses = new FrameReader(1 << 30);
    // The fault for each forwarded request's response, in order (acks=0 requests get no
    // response: tests must not combine them with faults on the same connection).
    const faults: Fault[] = [];
    let stalled = false;
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      for (const f of requests.push(chunk)) {
        const apiKey = f.readInt16BE(0);
        const nth = (this.counts.get(apiKey) ?? 0) + 1;
        this.counts.set(apiKey, nth);
        faults.push(this.fault?.({ apiKey, apiVersion: f.readInt16BE(2), nth }) ?? null);
        const sized = Buffer.allocUnsafe(4);
        sized.writeInt32BE(f.length, 0);
        upstream.write(Buffer.concat([sized, f]));
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      for (const f of responses.push(chunk)) {
        if (stalled) return;
        const fault = faults.shift() ?? null;
        if (fault === 'cut') {
          cut();
          return;
        }
        if (fault === 'stall') {
          stalled = true;
          return;
        }
        const sized = Buffer.allocUnsafe(4);
        sized.writeInt32BE(f.length, 0);
        client.write(Buffer.concat([sized, f]));
      }
    });
    for (const s of [client, upstream]) {
      s.on('error', cut);
      s.on('close', () => {
        this.sockets.delete(s);
        cut();
      });
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }
}

/**
 * A TCP server that accepts connections and reads requests but never answers: every request to
 * it times out.
 */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('server has no port');
  return {
    port: addr.port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('server has no port');
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return addr.port;
}
