import { type FileIo, nodeFileIo } from '../../../src/storage/file-io.js';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/**
 * The real file system with faults injected at the OS boundary: fail the next write / fsync /
 * truncate with an errno, write only part of a buffer first, or hold fsyncs until released.
 */
export class FaultyIo implements FileIo {
  failWrites: string | undefined;
  /** Bytes to write before failing (a partial write, as a full disk does). */
  partialBytes = 0;
  failSyncs: string | undefined;
  failTruncates: string | undefined;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;
  private writeGate: Promise<void> | undefined;
  private openWriteGate: (() => void) | undefined;
  /** Resolves when a write reaches the write gate. */
  writeHeld: Promise<void> | undefined;
  private signalWriteHeld: (() => void) | undefined;
  writes = 0;
  syncs = 0;
  /** fdatasync calls made, including held ones. */
  syncsStarted = 0;

  /** Holds every fdatasync until {@link release}. */
  holdSyncs(): void {
    this.gate = new Promise((resolve) => {
      this.openGate = resolve;
    });
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  /** Holds the next writes until {@link releaseWrites}. */
  holdWrites(): void {
    this.writeGate = new Promise((resolve) => {
      this.openWriteGate = resolve;
    });
    this.writeHeld = new Promise((resolve) => {
      this.signalWriteHeld = resolve;
    });
  }

  releaseWrites(): void {
    this.openWriteGate?.();
    this.writeGate = undefined;
  }

  open = nodeFileIo.open;
  close = nodeFileIo.close;
  read = nodeFileIo.read;
  fsync = nodeFileIo.fsync;
  fileSize = nodeFileIo.fileSize;
  rename = nodeFileIo.rename;
  unlink = nodeFileIo.unlink;
  readdir = nodeFileIo.readdir;
  mkdir = nodeFileIo.mkdir;
  rmTree = nodeFileIo.rmTree;
  readFile = nodeFileIo.readFile;
  exists = nodeFileIo.exists;

  async writev(fd: number, bufs: readonly Buffer[], position: number): Promise<number> {
    this.writes++;
    if (this.writeGate !== undefined) {
      this.signalWriteHeld?.();
      await this.writeGate;
    }
    if (this.failWrites !== undefined) {
      if (this.partialBytes > 0) {
        const part = Buffer.concat(bufs).subarray(0, this.partialBytes);
        this.partialBytes = 0;
        return nodeFileIo.writev(fd, [part], position);
      }
      throw errno(this.failWrites);
    }
    return nodeFileIo.writev(fd, bufs, position);
  }

  async fdatasync(fd: number): Promise<void> {
    this.syncsStarted++;
    if (this.gate !== undefined) await this.gate;
    this.syncs++;
    if (this.failSyncs !== undefined) throw errno(this.failSyncs);
    await nodeFileIo.fdatasync(fd);
  }

  async ftruncate(fd: number, length: number): Promise<void> {
    if (this.failTruncates !== undefined) throw errno(this.failTruncates);
    await nodeFileIo.ftruncate(fd, length);
  }
}
