import type { OutputTag } from '../core/output-tag.js';
import { BatchCollector } from './collector.js';
import type { OperatorContext } from './operator.js';

/** Buffers side-output records per tag during a batch, emitted together at its end. */
export class SideOutputBuffers {
  private readonly buffers = new Map<
    string,
    { tag: OutputTag<unknown>; collector: BatchCollector<unknown> }
  >();

  constructor(private readonly ctx: OperatorContext) {}

  add(tag: OutputTag<unknown>, value: unknown, timestamp: number): void {
    let b = this.buffers.get(tag.id);
    if (b === undefined) {
      b = { tag, collector: new BatchCollector() };
      this.buffers.set(tag.id, b);
    }
    b.collector.collectAt(value, timestamp);
  }

  flush(): void {
    if (this.buffers.size === 0) return;
    for (const b of this.buffers.values()) b.collector.flushTo(this.ctx.sideOutput(b.tag));
  }
}
