import type { LogManager } from '../storage/log-types.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { HostPort } from './address.js';
import type { BrokerConfig } from './config.js';

/** Everything a handler factory receives. */
export interface BrokerContext {
  readonly config: BrokerConfig;
  /** Topics, their partition logs and the node's identity (cluster id, node id). */
  readonly logs: LogManager;
  /** The address clients are told to connect to (Metadata, FindCoordinator). */
  readonly advertised: HostPort;
  readonly log: Logger;
  readonly clock: Clock;
}

/** Kafka's convention: names starting with `__` are internal topics (`__consumer_offsets` …). */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}
