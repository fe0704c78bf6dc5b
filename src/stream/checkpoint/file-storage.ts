import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StreamError, StreamErrorCode } from '../core/errors.js';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointData } from './format.js';
import type { CheckpointLocation, CheckpointStorage } from './storage.js';

const CHECKPOINT_FILE = /^chk-(\d+)\.ckpt$/;

/** Options of {@link FileCheckpointStorage}. */
export interface FileCheckpointStorageOptions {
  /** Completed checkpoints to keep (default 3); savepoints are never deleted. */
  readonly retain?: number;
}

/**
 * Checkpoints as files in a directory: `chk-<id>.ckpt`, and `savepoint-<id>-<time>.ckpt`.
 * Each is written to a temporary file, fsynced, renamed into place and the directory fsynced,
 * so a crash leaves either the whole checkpoint or none.
 *
 * @example
 * ```ts
 * const storage = new FileCheckpointStorage('./checkpoints', { retain: 2 });
 * ```
 */
export class FileCheckpointStorage implements CheckpointStorage {
  readonly dir: string;
  private readonly retain: number;

  constructor(dir: string, options: FileCheckpointStorageOptions = {}) {
    this.dir = resolve(dir);
    this.retain = Math.max(1, options.retain ?? 3);
  }

  async write(data: CheckpointData): Promise<CheckpointLocation> {
    await mkdir(this.dir, { recursive: true });
    const id = String(data.id).padStart(12, '0');
    const name = data.kind === 'savepoint' ? `savepoint-${id}-${data.timestamp}.ckpt` : `chk-${id}.ckpt`;
    const bytes = encodeCheckpoint(data);
    const path = join(this.dir, name);
    await writeAtomically(path, bytes);
    if (data.kind === 'checkpoint') await this.prune();
    return { location: path, bytes: bytes.length };
  }

  async latest(): Promise<CheckpointData | undefined> {
    const ids = await this.checkpointIds();
    let failure: unknown;
    for (let i = ids.length - 1; i >= 0; i--) {
      try {
        return await this.read(join(this.dir, fileName(ids[i]!)));
      } catch (e) {
        // A damaged newest file must not hide an older good one; report only if none is good.
        failure ??= e;
      }
    }
    if (failure !== undefined) throw failure as Error;
    return undefined;
  }

  async read(location: string): Promise<CheckpointData> {
    let bytes: Buffer;
    try {
      bytes = await readFile(location);
    } catch (e) {
      throw new StreamError(StreamErrorCode.checkpoint, `cannot read checkpoint ${location}`, { cause: e });
    }
    return decodeCheckpoint(bytes, location);
  }

  private async checkpointIds(): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const ids: number[] = [];
    for (const n of names) {
      const m = CHECKPOINT_FILE.exec(n);
      if (m !== null) ids.push(Number(m[1]));
    }
    return ids.sort((a, b) => a - b);
  }

  private async prune(): Promise<void> {
    const ids = await this.checkpointIds();
    for (const id of ids.slice(0, Math.max(0, ids.length - this.retain))) {
      await rm(join(this.dir, fileName(id)), { force: true });
    }
    const names = await readdir(this.dir);
    for (const n of names) if (n.includes('.tmp-')) await rm(join(this.dir, n), { force: true });
  }
}

function fileName(id: number): string {
  return `chk-${String(id).padStart(12, '0')}.ckpt`;
}

/** Writes `bytes` to `path` so that a crash leaves the old file or the new one, never a mix. */
export async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  await fsyncDir(resolve(path, '..'));
}

/** Makes a rename or a new file in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
