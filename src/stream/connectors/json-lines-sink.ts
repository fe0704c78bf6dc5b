import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fsyncDir } from '../checkpoint/file-storage.js';
import { configError, StreamError, StreamErrorCode } from '../core/errors.js';
import type { PreparedCommit, Sink, SinkContext, SinkRestore, SinkWriter } from './sink.js';

/** Options of {@link jsonLinesSink}: give exactly one of `directory` and `file`. */
export interface JsonLinesSinkOptions<T> {
  /** Committed part files `part-<checkpoint>.jsonl` appear here, one per checkpoint with output. */
  readonly directory?: string;
  /**
   * One output file, published (atomically replaced) when the job finishes; parts are staged
   * in `<file>.parts/` until then.
   */
  readonly file?: string;
  /** Formats a record as one line (default `JSON.stringify`). */
  readonly format?: (value: T) => string;
}

/** What a checkpoint stores to finish a sealed part: rename `staged` to `final` in `dir`. */
interface PartCommittable {
  readonly dir: string;
  readonly staged: string;
  readonly final: string;
}

const PART = /^part-(\d+)\.jsonl$/;
const STAGED_PREFIX = '.inprogress-';
const FLUSH_BYTES = 1 << 20;
const BACKPRESSURE_BYTES = 16 << 20;

const partName = (checkpointId: number): string => `part-${String(checkpointId).padStart(12, '0')}.jsonl`;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes records as JSON lines, exactly once: lines go to a staged file per checkpoint
 * interval; at the barrier the file is flushed and fsynced (pre-commit), and when the
 * checkpoint is durable it is renamed to its final name (commit; repeated after a restart if
 * needed). A job restarted from a checkpoint deletes staged files of later, unfinished
 * checkpoints, so output is never lost nor duplicated. One sink per directory.
 *
 * @example
 * ```ts
 * alerts.sinkTo(jsonLinesSink({ file: 'out/alerts.jsonl' }));
 * ```
 */
export function jsonLinesSink<T>(options: JsonLinesSinkOptions<T>): Sink<T> {
  if ((options.directory === undefined) === (options.file === undefined)) {
    throw configError('jsonLinesSink: give exactly one of directory and file');
  }
  const file = options.file === undefined ? undefined : resolve(options.file);
  const dir = file === undefined ? resolve(options.directory!) : `${file}.parts`;
  const format = options.format ?? ((v: T) => JSON.stringify(v));
  let published = false;
  return {
    open: async (ctx: SinkContext, restored: SinkRestore | undefined) => {
      // The staging directory goes only after the file was published: restored without it,
      // the job had already finished and published (a restart after that must not redo it).
      published = file !== undefined && restored !== undefined && !(await exists(dir));
      if (published) return new JsonLinesWriter<T>(undefined, format, ctx.uid);
      await mkdir(dir, { recursive: true });
      await cleanStaging(dir, restored?.checkpointId);
      return new JsonLinesWriter(dir, format, ctx.uid);
    },
    commit: async (committables) => {
      let renamed = false;
      for (const c of committables as readonly PartCommittable[]) renamed = (await commitPart(c)) || renamed;
      if (renamed) await fsyncDir((committables[0] as PartCommittable).dir);
    },
    finish: async () => {
      if (file !== undefined && !published) await publish(dir, file);
      published = true;
    },
  };
}

/**
 * Removes staged files (their checkpoints never completed) and, on a fresh start, parts of an
 * earlier run; after a restore, parts of checkpoints later than the restored one.
 */
async function cleanStaging(dir: string, restoredId: number | undefined): Promise<void> {
  for (const name of await readdir(dir)) {
    const m = PART.exec(name);
    const stale =
      name.startsWith(STAGED_PREFIX) ||
      (m !== null && (restoredId === undefined || Number(m[1]) > restoredId));
    if (stale) await rm(join(dir, name), { force: true });
  }
}

