import type { WatermarkGenerator, WatermarkStrategy } from '../time/watermark-strategy.js';
import { defineOperator } from './definition.js';
import { Operator, type OperatorContext } from './operator.js';

export interface TimestampsWatermarksParams {
  readonly extract: ((value: unknown) => number) | undefined;
  readonly strategy: WatermarkStrategy;
}

/**
 * Re-stamps records with event time from an extractor and generates watermarks from them,
 * replacing upstream watermarks (only the end of input, +∞, passes through). For streams whose
 * event time is known only after some processing; prefer stamping at the source, where
 * watermarks are tracked per split and idleness is detected (a strategy's idleness timeout has
 * no effect here).
 */
export class TimestampsWatermarksOperator extends Operator {
  override readonly ownWatermarks = true;
  private max = -Infinity;
  private readonly generator: WatermarkGenerator<unknown> | undefined;

  constructor(
    ctx: OperatorContext,
    private readonly params: TimestampsWatermarksParams,
  ) {
    super(ctx);
    this.generator = params.strategy.createGenerator?.();
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[]): void {
    const extract = this.params.extract;
    let ts = timestamps as number[];
    let max = this.max;
    if (extract !== undefined) {
      ts = [];
      for (let i = 0; i < values.length; i++) {
        const t = extract(values[i]);
        ts.push(t);
        if (t > max) max = t;
      }
    } else {
      for (let i = 0; i < ts.length; i++) if (ts[i]! > max) max = ts[i]!;
    }
    this.max = max;
    const gen = this.generator;
    if (gen !== undefined) for (let i = 0; i < values.length; i++) gen.onEvent(values[i], ts[i]!);
    this.out.emit(values as unknown[], ts);
    const s = this.params.strategy;
    const wm =
      s.kind === 'bounded' ? max - s.delayMs - 1 : s.kind === 'custom' ? gen!.currentWatermark() : -Infinity;
    this.ctx.emitWatermark(wm);
  }
}

export const timestampsWatermarksOperator = defineOperator<TimestampsWatermarksParams>({
  kind: 'timestamps-watermarks',
  description: 'assigns event timestamps and generates watermarks mid-stream',
  inputs: 1,
  keyed: false,
  create: (p, ctx) => new TimestampsWatermarksOperator(ctx, p),
});
