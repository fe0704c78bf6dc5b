import { describe, expect, it } from 'vitest';
import { MemberState, MemberStateMachine, memberTransitions } from './group-member-state.js';

const all = Object.values(MemberState);

describe('group member state machine', () => {
  it('starts Unjoined and follows a join, a rejoin, a lost generation and a close', () => {
    const m = new MemberStateMachine('g');
    expect(m.state).toBe(MemberState.Unjoined);
    for (const s of [
      'Joining',
      'Stable',
      'Joining',
      'Stable',
      'Unjoined',
      'Joining',
      'Unjoined',
      'Closed',
    ] as const) {
      m.transitionTo(s);
      expect(m.is(s)).toBe(true);
    }
  });

  for (const from of all) {
    for (const to of all) {
      const allowed = memberTransitions[from].includes(to);
      it(`${from} → ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
        const m = new MemberStateMachine('g');
        // Drive the machine to `from` along allowed moves.
        const path: Record<MemberState, MemberState[]> = {
          Unjoined: [],
          Joining: ['Joining'],
          Stable: ['Joining', 'Stable'],
          Closed: ['Closed'],
        };
        for (const step of path[from]) m.transitionTo(step);
        if (allowed) {
          m.transitionTo(to);
          expect(m.state).toBe(to);
        } else {
          expect(() => {
            m.transitionTo(to);
          }).toThrow(`group 'g' member: illegal state transition ${from} → ${to}`);
        }
      });
    }
  }

  it('a closed member moves nowhere, and no state moves to itself', () => {
    expect(memberTransitions.Closed).toEqual([]);
    for (const s of all) expect(memberTransitions[s]).not.toContain(s);
  });
});
