import { validateTopicConfig } from './config.js';
import { StorageError } from './errors.js';
import type { CreateTopicOptions, TopicMetadata } from './log-types.js';
import { topicCollisionKey, validateTopicName } from './topic-name.js';

/** Most partitions one topic may have (a guard against typos, not a Kafka rule). */
export const MAX_PARTITIONS = 10_000;

/** Throws the StorageError a CreateTopics request deserves, if any. */
export function checkNewTopic(
  name: string,
  opts: CreateTopicOptions,
  existing: readonly TopicMetadata[],
): void {
  const bad = validateTopicName(name);
  if (bad !== null) throw new StorageError('invalid-topic', bad);
  if (existing.some((t) => t.name === name))
    throw new StorageError('topic-exists', `topic '${name}' already exists`);
  const collision = existing.find((t) => topicCollisionKey(t.name) === topicCollisionKey(name));
  if (collision !== undefined) {
    throw new StorageError(
      'invalid-topic',
      `topic '${name}' collides with '${collision.name}' ('.' and '_' clash)`,
    );
  }
  if (!Number.isInteger(opts.partitions) || opts.partitions < 1 || opts.partitions > MAX_PARTITIONS) {
    throw new StorageError(
      'invalid-partitions',
      `partition count ${opts.partitions} is not in [1, ${MAX_PARTITIONS}]`,
    );
  }
  checkConfigs(opts.configs ?? {});
}

/** Throws `invalid-config` for the first bad entry. */
export function checkConfigs(configs: Readonly<Record<string, string>>): void {
  for (const [k, v] of Object.entries(configs)) {
    const problem = validateTopicConfig(k, v);
    if (problem !== null) throw new StorageError('invalid-config', problem);
  }
}
