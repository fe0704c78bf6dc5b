import path from 'node:path';
import type { Logger } from './env.js';
import { SWAP_MANIFEST_FILE, Suffix, parseOffsetFileName, segmentFile } from './file-names.js';
import { type FileIo, fsyncDir, writeFileAtomic } from './file-io.js';

/** The segments a compaction output replaces: every segment with base offset in [base, end). */
export interface SwapManifest {
  readonly base: number;
  readonly end: number;
}

export async function writeSwapManifest(io: FileIo, dir: string, manifest: SwapManifest): Promise<void> {
  await writeFileAtomic(io, path.join(dir, SWAP_MANIFEST_FILE), Buffer.from(JSON.stringify(manifest) + '\n'));
}

export async function removeSwapManifest(io: FileIo, dir: string): Promise<void> {
  await io.unlink(path.join(dir, SWAP_MANIFEST_FILE));
  await fsyncDir(io, dir);
}

async function unlinkSegmentFiles(io: FileIo, dir: string, base: number): Promise<void> {
  for (const suffix of [Suffix.Log, Suffix.Index, Suffix.TimeIndex, Suffix.TxnIndex]) {
    await io.unlink(segmentFile(dir, base, suffix)).catch(() => undefined);
  }
}

/**
 * Finishes a compaction swap that a crash interrupted. The manifest is written only after the
 * cleaned segment (`<base>.log.cleaned`) is complete and fsynced, so:
 * - manifest + `.log.cleaned` present: the old segments in [base, end) may be partly gone;
 *   remove the rest and rename the cleaned file into place (its indexes are rebuilt on use);
 * - manifest without `.log.cleaned`: the rename happened; remove old segments left in
 *   (base, end);
 * - no manifest: any `.cleaned` file is an unfinished output, discarded by the caller.
 */
export async function completeInterruptedSwap(io: FileIo, dir: string, logger: Logger): Promise<void> {
  const bytes = await io.readFile(path.join(dir, SWAP_MANIFEST_FILE));
  if (bytes === undefined) return;
  let manifest: SwapManifest;
  try {
    manifest = JSON.parse(bytes.toString('utf8')) as SwapManifest;
    if (!Number.isSafeInteger(manifest.base) || !Number.isSafeInteger(manifest.end))
      throw new Error('bad offsets');
  } catch {
    logger.warn('discarding an unreadable compaction swap manifest', { dir });
    await removeSwapManifest(io, dir);
    return;
  }
  const cleaned = segmentFile(dir, manifest.base, Suffix.Log + Suffix.Cleaned);
  const pending = await io.exists(cleaned);
  const names = await io.readdir(dir);
  for (const name of names) {
    const parsed = parseOffsetFileName(name);
    if (parsed?.suffix !== Suffix.Log) continue;
    const old = parsed.offset >= manifest.base && parsed.offset < manifest.end;
    if (old && (pending || parsed.offset !== manifest.base)) await unlinkSegmentFiles(io, dir, parsed.offset);
  }
  if (pending) {
    await io.rename(cleaned, segmentFile(dir, manifest.base, Suffix.Log));
  }
  logger.info('completed an interrupted compaction swap', { dir, ...manifest });
  await removeSwapManifest(io, dir);
}
