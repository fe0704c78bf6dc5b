import { readFileSync } from 'node:fs';
import { RivuletError } from '../shared/errors.js';

/**
 * Broker configuration: Kafka's own key names and defaults, so a `server.properties` fragment
 * means the same here. Values are validated when the broker starts; a bad key or value is a
 * RIV_ERR_INVALID_CONFIG naming the key and the accepted range.
 */
type Kind = 'int' | 'long' | 'boolean' | 'string' | 'list';

interface ConfigDef {
  readonly kind: Kind;
  readonly default: string;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  readonly doc: string;
  /** The topic-level key this broker key provides the default for (Kafka's `log.*` mapping). */
  readonly topicKey?: string;
}

const MAX_INT = 2 ** 31 - 1;

export const brokerConfigDefs = {
  'num.partitions': {
    kind: 'int',
    default: '1',
    min: 1,
    max: 100_000,
    doc: 'Partitions of an auto-created topic.',
  },
  'auto.create.topics.enable': {
    kind: 'boolean',
    default: 'true',
    doc: 'Create a topic when a client asks Metadata for it.',
  },
  'default.replication.factor': {
    kind: 'int',
    default: '1',
    min: 1,
    max: 1,
    doc: 'Always 1: Rivulet is a single node.',
  },
  'delete.topic.enable': { kind: 'boolean', default: 'true', doc: 'Allow DeleteTopics.' },
  'message.max.bytes': {
    kind: 'int',
    default: '1048588',
    min: 0,
    max: MAX_INT,
    doc: 'Largest record batch accepted, in bytes.',
    topicKey: 'max.message.bytes',
  },
  'socket.request.max.bytes': {
    kind: 'int',
    default: '104857600',
    min: 1024,
    max: MAX_INT,
    doc: 'Largest request frame accepted, in bytes.',
  },
  'connections.max.idle.ms': {
    kind: 'long',
    default: '600000',
    min: 1,
    doc: 'Close a connection idle for this long.',
  },
  'queued.max.requests': {
    kind: 'int',
    default: '500',
    min: 1,
    max: 100_000,
    doc: 'Requests in flight per connection before reading pauses.',
  },
  'group.initial.rebalance.delay.ms': {
    kind: 'int',
    default: '3000',
    min: 0,
    max: MAX_INT,
    doc: 'Wait for more members before the first rebalance of an empty group.',
  },
  'group.min.session.timeout.ms': {
    kind: 'int',
    default: '6000',
    min: 0,
    max: MAX_INT,
    doc: 'Smallest session timeout a member may ask for.',
  },
  'group.max.session.timeout.ms': {
    kind: 'int',
    default: '1800000',
    min: 0,
    max: MAX_INT,
    doc: 'Largest session timeout a member may ask for.',
  },
  'offsets.retention.minutes': {
    kind: 'int',
    default: '10080',
    min: 1,
    max: MAX_INT,
    doc: 'Keep committed offsets of an empty group this long.',
  },
  'offset.metadata.max.bytes': {
    kind: 'int',
    default: '4096',
    min: 0,
    max: MAX_INT,
    doc: 'Largest metadata string of a committed offset.',
  },
  'transaction.max.timeout.ms': {
    kind: 'int',
    default: '900000',
    min: 1,
    max: MAX_INT,
    doc: 'Largest transaction timeout a producer may ask for.',
  },
  'log.retention.ms': {
    kind: 'long',
    default: '604800000',
    min: -1,
    doc: 'Default retention by time.',
    topicKey: 'retention.ms',
  },
  'log.retention.bytes': {
    kind: 'long',
    default: '-1',
    min: -1,
    doc: 'Default retention by size per partition.',
    topicKey: 'retention.bytes',
  },
  'log.segment.bytes': {
    kind: 'int',
    default: '1073741824',
    min: 14,
    max: MAX_INT,
    doc: 'Default segment size.',
    topicKey: 'segment.bytes',
  },
  'log.roll.ms': {
    kind: 'long',
    default: '604800000',
    min: 1,
    doc: 'Default segment age before a roll.',
    topicKey: 'segment.ms',
  },
  'log.flush.interval.ms': {
    kind: 'long',
    default: '1000',
    min: 0,
    doc: 'fsync non-durable appends at least this often.',
    topicKey: 'flush.ms',
  },
  'log.flush.interval.messages': {
    kind: 'long',
    default: '9223372036854775807',
    min: 1,
    doc: 'fsync non-durable appends after this many records.',
    topicKey: 'flush.messages',
  },
  'log.cleanup.policy': {
    kind: 'list',
    default: 'delete',
    choices: ['delete', 'compact'],
    doc: 'Default cleanup policy.',
    topicKey: 'cleanup.policy',
  },
  'log.cleaner.delete.retention.ms': {
    kind: 'long',
    default: '86400000',
    min: 0,
    doc: 'Keep tombstones this long after compaction.',
    topicKey: 'delete.retention.ms',
  },
  'log.retention.check.interval.ms': {
    kind: 'long',
    default: '300000',
    min: 1,
    doc: 'How often retention and compaction run.',
  },
  'compression.type': {
    kind: 'string',
    default: 'producer',
    // Kafka also accepts a codec here and recompresses on the broker; we store batches as
    // produced, so accepting a codec would be a setting that silently does nothing.
    choices: ['producer'],
    doc: 'Stored compression: `producer` (batches are stored as produced; recompression is not implemented).',
    topicKey: 'compression.type',
  },
} as const satisfies Record<string, ConfigDef>;

