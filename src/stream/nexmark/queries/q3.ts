import type { DataStream } from '../../api/streams.js';
import { OutputTag } from '../../core/output-tag.js';
import type { NexmarkEvent } from '../model.js';

/** A row of q3. */
export interface Q3Row {
  readonly name: string;
  readonly city: string;
  readonly state: string;
  readonly id: number;
}

/** What the join keeps of an auction: the key and the one column it outputs. */
interface AuctionSide {
  readonly seller: number;
  readonly id: number;
}

/** What the join keeps of a person. */
interface PersonSide {
  readonly id: number;
  readonly name: string;
  readonly city: string;
  readonly state: string;
}

const PERSONS = new OutputTag<PersonSide>('q3-persons');

/**
 * Nexmark q3, local item suggestion: category-10 auctions joined with their sellers in OR, ID
 * or CA. A regular (unbounded) inner join, as Flink plans it: both sides stay in keyed state and
 * every matching pair is emitted once, when its second record arrives. One pass splits the
 * events: filtered auctions on the main output, filtered persons on a side output, each
 * projected to the columns the join needs (the state, and every checkpoint, holds only those).
 *
 * @example
 * ```ts
 * q3(nexmarkEvents(env, { events: 1_000_000 })).print();
 * ```
 */
export function q3(events: DataStream<NexmarkEvent>): DataStream<Q3Row> {
  const auctions = events
    .process<AuctionSide>({
      processElement(e, ctx) {
        const a = e.auction;
        if (a !== null) {
          if (a.category === 10) ctx.emit({ seller: a.seller, id: a.id });
          return;
        }
        const p = e.person;
        if (p !== null && (p.state === 'OR' || p.state === 'ID' || p.state === 'CA')) {
          ctx.output(PERSONS, { id: p.id, name: p.name, city: p.city, state: p.state });
        }
      },
    })
    .name('q3-split');
  const persons = auctions.sideOutput(PERSONS);
  return auctions
    .keyBy((a) => a.seller)
    .join(
      persons.keyBy((p) => p.id),
      (a, p): Q3Row => ({ name: p.name, city: p.city, state: p.state, id: a.id }),
      { uid: 'q3-join', name: 'q3-join' },
    );
}
