import { Reader } from '../../src/protocol/primitives/reader.js';
import { Writer } from '../../src/protocol/primitives/writer.js';
import {
  decodeConsumerProtocolAssignment,
  encodeConsumerProtocolAssignment,
} from '../../src/protocol/messages/data/consumer-protocol-assignment.js';
import { encodeConsumerProtocolSubscription } from '../../src/protocol/messages/data/consumer-protocol-subscription.js';
import { ManualClock } from '../../src/shared/clock.js';
import { MemoryLogManager } from '../../src/storage/memory-log.js';
import type { LogManager } from '../../src/storage/log-types.js';
import {
  GroupCoordinator,
  type GroupCoordinatorConfig,
  type JoinRequest,
  type JoinResult,
  type SyncResult,
} from '../../src/broker/group-coordinator/index.js';

/**
 * A group coordinator on the in-memory storage twin and a ManualClock: nothing happens in time
 * until `advance()` moves the clock and fires what became due.
 */
export interface Harness {
  readonly clock: ManualClock;
  readonly logs: LogManager;
  readonly groups: GroupCoordinator;
  /** Moves the clock and fires due deadlines (session expiry, rebalance timeouts). */
  advance(ms: number): void;
}

export const testConfig: GroupCoordinatorConfig = {
  initialRebalanceDelayMs: 0,
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 300_000,
  offsetsRetentionMs: 7 * 24 * 3600 * 1000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
};

export async function harness(
  opts: { config?: Partial<GroupCoordinatorConfig>; logs?: LogManager; clock?: ManualClock } = {},
): Promise<Harness> {
  const clock = opts.clock ?? new ManualClock(1_700_000_000_000);
  const logs = opts.logs ?? new MemoryLogManager({ clock });
  const groups = new GroupCoordinator({ logs, clock, config: { ...testConfig, ...opts.config } });
  await groups.start();
  return {
    clock,
    logs,
    groups,
    advance(ms: number) {
      clock.advance(ms);
      groups.tick();
    },
  };
}

/** Consumer-protocol subscription bytes (version 1) for `topics`, with owned partitions. */
export function subscription(
  topics: string[],
  owned: { topic: string; partitions: number[] }[] = [],
): Buffer {
  const w = new Writer();
  w.int16(1);
  encodeConsumerProtocolSubscription(
    w,
    { topics, userData: null, ownedPartitions: owned, generationId: -1, rackId: null },
    1,
  );
  return Buffer.from(w.finish());
}

export function assignment(partitions: { topic: string; partitions: number[] }[]): Buffer {
  const w = new Writer();
  w.int16(0);
  encodeConsumerProtocolAssignment(w, { assignedPartitions: partitions, userData: null }, 0);
  return Buffer.from(w.finish());
}

export function decodeAssignment(bytes: Buffer): { topic: string; partitions: number[] }[] {
  const r = new Reader(bytes);
  return decodeConsumerProtocolAssignment(r, r.int16()).assignedPartitions;
}

export function joinRequest(partial: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['t']) }],
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    ...partial,
  };
}

/** A promise whose settlement can be checked synchronously after {@link settle}. */
export interface Tracked<T> {
  readonly promise: Promise<T>;
  readonly done: boolean;
  readonly value: T;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const t = { promise, done: false, value: undefined as T };
  void promise.then((v) => {
    t.done = true;
    t.value = v;
  });
  return t;
}

/** Lets resolved promises run their continuations. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Joins a brand-new dynamic member (v3-style, no MEMBER_ID_REQUIRED round). */
export function join(h: Harness, partial: Partial<JoinRequest> = {}): Tracked<JoinResult> {
  return track(h.groups.join(joinRequest(partial)));
}

/** Syncs a member; the leader passes assignments. */
export function sync(
  h: Harness,
  j: JoinResult,
  assignments: { memberId: string; assignment: Buffer }[] = [],
  groupId = 'g',
): Tracked<SyncResult> {
  return track(
    h.groups.sync({
      groupId,
      generationId: j.generationId,
      memberId: j.memberId,
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments,
    }),
  );
}

export function heartbeat(h: Harness, j: JoinResult, groupId = 'g', generationId = j.generationId): number {
  return h.groups.heartbeat({ groupId, generationId, memberId: j.memberId, groupInstanceId: null });
}
