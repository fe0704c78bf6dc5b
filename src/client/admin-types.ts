/** A topic to create. */
export interface NewTopic {
  name: string;
  /** Partition count (default: the broker's `num.partitions`). */
  partitions?: number;
  /** Replication factor (default: the broker's `default.replication.factor`). */
  replicationFactor?: number;
  /** Topic configs, Kafka's keys (`retention.ms`, `cleanup.policy` …). */
  configs?: Readonly<Record<string, string>>;
}

/** What the broker says it created (or would create, with validateOnly). */
export interface CreatedTopic {
  name: string;
  /** The new topic's id (all zeros before CreateTopics v7). */
  topicId: string;
  /** -1 when the broker does not say (before CreateTopics v5). */
  partitions: number;
  replicationFactor: number;
}

/** A config resource: a topic, or a broker by node id. */
export interface ConfigResource {
  type: 'topic' | 'broker';
  name: string;
}

/**
 * Where a config value comes from (Kafka's ConfigSource): a topic override, a broker setting,
 * or Kafka's default.
 */
export type ConfigSource =
  | 'UNKNOWN'
  | 'DYNAMIC_TOPIC_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG'
  | 'DYNAMIC_BROKER_LOGGER_CONFIG'
  | 'CLIENT_METRICS_CONFIG'
  | 'GROUP_CONFIG';

export const CONFIG_SOURCES: readonly ConfigSource[] = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
];

/** One config entry of a described resource. */
export interface ConfigEntry {
  name: string;
  value: string | null;
  source: ConfigSource;
  /** True when the value is Kafka's default (nothing set on the topic or the broker). */
  isDefault: boolean;
  readOnly: boolean;
  isSensitive: boolean;
}

/** The configs of one resource. */
export interface ResourceConfigs {
  resource: ConfigResource;
  entries: ConfigEntry[];
}

/** One step of an incremental config change (Kafka's AlterConfigOp). */
export interface ConfigOperation {
  name: string;
  /** `set` a value, `delete` the override, `append`/`subtract` list items. */
  op: 'set' | 'delete' | 'append' | 'subtract';
  value?: string;
}

/** A partition-count increase for {@link Admin.createPartitions}. */
export interface NewPartitions {
  topic: string;
  /** The new total partition count (must exceed today's). */
  count: number;
}

/** The point to delete records before, per partition. */
export interface RecordsToDelete {
  topic: string;
  partition: number;
  /** Records below this offset are deleted; -1 means the high watermark (everything). */
  offset: number;
}

/** A partition's new log start offset after DeleteRecords. */
export interface DeletedRecords {
  topic: string;
  partition: number;
  lowWatermark: number;
}

/** The cluster as DescribeCluster (or Metadata) describes it. */
export interface ClusterDescription {
  clusterId: string | null;
  controllerId: number;
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[];
}

/** A topic's partitions with their offsets (what `rivulet topics describe` prints). */
export interface PartitionOffsets {
  partition: number;
  leader: number;
  /** The log start offset. */
  start: number;
  /** The high watermark: the offset the next record will get. */
  end: number;
}
