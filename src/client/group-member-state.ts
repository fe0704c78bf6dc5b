import { RivuletError } from '../shared/errors.js';

/**
 * A group member's states and the moves between them. A move not in the table is a bug in the
 * member, so `transitionTo()` throws rather than letting heartbeats run for a member that is not
 * in a generation, or a join start twice.
 *
 * ```
 *   Unjoined ──► Joining ──► Stable ──► Joining (rejoin: a rebalance, a new subscription)
 *       ▲           │          │
 *       └───────────┴──────────┘  lost the generation (session expired, fenced, left)
 *   (any state) ──► Closed
 * ```
 *
 * Whether a Stable member must rejoin (the coordinator announced a rebalance) is a flag beside
 * the state: the member stays Stable, heartbeating, until the application's next poll rejoins.
 */
export const MemberState = {
  /** Not in any generation: before the first join, or after the generation was lost. */
  Unjoined: 'Unjoined',
  /** JoinGroup and SyncGroup in progress; no heartbeats (the coordinator keeps us alive). */
  Joining: 'Joining',
  /** In a generation with an assignment; heartbeating. */
  Stable: 'Stable',
  Closed: 'Closed',
} as const;
export type MemberState = (typeof MemberState)[keyof typeof MemberState];

export const memberTransitions: Readonly<Record<MemberState, readonly MemberState[]>> = {
  Unjoined: [MemberState.Joining, MemberState.Closed],
  // A join ends in a generation, or fails (fatal error, coordinator gone) back to Unjoined.
  Joining: [MemberState.Stable, MemberState.Unjoined, MemberState.Closed],
  Stable: [MemberState.Joining, MemberState.Unjoined, MemberState.Closed],
  Closed: [],
};

/** The current state of one member, with the one way to change it. */
export class MemberStateMachine {
  private current: MemberState = MemberState.Unjoined;

  constructor(private readonly groupId: string) {}

  get state(): MemberState {
    return this.current;
  }

  is(state: MemberState): boolean {
    return this.current === state;
  }

  transitionTo(to: MemberState): void {
    if (!memberTransitions[this.current].includes(to)) {
      throw new RivuletError(
        'RIV_ERR_INTERNAL',
        `group '${this.groupId}' member: illegal state transition ${this.current} → ${to}`,
      );
    }
    this.current = to;
  }
}