export type BrokerConfigKey = keyof typeof brokerConfigDefs;

/** Validated broker configuration: every key present, as its string form and parsed. */
export class BrokerConfig {
  private readonly values: Map<BrokerConfigKey, string>;
  /** Keys set explicitly (file or --set), for DescribeConfigs' `configSource`. */
  readonly explicit: ReadonlySet<string>;

  constructor(overrides: Record<string, string> = {}) {
    this.values = new Map();
    for (const [key, def] of Object.entries(brokerConfigDefs) as [BrokerConfigKey, ConfigDef][]) {
      this.values.set(key, def.default);
    }
    for (const [key, value] of Object.entries(overrides)) {
      const problem = validateBrokerConfig(key, value);
      if (problem !== null) throw new RivuletError('RIV_ERR_INVALID_CONFIG', problem);
      this.values.set(key as BrokerConfigKey, value.trim());
    }
    this.explicit = new Set(Object.keys(overrides));
  }

  string(key: BrokerConfigKey): string {
    return this.values.get(key)!;
  }

  number(key: BrokerConfigKey): number {
    return Number(this.values.get(key)!);
  }

  boolean(key: BrokerConfigKey): boolean {
    return this.values.get(key) === 'true';
  }

  entries(): [BrokerConfigKey, string][] {
    return [...this.values.entries()];
  }

  /** Topic-level defaults derived from the `log.*` keys, keyed by topic config name. */
  topicDefaults(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, def] of Object.entries(brokerConfigDefs) as [BrokerConfigKey, ConfigDef][]) {
      if (def.topicKey !== undefined) out[def.topicKey] = this.string(key);
    }
    return out;
  }
}

/** Checks one broker key/value; returns a message naming the key and the limit, or null. */
export function validateBrokerConfig(key: string, raw: string): string | null {
  if (!Object.hasOwn(brokerConfigDefs, key)) {
    return `unknown broker config '${key}' (known: ${Object.keys(brokerConfigDefs).join(', ')})`;
  }
  const def: ConfigDef = brokerConfigDefs[key as BrokerConfigKey];
  const value = raw.trim();
  switch (def.kind) {
    case 'boolean':
      return value === 'true' || value === 'false' ? null : `${key} must be true or false, got '${raw}'`;
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(value)) return `${key} must be an integer, got '${raw}'`;
      const n = Number(value);
      const min = def.min ?? -Infinity;
      const max = def.max ?? Number.MAX_SAFE_INTEGER;
      // Kafka's Long.MAX_VALUE default for flush.messages means "never"; accept any larger value too.
      if (n < min || (n > max && def.kind === 'int')) {
        return `${key} must be in [${min}, ${max}], got ${value}`;
      }
      return null;
    }
    case 'string':
      if (def.choices !== undefined && !def.choices.includes(value)) {
        return `${key} must be one of ${def.choices.join(', ')}, got '${raw}'`;
      }
      return null;
    case 'list': {
      const items = value.split(',').map((s) => s.trim());
      const bad = items.find((i) => def.choices !== undefined && !def.choices.includes(i));
      return bad === undefined
        ? null
        : `${key} entries must be among ${def.choices?.join(', ')}, got '${bad}'`;
    }
  }
}

/** Parses Java-properties style `key=value` lines (`#` and `!` comments, blank lines). */
export function parseProperties(text: string, source: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith('!')) return;
    const eq = t.search(/[=:]/);
    if (eq <= 0) {
      throw new RivuletError('RIV_ERR_INVALID_CONFIG', `${source}:${i + 1}: expected key=value, got '${t}'`);
    }
    out[t.slice(0, eq).trim()] = t.slice(eq + 1).trim();
  });
  return out;
}

/** Reads a properties file; errors name the file. */
export function readPropertiesFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RivuletError(
      'RIV_ERR_INVALID_CONFIG',
      `cannot read config file ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return parseProperties(text, path);
}
