import { setTimeout as sleep } from 'node:timers/promises';
import { open, type FileHandle } from 'node:fs/promises';
import { toPositiveMillis, type Duration } from '../core/duration.js';
import { StreamError, StreamErrorCode } from '../core/errors.js';
import type { SourceBatch, SplitReader } from './source.js';

/** Options shared by the file sources. */
export interface FileSourceOptions {
  /** A file, or several (each one split, read in parallel loops). */
  readonly path: string | readonly string[];
  /**
   * Keep reading what is appended to the files (never ending), polling every `pollInterval`
   * (default 200 ms) at the end of a file. Default: read to the end, then finish.
   */
  readonly tail?: boolean | { readonly pollInterval?: Duration };
  /** Bytes read per I/O (default 1 MiB). */
  readonly chunkSize?: number;
}

/**
 * Finds the end of the next record in `buf` from `from` (the index of its terminating newline),
 * or -1 when the record is incomplete.
 */
export type RecordSplitter = (buf: Buffer, from: number) => number;

/** Newline-terminated records (JSON lines). */
export const lineSplitter: RecordSplitter = (buf, from) => buf.indexOf(0x0a, from);

/**
 * Reads newline-delimited records of one file from a byte position. The position (of the next
 * unread record) is what a checkpoint stores; restoring resumes exactly there. A last record
 * without a newline counts at the end of a bounded read, not while tailing (it may be half
 * written).
 */
export class DelimitedFileReader<T> implements SplitReader<T> {
  private fh: FileHandle | undefined;
  private carry: Buffer = Buffer.alloc(0);
  /** File offset of `carry[0]`. */
  private carryOffset: number;
  private nextRecord: number;
  private eof = false;
  private readonly pollMs: number | undefined;
  private readonly chunk: Buffer;

  constructor(
    private readonly path: string,
    position: number,
    options: FileSourceOptions,
    private readonly split: RecordSplitter,
    /** Turns a record's bytes (without the newline) into a value; undefined skips it. */
    private readonly decode: (record: Buffer, offset: number) => T | undefined,
    private readonly signal: AbortSignal,
  ) {
    this.carryOffset = position;
    this.nextRecord = position;
    const tail = options.tail;
    this.pollMs =
      tail === undefined || tail === false
        ? undefined
        : toPositiveMillis(tail === true ? 200 : (tail.pollInterval ?? 200), 'tail.pollInterval');
    this.chunk = Buffer.allocUnsafe(options.chunkSize ?? 1 << 20);
  }

  position(): number {
    return this.nextRecord;
  }

  async read(max: number): Promise<SourceBatch<T> | null> {
    this.fh ??= await openOrFail(this.path);
    for (;;) {
      const values = this.takeRecords(max);
      if (values.length > 0) return { values };
      if (this.eof && this.pollMs === undefined) {
        const last = this.takeLast();
        return last.length > 0 ? { values: last } : null;
      }
      const { bytesRead } = await this.fh.read(
        this.chunk,
        0,
        this.chunk.length,
        this.carryOffset + this.carry.length,
      );
      if (bytesRead === 0) {
        this.eof = true;
        if (this.pollMs !== undefined) {
          await sleep(this.pollMs, undefined, { signal: this.signal }).catch(() => undefined);
          return { values: [] };
        }
        continue;
      }
      this.eof = false;
      this.carry =
        this.carry.length === 0
          ? Buffer.from(this.chunk.subarray(0, bytesRead))
          : Buffer.concat([this.carry, this.chunk.subarray(0, bytesRead)]);
    }
  }

  /** Complete records buffered so far, at most `max`. */
  private takeRecords(max: number): T[] {
    const values: T[] = [];
    const buf = this.carry;
    let start = 0;
    while (values.length < max) {
      const nl = this.split(buf, start);
      if (nl < 0) break;
      const offset = this.carryOffset + start;
      const end = nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      const v = this.decode(buf.subarray(start, end), offset);
      if (v !== undefined) values.push(v);
      start = nl + 1;
    }
    if (start > 0) {
      this.carry = buf.subarray(start);
      this.carryOffset += start;
      this.nextRecord = this.carryOffset;
    }
    return values;
  }

  /** The final record of a bounded read when the file does not end with a newline. */
  private takeLast(): T[] {
    if (this.carry.length === 0) return [];
    const v = this.decode(this.carry, this.carryOffset);
    this.carryOffset += this.carry.length;
    this.nextRecord = this.carryOffset;
    this.carry = Buffer.alloc(0);
    return v === undefined ? [] : [v];
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
  }
}

async function openOrFail(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (e) {
    throw new StreamError(StreamErrorCode.connector, `file source: cannot open ${path}`, { cause: e });
  }
}

/** The files of a file source, as split ids. */
export function filePaths(options: FileSourceOptions): readonly string[] {
  return typeof options.path === 'string' ? [options.path] : options.path;
}
