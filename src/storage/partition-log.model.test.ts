import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batches } from '../protocol/records/batch-view.js';
import { buildBatch } from '../../test/storage/support/batches.js';
import { openFileLog } from '../../test/storage/support/file-log.js';
import { ManualClock } from '../../test/storage/support/temp-dir.js';
import type { FilePartitionLog } from './partition-log.js';

interface ModelBatch {
  readonly base: number;
  readonly last: number;
  readonly bytes: Buffer;
  readonly timestamps: number[];
}

type Command =
  | { kind: 'append'; sizes: number[][]; durable: boolean; t: number }
  | { kind: 'read'; at: number; maxBytes: number }
  | { kind: 'time'; at: number }
  | { kind: 'delete'; at: number }
  | { kind: 'restart'; clean: boolean };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      sizes: fc.array(fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 6 }), {
        minLength: 1,
        maxLength: 3,
      }),
      durable: fc.boolean(),
      t: fc.integer({ min: 0, max: 1000 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      at: fc.double({ min: 0, max: 1.1, noNaN: true }),
      maxBytes: fc.integer({ min: 0, max: 3000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('time' as const), at: fc.integer({ min: -10, max: 1100 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), clean: fc.boolean() }) },
);

/** The model's answer to a timestamp lookup: first record at/after logStart with ts ≥ target. */
function modelTime(model: ModelBatch[], logStart: number, target: number): number | null {
  for (const b of model) {
    for (let i = 0; i < b.timestamps.length; i++) {
      if (b.base + i >= logStart && b.timestamps[i]! >= target) return b.base + i;
    }
  }
  return null;
}

async function readEverything(log: FilePartitionLog): Promise<Buffer[]> {
  const out: Buffer[] = [];
  let next = log.logStartOffset;
  while (next < log.highWatermark) {
    const r = await log.read(next, 700);
    if (r.kind !== 'records') throw new Error(`read ${next}: ${r.kind}`);
    if (r.records.length === 0) throw new Error(`empty read at ${next} below ${log.highWatermark}`);
    for (const b of batches(r.records)) {
      out.push(Buffer.from(b.bytes));
      next = b.lastOffsetNumber + 1;
    }
  }
  return out;
}

describe('FilePartitionLog against a model', () => {
  it(
    'random appends, reads, lookups, deletes, rolls and restarts agree with a list of batches',
    { timeout: 200_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            segmentBytes: fc.integer({ min: 150, max: 2500 }),
            indexInterval: fc.integer({ min: 0, max: 600 }),
          }),
          fc.array(command, { minLength: 1, maxLength: 40 }),
          async (cfg, commands) => {
            const clock = new ManualClock();
            const h = await openFileLog(
              {
                'segment.bytes': String(cfg.segmentBytes),
                'index.interval.bytes': String(cfg.indexInterval),
              },
              clock,
            );
            const model: ModelBatch[] = [];
            let logStart = 0;
            const end = (): number =>
              model.length === 0 ? logStart : Math.max(logStart, model.at(-1)!.last + 1);
            try {
              for (const c of commands) {
                const log = h.log;
                switch (c.kind) {
                  case 'append': {
                    const stamp = (i: number, j: number): number => c.t + ((i * 37 + j) % 50);
                    const bufs = c.sizes.map((sizes, j) =>
                      buildBatch({
                        baseTimestamp: c.t,
                        records: sizes.map((n, i) => ({
                          value: Buffer.alloc(n, 97 + i),
                          timestamp: stamp(i, j),
                        })),
                      }),
                    );
                    const input = Buffer.concat(bufs);
                    const r = await log.append(input, { durable: c.durable });
                    expect(r).toMatchObject({ kind: 'appended', baseOffset: end() });
                    [...batches(input)].forEach((b, j) => {
                      model.push({
                        base: b.baseOffsetNumber,
                        last: b.lastOffsetNumber,
                        bytes: Buffer.from(b.bytes),
                        timestamps: c.sizes[j]!.map((_, i) => stamp(i, j)),
                      });
                    });
                    break;
                  }
                  case 'read': {
                    const offset = Math.floor(c.at * (end() + 2));
                    const r = await log.read(offset, c.maxBytes);
                    if (offset < logStart || offset > end()) {
                      expect(r.kind).toBe('offset-out-of-range');
                      break;
                    }
                    if (r.kind !== 'records') throw new Error('expected records');
                    const got = [...batches(r.records)];
                    const first = model.findIndex((b) => b.last >= offset);
                    if (first < 0) {
                      expect(got).toEqual([]);
                      break;
                    }
                    expect(got.length).toBeGreaterThan(0);
                    if (got.length > 1) expect(r.records.length).toBeLessThanOrEqual(c.maxBytes);
                    got.forEach((b, i) => {
                      expect(b.bytes.equals(model[first + i]!.bytes)).toBe(true);
                    });
                    break;
                  }
                  case 'time': {
                    const found = await log.offsetForTimestamp(c.at);
                    expect(found?.offset ?? null).toBe(modelTime(model, logStart, c.at));
                    break;
                  }
                  case 'delete': {
                    const target = Math.floor(c.at * end());
                    await log.deleteRecords(target);
                    logStart = Math.max(logStart, target);
                    break;
                  }
                  case 'restart':
                    if (c.clean) await h.reopen();
                    else await h.crashAndReopen();
                    break;
                }
                expect(h.log.highWatermark).toBe(end());
                expect(h.log.logStartOffset).toBe(logStart);
              }
              const all = await readEverything(h.log);
              const expected = model.filter((b) => b.last >= logStart).map((b) => b.bytes);
              expect(all.length).toBe(expected.length);
              all.forEach((b, i) => {
                expect(b.equals(expected[i]!)).toBe(true);
              });
            } finally {
              await h.close();
            }
          },
        ),
        { numRuns: 30 },
      );
    },
  );
});
