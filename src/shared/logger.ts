/** Fields attached to a log line. Values must be JSON-serialisable (bigints are written as strings). */
export type LogFields = Record<string, unknown>;

/** The structured logger every layer accepts. Layers default to {@link silentLogger}. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function isLogLevel(s: string): s is LogLevel {
  return s in rank;
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/**
 * A logger writing one JSON object per line (`time`, `level`, `msg`, then fields) to `write`
 * (stderr by default), dropping lines below `level`.
 *
 * @example
 * ```ts
 * const log = jsonLogger({ level: 'info' });
 * log.info('listening', { address: '127.0.0.1:9092' });
 * ```
 */
export function jsonLogger(
  opts: { level?: LogLevel; write?: (line: string) => void; fields?: LogFields } = {},
): Logger {
  const min = rank[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  const base = opts.fields ?? {};
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (rank[level] < min) return;
    const line = { time: new Date().toISOString(), level, msg, ...base, ...fields };
    write(`${JSON.stringify(line, replacer)}\n`);
  };
  return {
    debug: (msg, fields) => {
      emit('debug', msg, fields);
    },
    info: (msg, fields) => {
      emit('info', msg, fields);
    },
    warn: (msg, fields) => {
      emit('warn', msg, fields);
    },
    error: (msg, fields) => {
      emit('error', msg, fields);
    },
    child: (fields) => jsonLogger({ ...opts, fields: { ...base, ...fields } }),
  };
}

/** A logger that writes nothing. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
