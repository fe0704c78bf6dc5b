import fs from 'node:fs';
import path from 'node:path';

/**
 * The file-system calls storage makes, behind one interface so tests can inject faults at the
 * boundary with the OS (ENOSPC on the nth write, EIO on fsync) without touching storage's own
 * code. {@link nodeFileIo} is the real thing; the crash and fault-injection suites in
 * test/storage run it unmodified in child processes (strace, a full tmpfs).
 *
 * Raw descriptors and callback-style calls are used because they cost less than `FileHandle`
 * per call on the append and read paths.
 */
export interface FileIo {
  readonly open: (file: string, flags: string) => Promise<number>;
  readonly close: (fd: number) => Promise<void>;
  /** One pread; may return fewer bytes than asked at end of file. */
  readonly read: (
    fd: number,
    buf: Buffer,
    offset: number,
    length: number,
    position: number,
  ) => Promise<number>;
  /** One pwritev; may write fewer bytes than given (see {@link writeFully}). */
  readonly writev: (fd: number, bufs: readonly Buffer[], position: number) => Promise<number>;
  readonly fdatasync: (fd: number) => Promise<void>;
  readonly fsync: (fd: number) => Promise<void>;
  readonly ftruncate: (fd: number, length: number) => Promise<void>;
  readonly fileSize: (fd: number) => Promise<number>;
  readonly rename: (from: string, to: string) => Promise<void>;
  readonly unlink: (file: string) => Promise<void>;
  readonly readdir: (dir: string) => Promise<string[]>;
  readonly mkdir: (dir: string) => Promise<void>;
  /** Removes a directory tree. */
  readonly rmTree: (dir: string) => Promise<void>;
  /** Whole-file read for small files (metadata, snapshots, indexes); undefined if absent. */
  readonly readFile: (file: string) => Promise<Buffer | undefined>;
  readonly exists: (file: string) => Promise<boolean>;
}

function done<T>(resolve: (v: T) => void, reject: (e: unknown) => void) {
  return (err: NodeJS.ErrnoException | null, value: T): void => {
    if (err !== null) reject(err);
    else resolve(value);
  };
}

function settled(resolve: () => void, reject: (e: unknown) => void) {
  return (err: NodeJS.ErrnoException | null): void => {
    if (err === null) resolve();
    else reject(err);
  };
}

/** The real file system. */
export const nodeFileIo: FileIo = {
  open: (file, flags) =>
    new Promise((resolve, reject) => {
      fs.open(file, flags, 0o644, done(resolve, reject));
    }),
  close: (fd) =>
    new Promise((resolve, reject) => {
      fs.close(fd, settled(resolve, reject));
    }),
  read: (fd, buf, offset, length, position) =>
    new Promise((resolve, reject) => {
      fs.read(fd, buf, offset, length, position, done(resolve, reject));
    }),
  writev: (fd, bufs, position) =>
    new Promise((resolve, reject) => {
      // One buffer: pwrite costs the event loop less than pwritev through Node's binding.
      if (bufs.length === 1) {
        const b = bufs[0]!;
        fs.write(fd, b, 0, b.length, position, done(resolve, reject));
      } else {
        fs.writev(fd, bufs as Buffer[], position, done(resolve, reject));
      }
    }),
  fdatasync: (fd) =>
    new Promise((resolve, reject) => {
      fs.fdatasync(fd, settled(resolve, reject));
    }),
  fsync: (fd) =>
    new Promise((resolve, reject) => {
      fs.fsync(fd, settled(resolve, reject));
    }),
  ftruncate: (fd, length) =>
    new Promise((resolve, reject) => {
      fs.ftruncate(fd, length, settled(resolve, reject));
    }),
  fileSize: (fd) =>
    new Promise((resolve, reject) => {
      fs.fstat(fd, (err, st) => {
        if (err === null) resolve(st.size);
        else reject(err);
      });
    }),
  rename: (from, to) => fs.promises.rename(from, to),
  unlink: (file) => fs.promises.unlink(file),
  readdir: (dir) => fs.promises.readdir(dir),
  mkdir: async (dir) => {
    await fs.promises.mkdir(dir, { recursive: true });
  },
  rmTree: (dir) => fs.promises.rm(dir, { recursive: true, force: true }),
  readFile: async (file) => {
    try {
      return await fs.promises.readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  exists: async (file) => {
    try {
      await fs.promises.access(file);
      return true;
    } catch {
      return false;
    }
  },
};

/** Writes all of `bufs` at `position`, looping over short writes. */
export async function writeFully(
  io: FileIo,
  fd: number,
  bufs: readonly Buffer[],
  position: number,
): Promise<void> {
  let total = 0;
  for (const b of bufs) total += b.length;
  let written = await io.writev(fd, bufs, position);
  while (written < total) {
    // A short write (rare on regular files): resend what is left, starting mid-buffer.
    const rest: Buffer[] = [];
    let skip = written;
    for (const b of bufs) {
      if (skip >= b.length) {
        skip -= b.length;
        continue;
      }
      rest.push(skip > 0 ? b.subarray(skip) : b);
      skip = 0;
    }
    const n = await io.writev(fd, rest, position + written);
    if (n === 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'EIO' });
    written += n;
  }
}

/** Reads exactly `length` bytes at `position` unless the file ends first; returns the count read. */
export async function readFully(
  io: FileIo,
  fd: number,
  buf: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  let got = 0;
  while (got < length) {
    const n = await io.read(fd, buf, offset + got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** fsync a directory, making renames, creations and unlinks in it durable. */
export async function fsyncDir(io: FileIo, dir: string): Promise<void> {
  const fd = await io.open(dir, 'r');
  try {
    await io.fsync(fd);
  } finally {
    await io.close(fd);
  }
}

/**
 * Replaces `file` atomically and durably: write `file.tmp`, fsync it, rename over `file`, fsync
 * the directory. A crash leaves either the old or the new content, plus maybe a `.tmp` to discard.
 */
export async function writeFileAtomic(io: FileIo, file: string, data: Buffer): Promise<void> {
  const tmp = file + '.tmp';
  const fd = await io.open(tmp, 'w');
  try {
    await writeFully(io, fd, [data], 0);
    await io.fsync(fd);
  } finally {
    await io.close(fd);
  }
  await io.rename(tmp, file);
  await fsyncDir(io, path.dirname(file));
}

/** Writes `data` as the whole content of `file` (truncating) and fsyncs it; not atomic. */
export async function writeFileDurable(io: FileIo, file: string, data: Buffer): Promise<void> {
  const fd = await io.open(file, 'w');
  try {
    if (data.length > 0) await writeFully(io, fd, [data], 0);
    await io.fsync(fd);
  } finally {
    await io.close(fd);
  }
}
