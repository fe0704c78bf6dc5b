/**
 * Per-topic configuration: Kafka's key names, types, defaults (Kafka 3.9) and validation rules,
 * and the parsed {@link LogConfig} the log runs on. Values are kept as strings, as Kafka's
 * admin APIs carry them; the broker answers DescribeConfigs from {@link TOPIC_CONFIG_DEFS}.
 */

export const LONG_MAX = '9223372036854775807';

export type ConfigType = 'boolean' | 'int' | 'long' | 'double' | 'string' | 'list';

/** One topic-level config key. */
export interface ConfigDef {
  readonly name: string;
  readonly type: ConfigType;
  /** Kafka's default, as a string (except `flush.ms`: see below). */
  readonly default: string;
  /** Extra rule after the type check; returns a message naming the limit, or null. */
  readonly check?: (value: string) => string | null;
  readonly doc: string;
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_MIN_BIG = -(2n ** 63n);
const LONG_MAX_BIG = 2n ** 63n - 1n;

function atLeast(min: number): (value: string) => string | null {
  return (value) => (BigInt(value.trim()) < BigInt(min) ? `must be at least ${min}` : null);
}

function oneOf(...allowed: string[]): (value: string) => string | null {
  return (value) => (allowed.includes(value.trim()) ? null : `must be one of ${allowed.join(', ')}`);
}

function between(min: number, max: number): (value: string) => string | null {
  return (value) => {
    const v = Number(value.trim());
    return v < min || v > max ? `must be between ${min} and ${max}` : null;
  };
}

function intRange(min: number, max: number, orValue?: number): (value: string) => string | null {
  return (value) => {
    const v = Number(value.trim());
    if (v === orValue) return null;
    return v < min || v > max
      ? `must be between ${min} and ${max}${orValue === undefined ? '' : ` or ${orValue}`}`
      : null;
  };
}

const cleanupPolicies = (value: string): string | null => {
  const items = splitList(value);
  if (items.length === 0) return 'must list at least one of compact, delete';
  const bad = items.find((item) => item !== 'compact' && item !== 'delete');
  return bad === undefined ? null : `'${bad}' is not one of compact, delete`;
};

const throttledReplicas = (value: string): string | null => {
  const items = splitList(value);
  if (items.length === 1 && items[0] === '*') return null;
  const bad = items.find((item) => !/^\d+:\d+$/.test(item));
  return bad === undefined ? null : `'${bad}' is not '*' or a list of partition:broker`;
};

/** Every topic-level key Kafka 3.9 knows, with its default. Unknown keys are rejected. */
export const TOPIC_CONFIG_DEFS: readonly ConfigDef[] = [
  {
    name: 'cleanup.policy',
    type: 'list',
    default: 'delete',
    check: cleanupPolicies,
    doc: 'delete (retention), compact (keep the latest record per key), or both',
  },
  {
    name: 'compression.gzip.level',
    type: 'int',
    default: '-1',
    check: intRange(1, 9, -1),
    doc: 'gzip level when compression.type=gzip',
  },
  {
    name: 'compression.lz4.level',
    type: 'int',
    default: '9',
    check: intRange(1, 17),
    doc: 'lz4 level when compression.type=lz4',
  },
  {
    name: 'compression.type',
    type: 'string',
    default: 'producer',
    // Kafka recompresses on the broker when this names a codec; we store batches as produced, so
    // accepting a codec would be a setting that silently does nothing.
    check: (value) => {
      const v = value.trim();
      if (['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip'].includes(v)) {
        return "broker-side recompression is not supported; only 'producer' (batches stored as produced)";
      }
      return oneOf('producer')(v);
    },
    doc: "final compression of the topic's data; only 'producer' (keep what the producer sent)",
  },
  {
    name: 'compression.zstd.level',
    type: 'int',
    default: '3',
    check: intRange(-131072, 22),
    doc: 'zstd level when compression.type=zstd',
  },
  {
    name: 'delete.retention.ms',
    type: 'long',
    default: '86400000',
    check: atLeast(0),
    doc: 'how long tombstones stay in a compacted topic',
  },
  {
    name: 'file.delete.delay.ms',
    type: 'long',
    default: '60000',
    check: atLeast(0),
    doc: 'wait before a deleted segment file is removed',
  },
  {
    name: 'flush.messages',
    type: 'long',
    default: LONG_MAX,
    check: atLeast(1),
    doc: 'fsync after this many non-durable messages',
  },
  {
    // Kafka's default is Long.MAX (it relies on replication); a single node flushes within a
    // second so that acks=1 data is not left in the page cache indefinitely.
    name: 'flush.ms',
    type: 'long',
    default: '1000',
    check: atLeast(0),
    doc: 'fsync non-durable appends at most this long after they were written',
  },
  {
    name: 'follower.replication.throttled.replicas',
    type: 'list',
    default: '',
    check: throttledReplicas,
    doc: 'accepted for compatibility; one node has no followers',
  },
  {
    name: 'index.interval.bytes',
    type: 'int',
    default: '4096',
    check: atLeast(0),
    doc: 'bytes of log between offset-index entries',
  },
  {
    name: 'leader.replication.throttled.replicas',
    type: 'list',
    default: '',
    check: throttledReplicas,
    doc: 'accepted for compatibility; one node has no followers',
  },
  {
    name: 'local.retention.bytes',
    type: 'long',
    default: '-2',
    check: atLeast(-2),
    doc: 'tiered storage only; accepted for compatibility',
  },
  {
    name: 'local.retention.ms',
    type: 'long',
    default: '-2',
    check: atLeast(-2),
    doc: 'tiered storage only; accepted for compatibility',
  },
  {
    name: 'max.compaction.lag.ms',
    type: 'long',
    default: LONG_MAX,
    check: atLeast(1),
    doc: 'a record older than this is compacted even below min.cleanable.dirty.ratio',
  },
  {
    name: 'max.message.bytes',
    type: 'int',
    default: '1048588',
    check: atLeast(0),
    doc: 'largest record batch accepted',
  },
  {
    name: 'message.downconversion.enable',
    type: 'boolean',
    default: 'true',
    doc: 'accepted for compatibility; batches are served as stored',
  },
  {
    name: 'message.format.version',
    type: 'string',
    default: '3.0-IV1',
    doc: 'deprecated; ignored (always record batch v2)',
  },
  {
    name: 'message.timestamp.after.max.ms',
    type: 'long',
    default: LONG_MAX,
    check: atLeast(0),
    doc: 'largest allowed lead of a CreateTime timestamp over the broker clock',
  },
  {
    name: 'message.timestamp.before.max.ms',
    type: 'long',
    default: LONG_MAX,
    check: atLeast(0),
    doc: 'largest allowed lag of a CreateTime timestamp behind the broker clock',
  },
  {
    name: 'message.timestamp.difference.max.ms',
    type: 'long',
    default: LONG_MAX,
    check: atLeast(0),
    doc: 'deprecated: sets both before and after limits unless they are given',
  },
  {
    name: 'message.timestamp.type',
    type: 'string',
    default: 'CreateTime',
    check: oneOf('CreateTime', 'LogAppendTime'),
    doc: "CreateTime keeps the producer's timestamps; LogAppendTime stamps batches on append",
  },
  {
    name: 'min.cleanable.dirty.ratio',
    type: 'double',
    default: '0.5',
    check: between(0, 1),
    doc: 'compact when the uncompacted share of the log reaches this ratio',
  },
  {
    name: 'min.compaction.lag.ms',
    type: 'long',
    default: '0',
    check: atLeast(0),
    doc: 'records younger than this are never compacted',
  },
  {
    name: 'min.insync.replicas',
    type: 'int',
    default: '1',
    check: atLeast(1),
    doc: 'accepted for compatibility; one node is always the whole ISR',
  },
  {
    name: 'preallocate',
    type: 'boolean',
    default: 'false',
    doc: 'accepted for compatibility; segments grow as written',
  },
  {
    name: 'remote.log.copy.disable',
    type: 'boolean',
    default: 'false',
    doc: 'tiered storage only; accepted for compatibility',
  },
  {
    name: 'remote.log.delete.on.disable',
    type: 'boolean',
    default: 'false',
    doc: 'tiered storage only; accepted for compatibility',
  },
  {
    name: 'remote.storage.enable',
    type: 'boolean',
    default: 'false',
    check: (value) => (value.trim().toLowerCase() === 'true' ? 'tiered storage is not supported' : null),
    doc: 'tiered storage is not supported; only false is accepted',
  },
  {
    name: 'retention.bytes',
    type: 'long',
    default: '-1',
    doc: 'delete old segments while the partition is larger than this; -1 for no limit',
  },
  {
    name: 'retention.ms',
    type: 'long',
    default: '604800000',
    check: atLeast(-1),
    doc: 'delete segments whose newest record is older than this; -1 for no limit',
  },
  {
    name: 'segment.bytes',
    type: 'int',
    default: '1073741824',
    check: atLeast(14),
    doc: 'roll to a new segment file at this size',
  },
  {
    name: 'segment.index.bytes',
    type: 'int',
    default: '10485760',
    check: atLeast(4),
    doc: 'largest offset index of a segment; a full index rolls the segment',
  },
  {
    name: 'segment.jitter.ms',
    type: 'long',
    default: '0',
    check: atLeast(0),
    doc: 'accepted; segments roll exactly at segment.ms',
  },
  {
    name: 'segment.ms',
    type: 'long',
    default: '604800000',
    check: atLeast(1),
    doc: 'roll to a new segment when the first record of the active one is this old',
  },
  {
    name: 'unclean.leader.election.enable',
    type: 'boolean',
    default: 'false',
    doc: 'accepted for compatibility; one node has no election',
  },
];

const DEFS_BY_NAME = new Map(TOPIC_CONFIG_DEFS.map((def) => [def.name, def]));

/** The definition of a topic config key, or undefined for a key Kafka does not know. */
export function topicConfigDef(name: string): ConfigDef | undefined {
  return DEFS_BY_NAME.get(name);
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function typeError(def: ConfigDef, value: string): string | null {
  const v = value.trim();
  switch (def.type) {
    case 'boolean':
      return /^(true|false)$/i.test(v) ? null : 'must be true or false';
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(v)) return `must be an integer`;
      const n = BigInt(v);
      if (def.type === 'int' && (n < BigInt(INT_MIN) || n > BigInt(INT_MAX))) {
        return `must fit in a 32-bit integer`;
      }
      if (n < LONG_MIN_BIG || n > LONG_MAX_BIG) return 'must fit in a 64-bit integer';
      return null;
    }
    case 'double':
      return v !== '' && Number.isFinite(Number(v)) ? null : 'must be a number';
    case 'string':
    case 'list':
      return null;
  }
}

