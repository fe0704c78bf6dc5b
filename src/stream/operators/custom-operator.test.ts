import { describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../api/environment.js';
import { TestDriver } from '../testing/test-driver.js';
import { defineOperator } from './definition.js';
import { Operator } from './operator.js';

/** The example of `DataStream.transform`: a checkpointed de-duplication operator. */
class Dedupe extends Operator<string, string> {
  private readonly seen = new Set<string>();

  processBatch(values: readonly string[], timestamps: readonly number[]): void {
    const out: string[] = [];
    const ts: number[] = [];
    values.forEach((v, i) => {
      if (!this.seen.has(v)) {
        this.seen.add(v);
        out.push(v);
        ts.push(timestamps[i]!);
      }
    });
    this.out.emit(out, ts);
  }

  override onCheckpoint(): unknown {
    return [...this.seen];
  }

  override restore(state: unknown): void {
    for (const v of state as string[]) this.seen.add(v);
  }
}

const dedupe = defineOperator<undefined>({
  kind: 'dedupe',
  description: 'drops repeated strings',
  inputs: 1,
  keyed: false,
  create: (_p, ctx) => new Dedupe(ctx),
});

describe('custom operators', () => {
  it('run through transform, checkpoints included', async () => {
    const env = new StreamEnvironment();
    const out = env
      .fromArray(['a', 'b', 'a', 'c', 'b'])
      .transform<string, undefined>(dedupe, undefined)
      .collect();
    await env.execute();
    expect(out.values).toEqual(['a', 'b', 'c']);

    const build = (driver: TestDriver) => {
      const input = driver.input<string>();
      return {
        input,
        out: input.stream.transform<string, undefined>(dedupe, undefined, { uid: 'dd' }).collect(),
      };
    };
    const d1 = new TestDriver();
    const a = build(d1);
    await d1.start();
    a.input.push('x').push('y');
    const snap = await d1.checkpoint();
    const d2 = new TestDriver();
    const b = build(d2);
    await d2.start(snap);
    b.input.push('x').push('z');
    expect(b.out.values).toEqual(['z']);
  });
});
