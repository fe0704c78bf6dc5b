/**
 * CreateTopics v0–v7. Validates name (legal characters, ≤ 249, not `.`/`..`), partition count
 * (≥ 1, or -1 for `num.partitions`), replication factor (1 or -1: there is one broker), manual
 * assignments (each partition on this broker only) and every config key/value, then creates the
 * topic — or only validates, with `validateOnly`. Answers v5+ with the partition count,
 * replication factor and full effective config, v7+ with the topic id. A name given twice in one
 * request fails for both (INVALID_REQUEST), as in Kafka. Not implemented: CreateTopicPolicy.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  CreateTopics,
  type CreatableTopic,
  type CreatableTopicResult,
} from '../../protocol/messages/create-topics.js';
import { ZERO_UUID } from '../../protocol/primitives/uuid.js';
import { validateTopicName } from '../../storage/topic-name.js';
import type { BrokerContext } from '../context.js';
import { defineHandler } from '../router.js';
import { expectedError } from './errors.js';
import { describeTopicConfigs, validateTopicConfigs } from './topic-configs.js';

const MAX_PARTITIONS = 100_000;

export function createTopicsHandler(ctx: BrokerContext) {
  const fail = (name: string, errorCode: number, errorMessage: string | null): CreatableTopicResult => ({
    name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    topicConfigErrorCode: 0,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  });

  /** The partition count to create, or an error result. */
  function plan(
    t: CreatableTopic,
  ): { partitions: number; configs: Record<string, string> } | CreatableTopicResult {
    const nameProblem = validateTopicName(t.name);
    if (nameProblem !== null) return fail(t.name, ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
    if (ctx.logs.topic(t.name) !== undefined) {
      return fail(t.name, ErrorCode.TOPIC_ALREADY_EXISTS, `topic '${t.name}' already exists`);
    }
    let partitions = t.numPartitions === -1 ? ctx.config.number('num.partitions') : t.numPartitions;
    if (t.assignments.length > 0) {
      if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
        return fail(
          t.name,
          ErrorCode.INVALID_REQUEST,
          'with manual assignments, numPartitions and replicationFactor must be -1',
        );
      }
      const indexes = t.assignments.map((a) => a.partitionIndex).sort((a, b) => a - b);
      if (indexes.some((p, i) => p !== i)) {
        return fail(
          t.name,
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          'assigned partitions must be 0..n-1, each once',
        );
      }
      const bad = t.assignments.find((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== ctx.logs.nodeId);
      if (bad !== undefined) {
        return fail(
          t.name,
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `partition ${bad.partitionIndex}: replicas [${bad.brokerIds.join(', ')}] — the only broker is ${ctx.logs.nodeId}`,
        );
      }
      partitions = indexes.length;
    } else {
      if (partitions < 1 || partitions > MAX_PARTITIONS) {
        return fail(
          t.name,
          ErrorCode.INVALID_PARTITIONS,
          `numPartitions ${t.numPartitions} must be in [1, ${MAX_PARTITIONS}] (or -1 for the default)`,
        );
      }
      if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
        return fail(
          t.name,
          ErrorCode.INVALID_REPLICATION_FACTOR,
          `replicationFactor ${t.replicationFactor} is larger than the 1 broker available`,
        );
      }
    }
    const configs: Record<string, string> = {};
    for (const c of t.configs) {
      if (c.value === null) return fail(t.name, ErrorCode.INVALID_CONFIG, `${c.name}: a value is required`);
      configs[c.name] = c.value;
    }
    const problem = validateTopicConfigs(configs);
    if (problem !== null) return fail(t.name, ErrorCode.INVALID_CONFIG, problem);
    return { partitions, configs };
  }

  return defineHandler({
    api: CreateTopics,
    versions: [0, 7],
    handle: async (req) => {
      const counts = new Map<string, number>();
      for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
      const topics: CreatableTopicResult[] = [];
      for (const t of req.topics) {
        if (counts.get(t.name)! > 1) {
          topics.push(fail(t.name, ErrorCode.INVALID_REQUEST, `topic '${t.name}' appears more than once`));
          continue;
        }
        const p = plan(t);
        if (!('partitions' in p)) {
          topics.push(p);
          continue;
        }
        let topicId = ZERO_UUID;
        if (!req.validateOnly) {
          try {
            topicId = (await ctx.logs.createTopic(t.name, { partitions: p.partitions, configs: p.configs }))
              .topicId;
          } catch (err) {
            const { code, message } = expectedError(err);
            topics.push(fail(t.name, code, message));
            continue;
          }
        }
        const info = { name: t.name, topicId, partitions: p.partitions, configs: p.configs };
        topics.push({
          name: t.name,
          topicId,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          topicConfigErrorCode: 0,
          numPartitions: p.partitions,
          replicationFactor: 1,
          configs: describeTopicConfigs(ctx, info).map((c) => ({
            name: c.name,
            value: c.value,
            readOnly: false,
            configSource: c.source,
            isSensitive: false,
          })),
        });
      }
      return CreateTopics.createResponse({ topics });
    },
    errorResponse: (req, errorCode) =>
      CreateTopics.createResponse({ topics: req.topics.map((t) => fail(t.name, errorCode, null)) }),
  });
}
