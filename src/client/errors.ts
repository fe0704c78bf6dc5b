import { ErrorCode, errorInfo } from '../protocol/error-codes.js';
import { RivuletError } from '../shared/errors.js';

/** Where a Kafka error code came from: the API and, when it is per partition, the partition. */
export interface KafkaErrorContext {
  /** Kafka's API name, e.g. `'Produce'`. */
  api: string;
  topic?: string | null;
  partition?: number;
  /** A resource that is not a topic-partition (a config resource, a group …). */
  resource?: string;
  /** The broker's own message, when the response carries one. */
  brokerMessage?: string | null;
  /** Overrides Kafka's retriability (an admin lookup must not wait on a misspelt topic). */
  retriable?: boolean;
}

/**
 * A Kafka error code returned by a broker, as a `RivuletError('RIV_ERR_KAFKA')`. The message names
 * Kafka's error name, the API, the topic/partition and the broker's message; `retriable` follows
 * Kafka's own classification (NOT_LEADER_OR_FOLLOWER is, TOPIC_ALREADY_EXISTS is not).
 *
 * @example
 * ```ts
 * try {
 *   await admin.createTopics([{ name: 'orders', partitions: 3 }]);
 * } catch (err) {
 *   if (err instanceof KafkaError && err.errorName === 'TOPIC_ALREADY_EXISTS') console.log('exists');
 * }
 * ```
 */
export class KafkaError extends RivuletError {
  /** Kafka's numeric error code. */
  readonly errorCode: number;
  /** Kafka's upper-snake name, e.g. `'NOT_LEADER_OR_FOLLOWER'` (or `'UNKNOWN(123)'`). */
  readonly errorName: string;
  readonly api: string;
  readonly topic: string | undefined;
  readonly partition: number | undefined;
  readonly brokerMessage: string | undefined;

  constructor(errorCode: number, ctx: KafkaErrorContext) {
    const info = errorInfo(errorCode);
    const name = info?.name ?? `UNKNOWN(${errorCode})`;
    let where = '';
    if (ctx.topic !== undefined && ctx.topic !== null) {
      where =
        ctx.partition === undefined ? ` for topic '${ctx.topic}'` : ` for ${ctx.topic}-${ctx.partition}`;
    } else if (ctx.resource !== undefined) {
      where = ` for ${ctx.resource}`;
    }
    const detail = ctx.brokerMessage ?? info?.message ?? null;
    super('RIV_ERR_KAFKA', `${ctx.api}${where}: ${name}${detail === null ? '' : ` (${detail})`}`, {
      retriable: ctx.retriable ?? info?.retriable ?? false,
    });
    this.name = 'KafkaError';
    this.errorCode = errorCode;
    this.errorName = name;
    this.api = ctx.api;
    this.topic = ctx.topic ?? undefined;
    this.partition = ctx.partition;
    this.brokerMessage = ctx.brokerMessage ?? undefined;
  }
}

/** Throws a {@link KafkaError} unless `errorCode` is NONE (for the client's own use). */
export function throwIfError(errorCode: number, ctx: KafkaErrorContext): void {
  if (errorCode !== ErrorCode.NONE) throw new KafkaError(errorCode, ctx);
}

/**
 * True when `err` is a {@link KafkaError} (with Kafka error `name`, when given).
 *
 * @example
 * ```ts
 * if (isKafkaError(err, 'OFFSET_OUT_OF_RANGE')) consumer.seek(tp, 'earliest');
 * ```
 */
export function isKafkaError(err: unknown, name?: string): err is KafkaError {
  return err instanceof KafkaError && (name === undefined || err.errorName === name);
}
