import type { Clock } from '../../shared/clock.js';

/**
 * Named deadlines (session expiry per member, rebalance completion per group) measured on an
 * injectable {@link Clock}. `runDue()` fires what is due; nothing fires by itself unless
 * `autoRun` is on, in which case one real timer is armed at the earliest deadline. Tests use a
 * ManualClock without autoRun and call `runDue()` after advancing it: session expiry is then
 * tested without waiting for real time.
 *
 * Rescheduling is cheap (a map write); the earliest deadline is searched only when the timer
 * fires, because heartbeats push deadlines later far more often than anything moves them earlier.
 *
 * @example
 * const d = new Deadlines(clock, { autoRun: false });
 * d.schedule('hb:g:m1', clock.now() + 10_000, () => expire('m1'));
 * clock.advance(10_000);
 * d.runDue(); // expires m1
 */
export class Deadlines {
  private readonly entries = new Map<string, { at: number; fire: () => void }>();
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Infinity;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly opts: { autoRun: boolean; onError?: (err: unknown) => void },
  ) {}

  /** Sets (or replaces) the deadline `key` to fire at `at` (epoch ms on the clock). */
  schedule(key: string, at: number, fire: () => void): void {
    if (this.closed) return;
    this.entries.set(key, { at, fire });
    if (this.opts.autoRun && at < this.armedAt) this.arm(at);
  }

  cancel(key: string): void {
    this.entries.delete(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The deadline of `key`, or undefined. */
  at(key: string): number | undefined {
    return this.entries.get(key)?.at;
  }

  /** Fires every deadline at or before now, earliest first. Returns how many fired. */
  runDue(): number {
    let fired = 0;
    for (;;) {
      const now = this.clock.now();
      let dueKey: string | undefined;
      let dueAt = Infinity;
      for (const [key, e] of this.entries) {
        if (e.at <= now && e.at < dueAt) {
          dueKey = key;
          dueAt = e.at;
        }
      }
      if (dueKey === undefined) return fired;
      const entry = this.entries.get(dueKey)!;
      this.entries.delete(dueKey);
      fired++;
      try {
        entry.fire();
      } catch (err) {
        if (this.opts.onError === undefined) throw err;
        this.opts.onError(err);
      }
    }
  }

  /** The earliest deadline, or Infinity when none is set. */
  earliest(): number {
    let min = Infinity;
    for (const e of this.entries.values()) if (e.at < min) min = e.at;
    return min;
  }

  /** Cancels everything and stops the timer; later schedules are ignored. */
  close(): void {
    this.closed = true;
    this.entries.clear();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.armedAt = at;
    // setTimeout's limit is 2^31-1 ms; a later deadline simply re-arms when this one fires.
    const delay = Math.min(Math.max(0, at - this.clock.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.armedAt = Infinity;
      this.runDue();
      const next = this.earliest();
      if (next !== Infinity && !this.closed) this.arm(next);
    }, delay);
    this.timer.unref();
  }
}
