import {
  TOPIC_CONFIG_DEFS,
  topicConfigDef,
  validateTopicConfig,
  type ConfigType,
} from '../../storage/config.js';
import { brokerConfigDefs, type BrokerConfigKey } from '../config.js';
import type { TopicMetadata } from '../../storage/log-types.js';
import type { BrokerContext } from '../context.js';

/** DescribeConfigs' resource types and config sources (Kafka's ConfigResource / ConfigSource codes). */
export const ResourceType = { TOPIC: 2, BROKER: 4 } as const;
export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** Kafka's ConfigEntry.ConfigType codes. */
const configTypeCodes: Record<ConfigType, number> = {
  boolean: 1,
  string: 2,
  int: 3,
  long: 5,
  double: 6,
  list: 7,
};

export interface DescribedConfig {
  name: string;
  value: string;
  source: number;
  configType: number;
  documentation: string;
  /** The broker key that supplies the value when the topic does not set it. */
  brokerKey: BrokerConfigKey | undefined;
}

const brokerKeyFor = new Map<string, BrokerConfigKey>();
for (const [key, def] of Object.entries(brokerConfigDefs) as [BrokerConfigKey, { topicKey?: string }][]) {
  if (def.topicKey !== undefined) brokerKeyFor.set(def.topicKey, key);
}

/** Every topic config with its effective value and where the value comes from. */
export function describeTopicConfigs(ctx: BrokerContext, topic: TopicMetadata): DescribedConfig[] {
  return TOPIC_CONFIG_DEFS.map((def) => {
    const brokerKey = brokerKeyFor.get(def.name);
    const own = topic.configs[def.name];
    let value = def.default;
    let source: number = ConfigSource.DEFAULT_CONFIG;
    if (own !== undefined) {
      value = own;
      source = ConfigSource.DYNAMIC_TOPIC_CONFIG;
    } else if (brokerKey !== undefined && ctx.config.explicit.has(brokerKey)) {
      value = ctx.config.string(brokerKey);
      source = ConfigSource.STATIC_BROKER_CONFIG;
    } else if (brokerKey !== undefined) {
      value = ctx.config.string(brokerKey);
    }
    return {
      name: def.name,
      value,
      source,
      configType: configTypeCodes[def.type],
      documentation: def.doc,
      brokerKey,
    };
  });
}

/** Every broker config with its value and source. */
export function describeBrokerConfigs(ctx: BrokerContext): DescribedConfig[] {
  return ctx.config.entries().map(([key, value]) => {
    const def = brokerConfigDefs[key];
    const kind = def.kind === 'list' ? 'list' : def.kind;
    return {
      name: key,
      value,
      source: ctx.config.explicit.has(key) ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG,
      configType: configTypeCodes[kind],
      documentation: def.doc,
      brokerKey: key,
    };
  });
}

/** List-typed topic keys accept APPEND and SUBTRACT in IncrementalAlterConfigs. */
export function isListConfig(name: string): boolean {
  return topicConfigDef(name)?.type === 'list';
}

/** Validates a whole set of topic overrides; the first problem, or null. */
export function validateTopicConfigs(configs: Record<string, string>): string | null {
  for (const [key, value] of Object.entries(configs)) {
    const problem = validateTopicConfig(key, value);
    if (problem !== null) return problem;
  }
  return null;
}
