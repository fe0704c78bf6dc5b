import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DescribeCluster } from '../protocol/messages/describe-cluster.js';
import { Metadata } from '../protocol/messages/metadata.js';
import { Reader } from '../protocol/primitives/reader.js';
import { silentLogger } from '../shared/logger.js';
import { RawConnection } from '../../test/support/raw-client.js';
import { Connection } from './connection.js';
import { defineHandler, Router } from './router.js';

/**
 * The connection with a router of two test handlers (no storage): a slow one and a fast one,
 * to show that responses keep request order even when handlers finish out of order.
 */
describe('connection', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.close();
  });

  const serve = async (router: Router, opts: { maxFrameBytes?: number } = {}): Promise<number> => {
    const abort = new AbortController();
    server = createServer((socket) => {
      new Connection(socket, {
        id: 1,
        router,
        log: silentLogger,
        maxFrameBytes: opts.maxFrameBytes ?? 1 << 20,
        idleMs: 60_000,
        maxInFlight: 100,
        signal: abort.signal,
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    if (a === null || typeof a === 'string') throw new Error('no address');
    return a.port;
  };

  it('answers pipelined requests in request order although they finish out of order', async () => {
    const router = new Router([
      defineHandler({
        api: Metadata,
        versions: [0, 12],
        handle: async () => {
          await new Promise((r) => setTimeout(r, 50));
          return Metadata.createResponse({ clusterId: 'slow' });
        },
      }),
      defineHandler({
        api: DescribeCluster,
        versions: [0, 1],
        handle: () => DescribeCluster.createResponse({ clusterId: 'fast' }),
      }),
    ]);
    const c = await RawConnection.open(await serve(router));
    c.write(c.frame(Metadata, 12, Metadata.createRequest({ topics: null }), 1));
    c.write(c.frame(DescribeCluster, 1, DescribeCluster.createRequest(), 2));
    const first = new Reader(await c.nextFrame());
    const second = new Reader(await c.nextFrame());
    expect(first.int32()).toBe(1);
    expect(second.int32()).toBe(2);
    first.taggedFields();
    expect(Metadata.decodeResponse(first, 12).clusterId).toBe('slow');
    c.close();
  });

  it('answers UNKNOWN_SERVER_ERROR when a handler throws, and keeps the connection', async () => {
    const router = new Router([
      defineHandler({
        api: DescribeCluster,
        versions: [0, 1],
        handle: () => {
          throw new Error('boom');
        },
      }),
    ]);
    const c = await RawConnection.open(await serve(router));
    const res = await c.request(DescribeCluster, 1, DescribeCluster.createRequest());
    expect(res.errorCode).toBe(-1);
    const again = await c.request(DescribeCluster, 1, DescribeCluster.createRequest());
    expect(again.errorCode).toBe(-1);
    c.close();
  });

  it('refuses to register an API twice or versions outside the spec', () => {
    const h = defineHandler({
      api: DescribeCluster,
      versions: [0, 1],
      handle: () => DescribeCluster.createResponse(),
    });
    expect(() => new Router([h, h])).toThrow(/registered twice/);
    expect(
      () =>
        new Router([
          defineHandler({
            api: DescribeCluster,
            versions: [0, 9],
            handle: () => DescribeCluster.createResponse(),
          }),
        ]),
    ).toThrow(/outside the spec/);
  });
});
