import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../api/environment.js';
import { dataGenerator } from '../connectors/data-generator-source.js';
import { jsonLinesSink } from '../connectors/json-lines-sink.js';
import { sum } from '../windows/aggregators.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'riv-ckpt-'));

interface Out {
  i: number;
  key: number;
  total: number;
}

/** A stateful job: a rolling sum per key of a deterministic sequence, to a JSON-lines file. */
function build(
  env: StreamEnvironment,
  opts: { count: number; rate?: number; failAt?: number; out: { file: string } | { directory: string } },
) {
  env
    .fromSource(
      dataGenerator({
        count: opts.count,
        generate: (i) => i,
        ...(opts.rate === undefined ? {} : { rate: opts.rate }),
      }),
      { uid: 'numbers', batchSize: 10 },
    )
    .map((i) => {
      if (i === opts.failAt) throw new Error(`injected failure at ${i}`);
      return i;
    })
    .uid('fail')
    .keyBy((i) => i % 7)
    .aggregate(
      sum((i: number) => i),
      (key, total) => ({ key, total }),
    )
    .uid('sums')
    .map((r): Out => ({ i: r.total, key: r.key, total: r.total }))
    .uid('shape')
    .sinkTo(jsonLinesSink<Out>(opts.out), { uid: 'file' });
}

async function failureFree(count: number): Promise<string> {
  const dir = tmp();
  const env = new StreamEnvironment();
  build(env, { count, out: { file: join(dir, 'out.jsonl') } });
  await env.execute();
  return readFileSync(join(dir, 'out.jsonl'), 'utf8');
}

describe('checkpoints', () => {
  it('resume from the latest checkpoint after a failure: output exactly once', async () => {
    const dir = tmp();
    const file = join(dir, 'out.jsonl');
    const checkpoints = join(dir, 'chk');
    let completed = 0;
    const first = new StreamEnvironment({ checkpoints: { storage: checkpoints, interval: 10 } });
    build(first, { count: 600, rate: 3000, failAt: 400, out: { file } });
    await expect(
      first.execute({
        listener: {
          onCheckpoint: () => {
            completed++;
          },
        },
      }),
    ).rejects.toThrow(/injected failure at 400/);
    expect(completed).toBeGreaterThan(0);
    expect(existsSync(file)).toBe(false);

    const second = new StreamEnvironment({ checkpoints: { storage: checkpoints, interval: 10 } });
    build(second, { count: 600, out: { file } });
    const result = await second.execute();
    expect(result.restoredFrom).toBeGreaterThan(0);
    expect(readFileSync(file, 'utf8')).toBe(await failureFree(600));
    expect(existsSync(`${file}.parts`)).toBe(false);
  });

  it('a restart after the job finished changes nothing', async () => {
    const dir = tmp();
    const file = join(dir, 'out.jsonl');
    const env = new StreamEnvironment({ checkpoints: { storage: join(dir, 'chk') } });
    build(env, { count: 50, out: { file } });
    const r1 = await env.execute();
    expect(r1.lastCheckpoint?.finished).toBe(true);
    const before = readFileSync(file, 'utf8');
    const again = new StreamEnvironment({ checkpoints: { storage: join(dir, 'chk') } });
    build(again, { count: 50, out: { file } });
    await again.execute();
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('take a savepoint on demand and resume from it', async () => {
    const dir = tmp();
    const parts = join(dir, 'parts');
    const env = new StreamEnvironment({ checkpoints: { storage: join(dir, 'chk'), interval: 10 } });
    build(env, { count: 100_000, rate: 2000, out: { directory: parts } });
    let firstCheckpoint: () => void = () => undefined;
    const checkpointed = new Promise<void>((r) => (firstCheckpoint = r));
    const job = await env.start({
      listener: {
        onCheckpoint: () => {
          firstCheckpoint();
        },
      },
    });
    await checkpointed;
    const savepoint = await job.savepoint();
    expect(savepoint.kind).toBe('savepoint');
    await job.cancel();

    const resumed = new StreamEnvironment({ checkpoints: { storage: join(dir, 'chk2') } });
    build(resumed, { count: 300, out: { directory: parts } });
    const result = await resumed.execute({ restore: { path: savepoint.location! } });
    expect(result.restoredFrom).toBe(savepoint.id);
    const lines = readdirSync(parts)
      .sort()
      .map((p) => readFileSync(join(parts, p), 'utf8'))
      .join('');
    expect(lines).toBe(await failureFree(300));
  });

  it('refuse state of unknown operators unless allowed, and a changed key-group count', async () => {
    const dir = tmp();
    const env = new StreamEnvironment({ checkpoints: { storage: dir } });
    build(env, { count: 10, out: { directory: join(dir, 'p') } });
    await env.execute();

    const changed = new StreamEnvironment({ checkpoints: { storage: dir } });
    changed
      .fromSource(dataGenerator({ count: 10, generate: (i) => i }), { uid: 'numbers' })
      .collect({ uid: 'other' });
    await expect(changed.execute()).rejects.toThrow(
      /state for operators not in this job: fail, sums, shape, file/,
    );
    const tolerant = new StreamEnvironment({ checkpoints: { storage: dir } });
    tolerant
      .fromSource(dataGenerator({ count: 10, generate: (i) => i }), { uid: 'numbers' })
      .collect({ uid: 'other' });
    await expect(tolerant.execute({ allowNonRestoredState: true })).resolves.toMatchObject({
      status: 'finished',
    });

    const regrouped = new StreamEnvironment({ checkpoints: { storage: dir }, keyGroups: 64 });
    build(regrouped, { count: 10, out: { directory: join(dir, 'p') } });
    await expect(regrouped.execute()).rejects.toThrow(/128 key groups but the job has 64/);
  });

  it('report checkpoint duration and size', async () => {
    const dir = tmp();
    const env = new StreamEnvironment({ checkpoints: { storage: dir } });
    build(env, { count: 100, out: { directory: join(dir, 'p') } });
    const result = await env.execute();
    expect(result.metrics.checkpoints.completed).toBeGreaterThanOrEqual(1);
    expect(result.lastCheckpoint!.bytes).toBeGreaterThan(0);
    expect(result.lastCheckpoint!.durationMs).toBeGreaterThanOrEqual(0);
  });
});
