// Rivulet's public API: re-exports only. Each layer documents its own part:
// docs/client.md, docs/stream/, docs/storage.md, docs/groups.md.

/** The broker, embedded: `const broker = await startBroker({ dataDir, port: 0 })`. */
export { startBroker, type Broker, type BrokerOptions } from './broker/broker.js';
export type { HostPort } from './broker/address.js';

/** The Kafka client (works against Rivulet and any Kafka). */
export * from './client/index.js';

/** The stream engine. */
export * from './stream/index.js';

/** The Nexmark benchmark: its event generator, and queries q0–q11 built on the stream engine. */
export * as nexmark from './stream/nexmark/index.js';

/** Rivulet's own errors and its structured logger. */
export { RivuletError, isRivuletError, errorCatalog, type RivuletErrorCode } from './shared/errors.js';
export { jsonLogger, silentLogger, type Logger, type LogLevel } from './shared/logger.js';
