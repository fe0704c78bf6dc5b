import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../api/environment.js';
import { ManualClock } from '../time/clock.js';
import { asyncIterableSource } from './async-iterable-source.js';
import { blackholeSink } from './blackhole-sink.js';
import { dataGenerator } from './data-generator-source.js';
import { printSink } from './print-sink.js';

const ctx = (clock = new ManualClock(0)) => ({ clock, signal: new AbortController().signal });

describe('async iterable source', () => {
  it('batches ready items and resumes after the consumed count', async () => {
    async function* items(): AsyncGenerator<number> {
      for (let i = 0; i < 10; i++) {
        await Promise.resolve();
        yield i;
      }
    }
    const source = asyncIterableSource(items());
    const reader = await source.createReader({ id: 'iterable' }, undefined, ctx());
    const first = await reader.read(4);
    expect(first?.values).toEqual([0, 1, 2, 3]);
    expect(reader.position()).toBe(4);

    const resumed = await asyncIterableSource(items()).createReader({ id: 'iterable' }, 4, ctx());
    const rest: number[] = [];
    for (let b = await resumed.read(100); b !== null; b = await resumed.read(100)) rest.push(...b.values);
    expect(rest).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('hands a batch on when the iterable has to wait', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    async function* slow(): AsyncGenerator<string> {
      yield 'a';
      yield 'b';
      await gate;
      yield 'c';
    }
    const reader = await asyncIterableSource(slow()).createReader({ id: 'i' }, undefined, ctx());
    expect((await reader.read(100))?.values).toEqual(['a', 'b']);
    release();
    expect((await reader.read(100))?.values).toEqual(['c']);
    expect(await reader.read(100)).toBeNull();
  });

  it('runs in a job (sync iterables too)', async () => {
    const env = new StreamEnvironment();
    const out = env.fromIterable(new Set([1, 2, 3])).collect();
    await env.execute();
    expect(out.values).toEqual([1, 2, 3]);
  });
});

describe('data generator source', () => {
  it('generates in batches from a position, and paces with a rate on the clock', async () => {
    const clock = new ManualClock(1000);
    const source = dataGenerator({
      count: 10,
      rate: 2,
      generateBatch: (start, n, out: number[]) => {
        for (let i = 0; i < n; i++) out.push(start + i);
      },
    });
    const reader = await source.createReader({ id: 'generator' }, 3, ctx(clock));
    expect(reader.read(100)).toEqual({ values: [3] }); // one record allowed at start
    clock.advance(1000); // two more per second
    expect(reader.read(100)).toEqual({ values: [4, 5] });
    expect(reader.position()).toBe(6);
    clock.advance(10_000);
    expect(reader.read(100)).toEqual({ values: [6, 7, 8, 9] });
    expect(reader.read(100)).toBeNull();
  });

  it('validates its options', () => {
    expect(() => dataGenerator({ count: 5 })).toThrow(/give generate or generateBatch/);
    expect(() => dataGenerator({ rate: 0, generate: (i) => i })).toThrow(/rate: 0 must be > 0/);
  });
});

describe('print and blackhole sinks', () => {
  it('print formats each record on its own line', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d.toString()));
    const env = new StreamEnvironment();
    env.fromArray([{ a: 1 }, { a: 2 }]).sinkTo(printSink({ prefix: '> ', stream }));
    env.fromArray([3]).sinkTo(printSink({ format: (n: number) => `n=${n}`, stream }));
    await env.execute();
    expect(chunks.join('').split('\n').sort()).toEqual(['', '> {"a":1}', '> {"a":2}', 'n=3']);
  });

  it('blackhole counts what it discards', async () => {
    const env = new StreamEnvironment();
    const sink = blackholeSink<number>();
    env.fromArray([1, 2, 3]).sinkTo(sink);
    await env.execute();
    expect(sink.count).toBe(3);
  });
});

describe('cancelling', () => {
  it('does not wait for a source blocked on input', async () => {
    async function* forever(): AsyncGenerator<number> {
      yield 1;
      await new Promise(() => undefined);
    }
    const env = new StreamEnvironment();
    const seen: number[] = [];
    let first: () => void = () => undefined;
    const gotFirst = new Promise<void>((r) => (first = r));
    env.fromIterable(forever()).process({
      processElement(v) {
        seen.push(v);
        first();
      },
    });
    const job = await env.start();
    await gotFirst;
    expect((await job.cancel()).status).toBe('cancelled');
    expect(seen).toEqual([1]);
  });
});
