import { describe, expect, it } from 'vitest';
import {
  allGroupStates,
  GroupState,
  GroupStateMachine,
  groupTransitions,
  IllegalGroupTransition,
} from './group-state.js';

/** Kafka's GroupMetadata validPreviousStates, inverted: the moves a classic group may make. */
const kafkaMoves: [GroupState, GroupState][] = [
  ['Empty', 'PreparingRebalance'],
  ['Empty', 'Dead'],
  ['PreparingRebalance', 'CompletingRebalance'],
  ['PreparingRebalance', 'Empty'],
  ['PreparingRebalance', 'Dead'],
  ['CompletingRebalance', 'PreparingRebalance'],
  ['CompletingRebalance', 'Stable'],
  ['CompletingRebalance', 'Dead'],
  ['Stable', 'PreparingRebalance'],
  ['Stable', 'Dead'],
];

describe('group state machine', () => {
  it('allows exactly the moves Kafka allows', () => {
    const table = allGroupStates.flatMap((from) => groupTransitions[from].map((to) => [from, to]));
    expect(table.sort()).toEqual([...kafkaMoves].sort());
  });

  for (const from of allGroupStates) {
    for (const to of allGroupStates) {
      const legal = kafkaMoves.some(([f, t]) => f === from && t === to);
      it(`${legal ? 'allows' : 'refuses'} ${from} → ${to}`, () => {
        const s = new GroupStateMachine('g', 100, from);
        if (legal) {
          s.transitionTo(to, 200);
          expect(s.state).toBe(to);
          expect(s.stateTimestamp).toBe(200);
        } else {
          expect(() => {
            s.transitionTo(to, 200);
          }).toThrow(IllegalGroupTransition);
          expect(s.state).toBe(from);
          expect(s.stateTimestamp).toBe(100);
        }
      });
    }
  }

  it('starts Empty and names the group and the move when refusing', () => {
    const s = new GroupStateMachine('orders', 0);
    expect(s.is(GroupState.Empty)).toBe(true);
    expect(() => {
      s.transitionTo(GroupState.Stable, 1);
    }).toThrow("group 'orders': illegal state transition Empty → Stable");
  });
});