/**
 * Checks one topic config entry as CreateTopics/AlterConfigs receive it. Returns a message that
 * names the key, the value and the rule, or null when valid. Unknown keys and null values
 * (allowed only when deleting a key) are errors.
 *
 * @example validateTopicConfig('retention.ms', '-5') // "retention.ms=-5: must be at least -1"
 */
export function validateTopicConfig(key: string, value: string | null): string | null {
  const def = DEFS_BY_NAME.get(key);
  if (def === undefined) return `unknown topic config '${key}'`;
  if (value === null) return `${key}: a value is required`;
  const problem = typeError(def, value) ?? def.check?.(value) ?? null;
  return problem === null ? null : `${key}=${value}: ${problem}`;
}

/** The parsed configuration a partition log runs on. Longs above 2^53 become MAX_SAFE_INTEGER. */
export interface LogConfig {
  readonly cleanupDelete: boolean;
  readonly cleanupCompact: boolean;
  /** -1: no limit. */
  readonly retentionMs: number;
  /** -1: no limit. */
  readonly retentionBytes: number;
  readonly segmentBytes: number;
  readonly segmentMs: number;
  readonly segmentIndexBytes: number;
  readonly indexIntervalBytes: number;
  readonly flushMs: number;
  readonly flushMessages: number;
  readonly deleteRetentionMs: number;
  readonly minCompactionLagMs: number;
  readonly maxCompactionLagMs: number;
  readonly minCleanableDirtyRatio: number;
  readonly maxMessageBytes: number;
  readonly messageTimestampType: 'CreateTime' | 'LogAppendTime';
  readonly messageTimestampBeforeMaxMs: number;
  readonly messageTimestampAfterMaxMs: number;
  readonly fileDeleteDelayMs: number;
}

