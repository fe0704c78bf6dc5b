import path from 'node:path';
import { nodeFileIo, writeFileAtomic } from '../storage/file-io.js';

const FILE = 'producer-ids.json';
const BLOCK = 1000;

/**
 * Hands out producer ids that are never reused, across restarts too. Ids are reserved in blocks:
 * the end of the current block is persisted (atomically) before any id of it is given out, so
 * after a crash the next start begins past every id that might have been used. At most one block
 * of ids is skipped per restart, which is what Kafka's producer-id manager does as well.
 */
export class ProducerIdAllocator {
  private next: number;
  private blockEnd: number;
  private readonly file: string;
  private reserving: Promise<void> | undefined;

  private constructor(file: string, start: number) {
    this.file = file;
    this.next = start;
    this.blockEnd = start;
  }

  static async open(dataDir: string): Promise<ProducerIdAllocator> {
    const file = path.join(dataDir, FILE);
    const raw = await nodeFileIo.readFile(file);
    let start = 0;
    if (raw !== undefined) {
      const parsed = JSON.parse(raw.toString('utf8')) as { nextBlockStart?: unknown };
      if (typeof parsed.nextBlockStart === 'number' && Number.isSafeInteger(parsed.nextBlockStart)) {
        start = parsed.nextBlockStart;
      }
    }
    return new ProducerIdAllocator(file, start);
  }

  async allocate(): Promise<number> {
    while (this.next >= this.blockEnd) {
      this.reserving ??= this.reserve().finally(() => {
        this.reserving = undefined;
      });
      await this.reserving;
    }
    return this.next++;
  }

  private async reserve(): Promise<void> {
    const end = this.blockEnd + BLOCK;
    await writeFileAtomic(nodeFileIo, this.file, Buffer.from(JSON.stringify({ nextBlockStart: end })));
    this.blockEnd = end;
  }
}
