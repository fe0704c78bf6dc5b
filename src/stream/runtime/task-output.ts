import type { Output } from '../operators/operator.js';
import type { Signal } from './signal.js';

/** A receiver of batches and signals on numbered channels (a task's inputs). */
export interface ChannelReceiver {
  processBatch(values: readonly unknown[], timestamps: readonly number[], channel: number): void;
  handleSignal(channel: number, signal: Signal): void;
}

/**
 * One output of a task (its main output or one side output): the downstream channels it feeds,
 * and a count of the records it emitted.
 */
export class TaskOutput implements Output<unknown> {
  private readonly targets: ChannelReceiver[] = [];
  private readonly channels: number[] = [];
  /** Records emitted through this output. */
  records = 0;

  connect(target: ChannelReceiver, channel: number): void {
    this.targets.push(target);
    this.channels.push(channel);
  }

  get connected(): boolean {
    return this.targets.length > 0;
  }

  emit(values: unknown[], timestamps: number[]): void {
    const n = values.length;
    if (n === 0) return;
    this.records += n;
    const targets = this.targets;
    for (let i = 0; i < targets.length; i++) targets[i]!.processBatch(values, timestamps, this.channels[i]!);
  }

  signal(signal: Signal): void {
    for (let i = 0; i < this.targets.length; i++) this.targets[i]!.handleSignal(this.channels[i]!, signal);
  }
}
