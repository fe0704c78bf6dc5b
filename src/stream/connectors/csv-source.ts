import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StreamError, StreamErrorCode } from '../core/errors.js';
import {
  DelimitedFileReader,
  filePaths,
  type FileSourceOptions,
  type RecordSplitter,
} from './file-reader.js';
import type { Source } from './source.js';

/** Options of {@link csvSource}. */
export interface CsvSourceOptions<T> extends FileSourceOptions {
  /** Field separator (default `,`), one ASCII character. */
  readonly delimiter?: string;
  /** The first line names the columns (default true); records are objects by column name. */
  readonly header?: boolean;
  /** Column names when there is no header line (default: `c0`, `c1`, …). */
  readonly columns?: readonly string[];
  /** Converts a row (column name → text) into a record. */
  readonly map?: (row: Record<string, string>) => T;
}

/** Splits CSV records: a newline inside double quotes belongs to the field (RFC 4180). */
const csvSplitter: RecordSplitter = (buf, from) => {
  let quoted = false;
  for (let i = from; i < buf.length; i++) {
    const c = buf[i];
    if (c === 0x22) quoted = !quoted;
    else if (c === 0x0a && !quoted) return i;
  }
  return -1;
};

/**
 * Parses one CSV record into fields: quotes, doubled quotes, embedded delimiters and newlines.
 *
 * @example
 * ```ts
 * parseCsvRecord('a,"b,c","say ""hi"""'); // ['a', 'b,c', 'say "hi"']
 * ```
 */
export function parseCsvRecord(text: string, delimiter = ','): string[] {
  const fields: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          field += text.slice(i);
          i = n;
          break;
        }
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const d = text.indexOf(delimiter, i);
      field += text.slice(i, d < 0 ? n : d);
      i = d < 0 ? n : d;
    } else {
      const d = text.indexOf(delimiter, i);
      field = text.slice(i, d < 0 ? n : d);
      i = d < 0 ? n : d;
    }
    fields.push(field);
    if (i >= n) return fields;
    i += delimiter.length;
  }
}

/** Reads the header line of a CSV file: its columns and the byte offset of the first record. */
async function readHeader(
  path: string,
  delimiter: string,
): Promise<{ columns: string[]; dataStart: number }> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const nl = csvSplitter(buf.subarray(0, bytesRead), 0);
    if (nl < 0 && bytesRead === buf.length)
      throw new StreamError(StreamErrorCode.record, `${path}: CSV header line longer than 64 KiB`);
    const end = nl < 0 ? bytesRead : nl;
    const line = buf.subarray(0, end > 0 && buf[end - 1] === 0x0d ? end - 1 : end).toString('utf8');
    return {
      columns: line === '' ? [] : parseCsvRecord(line, delimiter),
      dataStart: nl < 0 ? bytesRead : nl + 1,
    };
  } finally {
    await fh.close();
  }
}

/**
 * Reads CSV files (RFC 4180 quoting), each a split whose position is a byte offset; bounded,
 * or tailing with `tail`. Records are objects keyed by column name, or what `map` makes of them.
 *
 * @example
 * ```ts
 * env.fromSource(csvSource({ path: 'readings.csv', map: (r) => ({ sensor: r.sensor, celsius: Number(r.celsius) }) }));
 * ```
 */
export function csvSource<T = Record<string, string>>(options: CsvSourceOptions<T>): Source<T> {
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 0x7f || delimiter === '"' || delimiter === '\n') {
    throw new StreamError(
      StreamErrorCode.config,
      `csvSource delimiter: '${delimiter}' must be one ASCII character other than a quote or newline`,
    );
  }
  const header = options.header ?? true;
  const map = options.map ?? ((row: Record<string, string>) => row as T);
  return {
    bounded: options.tail === undefined || options.tail === false,
    splits: () => filePaths(options).map((p) => ({ id: resolve(p) })),
    createReader: async (split, position, ctx) => {
      let columns = options.columns ?? [];
      let start = 0;
      if (header) {
        const h = await readHeader(split.id, delimiter);
        columns = options.columns ?? h.columns;
        start = h.dataStart;
      }
      return new DelimitedFileReader<T>(
        split.id,
        typeof position === 'number' ? position : start,
        options,
        csvSplitter,
        (bytes) => {
          if (bytes.length === 0) return undefined;
          const fields = parseCsvRecord(bytes.toString('utf8'), delimiter);
          const row: Record<string, string> = {};
          for (let i = 0; i < fields.length; i++) row[columns[i] ?? `c${i}`] = fields[i]!;
          return map(row);
        },
        ctx.signal,
      );
    },
  };
}