function toNumber(value: string): number {
  const big = BigInt(value.trim());
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (big < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(big);
}

/**
 * Resolves a topic's effective config: its own overrides, then the broker's `defaults`, then
 * Kafka's. Inputs must already be valid ({@link validateTopicConfig}); an invalid value here is a
 * bug and throws.
 */
export function resolveLogConfig(
  overrides: Readonly<Record<string, string>> = {},
  defaults: Readonly<Record<string, string>> = {},
): LogConfig {
  const get = (key: string): string => {
    const value = overrides[key] ?? defaults[key] ?? DEFS_BY_NAME.get(key)?.default;
    if (value === undefined) throw new Error(`no default for topic config '${key}'`);
    const problem = validateTopicConfig(key, value);
    if (problem !== null) throw new Error(problem);
    return value.trim();
  };
  const explicit = (key: string): string | undefined => overrides[key] ?? defaults[key];
  const difference = explicit('message.timestamp.difference.max.ms');
  const timestampLimit = (key: string): number => {
    const own = explicit(key);
    return toNumber(own ?? difference ?? LONG_MAX);
  };
  const policies = splitList(get('cleanup.policy'));
  return {
    cleanupDelete: policies.includes('delete'),
    cleanupCompact: policies.includes('compact'),
    retentionMs: toNumber(get('retention.ms')),
    retentionBytes: toNumber(get('retention.bytes')),
    segmentBytes: toNumber(get('segment.bytes')),
    segmentMs: toNumber(get('segment.ms')),
    segmentIndexBytes: toNumber(get('segment.index.bytes')),
    indexIntervalBytes: toNumber(get('index.interval.bytes')),
    flushMs: toNumber(get('flush.ms')),
    flushMessages: toNumber(get('flush.messages')),
    deleteRetentionMs: toNumber(get('delete.retention.ms')),
    minCompactionLagMs: toNumber(get('min.compaction.lag.ms')),
    maxCompactionLagMs: toNumber(get('max.compaction.lag.ms')),
    minCleanableDirtyRatio: Number(get('min.cleanable.dirty.ratio')),
    maxMessageBytes: toNumber(get('max.message.bytes')),
    messageTimestampType: get('message.timestamp.type') === 'LogAppendTime' ? 'LogAppendTime' : 'CreateTime',
    messageTimestampBeforeMaxMs: timestampLimit('message.timestamp.before.max.ms'),
    messageTimestampAfterMaxMs: timestampLimit('message.timestamp.after.max.ms'),
    fileDeleteDelayMs: toNumber(get('file.delete.delay.ms')),
  };
}

/** Kafka's defaults, parsed. */
export const DEFAULT_LOG_CONFIG: LogConfig = resolveLogConfig();
