import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { LogManager } from '../../storage/log-types.js';
import type { BrokerConfig } from '../config.js';
import type { Deadlines } from './deadlines.js';
import type { ClassicGroup } from './group.js';
import type { OffsetsLog } from './offsets-log.js';

/** The coordinator's settings, Kafka's broker keys. */
export interface GroupCoordinatorConfig {
  /** `group.initial.rebalance.delay.ms`: the first rebalance of an empty group waits for more members. */
  readonly initialRebalanceDelayMs: number;
  /** `group.min.session.timeout.ms` / `group.max.session.timeout.ms`: JoinGroup's accepted range. */
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  /** `offsets.retention.minutes`, in ms: how long an Empty group's offsets are kept. */
  readonly offsetsRetentionMs: number;
  /** How often expired offsets are removed (Kafka's `offsets.retention.check.interval.ms` default). */
  readonly offsetsRetentionCheckIntervalMs: number;
  /** `offset.metadata.max.bytes`: longest metadata string of a commit (in UTF-16 units, as Kafka's `String.length`). */
  readonly offsetMetadataMaxBytes: number;
}

/** Kafka's default `offsets.retention.check.interval.ms` (10 minutes). */
export const DEFAULT_RETENTION_CHECK_INTERVAL_MS = 600_000;

/** Reads the coordinator's settings from the broker config. */
export function groupCoordinatorConfig(config: BrokerConfig): GroupCoordinatorConfig {
  return {
    initialRebalanceDelayMs: config.number('group.initial.rebalance.delay.ms'),
    minSessionTimeoutMs: config.number('group.min.session.timeout.ms'),
    maxSessionTimeoutMs: config.number('group.max.session.timeout.ms'),
    offsetsRetentionMs: config.number('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: DEFAULT_RETENTION_CHECK_INTERVAL_MS,
    offsetMetadataMaxBytes: config.number('offset.metadata.max.bytes'),
  };
}

/** What the coordinator's parts (membership, offsets, loading) share. */
export interface CoordinatorCore {
  readonly groups: Map<string, ClassicGroup>;
  readonly deadlines: Deadlines;
  readonly clock: Clock;
  readonly config: GroupCoordinatorConfig;
  readonly log: Logger;
  readonly logs: LogManager;
  readonly offsetsLog: OffsetsLog;
  /** Writes the group's metadata record in the background (its loss only costs a rejoin). */
  persistGroup(group: ClassicGroup): void;
}

/** Deadline keys: one session timer per member, one join timer per group. */
export const deadlineKey = {
  session: (groupId: string, memberId: string) => `session\u0000${groupId}\u0000${memberId}`,
  pending: (groupId: string, memberId: string) => `pending\u0000${groupId}\u0000${memberId}`,
  join: (groupId: string) => `join\u0000${groupId}`,
  expiry: 'offset-expiry',
};
