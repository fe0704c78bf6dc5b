import type { OutputTag } from '../core/output-tag.js';
import { BatchCollector } from './collector.js';
import { defineOperator } from './definition.js';
import { Operator, type OperatorContext } from './operator.js';
import type { ProcessContext, ProcessFunction } from './process-function.js';
import { SideOutputBuffers } from './side-outputs.js';

export interface ProcessParams {
  readonly fn: ProcessFunction<unknown, unknown>;
}

/** The one context object of a process operator, updated in place for each record. */
class Context implements ProcessContext<unknown> {
  timestamp = NaN;
  readonly main = new BatchCollector<unknown>();

  constructor(
    private readonly op: OperatorContext,
    readonly side: SideOutputBuffers,
  ) {}

  get currentWatermark(): number {
    return this.op.currentWatermark();
  }

  get processingTime(): number {
    return this.op.clock.now();
  }

  emit(value: unknown, timestamp?: number): void {
    this.main.collectAt(value, timestamp ?? this.timestamp);
  }

  output<S>(tag: OutputTag<S>, value: S, timestamp?: number): void {
    this.side.add(tag, value, timestamp ?? this.timestamp);
  }
}

/** Runs a {@link ProcessFunction} over every record of a non-keyed stream. */
export class ProcessOperator extends Operator {
  private readonly context: Context;

  constructor(
    ctx: OperatorContext,
    private readonly fn: ProcessFunction<unknown, unknown>,
  ) {
    super(ctx);
    this.context = new Context(ctx, new SideOutputBuffers(ctx));
  }

  processBatch(values: readonly unknown[], timestamps: readonly number[]): void {
    const c = this.context;
    const fn = this.fn;
    for (let i = 0; i < values.length; i++) {
      c.timestamp = timestamps[i]!;
      fn.processElement(values[i], c);
    }
    c.side.flush();
    c.main.flushTo(this.out);
  }
}

export const processOperator = defineOperator<ProcessParams>({
  kind: 'process',
  description: 'runs a process function (emit, side outputs) over every record',
  inputs: 1,
  keyed: false,
  create: (p, ctx) => new ProcessOperator(ctx, p.fn),
});
