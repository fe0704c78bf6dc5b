import { resolveLogConfig } from '../../../src/storage/config.js';
import type { Logger } from '../../../src/storage/env.js';
import type { FileIo } from '../../../src/storage/file-io.js';
import { type FileLogManager, openLogManager } from '../../../src/storage/log-manager.js';
import type { FilePartitionLog } from '../../../src/storage/partition-log.js';
import type { LogFactory } from './contract.js';
import { type ManualClock, tempDir } from './temp-dir.js';

/** Log lines captured for assertions. */
export class RecordingLogger implements Logger {
  readonly lines: { level: string; msg: string; fields: Record<string, unknown> | undefined }[] = [];
  info(msg: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', msg, fields });
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', msg, fields });
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', msg, fields });
  }
  has(level: string, fragment: string): boolean {
    return this.lines.some((l) => l.level === level && l.msg.includes(fragment));
  }
}

export interface FileLogHandle {
  readonly dir: string;
  manager: FileLogManager;
  log: FilePartitionLog;
  readonly logger: RecordingLogger;
  /** Clean close + open. */
  reopen(): Promise<FilePartitionLog>;
  /** Simulated crash (no flush, no marker) + open. */
  crashAndReopen(): Promise<FilePartitionLog>;
  /** Opens again after the test closed the manager and changed files behind its back. */
  reopenAfterExternalChange(): Promise<FilePartitionLog>;
  close(): Promise<void>;
}

/** A one-partition topic `t` in a fresh data directory. */
export async function openFileLog(
  configs: Record<string, string>,
  clock: ManualClock,
  opts: { io?: FileIo; dir?: string; writebackBytes?: number } = {},
): Promise<FileLogHandle> {
  const temp = opts.dir === undefined ? tempDir() : undefined;
  const dir = opts.dir ?? temp!.dir;
  const logger = new RecordingLogger();
  const openManager = (): Promise<FileLogManager> =>
    openLogManager({
      dataDir: dir,
      clock,
      logger,
      maintenanceIntervalMs: 0,
      ...(opts.io === undefined ? {} : { io: opts.io }),
      ...(opts.writebackBytes === undefined ? {} : { writebackBytes: opts.writebackBytes }),
    });
  let manager = await openManager();
  if (manager.topic('t') === undefined) await manager.createTopic('t', { partitions: 1, configs });
  const handle: FileLogHandle = {
    dir,
    logger,
    manager,
    log: manager.fileLog('t', 0)!,
    async reopen() {
      await manager.close();
      manager = await openManager();
      handle.manager = manager;
      handle.log = manager.fileLog('t', 0)!;
      return handle.log;
    },
    async crashAndReopen() {
      await handle.log.abandon();
      manager = await openManager();
      handle.manager = manager;
      handle.log = manager.fileLog('t', 0)!;
      return handle.log;
    },
    async reopenAfterExternalChange() {
      manager = await openManager();
      handle.manager = manager;
      handle.log = manager.fileLog('t', 0)!;
      return handle.log;
    },
    async close() {
      await manager.close();
      temp?.cleanup();
    },
  };
  return handle;
}

export const fileLogFactory: LogFactory = async (configs, clock) => {
  const h = await openFileLog(configs, clock);
  return { log: h.log, close: () => h.close() };
};

export { resolveLogConfig };
