import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { NexmarkEvent } from '../../src/stream/nexmark/index.js';
import { NEXMARK_QUERIES, QUERY_COLUMNS } from '../../src/stream/nexmark/index.js';
import type { Row } from './reference.js';
import { diffRows, referenceQueries } from './reference.js';

let dir = '';
let stdout = '';
let stderr = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rivulet-nexmark-run-'));
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const jsonLines = async (path: string): Promise<unknown[]> =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);

/** The columns that hold a TIMESTAMP (epoch-ms integers). */
const TIME_COLUMNS = new Set(['dateTime', 'starttime', 'endtime', 'window_start', 'window_end']);

describe('rivulet nexmark run --out', () => {
  // Compared with the reference computed over the events `generate` wrote for the same flags.
  describe.each([
    { events: '40000', seed: '9', rate: '2000' },
    { events: '12_000', seed: '0', rate: '1e6' },
  ])('--events $events --seed $seed --rate $rate', (flags) => {
    const selection = ['--events', flags.events, '--seed', flags.seed, '--rate', flags.rate];
    let events: NexmarkEvent[] = [];

    beforeEach(async () => {
      const file = join(dir, 'events.jsonl');
      expect(await main(['nexmark', 'generate', ...selection, '--out', file])).toBe(0);
      events = (await jsonLines(file)) as NexmarkEvent[];
    });

    it.each(NEXMARK_QUERIES)('%s writes the reference rows as JSON lines', async (query) => {
      const out = join(dir, `${query}.jsonl`);
      expect(await main(['nexmark', 'run', '--query', query, ...selection, '--out', out])).toBe(0);
      const rows = (await jsonLines(out)) as Row[];
      expect(diffRows(referenceQueries[query](events), rows)).toEqual({ missing: [], unexpected: [] });
      for (const row of rows) {
        expect(Object.keys(row)).toEqual(QUERY_COLUMNS[query]);
        for (const [column, value] of Object.entries(row)) {
          if (TIME_COLUMNS.has(column)) expect(Number.isInteger(value)).toBe(true);
        }
      }
      expect(stderr).toMatch(new RegExp(`nexmark run ${query}: [\\d,]+ events in .* rows to `));
      expect(await readdir(dir)).toEqual(['events.jsonl', `${query}.jsonl`].sort());
    });
  });

  it('writes q1 prices with at most three decimals', async () => {
    const out = join(dir, 'q1.jsonl');
    expect(await main(['nexmark', 'run', '--query', 'q1', '--events', '5000', '--out', out])).toBe(0);
    const text = await readFile(out, 'utf8');
    const prices = [...text.matchAll(/"price":([^,]+),/g)].map((m) => m[1]!);
    expect(prices.length).toBeGreaterThan(4000);
    for (const price of prices) expect(price).toMatch(/^\d+(\.\d{1,3})?$/);
  });

  it('replaces an existing file', async () => {
    const out = join(dir, 'q2.jsonl');
    const run = (events: string): Promise<number> =>
      main(['nexmark', 'run', '--query', 'q2', '--events', events, '--out', out]);
    expect(await run('100000')).toBe(0);
    const before = (await jsonLines(out)).length;
    expect(before).toBeGreaterThan(0);
    expect(await run('0')).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('');
  });
});

describe('rivulet nexmark run: failures', () => {
  it('exits with code 1 and a message when the output cannot be written', async () => {
    await writeFile(join(dir, 'file'), '');
    const out = join(dir, 'file', 'q0.jsonl');
    expect(await main(['nexmark', 'run', '--query', 'q0', '--events', '1000', '--out', out])).toBe(1);
    expect(stderr).toMatch(/^rivulet nexmark run: .*file/m);
    expect(stdout).toBe('');
    expect(await readdir(dir)).toEqual(['file']);
  });
});

