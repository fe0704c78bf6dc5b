/** Structured logging, shaped so the broker can pass its own logger. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** The default: storage says nothing unless given a logger. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Wall-clock milliseconds. Injected so tests can drive retention, segment age and compaction
 * lag without waiting; the flush timer (`flush.ms`) alone uses real timers.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
