import { createServer, type Server, type Socket } from 'node:net';
import { initCompression } from '../protocol/records/compression.js';
import { openLogManager } from '../storage/log-manager.js';
import type { LogManager } from '../storage/log-types.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { RivuletError } from '../shared/errors.js';
import { silentLogger, type Logger } from '../shared/logger.js';
import { formatHostPort, isWildcard, parseHostPort, type HostPort } from './address.js';
import { BrokerConfig } from './config.js';
import { Connection } from './connection.js';
import type { BrokerContext } from './context.js';
import { GroupCoordinator, groupCoordinatorConfig } from './group-coordinator/index.js';
import { brokerHandlers } from './handlers/index.js';
import { ProducerIdAllocator } from './producer-ids.js';
import { Router } from './router.js';

export interface BrokerOptions {
  /** Where partitions and metadata live. Created if missing. */
  dataDir: string;
  /** Listen host (default 127.0.0.1). A wildcard (0.0.0.0, ::) requires `advertise`. */
  host?: string;
  /** Listen port (default 9092); 0 picks a free port, which is then also advertised. */
  port?: number;
  /** The HOST:PORT clients are told to connect to (default: the bound address). */
  advertise?: string | HostPort;
  /** Broker config overrides, Kafka's key names (`num.partitions`, `log.retention.ms` …). */
  config?: Record<string, string>;
  logger?: Logger;
  clock?: Clock;
  /** How long `close()` waits for in-flight requests before closing connections (default 5 s). */
  shutdownTimeoutMs?: number;
  /**
   * Awaited before the group coordinator replays `__consumer_offsets` (in the background, after
   * the broker listens). Tests hold it to observe COORDINATOR_LOAD_IN_PROGRESS.
   */
  beforeGroupLoad?: () => Promise<void>;
}

/** A running broker. */
export interface Broker {
  /** The bound address (the port is the real one when 0 was asked). */
  readonly address: HostPort;
  /** The address advertised to clients in Metadata. */
  readonly advertised: HostPort;
  /** `host:port` of the advertised address, for a client's bootstrap list. */
  readonly bootstrap: string;
  readonly clusterId: string;
  readonly logs: LogManager;
  /** Consumer groups and committed offsets (lag per group for the console and CLI). */
  readonly groups: GroupCoordinator;
  /**
   * Stops cleanly: stops accepting, lets in-flight requests finish (long-polling fetches return at
   * once), closes connections, fsyncs every log and writes the clean-shutdown marker.
   */
  close(): Promise<void>;
}

/**
 * Starts a Kafka-compatible broker in this process. It listens only once storage recovery is
 * done, so a client that connects is served at once.
 *
 * @example
 * ```ts
 * const broker = await startBroker({ dataDir: './data', port: 0 });
 * console.log(broker.bootstrap); // 127.0.0.1:40123
 * await broker.close();
 * ```
 */
export async function startBroker(opts: BrokerOptions): Promise<Broker> {
  const log = opts.logger ?? silentLogger;
  const clock = opts.clock ?? systemClock;
  const config = new BrokerConfig(opts.config);
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 9092;
  const advertiseOpt =
    typeof opts.advertise === 'string' ? parseHostPort(opts.advertise, '--advertise') : opts.advertise;
  if (isWildcard(host) && advertiseOpt === undefined) {
    throw new RivuletError(
      'RIV_ERR_INVALID_ADDRESS',
      `listening on ${host} needs --advertise HOST:PORT: clients cannot connect back to a wildcard address`,
    );
  }

  await initCompression(); // zstd is WebAssembly: loaded once before anything may need it
  const logs = await openLogManager({
    dataDir: opts.dataDir,
    defaults: config.topicDefaults(),
    logger: log.child({ component: 'storage' }),
    clock,
    maintenanceIntervalMs: config.number('log.retention.check.interval.ms'),
  });
  let server: Server | undefined;
  const groups = new GroupCoordinator({
    logs,
    config: groupCoordinatorConfig(config),
    clock,
    logger: log.child({ component: 'groups' }),
    realTimers: true,
    ...(opts.beforeGroupLoad === undefined ? {} : { beforeLoad: opts.beforeGroupLoad }),
  });
  try {
    const producerIds = await ProducerIdAllocator.open(opts.dataDir);
    server = createServer({ noDelay: true });
    const address = await listen(server, host, port);
    const advertised = advertiseOpt ?? address;
    const ctx: BrokerContext = { config, logs, advertised, log, clock };
    const routerRef: { router?: Router } = {};
    const router = new Router(
      brokerHandlers(ctx, {
        producerIds,
        groups,
        supportedApis: () => routerRef.router?.supportedApis() ?? [],
      }),
    );
    routerRef.router = router;
    // Offsets are restored in the background, as Kafka does: group APIs answer
    // COORDINATOR_LOAD_IN_PROGRESS meanwhile, everything else is served at once.
    void groups.start();
    return serve(server, { address, advertised, router, logs, groups, log, config, opts });
  } catch (err) {
    server?.close();
    await groups.close();
    await logs.close();
    throw err;
  }
}

/** Waits for `p`, but no longer than `ms`. */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function listen(server: Server, host: string, port: number): Promise<HostPort> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        err.code === 'EADDRINUSE'
          ? new RivuletError(
              'RIV_ERR_ADDRESS_IN_USE',
              `${formatHostPort({ host, port })} is already in use`,
              {
                cause: err,
              },
            )
          : err,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const a = server.address();
      if (a === null || typeof a === 'string') {
        reject(new Error('server has no TCP address'));
        return;
      }
      resolve({ host, port: a.port });
    });
  });
}

function serve(
  server: Server,
  s: {
    address: HostPort;
    advertised: HostPort;
    router: Router;
    logs: LogManager;
    groups: GroupCoordinator;
    log: Logger;
    config: BrokerConfig;
    opts: BrokerOptions;
  },
): Broker {
  const shutdown = new AbortController();
  const connections = new Set<Connection>();
  let nextId = 1;
  server.on('connection', (socket: Socket) => {
    const conn = new Connection(socket, {
      id: nextId++,
      router: s.router,
      log: s.log,
      maxFrameBytes: s.config.number('socket.request.max.bytes'),
      idleMs: s.config.number('connections.max.idle.ms'),
      maxInFlight: s.config.number('queued.max.requests'),
      signal: shutdown.signal,
    });
    connections.add(conn);
    socket.on('close', () => connections.delete(conn));
  });
  server.on('error', (err) => {
    s.log.error('listener error', { error: err.message });
  });
  s.log.info('broker listening', {
    address: formatHostPort(s.address),
    advertised: formatHostPort(s.advertised),
    clusterId: s.logs.clusterId,
    nodeId: s.logs.nodeId,
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      shutdown.abort();
      // Answers waiting JoinGroup/SyncGroup calls, so connections can drain.
      await s.groups.close();
      await within(Promise.all([...connections].map((c) => c.drained())), s.opts.shutdownTimeoutMs ?? 5000);
      // end() flushes the responses already written; peers that do not close are cut after 1 s.
      for (const c of connections) c.end();
      await within(stopped, 1000);
      for (const c of connections) c.close('broker shutting down');
      await stopped;
      await s.logs.close();
      s.log.info('broker stopped');
    })();
    return closing;
  };

  return {
    address: s.address,
    advertised: s.advertised,
    bootstrap: formatHostPort(s.advertised),
    clusterId: s.logs.clusterId,
    logs: s.logs,
    groups: s.groups,
    close,
  };
}
