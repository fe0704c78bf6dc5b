import { ErrorCode } from '../protocol/error-codes.js';
import { FindCoordinator } from '../protocol/messages/find-coordinator.js';
import type { Cluster } from './cluster.js';
import { RivuletError } from '../shared/errors.js';
import { KafkaError } from './errors.js';
import { withRetry } from './retry.js';

/** Kafka's FindCoordinator key type for consumer groups (1 is transactions). */
const GROUP_KEY_TYPE = 0;

/** The broker that coordinates a group. */
export interface Coordinator {
  nodeId: number;
  host: string;
  port: number;
}

/** Errors meaning "ask FindCoordinator again": the group moved, or its coordinator is down. */
export const COORDINATOR_MOVED: ReadonlySet<number> = new Set([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
]);

/**
 * Looks up the coordinators of `groupIds` with FindCoordinator: one batched request on v4+
 * brokers (KIP-699), one per group on older ones. COORDINATOR_NOT_AVAILABLE and the other
 * retriable answers are retried, for the groups still unresolved, until the retry deadline.
 *
 * @example
 * ```ts
 * const coordinators = await findCoordinators(cluster, ['orders-app']);
 * const conn = cluster.connectionTo(coordinators.get('orders-app')!);
 * ```
 */
export async function findCoordinators(
  cluster: Cluster,
  groupIds: readonly string[],
): Promise<Map<string, Coordinator>> {
  const found = new Map<string, Coordinator>();
  const wanted = [...new Set(groupIds)];
  await withRetry(cluster.retry, async () => {
    const pending = wanted.filter((g) => !found.has(g));
    if (pending.length === 0) return;
    const conn = await cluster.anyConnection();
    const version = conn.version(FindCoordinator);
    const errors: KafkaError[] = [];
    const absorb = (
      groupId: string,
      r: { errorCode: number; errorMessage: string | null; nodeId: number; host: string; port: number },
    ): void => {
      if (r.errorCode === ErrorCode.NONE) {
        found.set(groupId, { nodeId: r.nodeId, host: r.host, port: r.port });
        return;
      }
      errors.push(
        new KafkaError(r.errorCode, {
          api: 'FindCoordinator',
          resource: `group '${groupId}'`,
          brokerMessage: r.errorMessage,
        }),
      );
    };
    if (version >= 4) {
      const res = await conn.send(
        FindCoordinator,
        version,
        FindCoordinator.createRequest({ keyType: GROUP_KEY_TYPE, coordinatorKeys: pending }),
      );
      for (const c of res.coordinators) absorb(c.key, c);
    } else {
      for (const groupId of pending) {
        const res = await conn.send(
          FindCoordinator,
          version,
          FindCoordinator.createRequest({ key: groupId, keyType: GROUP_KEY_TYPE }),
        );
        absorb(groupId, res);
      }
    }
    // A non-retriable error is thrown first, so that it is not retried.
    const fatal = errors.find((e) => !e.retriable);
    if (fatal !== undefined || errors.length > 0) throw fatal ?? errors[0]!;
    const missing = pending.find((g) => !found.has(g));
    if (missing !== undefined) {
      throw new RivuletError(
        'RIV_ERR_CONNECTION',
        `${conn.address} left group '${missing}' out of its FindCoordinator response`,
      );
    }
  });
  return found;
}

/** The coordinator of one group (see {@link findCoordinators}). */
export async function findCoordinator(cluster: Cluster, groupId: string): Promise<Coordinator> {
  const found = await findCoordinators(cluster, [groupId]);
  return found.get(groupId)!;
}
