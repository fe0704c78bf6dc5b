import { resolve } from 'node:path';
import { StreamError, StreamErrorCode } from '../core/errors.js';
import { DelimitedFileReader, filePaths, lineSplitter, type FileSourceOptions } from './file-reader.js';
import type { Source } from './source.js';

/** Options of {@link jsonLinesSource}. */
export interface JsonLinesSourceOptions<T> extends FileSourceOptions {
  /** Converts a parsed line (default: the parsed value as is). */
  readonly map?: (parsed: unknown) => T;
}

/**
 * Reads JSON lines (one JSON value per line; blank lines skipped) from one or more files, each
 * a split whose position is a byte offset; bounded, or tailing with `tail`.
 *
 * @example
 * ```ts
 * env.fromSource(jsonLinesSource<Click>({ path: 'clicks.jsonl' }), { timestamps: (c) => c.time });
 * ```
 */
export function jsonLinesSource<T>(options: JsonLinesSourceOptions<T>): Source<T> {
  const map = options.map ?? ((v: unknown) => v as T);
  return {
    bounded: options.tail === undefined || options.tail === false,
    splits: () => filePaths(options).map((p) => ({ id: resolve(p) })),
    createReader: (split, position, ctx) =>
      new DelimitedFileReader<T>(
        split.id,
        typeof position === 'number' ? position : 0,
        options,
        lineSplitter,
        (bytes, offset) => {
          if (bytes.length === 0) return undefined;
          const text = bytes.toString('utf8');
          if (text.trim() === '') return undefined;
          try {
            return map(JSON.parse(text));
          } catch (e) {
            throw new StreamError(
              StreamErrorCode.record,
              `${split.id}: invalid JSON line at byte ${offset}`,
              { cause: e },
            );
          }
        },
        ctx.signal,
      ),
  };
}
