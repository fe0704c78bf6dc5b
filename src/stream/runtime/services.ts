import type { Clock } from '../time/clock.js';

/** What the job runtime offers its tasks. */
export interface RuntimeServices {
  readonly clock: Clock;
  readonly keyGroups: number;
  /** Key groups owned by this instance (all of them for now). */
  ownsKeyGroup(keyGroup: number): boolean;
  scheduleProcessingTime(time: number, task: ProcessingTimeTarget): void;
  awaitBeforeNextBatch(promise: Promise<unknown>): void;
  /** A task's state for the checkpoint in progress (already serialisable data). */
  collectSnapshot(uid: string, state: unknown): void;
  /** A promise the checkpoint in progress must wait for. */
  collectPreparation(promise: Promise<void>): void;
}

/** A task that asked to be called at a processing time. */
export interface ProcessingTimeTarget {
  /** The time the task currently waits for (Infinity when none). */
  readonly requestedProcessingTime: number;
  fireProcessingTime(now: number): void;
}
