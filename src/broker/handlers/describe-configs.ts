/**
 * DescribeConfigs v0–v4 for topics (every Kafka 3.9 topic key, its effective value and source:
 * the topic's override, a broker `log.*` key set at start, or Kafka's default) and for this
 * broker (resource name = node id, or empty). Synonyms (v1+) list the topic override and the
 * broker key behind it when asked; documentation (v3+) when asked. Nothing is sensitive or
 * read-only. Not implemented: BROKER_LOGGER resources (INVALID_REQUEST).
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import {
  DescribeConfigs,
  type DescribeConfigsResourceResult,
  type DescribeConfigsResult,
} from '../../protocol/messages/describe-configs.js';
import type { BrokerContext } from '../context.js';
import { defineHandler } from '../router.js';
import {
  ConfigSource,
  describeBrokerConfigs,
  describeTopicConfigs,
  ResourceType,
  type DescribedConfig,
} from './topic-configs.js';

export function describeConfigsHandler(ctx: BrokerContext) {
  const entry = (
    c: DescribedConfig,
    apiVersion: number,
    synonyms: boolean,
    docs: boolean,
  ): DescribeConfigsResourceResult => ({
    name: c.name,
    value: c.value,
    readOnly: false,
    isDefault: apiVersion === 0 && c.source === ConfigSource.DEFAULT_CONFIG,
    configSource: c.source,
    isSensitive: false,
    synonyms:
      synonyms && apiVersion >= 1
        ? [
            ...(c.source === ConfigSource.DYNAMIC_TOPIC_CONFIG
              ? [{ name: c.name, value: c.value, source: c.source }]
              : []),
            ...(c.brokerKey !== undefined && ctx.config.explicit.has(c.brokerKey)
              ? [
                  {
                    name: c.brokerKey,
                    value: ctx.config.string(c.brokerKey),
                    source: ConfigSource.STATIC_BROKER_CONFIG,
                  },
                ]
              : []),
          ]
        : [],
    configType: c.configType,
    documentation: docs ? c.documentation : null,
  });

  return defineHandler({
    api: DescribeConfigs,
    versions: [0, 4],
    handle: (req, { apiVersion }) => {
      const results = req.resources.map((r): DescribeConfigsResult => {
        const base = { resourceType: r.resourceType, resourceName: r.resourceName };
        let configs: DescribedConfig[];
        if (r.resourceType === ResourceType.TOPIC) {
          const topic = ctx.logs.topic(r.resourceName);
          if (topic === undefined) {
            return {
              ...base,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              errorMessage: `topic '${r.resourceName}' does not exist`,
              configs: [],
            };
          }
          configs = describeTopicConfigs(ctx, topic);
        } else if (
          r.resourceType === ResourceType.BROKER &&
          (r.resourceName === '' || r.resourceName === String(ctx.logs.nodeId))
        ) {
          configs = describeBrokerConfigs(ctx);
        } else {
          return {
            ...base,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: `resource type ${r.resourceType} '${r.resourceName}' is not described by this broker (topics, and broker ${ctx.logs.nodeId})`,
            configs: [],
          };
        }
        const keys = r.configurationKeys;
        const chosen =
          keys === null || keys.length === 0 ? configs : configs.filter((c) => keys.includes(c.name));
        return {
          ...base,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          configs: chosen.map((c) => entry(c, apiVersion, req.includeSynonyms, req.includeDocumentation)),
        };
      });
      return DescribeConfigs.createResponse({ results });
    },
    errorResponse: (req, errorCode) =>
      DescribeConfigs.createResponse({
        results: req.resources.map((r) => ({
          errorCode,
          errorMessage: null,
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          configs: [],
        })),
      }),
  });
}
