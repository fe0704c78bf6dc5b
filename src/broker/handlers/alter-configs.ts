/**
 * AlterConfigs v0–v2 and IncrementalAlterConfigs v0–v1, for topics. AlterConfigs replaces the
 * topic's whole set of overrides; IncrementalAlterConfigs applies SET, DELETE, APPEND and
 * SUBTRACT (the last two on list keys such as cleanup.policy). An unknown key or a bad value gets
 * INVALID_CONFIG with a message naming the key and the rule, and nothing of that resource
 * changes; `validateOnly` checks without applying. Changes reach the running partition logs at
 * once. Not implemented: altering broker configs (they are set at start with --config/--set;
 * INVALID_REQUEST says so).
 */
import { ErrorCode } from '../../protocol/error-codes.js';
import { AlterConfigs } from '../../protocol/messages/alter-configs.js';
import { IncrementalAlterConfigs } from '../../protocol/messages/incremental-alter-configs.js';
import { topicConfigDef } from '../../storage/config.js';
import type { BrokerContext } from '../context.js';
import { defineHandler } from '../router.js';
import { expectedError } from './errors.js';
import { isListConfig, ResourceType, validateTopicConfigs } from './topic-configs.js';

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

interface Result {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

type Change = (current: Record<string, string>) => Record<string, string> | string;

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function alterConfigsHandlers(ctx: BrokerContext) {
  /** Applies `change` (which returns the new overrides, or a problem) to one resource. */
  async function alter(
    resourceType: number,
    resourceName: string,
    change: Change,
    validateOnly: boolean,
  ): Promise<Result> {
    const base = { resourceType, resourceName };
    const fail = (errorCode: number, errorMessage: string): Result => ({ ...base, errorCode, errorMessage });
    if (resourceType === ResourceType.BROKER) {
      return fail(
        ErrorCode.INVALID_REQUEST,
        'broker configs are static: set them at start with --config FILE or --set key=value',
      );
    }
    if (resourceType !== ResourceType.TOPIC) {
      return fail(ErrorCode.INVALID_REQUEST, `resource type ${resourceType} cannot be altered`);
    }
    const topic = ctx.logs.topic(resourceName);
    if (topic === undefined) {
      return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic '${resourceName}' does not exist`);
    }
    const next = change({ ...topic.configs });
    if (typeof next === 'string') return fail(ErrorCode.INVALID_CONFIG, next);
    const problem = validateTopicConfigs(next);
    if (problem !== null) return fail(ErrorCode.INVALID_CONFIG, problem);
    if (!validateOnly) {
      try {
        await ctx.logs.setTopicConfigs(resourceName, next);
      } catch (err) {
        const { code, message } = expectedError(err);
        return fail(code, message);
      }
    }
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
  }

  const alterConfigs = defineHandler({
    api: AlterConfigs,
    versions: [0, 2],
    handle: async (req) => {
      const responses: Result[] = [];
      for (const r of req.resources) {
        responses.push(
          await alter(
            r.resourceType,
            r.resourceName,
            () => {
              const next: Record<string, string> = {};
              for (const c of r.configs) {
                if (c.value === null)
                  return `${c.name}: a value is required (AlterConfigs replaces every override)`;
                next[c.name] = c.value;
              }
              return next;
            },
            req.validateOnly,
          ),
        );
      }
      return AlterConfigs.createResponse({ responses });
    },
    errorResponse: (req, errorCode) =>
      AlterConfigs.createResponse({
        responses: req.resources.map((r) => ({
          errorCode,
          errorMessage: null,
          resourceType: r.resourceType,
          resourceName: r.resourceName,
        })),
      }),
  });

  const incrementalAlterConfigs = defineHandler({
    api: IncrementalAlterConfigs,
    versions: [0, 1],
    handle: async (req) => {
      const responses: Result[] = [];
      for (const r of req.resources) {
        responses.push(
          await alter(
            r.resourceType,
            r.resourceName,
            (current) => {
              for (const c of r.configs) {
                switch (c.configOperation) {
                  case SET:
                    if (c.value === null) return `${c.name}: SET needs a value`;
                    current[c.name] = c.value;
                    break;
                  case DELETE:
                    Reflect.deleteProperty(current, c.name);
                    break;
                  case APPEND:
                  case SUBTRACT: {
                    if (!isListConfig(c.name)) {
                      return `${c.name}: APPEND and SUBTRACT apply only to list configs such as cleanup.policy`;
                    }
                    // Kafka appends to the effective value, which may be the default.
                    const items = splitList(current[c.name] ?? topicConfigDef(c.name)?.default ?? '');
                    const given = splitList(c.value ?? '');
                    const next =
                      c.configOperation === APPEND
                        ? [...items, ...given.filter((g) => !items.includes(g))]
                        : items.filter((i) => !given.includes(i));
                    current[c.name] = next.join(',');
                    break;
                  }
                  default:
                    return `${c.name}: unknown config operation ${c.configOperation} (0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT)`;
                }
              }
              return current;
            },
            req.validateOnly,
          ),
        );
      }
      return IncrementalAlterConfigs.createResponse({ responses });
    },
    errorResponse: (req, errorCode) =>
      IncrementalAlterConfigs.createResponse({
        responses: req.resources.map((r) => ({
          errorCode,
          errorMessage: null,
          resourceType: r.resourceType,
          resourceName: r.resourceName,
        })),
      }),
  });

  return [alterConfigs, incrementalAlterConfigs];
}
