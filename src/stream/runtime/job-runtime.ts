import { serialize } from 'node:v8';
import { StreamError, StreamErrorCode } from '../core/errors.js';
import { MinHeap } from '../core/min-heap.js';
import type { StreamGraph } from '../graph/stream-graph.js';
import type { Clock } from '../time/clock.js';
import type { ProcessingTimeTarget, RuntimeServices } from './services.js';
import { SourceTask, type SourceSnapshot } from './source-task.js';
import { Task, type TaskSnapshot } from './task.js';
import { TaskOutput } from './task-output.js';

/** The synchronous part of a checkpoint: every task's serialised state, and what to wait for. */
export interface TakenSnapshot {
  readonly checkpointId: number;
  readonly states: Map<string, Uint8Array>;
  readonly preparations: Promise<void>[];
}

/** Configuration of a {@link JobRuntime}. */
export interface RuntimeConfig {
  readonly keyGroups: number;
  readonly clock: Clock;
}

/**
 * The synchronous core of a running job: the tasks wired as the graph says, processing-time
 * scheduling, and consistent snapshots. It does no I/O and never awaits; the executor (reading
 * sources on the event loop) and the test driver (pushing records by hand) both drive it.
 */
export class JobRuntime implements RuntimeServices {
  readonly sources: SourceTask[] = [];
  readonly tasks: Task[] = [];
  readonly clock: Clock;
  readonly keyGroups: number;
  private readonly processingTimers = new MinHeap<ProcessingTimeTarget>();
  private pendingAwaits: Promise<unknown>[] = [];
  private collecting: TakenSnapshot | undefined;
  /** Restored split positions per source uid. */
  readonly restoredSources = new Map<string, SourceSnapshot>();

  constructor(graph: StreamGraph, config: RuntimeConfig) {
    this.clock = config.clock;
    this.keyGroups = config.keyGroups;
    const uids = graph.resolveUids();
    const built = new Map<number, SourceTask | Task>();
    for (const node of graph.nodes) {
      const uid = uids.get(node)!;
      if (node.kind === 'source') {
        const task = new SourceTask(node, uid, this);
        this.sources.push(task);
        built.set(node.id, task);
        continue;
      }
      const task = new Task(node, uid, this);
      for (const edge of node.inputs) {
        const upstream = built.get(edge.from.id)!;
        let output = upstream.output;
        if (edge.tag !== undefined) {
          if (!(upstream instanceof Task)) {
            throw new StreamError(StreamErrorCode.config, `source '${upstream.name}' has no side outputs`);
          }
          let side = upstream.sideOutputs.get(edge.tag);
          if (side === undefined) {
            side = new TaskOutput();
            upstream.sideOutputs.set(edge.tag, side);
          }
          output = side;
        }
        output.connect(task, task.addChannel(edge.input));
      }
      this.tasks.push(task);
      built.set(node.id, task);
    }
    for (const task of this.tasks) task.instantiate();
  }

  ownsKeyGroup(_keyGroup: number): boolean {
    return true;
  }

  scheduleProcessingTime(time: number, task: ProcessingTimeTarget): void {
    this.processingTimers.push(time, task);
  }

  awaitBeforeNextBatch(promise: Promise<unknown>): void {
    this.pendingAwaits.push(promise);
  }

  /** Promises operators asked to be awaited before the next batch (and forgets them). */
  takeAwaits(): Promise<unknown>[] | undefined {
    if (this.pendingAwaits.length === 0) return undefined;
    const list = this.pendingAwaits;
    this.pendingAwaits = [];
    return list;
  }

  collectSnapshot(uid: string, state: unknown): void {
    if (this.collecting === undefined) throw new Error(`snapshot of '${uid}' outside a checkpoint`);
    this.collecting.states.set(uid, serialize(state));
  }

  collectPreparation(promise: Promise<void>): void {
    if (this.collecting === undefined) throw new Error('checkpoint preparation outside a checkpoint');
    this.collecting.preparations.push(promise);
  }

  /** Loads restored task states (V8-serialised, by uid) before {@link JobRuntime.start}. */
  restore(states: ReadonlyMap<string, unknown>, allowNonRestoredState: boolean): void {
    const known = new Set<string>();
    for (const source of this.sources) {
      known.add(source.uid);
      const s = states.get(source.uid);
      if (s !== undefined) this.restoredSources.set(source.uid, s as SourceSnapshot);
    }
    for (const task of this.tasks) {
      known.add(task.uid);
      const s = states.get(task.uid);
      if (s !== undefined) task.restore(s as TaskSnapshot);
    }
    const unknown = [...states.keys()].filter((uid) => !known.has(uid));
    if (unknown.length > 0 && !allowNonRestoredState) {
      throw new StreamError(
        StreamErrorCode.checkpoint,
        `the snapshot has state for operators not in this job: ${unknown.join(', ')} ` +
          `(set uids to match, or pass allowNonRestoredState to drop it)`,
      );
    }
  }

  /** Runs every operator's asynchronous `open`, upstream first. */
  async open(): Promise<void> {
    for (const task of this.tasks) {
      const p = task.operator.open();
      if (p !== undefined) await p;
    }
  }

  /** Calls every operator's `onStart`, upstream first. */
  start(): void {
    for (const task of this.tasks) task.operator.onStart();
  }

  /**
   * Takes checkpoint `checkpointId` synchronously: every source injects its barrier in this one
   * step, so the barriers flow through the whole graph before any further record can.
   */
  snapshot(checkpointId: number): TakenSnapshot {
    const taken: TakenSnapshot = { checkpointId, states: new Map(), preparations: [] };
    this.collecting = taken;
    try {
      for (const source of this.sources) source.injectBarrier(checkpointId);
    } finally {
      this.collecting = undefined;
    }
    return taken;
  }

  /** Tells every operator that checkpoint `checkpointId` is durable (sinks commit here). */
  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    for (const task of this.tasks) {
      const p = task.operator.onCheckpointComplete(checkpointId);
      if (p !== undefined) await p;
    }
  }

  /** The earliest requested processing time, or Infinity. */
  nextProcessingTime(): number {
    return this.processingTimers.peekPriority();
  }

  /** Calls operators whose requested processing time is ≤ `now`. */
  fireProcessingTime(now: number): void {
    const heap = this.processingTimers;
    while (heap.size > 0 && heap.peekPriority() <= now) {
      const time = heap.peekPriority();
      const task = heap.pop();
      // Only the task's latest request counts; older heap entries are stale.
      if (task.requestedProcessingTime === time) task.fireProcessingTime(now);
    }
  }

  /** Closes every operator, upstream first; the first failure is rethrown after all closed. */
  async close(): Promise<void> {
    let failure: unknown;
    for (const task of this.tasks) {
      try {
        const p = task.operator.onClose();
        if (p !== undefined) await p;
      } catch (e) {
        failure ??= e;
      }
    }
    if (failure !== undefined) throw failure as Error;
  }
}
