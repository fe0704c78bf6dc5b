import { parseArgs, type ParseArgsConfig } from 'node:util';

export type { ParseArgsConfig };
import { RivuletError } from '../shared/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `node:util parseArgs` with errors that name the flag, as RIV_ERR_INVALID_ARGUMENT, so every
 * command reports bad flags the same way.
 */
export function parseFlags<T extends Options>(
  args: string[],
  options: T,
  allowPositionals = false,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>> {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', (err as Error).message, { cause: err });
  }
}

/** Parses an integer flag value within [min, max]; the message names the flag and the range. */
export function intFlag(
  value: string | undefined,
  flag: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value.trim())) {
    throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', `${flag} must be an integer, got '${value}'`);
  }
  const n = Number(value);
  if (n < min || n > max) {
    throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', `${flag} must be in [${min}, ${max}], got ${n}`);
  }
  return n;
}

/** Parses repeated `--set key=value` flags. */
export function keyValues(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new RivuletError('RIV_ERR_INVALID_ARGUMENT', `${flag} expects key=value, got '${v}'`);
    out[v.slice(0, eq).trim()] = v.slice(eq + 1).trim();
  }
  return out;
}
