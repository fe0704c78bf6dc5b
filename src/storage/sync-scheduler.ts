import { type StorageError, ioError } from './errors.js';
import { fsyncDir, type FileIo } from './file-io.js';
import type { Segment } from './segment.js';

/**
 * Group commit. Every completed write gets a sequence number; a sync fdatasyncs every segment
 * written since the previous sync (and the directory, after a segment was created) and then
 * covers every write whose sequence number was assigned before it started. One fdatasync thus
 * serves all the appends that were written while the previous one ran, so durable appends from
 * many producers share fsyncs instead of queueing behind one each.
 *
 * A failed sync is final (fsyncgate: the kernel may have dropped the dirty pages and a retry
 * would "succeed" without them): the scheduler refuses further syncs and the owner takes the
 * partition offline.
 */
export class SyncScheduler {
  private readonly io: FileIo;
  private readonly dir: string;
  private readonly onSynced: (seq: number) => void;
  private readonly onFailed: (err: StorageError) => void;
  /** Sequence number of the last completed write. */
  writeSeq = 0;
  /** Every write with a sequence number ≤ this is on disk. */
  syncedSeq = 0;
  /** Bytes written since the last sync started (what the next sync would have to write back). */
  unsyncedBytes = 0;
  private wanted = 0;
  private running = false;
  private dirty = new Set<Segment>();
  private dirDirty = false;
  /** Flush callers, each waiting for the first sync that starts after it asked. */
  private waiters: { run: number; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private runsStarted = 0;
  failure: StorageError | undefined;
  /** Completed fdatasync rounds, for tests and metrics. */
  syncCount = 0;

  constructor(
    io: FileIo,
    dir: string,
    onSynced: (seq: number) => void,
    onFailed: (err: StorageError) => void,
  ) {
    this.io = io;
    this.dir = dir;
    this.onSynced = onSynced;
    this.onFailed = onFailed;
  }

  /** Registers a completed write of `bytes` to `segment`; returns its sequence number. */
  written(segment: Segment, bytes: number): number {
    if (!this.dirty.has(segment)) {
      segment.acquire();
      this.dirty.add(segment);
    }
    this.unsyncedBytes += bytes;
    return ++this.writeSeq;
  }

  /** A file was created or renamed in the partition directory: the next sync covers the directory. */
  directoryChanged(): void {
    this.dirDirty = true;
  }

  /** Asks for a sync covering write `seq` (default: every write so far). */
  want(seq = this.writeSeq): void {
    if (seq > this.wanted) this.wanted = seq;
    this.kick();
  }

  /** Resolves once every write so far (and the directory) is on disk. */
  flush(): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.syncedSeq >= this.writeSeq && !this.dirDirty && this.dirty.size === 0 && !this.running) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({ run: this.runsStarted + 1, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.running || this.failure !== undefined) return;
    if (this.wanted <= this.syncedSeq && this.waiters.length === 0) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    for (;;) {
      const run = ++this.runsStarted;
      const target = this.writeSeq;
      const segments = [...this.dirty];
      this.dirty = new Set();
      const dir = this.dirDirty;
      this.dirDirty = false;
      this.unsyncedBytes = 0;
      try {
        await Promise.all(segments.map((s) => this.io.fdatasync(s.fd)));
        if (dir) await fsyncDir(this.io, this.dir);
      } catch (err) {
        this.failure = ioError(`fdatasync in ${this.dir}`, err);
        for (const s of segments) s.release();
        this.running = false;
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w.reject(this.failure);
        this.onFailed(this.failure);
        return;
      }
      for (const s of segments) s.release();
      this.syncCount++;
      this.syncedSeq = Math.max(this.syncedSeq, target);
      if (this.waiters.length > 0) {
        const still: typeof this.waiters = [];
        for (const w of this.waiters) {
          if (w.run <= run) w.resolve();
          else still.push(w);
        }
        this.waiters = still;
      }
      this.onSynced(this.syncedSeq);
      const more = this.wanted > this.syncedSeq || this.waiters.length > 0;
      if (!more || this.failure !== undefined) break;
    }
    this.running = false;
  }
}
