import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../src/stream/index.js';
import { buildJob } from './fixtures/kill-job.js';

const script = fileURLToPath(new URL('./fixtures/kill-job.ts', import.meta.url));
const COUNT = 20_000;
const RATE = 25_000; // records per second: a failure-free run takes ~0.8 s of wall time

/** A small seeded PRNG, so a failing run can be replayed from its printed seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the job in a child process, SIGKILLing it after `killAfterMs` unless it ends first. */
function runChild(args: string[], killAfterMs: number | undefined): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const sortedLines = (text: string): string[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .sort();

describe('kill -9 recovery', () => {
  it('a job killed at random points and restarted commits exactly the output of a failure-free run', async () => {
    // The failure-free reference, in process.
    const refDir = mkdtempSync(join(tmpdir(), 'riv-kill-ref-'));
    const env = new StreamEnvironment({ checkpoints: { storage: join(refDir, 'chk'), interval: 30 } });
    buildJob(env, COUNT, refDir);
    await env.execute();
    const refTotals = readFileSync(join(refDir, 'totals.jsonl'), 'utf8');
    const refWindows = readFileSync(join(refDir, 'windows.jsonl'), 'utf8');

    const seed = Date.now() % 1_000_000;
    const random = prng(seed);
    const dir = mkdtempSync(join(tmpdir(), 'riv-kill-'));
    const args = [dir, join(dir, 'chk'), String(COUNT), String(RATE)];
    const history: string[] = [];
    let finished: Run | undefined;
    for (let attempt = 0; attempt < 12 && finished === undefined; attempt++) {
      // Kill the first runs at random points (startup included); let the last ones finish. A
      // run cannot finish before COUNT / RATE = 800 ms of wall time, so a kill at most 750 ms in
      // always lands in the first run at least (later ones may finish first: fine).
      const killAfter = attempt < 6 ? 150 + Math.floor(random() * 600) : undefined;
      const run = await runChild(args, killAfter);
      history.push(`${killAfter ?? 'no kill'} → ${run.signal ?? run.code}`);
      if (run.signal === null && run.code !== 0)
        throw new Error(`child failed (seed ${seed}):\n${run.stderr}`);
      if (run.code === 0) finished = run;
    }
    expect(finished, `seed ${seed}: ${history.join(', ')}`).toBeDefined();
    // Running totals are per record, in input order: byte-identical.
    expect(readFileSync(join(dir, 'totals.jsonl'), 'utf8'), `seed ${seed}`).toBe(refTotals);
    // Window results of one watermark may come out in another key order after a restore.
    expect(sortedLines(readFileSync(join(dir, 'windows.jsonl'), 'utf8')), `seed ${seed}`).toEqual(
      sortedLines(refWindows),
    );
    expect(history.filter((h) => h.includes('SIGKILL')).length, history.join(', ')).toBeGreaterThan(0);
    console.log(`kill -9 runs (seed ${seed}): ${history.join(', ')}`);
  }, 180_000);
});
