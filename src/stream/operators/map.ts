import { defineOperator } from './definition.js';
import { Operator, type OperatorContext } from './operator.js';

export interface MapParams {
  readonly fn: (value: unknown) => unknown;
}

/** One output per input; timestamps pass through unchanged (the same array). */
export class MapOperator extends Operator {
  constructor(
    ctx: OperatorContext,
    private readonly fn: (value: unknown) => unknown,
  ) {
    super(ctx);
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[]): void {
    const fn = this.fn;
    const out: unknown[] = [];
    for (let i = 0; i < values.length; i++) out.push(fn(values[i]));
    this.out.emit(out, timestamps as number[]);
  }
}

export const mapOperator = defineOperator<MapParams>({
  kind: 'map',
  description: 'applies a function to every record',
  inputs: 1,
  keyed: false,
  create: (p, ctx) => new MapOperator(ctx, p.fn),
});