/** Renames a sealed part into place; false when an earlier attempt already did. */
async function commitPart(c: PartCommittable): Promise<boolean> {
  const staged = join(c.dir, c.staged);
  const final = join(c.dir, c.final);
  try {
    await rename(staged, final);
    return true;
  } catch (e) {
    // Already committed (a commit repeated after a restart), or already published and the
    // staging directory removed, is fine; anything else is not.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && ((await exists(final)) || !(await exists(c.dir)))) {
      return false;
    }
    throw new StreamError(StreamErrorCode.connector, `jsonLinesSink: cannot commit ${staged}`, { cause: e });
  }
}

/** Concatenates the committed parts into `file` atomically, then removes the parts. */
async function publish(dir: string, file: string): Promise<void> {
  const parts = (await readdir(dir)).filter((n) => PART.test(n)).sort();
  const tmp = `${file}.tmp-${process.pid}`;
  const out = await open(tmp, 'w');
  try {
    for (const p of parts) {
      const src = await open(join(dir, p), 'r');
      try {
        for await (const chunk of src.createReadStream({ autoClose: false }))
          await out.write(chunk as Buffer);
      } finally {
        await src.close();
      }
    }
    await out.sync();
  } finally {
    await out.close();
  }
  await rename(tmp, file);
  await fsyncDir(resolve(file, '..'));
  await rm(dir, { recursive: true, force: true });
}

class JsonLinesWriter<T> implements SinkWriter<T> {
  private chunks: string[] = [];
  private buffered = 0;
  private pendingBytes = 0;
  private handle: Promise<FileHandle> | undefined;
  private staged: string;
  private seq = 0;
  private io: Promise<void> = Promise.resolve();
  private failure: unknown;
  private written = false;

  constructor(
    /** Undefined when the output was already published: nothing may be written. */
    private readonly dir: string | undefined,
    private readonly format: (value: T) => string,
    private readonly uid: string,
  ) {
    this.staged = this.nextStagedName();
  }

  private nextStagedName(): string {
    return `${STAGED_PREFIX}${this.uid}-${process.pid}-${Date.now()}-${this.seq++}.jsonl`;
  }

  write(values: readonly T[]): void {
    if (this.failure !== undefined) throw this.failure as Error;
    if (this.dir === undefined) {
      throw new StreamError(
        StreamErrorCode.connector,
        'jsonLinesSink: output was already published; nothing more can be written',
      );
    }
    const format = this.format;
    let text = '';
    for (const v of values) text += format(v) + '\n';
    this.chunks.push(text);
    this.buffered += text.length;
    this.written = true;
    if (this.buffered >= FLUSH_BYTES) this.flush();
  }

  /** Appends the buffered text to the staged file (in the background, in order). */
  private flush(): void {
    if (this.chunks.length === 0) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.buffered = 0;
    const bytes = Buffer.byteLength(text);
    this.pendingBytes += bytes;
    this.handle ??= open(join(this.dir!, this.staged), 'w');
    const handle = this.handle;
    this.io = this.io
      .then(async () => {
        await (await handle).write(text);
        this.pendingBytes -= bytes;
      })
      .catch((e: unknown) => {
        this.failure ??= e;
      });
  }

  ready(): Promise<void> | undefined {
    return this.pendingBytes > BACKPRESSURE_BYTES ? this.io : undefined;
  }

  prepareCommit(checkpointId: number): PreparedCommit | undefined {
    if (!this.written) return undefined;
    this.flush();
    const handle = this.handle!;
    const committable: PartCommittable = {
      dir: this.dir!,
      staged: this.staged,
      final: partName(checkpointId),
    };
    const sealed = this.io.then(async () => {
      if (this.failure !== undefined) throw this.failure as Error;
      const fh = await handle;
      await fh.sync();
      await fh.close();
    });
    this.io = sealed.catch((e: unknown) => {
      this.failure ??= e;
    });
    this.handle = undefined;
    this.written = false;
    this.staged = this.nextStagedName();
    return { committables: [committable], ready: sealed };
  }

  async close(): Promise<void> {
    await this.io;
    if (this.handle !== undefined) await (await this.handle).close();
  }
}
