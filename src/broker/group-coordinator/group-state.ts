/**
 * The classic group's states, Kafka's names (DescribeGroups and ListGroups print them), and the
 * transition table: a move not listed here is a bug in the coordinator, so `transitionTo()`
 * throws instead of letting a group drift into a state Kafka would never reach.
 *
 * ```
 *   Empty ──────────────► PreparingRebalance ◄──────────── Stable
 *     ▲                     │       ▲                         ▲
 *     └── no member left ───┘       │ member joins/leaves     │ leader's SyncGroup
 *                           │       │                         │
 *                           └──► CompletingRebalance ─────────┘
 *   (any state) ──► Dead: the group was deleted or its last offsets expired
 * ```
 */
export const GroupState = {
  Empty: 'Empty',
  PreparingRebalance: 'PreparingRebalance',
  CompletingRebalance: 'CompletingRebalance',
  Stable: 'Stable',
  Dead: 'Dead',
} as const;
export type GroupState = (typeof GroupState)[keyof typeof GroupState];

/** For each state, the states it may move to. */
export const groupTransitions: Readonly<Record<GroupState, readonly GroupState[]>> = {
  Empty: [GroupState.PreparingRebalance, GroupState.Dead],
  // Join completes with members (CompletingRebalance) or without any (Empty).
  PreparingRebalance: [GroupState.CompletingRebalance, GroupState.Empty, GroupState.Dead],
  // A member joins or leaves before the leader's assignment arrives: rebalance again.
  CompletingRebalance: [GroupState.PreparingRebalance, GroupState.Stable, GroupState.Dead],
  Stable: [GroupState.PreparingRebalance, GroupState.Dead],
  Dead: [],
};

export const allGroupStates: readonly GroupState[] = Object.values(GroupState);

/** Thrown on a transition the table does not allow: a coordinator bug, never a client error. */
export class IllegalGroupTransition extends Error {
  constructor(
    readonly groupId: string,
    readonly from: GroupState,
    readonly to: GroupState,
  ) {
    super(`group '${groupId}': illegal state transition ${from} → ${to}`);
    this.name = 'IllegalGroupTransition';
  }
}

/**
 * A group's current state with the one way to change it.
 *
 * @example
 * const s = new GroupStateMachine('orders-app', clock.now());
 * s.transitionTo(GroupState.PreparingRebalance, clock.now());
 * s.transitionTo(GroupState.Stable, clock.now()); // throws IllegalGroupTransition
 */
export class GroupStateMachine {
  private current: GroupState;
  /** When the group entered its current state (epoch ms); offsets of an Empty group expire from here. */
  private since: number;

  constructor(
    private readonly groupId: string,
    now: number,
    initial: GroupState = GroupState.Empty,
  ) {
    this.current = initial;
    this.since = now;
  }

  get state(): GroupState {
    return this.current;
  }

  get stateTimestamp(): number {
    return this.since;
  }

  is(state: GroupState): boolean {
    return this.current === state;
  }

  canTransitionTo(to: GroupState): boolean {
    return groupTransitions[this.current].includes(to);
  }

  transitionTo(to: GroupState, now: number): void {
    if (!this.canTransitionTo(to)) throw new IllegalGroupTransition(this.groupId, this.current, to);
    this.current = to;
    this.since = now;
  }
}
