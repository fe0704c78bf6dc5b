import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerConnection } from '../../src/client/connection.js';
import { Admin } from '../../src/client/index.js';
import { ApiVersions, Fetch, Metadata, Produce } from '../../src/protocol/messages/index.js';
import { isRivuletError } from '../../src/shared/errors.js';
import { startTestBroker, type TestBroker } from '../support/broker.js';
import { ApiKey } from '../../src/protocol/api-keys.js';
import { closedPort, FaultProxy, startSilentServer } from './support/fault-proxy.js';

/** The rejection of `p` (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('BrokerConnection against the broker', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(async () => {
    await broker.destroy();
  });

  it('negotiates the highest version both sides support for each API', async () => {
    const conn = new BrokerConnection({ host: '127.0.0.1', port: broker.address.port });
    await conn.connect();
    // The broker serves Produce v3-v11, Fetch v4-v17, Metadata v0-v12 (src/broker/handlers).
    expect(conn.version(Produce)).toBe(Math.min(11, Produce.maxVersion));
    expect(conn.version(Fetch)).toBe(Math.min(17, Fetch.maxVersion));
    expect(conn.version(Metadata)).toBe(Math.min(12, Metadata.maxVersion));
    expect(conn.version(ApiVersions)).toBe(Math.min(4, ApiVersions.maxVersion));
    await conn.close();
  });

  it('pipelines many requests on one socket and matches every response', async () => {
    const conn = new BrokerConnection({ host: '127.0.0.1', port: broker.address.port });
    await conn.connect();
    const v = conn.version(Metadata);
    const names = Array.from({ length: 200 }, (_, i) => `pipelined-${i}`);
    const all = names.map((name) =>
      conn.send(
        Metadata,
        v,
        Metadata.createRequest({
          topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name }],
          allowAutoTopicCreation: false,
        }),
      ),
    );
    expect(conn.inFlight).toBe(200);
    const answers = await Promise.all(all);
    expect(answers.map((a) => a.topics[0]!.name)).toEqual(names);
    expect(conn.inFlight).toBe(0);
    await conn.close();
  });

  it('reconnects on the next request after the connection failed', async () => {
    const proxy = await FaultProxy.start(broker.address);
    proxy.fault = (r) => (r.apiKey === ApiKey.Metadata && r.nth === 1 ? 'cut' : null);
    const conn = new BrokerConnection({ host: '127.0.0.1', port: proxy.port });
    await conn.connect();
    const v = conn.version(Metadata);
    const all = Metadata.createRequest({ topics: null });
    const cut = await rejection(conn.send(Metadata, v, all));
    expect(isRivuletError(cut, 'RIV_ERR_CONNECTION') && cut.retriable).toBe(true);
    expect(conn.isReady).toBe(false);
    const md = await conn.send(Metadata, v, all);
    expect(md.brokers).toHaveLength(1);
    expect(proxy.counts.get(ApiKey.ApiVersions)).toBe(2);
    await conn.close();
    const closed = await rejection(conn.send(Metadata, v, all));
    expect(isRivuletError(closed, 'RIV_ERR_CLIENT_CLOSED')).toBe(true);
    await proxy.close();
  });

  it('times out a request that gets no answer, fails those behind it, and recovers', async () => {
    const proxy = await FaultProxy.start(broker.address);
    proxy.fault = (r) => (r.apiKey === ApiKey.Metadata && r.nth === 1 ? 'stall' : null);
    const conn = new BrokerConnection({ host: '127.0.0.1', port: proxy.port, requestTimeoutMs: 200 });
    await conn.connect();
    const v = conn.version(Metadata);
    const all = Metadata.createRequest({ topics: null });
    const first = rejection(conn.send(Metadata, v, all));
    const second = rejection(conn.send(Metadata, v, all, { timeoutMs: 60_000 }));
    const [timedOut, behind] = await Promise.all([first, second]);
    expect(isRivuletError(timedOut, 'RIV_ERR_TIMEOUT')).toBe(true);
    expect(timedOut.message).toBe(
      `Metadata request to 127.0.0.1:${proxy.port} got no response within 200 ms`,
    );
    expect(isRivuletError(behind, 'RIV_ERR_CONNECTION')).toBe(true);
    expect((await conn.send(Metadata, v, all)).brokers).toHaveLength(1);
    await conn.close();
    await proxy.close();
  });
});

describe('connection failures', () => {
  it('reports an unreachable broker naming its address', async () => {
    const port = await closedPort();
    const admin = new Admin({ bootstrap: `127.0.0.1:${port}`, retry: { timeoutMs: 0 } });
    const err = await rejection(admin.listTopics());
    expect(isRivuletError(err, 'RIV_ERR_CONNECTION')).toBe(true);
    expect(err.message).toBe(`cannot connect to 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
    await admin.close();
  });

  it('times a request out when the broker never answers, and fails the others in flight', async () => {
    const silent = await startSilentServer();
    const conn = new BrokerConnection({ host: '127.0.0.1', port: silent.port, connectTimeoutMs: 300 });
    const err = await rejection(conn.connect());
    expect(isRivuletError(err, 'RIV_ERR_TIMEOUT')).toBe(true);
    expect(err.message).toMatch(
      new RegExp(`^ApiVersions request to 127\\.0\\.0\\.1:${silent.port} got no response within \\d+ ms$`),
    );
    expect(conn.isReady).toBe(false);
    conn.destroy();
    await silent.close();
  });

  it('times out through the admin client and gives up at the retry deadline', async () => {
    const silent = await startSilentServer();
    const admin = new Admin({
      bootstrap: `127.0.0.1:${silent.port}`,
      connectTimeoutMs: 200,
      retry: { timeoutMs: 0 },
    });
    const err = await rejection(admin.listTopics());
    expect(isRivuletError(err, 'RIV_ERR_TIMEOUT')).toBe(true);
    await admin.close();
    await silent.close();
  });
});
