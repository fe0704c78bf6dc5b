import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeCheckpoint,
  decodeState,
  encodeCheckpoint,
  encodeState,
  type CheckpointData,
} from './format.js';
import { FileCheckpointStorage } from './file-storage.js';

const sample = (id: number, kind: 'checkpoint' | 'savepoint' = 'checkpoint'): CheckpointData => ({
  id,
  kind,
  timestamp: 1_700_000_000_000 + id,
  jobName: 'test',
  keyGroups: 128,
  finished: false,
  states: new Map([
    [
      'map-0',
      encodeState({
        format: 1,
        values: new Map<string | number, unknown>([
          ['a', 1],
          [2, [Infinity, -Infinity]],
        ]),
      }),
    ],
    ['sink-0', encodeState(undefined)],
  ]),
});

describe('checkpoint format', () => {
  it('round-trips, state included', () => {
    const bytes = encodeCheckpoint(sample(7));
    const back = decodeCheckpoint(bytes, 'x');
    expect(back).toMatchObject({
      id: 7,
      kind: 'checkpoint',
      jobName: 'test',
      keyGroups: 128,
      finished: false,
    });
    expect(decodeState(back.states.get('map-0')!)).toEqual({
      format: 1,
      values: new Map<string | number, unknown>([
        ['a', 1],
        [2, [Infinity, -Infinity]],
      ]),
    });
  });

  it('rejects damaged, foreign and future files', () => {
    const bytes = encodeCheckpoint(sample(1));
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3]! ^= 0xff;
    expect(() => decodeCheckpoint(flipped, 'f')).toThrow(/checksum mismatch/);
    expect(() => decodeCheckpoint(Buffer.from('hello world'), 'g')).toThrow(/bad magic/);
    const future = Buffer.from(bytes);
    future.writeUInt16BE(99, 4);
    expect(() => decodeCheckpoint(future, 'h')).toThrow(/format 99 is not supported/);
  });
});

describe('file checkpoint storage', () => {
  it('keeps the latest checkpoints, never deletes savepoints, and reads the newest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riv-chk-'));
    const storage = new FileCheckpointStorage(dir, { retain: 2 });
    expect(await storage.latest()).toBeUndefined();
    for (let id = 1; id <= 4; id++) await storage.write(sample(id));
    const sp = await storage.write(sample(5, 'savepoint'));
    await storage.write(sample(6));
    const names = readdirSync(dir).sort();
    expect(names.filter((n) => n.startsWith('chk-'))).toEqual([
      'chk-000000000004.ckpt',
      'chk-000000000006.ckpt',
    ]);
    expect(names.filter((n) => n.startsWith('savepoint-'))).toHaveLength(1);
    expect((await storage.latest())!.id).toBe(6);
    expect((await storage.read(sp.location)).kind).toBe('savepoint');
    expect(sp.bytes).toBe(readFileSync(sp.location).length);
  });

  it('falls back to an older checkpoint when the newest is damaged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'riv-chk-'));
    const storage = new FileCheckpointStorage(dir);
    await storage.write(sample(1));
    const second = await storage.write(sample(2));
    writeFileSync(second.location, 'garbage');
    expect((await storage.latest())!.id).toBe(1);
  });
});
