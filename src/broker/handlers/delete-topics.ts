/**
 * DeleteTopics v0–v6: by name (v0–v5), by name or topic id (v6). Storage renames the topic's
 * directories out of the way first, so a topic re-created under the same name never sees old
 * data. Every group's committed offsets of the topic are removed too, as in Kafka.
 * `delete.topic.enable=false` answers TOPIC_DELETION_DISABLED. Internal topics cannot be deleted
 * (INVALID_REQUEST).
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { DeleteTopics, type DeletableTopicResult } from '../../protocol/messages/delete-topics.js';
import { ZERO_UUID } from '../../protocol/primitives/uuid.js';
import { isInternalTopic, type BrokerContext } from '../context.js';
import type { GroupCoordinator } from '../group-coordinator/index.js';
import { defineHandler } from '../router.js';
import { expectedError } from './errors.js';

export function deleteTopicsHandler(ctx: BrokerContext, groups: GroupCoordinator) {
  async function deleteOne(name: string | null, topicId: string): Promise<DeletableTopicResult> {
    const result = (errorCode: number, errorMessage: string | null): DeletableTopicResult => ({
      name,
      topicId,
      errorCode,
      errorMessage,
    });
    const topic = name !== null && name !== '' ? ctx.logs.topic(name) : ctx.logs.topicById(topicId);
    if (topic === undefined) {
      return name === null || name === ''
        ? result(ErrorCode.UNKNOWN_TOPIC_ID, `no topic has id ${topicId}`)
        : result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic '${name}' does not exist`);
    }
    if (!ctx.config.boolean('delete.topic.enable')) {
      return result(ErrorCode.TOPIC_DELETION_DISABLED, 'delete.topic.enable is false on this broker');
    }
    if (isInternalTopic(topic.name))
      return result(ErrorCode.INVALID_REQUEST, `'${topic.name}' is an internal topic`);
    try {
      await ctx.logs.deleteTopic(topic.name);
      await groups.topicDeleted(topic.name);
      return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (err) {
      const { code, message } = expectedError(err);
      return result(code, message);
    }
  }

  return defineHandler({
    api: DeleteTopics,
    versions: [0, 6],
    handle: async (req, { apiVersion }) => {
      const wanted =
        apiVersion >= 6
          ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId }))
          : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
      const responses: DeletableTopicResult[] = [];
      for (const w of wanted) responses.push(await deleteOne(w.name, w.topicId));
      return DeleteTopics.createResponse({ responses });
    },
    errorResponse: (req, errorCode) =>
      DeleteTopics.createResponse({
        responses: [
          ...req.topics.map((t) => ({ name: t.name, topicId: t.topicId, errorCode, errorMessage: null })),
          ...req.topicNames.map((name) => ({ name, topicId: ZERO_UUID, errorCode, errorMessage: null })),
        ],
      }),
  });
}
