import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { eventsToJsonLines, generateEvents } from '../../src/stream/nexmark/index.js';

let dir = '';
let stderr = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rivulet-nexmark-'));
  stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('rivulet nexmark generate', () => {
  it('writes the generator’s events as JSON lines with the DDL’s field names', async () => {
    const out = join(dir, 'events.jsonl');
    expect(await main(['nexmark', 'generate', '--events', '2000', '--seed', '5', '--out', out])).toBe(0);
    const text = await readFile(out, 'utf8');
    expect(text).toBe(eventsToJsonLines(generateEvents(2000, { seed: 5 })));
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2000);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['event_type', 'person', 'auction', 'bid']);
    expect(Object.keys(first.person as object)).toEqual([
      'id',
      'name',
      'emailAddress',
      'creditCard',
      'city',
      'state',
      'dateTime',
      'extra',
    ]);
    const bid = (JSON.parse(lines[4]!) as { bid: Record<string, unknown> }).bid;
    expect(Object.keys(bid)).toEqual(['auction', 'bidder', 'price', 'channel', 'url', 'dateTime', 'extra']);
    expect(Number.isInteger(bid.dateTime)).toBe(true);
    expect(stderr).toMatch(/wrote 2,000 events/);
  });

  it('writes the same bytes for the same events, seed and rate, other bytes for another rate', async () => {
    const run = async (name: string, ...flags: string[]): Promise<string> => {
      const out = join(dir, name);
      expect(await main(['nexmark', 'generate', '--events', '500', ...flags, '--out', out])).toBe(0);
      return readFile(out, 'utf8');
    };
    const a = await run('a.jsonl', '--seed', '1', '--rate', '1000');
    expect(await run('b.jsonl', '--rate', '1_000', '--seed', '1')).toBe(a);
    expect(await run('c.jsonl', '--seed', '1', '--rate', '1e3')).toBe(a);
    expect(await run('d.jsonl', '--seed', '1', '--rate', '2000')).not.toBe(a);
    expect(await run('e.jsonl', '--seed', '1')).toBe(eventsToJsonLines(generateEvents(500, { seed: 1 })));
  });

  it('replaces an existing file and leaves no temporary file behind', async () => {
    const out = join(dir, 'events.jsonl');
    await writeFile(out, 'x'.repeat(1_000_000));
    expect(await main(['nexmark', 'generate', '--events', '3', '--out', out])).toBe(0);
    expect((await readFile(out, 'utf8')).split('\n')).toHaveLength(4);
    expect(await readdir(dir)).toEqual(['events.jsonl']);
    expect(await main(['nexmark', 'generate', '--events', '0', '--out', out])).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('');
  });

  it.each([
    [['--out', 'f'], /--events is required/],
    [['--events', '10'], /--out is required/],
    [['--events', 'ten', '--out', 'f'], /--events must be an integer from 0 to 1000000000000 \(got 'ten'\)/],
    [['--events=-1', '--out', 'f'], /--events must be an integer from 0/],
    [['--events', '1.5', '--out', 'f'], /--events must be an integer/],
    [
      ['--events', '10', '--rate', '0', '--out', 'f'],
      /--rate must be an integer from 1 to 1000000000 \(got '0'\)/,
    ],
    [
      ['--events', '10', '--seed', '4294967296', '--out', 'f'],
      /--seed must be an integer from 0 to 4294967295/,
    ],
    [['--events', '10', '--out', 'f', '--colour'], /Unknown option '--colour'/],
    [['--events', '10', '--out', 'f', 'extra'], /positional argument/],
    [['--events'], /--events/],
  ])('rejects %j with exit code 2 and a message naming the flag', async (flags, message) => {
    expect(await main(['nexmark', 'generate', ...flags])).toBe(2);
    expect(stderr).toMatch(/^rivulet nexmark generate: /);
    expect(stderr).toMatch(message);
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails with exit code 1 when the file cannot be written', async () => {
    const out = join(dir, 'no-such-dir', 'events.jsonl');
    expect(await main(['nexmark', 'generate', '--events', '10', '--out', out])).toBe(1);
    expect(stderr).toMatch(/rivulet nexmark generate: .*no-such-dir/);
  });

  it('names its sub-commands when given none or an unknown one', async () => {
    expect(await main(['nexmark'])).toBe(2);
    expect(stderr).toMatch(/a sub-command is required \(generate, run\)/);
    expect(await main(['nexmark', 'frobnicate'])).toBe(2);
    expect(stderr).toMatch(/unknown sub-command 'frobnicate'/);
  });
});