describe('rivulet nexmark run --sink blackhole --json', () => {
  it('prints the measurement as the last line of stdout', async () => {
    expect(
      await main(['nexmark', 'run', '--query', 'q5', '--events', '30000', '--sink', 'blackhole', '--json']),
    ).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    const result = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['query', 'events', 'seconds', 'cpuSeconds', 'eventsPerSecond']);
    expect(result).toMatchObject({ query: 'q5', events: 30_000 });
    const { seconds, cpuSeconds, eventsPerSecond } = result as {
      seconds: number;
      cpuSeconds: number;
      eventsPerSecond: number;
    };
    expect(seconds).toBeGreaterThan(0);
    expect(cpuSeconds).toBeGreaterThan(0);
    expect(eventsPerSecond).toBe(Math.round(30_000 / cpuSeconds));
    expect(await readdir(dir)).toEqual([]);
    expect(stderr).toMatch(
      /nexmark run q5: 30,000 events in .* events per CPU-second\); [\d,]+ rows, \d+ checkpoints?\n$/,
    );
  });

  it('prints nothing on stdout without --json', async () => {
    expect(await main(['nexmark', 'run', '--query', 'q2', '--events', '1000', '--sink', 'blackhole'])).toBe(
      0,
    );
    expect(stdout).toBe('');
  });

  it('accepts a checkpoint interval', async () => {
    const args = ['--query', 'q11', '--events', '20000', '--sink', 'blackhole', '--checkpoint-interval', '5'];
    expect(await main(['nexmark', 'run', ...args])).toBe(0);
  });
});

describe('rivulet nexmark run: bad command lines', () => {
  const QUERIES = 'q0, q1, q2, q3, q5, q7, q8, q11';
  it.each([
    [['--events', '10', '--sink', 'blackhole'], `--query is required (one of ${QUERIES})`],
    [
      ['--query', 'q4', '--events', '10', '--sink', 'blackhole'],
      `--query must be one of ${QUERIES} (got 'q4')`,
    ],
    [['--query', 'q0', '--sink', 'blackhole'], '--events is required (how many events, 0 to 1000000000000)'],
    [
      ['--query', 'q0', '--events=-5', '--sink', 'blackhole'],
      "--events must be an integer from 0 to 1000000000000 (got '-5')",
    ],
    [
      ['--query', 'q0', '--events', '-5', '--sink', 'blackhole'],
      "Option '--events' argument is ambiguous. Did you forget",
    ],
    [
      ['--query', 'q0', '--events', '10', '--rate', '0', '--sink', 'blackhole'],
      "--rate must be an integer from 1 to 1000000000 (got '0')",
    ],
    [
      ['--query', 'q0', '--events', '10', '--seed', 'x', '--sink', 'blackhole'],
      "--seed must be an integer from 0 to 4294967295 (got 'x')",
    ],
    [
      ['--query', 'q0', '--events', '10', '--checkpoint-interval', '0', '--sink', 'blackhole'],
      "--checkpoint-interval must be an integer from 1 to 86400000 (got '0')",
    ],
    [['--query', 'q0', '--events', '10'], '--out FILE or --sink blackhole is required (where the rows go)'],
    [
      ['--query', 'q0', '--events', '10', '--sink', 'kafka'],
      "--sink must be 'blackhole' (got 'kafka'); for a file use --out FILE",
    ],
    [
      ['--query', 'q0', '--events', '10', '--sink', 'blackhole', '--out', 'f'],
      'give one of --out FILE and --sink blackhole, not both',
    ],
    [['--query', 'q0', '--events', '10', '--sink', 'blackhole', '--fast'], "Unknown option '--fast'"],
  ])('%j: exit code 2 and one line naming the flag', async (flags, message) => {
    expect(await main(['nexmark', 'run', ...flags])).toBe(2);
    expect(stderr).toMatch(/^rivulet nexmark run: /);
    expect(stderr).toContain(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stdout).toBe('');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('rivulet nexmark run in its own process', () => {
  it('ends stdout with the JSON measurement and reports progress on stderr', async () => {
    const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const script = `const { main } = await import(${JSON.stringify(cli)}); process.exitCode = await main(process.argv.slice(1));`;
    const args = ['nexmark', 'run', '--query', 'q7', '--events', '50000', '--sink', 'blackhole', '--json'];
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', resolve);
    });
    expect({ code, err }).toMatchObject({ code: 0 });
    const last = JSON.parse(out.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
    expect(Object.keys(last)).toEqual(['query', 'events', 'seconds', 'cpuSeconds', 'eventsPerSecond']);
    expect(last).toMatchObject({ query: 'q7', events: 50_000 });
    expect(err).toMatch(/nexmark run q7: 50,000 events in/);
  });
});
