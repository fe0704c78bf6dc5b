// The Kafka client's public API: re-exports only. See docs/client.md.
export { Admin, type ValidateOptions } from './admin.js';
export type {
  ClusterDescription,
  ConfigEntry,
  ConfigOperation,
  ConfigResource,
  ConfigSource,
  CreatedTopic,
  DeletedRecords,
  NewPartitions,
  NewTopic,
  PartitionOffsets,
  RecordsToDelete,
  ResourceConfigs,
} from './admin-types.js';
export {
  compareMembers,
  defaultAssignors,
  rangeAssignor,
  roundRobinAssignor,
  type MemberSubscription,
  type PartitionAssignor,
} from './assignors.js';
export {
  Cluster,
  type BrokerInfo,
  type PartitionInfo,
  type TopicInfo,
  type TopicLookupOptions,
} from './cluster.js';
export { BrokerConnection, type ConnectionOptions, type SendOptions } from './connection.js';
export { Consumer } from './consumer.js';
export type { ConsumerOptions, OffsetResetPolicy, SeekTarget, TopicPartition } from './consumer-types.js';
export {
  CONSUMER_PROTOCOL_TYPE,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  type Assignment,
  type Subscription,
} from './consumer-protocol.js';
export { findCoordinator, findCoordinators, type Coordinator } from './coordinator.js';
export { isKafkaError, KafkaError, type KafkaErrorContext } from './errors.js';
export { FetchedPartition, type AbortedTxn, type ConsumerRecord } from './fetched-partition.js';
export type {
  GroupDescription,
  GroupLag,
  GroupListing,
  GroupMemberDescription,
  PartitionLag,
} from './group-admin.js';
export { GroupConsumer, type GroupConsumerOptions } from './group-consumer.js';
export {
  GroupMember,
  type GroupMemberOptions,
  type GroupMetadata,
  type RebalanceListener,
} from './group-member.js';
export { MemberState } from './group-member-state.js';
export type { CommittedOffset, OffsetToCommit } from './group-offsets.js';
export { listOffsets, type OffsetAnswer, type OffsetQuery, type OffsetSpec } from './offsets.js';
export { parseBootstrapAddress, type ClientOptions } from './options.js';
export { defaultPartitioner, keyPartition, murmur2, type Partitioner } from './partitioner.js';
export { Producer } from './producer.js';
export type {
  Bytes,
  CompressionName,
  ProducerOptions,
  ProducerRecord,
  SendResult,
} from './producer-types.js';
export type { RetryOptions } from './retry.js';
