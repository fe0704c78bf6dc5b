/**
 * Metadata v0–v12. Describes this single broker and the requested topics (all of them for a null
 * list, or for an empty list at v0). A missing topic is created when `auto.create.topics.enable`
 * is on and the request allows it (v4+; always for older versions), with `num.partitions`
 * partitions; it is answered ready at once (creation is synchronous here, so no
 * LEADER_NOT_AVAILABLE round). Every partition's leader is this broker at leader epoch 0.
 * v10+ may name topics by id. Authorized operations are reported as "everything" when asked:
 * there is no authorization yet.
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  Metadata,
  type MetadataResponseTopic,
  type MetadataRequestTopic,
} from '../../protocol/messages/metadata.js';
import { ZERO_UUID } from '../../protocol/primitives/uuid.js';
import type { TopicMetadata } from '../../storage/log-types.js';
import { isInternalTopic, type BrokerContext } from '../context.js';
import { defineHandler } from '../router.js';
import { expectedError } from './errors.js';

/** Kafka's "not requested" value for authorized-operation bitfields. */
const OPS_NOT_REQUESTED = -2147483648;
/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS (AclOperation codes). */
const TOPIC_OPS = [3, 4, 5, 6, 7, 8, 10, 11].reduce((bits, op) => bits | (1 << op), 0);
/** ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, CREATE. */
const CLUSTER_OPS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, op) => bits | (1 << op), 0);

export function metadataHandler(ctx: BrokerContext) {
  const { logs, advertised } = ctx;

  const describe = (t: TopicMetadata, includeOps: boolean): MetadataResponseTopic => ({
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: t.topicId,
    isInternal: isInternalTopic(t.name),
    partitions: Array.from({ length: t.partitions }, (_, i) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: i,
      leaderId: logs.nodeId,
      leaderEpoch: 0,
      replicaNodes: [logs.nodeId],
      isrNodes: [logs.nodeId],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: includeOps ? TOPIC_OPS : OPS_NOT_REQUESTED,
  });

  const failed = (name: string | null, topicId: string, errorCode: number): MetadataResponseTopic => ({
    errorCode,
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: OPS_NOT_REQUESTED,
  });

  return defineHandler({
    api: Metadata,
    versions: [0, 12],
    handle: async (req, { apiVersion }) => {
      const includeOps = req.includeTopicAuthorizedOperations;
      const wanted: MetadataRequestTopic[] | null =
        req.topics === null || (apiVersion === 0 && req.topics.length === 0) ? null : req.topics;
      const mayCreate =
        ctx.config.boolean('auto.create.topics.enable') && (apiVersion < 4 || req.allowAutoTopicCreation);

      const answer: MetadataResponseTopic[] = [];
      if (wanted === null) {
        for (const t of logs.topics()) answer.push(describe(t, includeOps));
      } else {
        for (const w of wanted) answer.push(await resolve(w, mayCreate, includeOps));
      }
      return Metadata.createResponse({
        brokers: [{ nodeId: logs.nodeId, host: advertised.host, port: advertised.port, rack: null }],
        clusterId: logs.clusterId,
        controllerId: logs.nodeId,
        topics: answer,
        clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPS : OPS_NOT_REQUESTED,
      });
    },
  });

  async function resolve(
    w: MetadataRequestTopic,
    mayCreate: boolean,
    includeOps: boolean,
  ): Promise<MetadataResponseTopic> {
    if (w.name === null || w.name === '') {
      if (w.topicId === ZERO_UUID) return failed(w.name, w.topicId, ErrorCode.INVALID_REQUEST);
      const byId = logs.topicById(w.topicId);
      return byId === undefined
        ? failed(null, w.topicId, ErrorCode.UNKNOWN_TOPIC_ID)
        : describe(byId, includeOps);
    }
    const existing = logs.topic(w.name);
    if (existing !== undefined) return describe(existing, includeOps);
    // Internal topics are created by the broker (the group coordinator), never on a client's request.
    if (!mayCreate || isInternalTopic(w.name))
      return failed(w.name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    try {
      const created = await logs.createTopic(w.name, { partitions: ctx.config.number('num.partitions') });
      return describe(created, includeOps);
    } catch (err) {
      const { code } = expectedError(err);
      // A concurrent request may have created it first.
      const raced = logs.topic(w.name);
      if (code === ErrorCode.TOPIC_ALREADY_EXISTS && raced !== undefined) return describe(raced, includeOps);
      return failed(w.name, ZERO_UUID, code);
    }
  }
}
