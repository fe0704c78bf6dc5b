import { isRivuletError, RivuletError } from '../shared/errors.js';

/** How a client retries retriable failures: exponential backoff with jitter, up to a deadline. */
export interface RetryOptions {
  /** First backoff (default 100 ms, Kafka's retry.backoff.ms). */
  initialBackoffMs?: number;
  /** Largest backoff (default 1000 ms, Kafka's retry.backoff.max.ms). */
  maxBackoffMs?: number;
  /** Give up after this long (default 30 s); the last error is thrown. */
  timeoutMs?: number;
}

export interface ResolvedRetry {
  initialBackoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
}

export function resolveRetry(opts: RetryOptions | undefined): ResolvedRetry {
  return {
    initialBackoffMs: opts?.initialBackoffMs ?? 100,
    maxBackoffMs: opts?.maxBackoffMs ?? 1000,
    timeoutMs: opts?.timeoutMs ?? 30_000,
  };
}

/** The backoff before retry number `attempt` (1-based), with ±20 % jitter as Kafka applies. */
export function backoffMs(retry: ResolvedRetry, attempt: number): number {
  const base = Math.min(retry.maxBackoffMs, retry.initialBackoffMs * 2 ** Math.min(attempt - 1, 20));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `fn` until it succeeds, retrying failures that are retriable (`RivuletError.retriable`:
 * connection errors, timeouts, Kafka's retriable codes) with backoff until the deadline; then the
 * last error is thrown as is, so the caller sees the real cause. `onRetry` runs before each retry
 * (a metadata refresh after NOT_LEADER_OR_FOLLOWER, say).
 */
export async function withRetry<T>(
  retry: ResolvedRetry,
  fn: (attempt: number) => Promise<T>,
  onRetry?: (err: RivuletError) => void | Promise<void>,
): Promise<T> {
  const deadline = Date.now() + retry.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isRivuletError(err) || !err.retriable) throw err;
      const wait = backoffMs(retry, attempt);
      if (Date.now() + wait >= deadline) throw err;
      await sleep(wait);
      if (onRetry !== undefined) await onRetry(err);
    }
  }
}
