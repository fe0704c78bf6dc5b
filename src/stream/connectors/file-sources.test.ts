import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../api/environment.js';
import { csvSource, parseCsvRecord } from './csv-source.js';
import { jsonLinesSource } from './json-lines-source.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'riv-src-'));

describe('JSON-lines source', () => {
  it('reads every line, skipping blank ones, with or without a final newline', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.jsonl'), '{"n":1}\n\n{"n":2}\r\n{"n":3}');
    const env = new StreamEnvironment({ batchSize: 2 });
    const out = env
      .fromSource(jsonLinesSource<{ n: number }>({ path: join(dir, 'a.jsonl'), chunkSize: 5 }))
      .collect();
    await env.execute();
    expect(out.values).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('reads several files as splits and names the bad line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.jsonl'), '1\n2\n');
    writeFileSync(join(dir, 'b.jsonl'), '10\n20\n');
    const env = new StreamEnvironment();
    const out = env
      .fromSource(jsonLinesSource<number>({ path: [join(dir, 'a.jsonl'), join(dir, 'b.jsonl')] }))
      .collect();
    const result = await env.execute();
    expect([...out.values].sort((x, y) => x - y)).toEqual([1, 2, 10, 20]);
    expect(result.metrics.sources[0]!.splits).toBe(2);

    writeFileSync(join(dir, 'bad.jsonl'), '1\n{oops\n');
    const env2 = new StreamEnvironment();
    env2.fromSource(jsonLinesSource({ path: join(dir, 'bad.jsonl') })).collect();
    await expect(env2.execute()).rejects.toThrow(/invalid JSON line at byte 2/);
  });

  it('tails a growing file until cancelled', async () => {
    const dir = tmp();
    const path = join(dir, 'live.jsonl');
    writeFileSync(path, '1\n');
    const env = new StreamEnvironment();
    const seen: number[] = [];
    let resolveTwo: () => void = () => undefined;
    const two = new Promise<void>((r) => (resolveTwo = r));
    env.fromSource(jsonLinesSource<number>({ path, tail: { pollInterval: 5 } })).process({
      processElement(v) {
        seen.push(v);
        if (seen.length === 3) resolveTwo();
      },
    });
    const job = await env.start();
    appendFileSync(path, '2\n3');
    setTimeout(() => {
      appendFileSync(path, '\n');
    }, 20); // the half-written last line completes later
    await two;
    const result = await job.cancel();
    expect(result.status).toBe('cancelled');
    expect(seen).toEqual([1, 2, 3]);
  });
});

describe('CSV source', () => {
  it('parses quoting per RFC 4180', () => {
    expect(parseCsvRecord('a,"b,c","d ""e""",,f')).toEqual(['a', 'b,c', 'd "e"', '', 'f']);
    expect(parseCsvRecord('x;y', ';')).toEqual(['x', 'y']);
    expect(parseCsvRecord('')).toEqual(['']);
  });

  it('reads rows by header, with newlines inside quotes', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'r.csv'), 'sensor,celsius,note\r\ns1,21.5,"ok"\ns2,19,"two\nlines"\n');
    const env = new StreamEnvironment();
    const out = env
      .fromSource(
        csvSource({
          path: join(dir, 'r.csv'),
          map: (r) => ({ sensor: r.sensor!, celsius: Number(r.celsius), note: r.note! }),
        }),
      )
      .collect();
    await env.execute();
    expect(out.values).toEqual([
      { sensor: 's1', celsius: 21.5, note: 'ok' },
      { sensor: 's2', celsius: 19, note: 'two\nlines' },
    ]);
  });

  it('reads headerless files with given columns', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'r.csv'), '1|a\n2|b\n');
    const env = new StreamEnvironment();
    const out = env
      .fromSource(
        csvSource({ path: join(dir, 'r.csv'), header: false, delimiter: '|', columns: ['id', 'name'] }),
      )
      .collect();
    await env.execute();
    expect(out.values).toEqual([
      { id: '1', name: 'a' },
      { id: '2', name: 'b' },
    ]);
  });
});
