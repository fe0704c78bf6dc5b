import type { Sink } from './sink.js';

/** Options of {@link printSink}. */
export interface PrintOptions<T> {
  /** Written before each record. */
  readonly prefix?: string;
  /** Formats a record (default: JSON). */
  readonly format?: (value: T) => string;
  /** Where to write (default: stdout). */
  readonly stream?: NodeJS.WritableStream;
}

/**
 * Prints each record on its own line.
 *
 * @example
 * ```ts
 * stream.sinkTo(printSink({ prefix: 'alert> ' }));
 * ```
 */
export function printSink<T>(options: PrintOptions<T> = {}): Sink<T> {
  const prefix = options.prefix ?? '';
  const format = options.format ?? ((v: T) => JSON.stringify(v));
  const stream = options.stream ?? process.stdout;
  return {
    open: () => ({
      write: (values) => {
        let text = '';
        for (const v of values) text += `${prefix}${format(v)}\n`;
        stream.write(text);
      },
      close: () => undefined,
    }),
  };
}
