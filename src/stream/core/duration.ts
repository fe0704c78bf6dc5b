import { configError } from './errors.js';

/** A unit suffix accepted in duration strings. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

/**
 * A span of time: milliseconds as a number, or a string with a unit such as `'500ms'`, `'10s'`,
 * `'1.5m'`, `'2h'`, `'1d'`.
 */
export type Duration = number | `${number}${DurationUnit}`;

const unitMillis: Record<DurationUnit, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const pattern = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * Converts a {@link Duration} to whole milliseconds; `field` names the option in the error.
 *
 * @example
 * ```ts
 * toMillis('1.5s', 'size'); // 1500
 * ```
 */
export function toMillis(duration: Duration, field: string): number {
  let ms: number;
  if (typeof duration === 'number') {
    ms = duration;
  } else {
    const m = pattern.exec(duration);
    if (m === null) {
      throw configError(`${field}: '${duration}' is not a duration (use e.g. 500ms, 10s, 1m, 2h, 1d)`);
    }
    ms = Number(m[1]) * unitMillis[m[2] as DurationUnit];
  }
  if (!Number.isFinite(ms) || ms < 0) {
    throw configError(`${field}: ${String(duration)} must be a finite, non-negative duration`);
  }
  return Math.round(ms);
}

/** Like {@link toMillis} but rejects zero. */
export function toPositiveMillis(duration: Duration, field: string): number {
  const ms = toMillis(duration, field);
  if (ms <= 0) throw configError(`${field}: ${String(duration)} must be greater than zero`);
  return ms;
}

/** A {@link Duration} that may be negative: `-5s`, `-500`. */
export type SignedDuration = Duration | `-${number}${DurationUnit}`;

/**
 * Converts a {@link SignedDuration} to whole milliseconds.
 *
 * @example
 * ```ts
 * toSignedMillis('-5s', 'lower bound'); // -5000
 * ```
 */
export function toSignedMillis(duration: SignedDuration, field: string): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration)) throw configError(`${field}: ${duration} must be a finite duration`);
    return Math.round(duration);
  }
  return duration.startsWith('-')
    ? -toMillis(duration.slice(1) as Duration, field)
    : toMillis(duration as Duration, field);
}
