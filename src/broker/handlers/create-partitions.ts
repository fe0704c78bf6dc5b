/**
 * CreatePartitions v0–v3: grows a topic to `count` partitions. Fewer than today, or the same
 * number, gets INVALID_PARTITIONS (Kafka's rule: partitions can only be added); manual
 * assignments must place each new partition on this broker alone (INVALID_REPLICA_ASSIGNMENT);
 * `validateOnly` checks without creating. A topic named twice fails for both (INVALID_REQUEST).
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  CreatePartitions,
  type CreatePartitionsTopic,
  type CreatePartitionsTopicResult,
} from '../../protocol/messages/create-partitions.js';
import type { BrokerContext } from '../context.js';
import { defineHandler } from '../router.js';
import { expectedError } from './errors.js';

const MAX_PARTITIONS = 100_000;

export function createPartitionsHandler(ctx: BrokerContext) {
  function check(t: CreatePartitionsTopic): [code: number, message: string] | null {
    const topic = ctx.logs.topic(t.name);
    if (topic === undefined)
      return [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic '${t.name}' does not exist`];
    if (t.count <= topic.partitions) {
      return [
        ErrorCode.INVALID_PARTITIONS,
        `topic '${t.name}' has ${topic.partitions} partitions; the new count ${t.count} must be larger`,
      ];
    }
    if (t.count > MAX_PARTITIONS) {
      return [ErrorCode.INVALID_PARTITIONS, `count ${t.count} is more than the maximum ${MAX_PARTITIONS}`];
    }
    if (t.assignments !== null) {
      const added = t.count - topic.partitions;
      if (t.assignments.length !== added) {
        return [
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `${t.assignments.length} assignments given for ${added} new partitions`,
        ];
      }
      const bad = t.assignments.find((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== ctx.logs.nodeId);
      if (bad !== undefined) {
        return [
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `replicas [${bad.brokerIds.join(', ')}]: the only broker is ${ctx.logs.nodeId}`,
        ];
      }
    }
    return null;
  }

  return defineHandler({
    api: CreatePartitions,
    versions: [0, 3],
    handle: async (req) => {
      const counts = new Map<string, number>();
      for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
      const results: CreatePartitionsTopicResult[] = [];
      for (const t of req.topics) {
        const result = (errorCode: number, errorMessage: string | null) => ({
          name: t.name,
          errorCode,
          errorMessage,
        });
        if (counts.get(t.name)! > 1) {
          results.push(result(ErrorCode.INVALID_REQUEST, `topic '${t.name}' appears more than once`));
          continue;
        }
        const problem = check(t);
        if (problem !== null) {
          results.push(result(problem[0], problem[1]));
          continue;
        }
        if (!req.validateOnly) {
          try {
            await ctx.logs.createPartitions(t.name, t.count);
          } catch (err) {
            const { code, message } = expectedError(err);
            results.push(result(code, message));
            continue;
          }
        }
        results.push(result(ErrorCode.NONE, null));
      }
      return CreatePartitions.createResponse({ results });
    },
    errorResponse: (req, errorCode) =>
      CreatePartitions.createResponse({
        results: req.topics.map((t) => ({ name: t.name, errorCode, errorMessage: null })),
      }),
  });
}
