import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GroupConsumer, type GroupConsumerOptions, type TopicPartition } from '../../../src/client/index.js';
import { isRivuletError } from '../../../src/shared/errors.js';
import type { TestBroker } from '../../support/broker.js';

/** The client id of the group's leader as the broker sees it, if the group has one. */
export function leaderClientId(broker: TestBroker, groupId: string): string | undefined {
  const g = broker.groups.group(groupId);
  return g?.members.get(g.leaderId ?? '')?.clientId;
}

/** Resolves once `check()` holds, looking every 20 ms; throws naming `what` after `limitMs`. */
export async function until(check: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A record as a member saw it. */
export interface Seen {
  partition: number;
  offset: number;
  value: string;
}

/** A member of a group that polls in a loop of its own, recording what it reads and is assigned. */
export interface RunningMember {
  readonly consumer: GroupConsumer;
  readonly records: Seen[];
  /** The partitions of the last assignment, and how many assignments it had. */
  readonly assigned: () => number[];
  readonly assignments: () => number;
  readonly revocations: TopicPartition[][];
  /** The first error the loop hit (the loop stops there). */
  readonly error: () => unknown;
  /** Stops polling and closes the consumer (commit, LeaveGroup). */
  stop(): Promise<void>;
  /** Stops polling but keeps the member: its heartbeats go on, its poll timer runs out. */
  pausePolling(): Promise<void>;
  resumePolling(): void;
}

/** Fast timers: heartbeats every 100 ms, 100 ms long polls, commits every 100 ms. */
export const fastGroupTimers = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 100,
  maxWaitMs: 100,
  autoCommitIntervalMs: 100,
  autoOffsetReset: 'earliest',
} as const;

export function startMember(opts: GroupConsumerOptions): RunningMember {
  const records: Seen[] = [];
  const revocations: TopicPartition[][] = [];
  let assigned: number[] = [];
  let assignments = 0;
  let error: unknown = null;
  // Held in an object: TypeScript does not see assignments made inside callbacks.
  const hooks: {
    polling: boolean;
    stopped: boolean;
    wakeLoop: (() => void) | null;
    loopPaused: (() => void) | null;
  } = { polling: true, stopped: false, wakeLoop: null, loopPaused: null };
  const stoppedNow = (): boolean => hooks.stopped;
  const consumer = new GroupConsumer({
    ...fastGroupTimers,
    ...opts,
    onAssigned: async (tps) => {
      assigned = tps.map((tp) => tp.partition).sort((a, b) => a - b);
      assignments++;
      await opts.onAssigned?.(tps);
    },
    onRevoked: async (tps) => {
      revocations.push(tps);
      await opts.onRevoked?.(tps);
    },
  });
  const loop = (async () => {
    while (!hooks.stopped) {
      if (!hooks.polling) {
        hooks.loopPaused?.();
        await new Promise<void>((resolve) => (hooks.wakeLoop = resolve));
        continue;
      }
      try {
        for (const part of await consumer.poll()) {
          part.forEach((r) => {
            records.push({ partition: part.partition, offset: r.offset, value: r.value?.toString() ?? '' });
          });
        }
      } catch (err) {
        if (stoppedNow() && isRivuletError(err, 'RIV_ERR_CLIENT_CLOSED')) return;
        error = err;
        return;
      }
    }
  })();
  return {
    consumer,
    records,
    revocations,
    assigned: () => assigned,
    assignments: () => assignments,
    error: () => error,
    async stop() {
      hooks.stopped = true;
      hooks.wakeLoop?.();
      await consumer.close();
      await loop;
    },
    async pausePolling() {
      const paused = new Promise<void>((resolve) => (hooks.loopPaused = resolve));
      hooks.polling = false;
      await paused;
    },
    resumePolling() {
      hooks.polling = true;
      hooks.wakeLoop?.();
    },
  };
}

/** A member in a child process (test/client/support/group-member-child.ts), to be crashed. */
export interface ChildMember {
  readonly child: ChildProcess;
  readonly records: Seen[];
  readonly assigned: () => number[];
  readonly closed: () => boolean;
}

const childScript = fileURLToPath(new URL('./group-member-child.ts', import.meta.url));

export function startChildMember(
  bootstrap: string,
  groupId: string,
  topic: string,
  sessionTimeoutMs: number,
): ChildMember {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', childScript, bootstrap, groupId, topic, String(sessionTimeoutMs)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const records: Seen[] = [];
  let assigned: number[] = [];
  let closed = false;
  let partial = '';
  child.stdout.on('data', (b: Buffer) => {
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const e = JSON.parse(line) as { event: string; partitions?: number[] } & Partial<Seen>;
      if (e.event === 'assigned') assigned = e.partitions!;
      else if (e.event === 'record')
        records.push({ partition: e.partition!, offset: e.offset!, value: e.value! });
      else if (e.event === 'closed') closed = true;
    }
  });
  return { child, records, assigned: () => assigned, closed: () => closed };
}
