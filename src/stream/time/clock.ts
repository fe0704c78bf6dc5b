/**
 * Processing time. The runtime reads it through this interface so that tests can drive it by
 * hand ({@link ManualClock}); never call `Date.now()` in operators.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that moves only when told to: the test driver's simulated processing time.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(0); clock.advance(5000); clock.now(); // 5000
 * ```
 */
export class ManualClock implements Clock {
  constructor(private time = 0) {}

  now(): number {
    return this.time;
  }

  /** Moves the clock forward by `ms` (never backward). */
  advance(ms: number): void {
    if (ms > 0) this.time += ms;
  }

  /** Sets the clock; a time earlier than now is ignored, as processing time never goes back. */
  set(time: number): void {
    if (time > this.time) this.time = time;
  }
}
