/**
 * The Nexmark event model: one row of the `datagen` table of `ddl_gen.sql`, a union of person,
 * auction and bid with an `event_type` discriminator. Field names are the DDL's; every TIMESTAMP
 * is an epoch-millisecond number.
 */

/** The `event_type` values: 0 person, 1 auction, 2 bid. */
export const EventType = { person: 0, auction: 1, bid: 2 } as const;
/** One of {@link EventType}'s values. */
export type EventType = (typeof EventType)[keyof typeof EventType];

/** A new person registering (2% of the events). */
export interface Person {
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  readonly state: string;
  /** Epoch milliseconds. */
  readonly dateTime: number;
  readonly extra: string;
}

/** A new auction (6% of the events). */
export interface Auction {
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  /** Cents. */
  readonly initialBid: number;
  /** Cents. */
  readonly reserve: number;
  /** Epoch milliseconds. */
  readonly dateTime: number;
  /** Epoch milliseconds. */
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
}

/** A bid on an auction (92% of the events). */
export interface Bid {
  readonly auction: number;
  readonly bidder: number;
  /** Cents. */
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  /** Epoch milliseconds. */
  readonly dateTime: number;
  readonly extra: string;
}

/** A person event: `person` set, the other two null. */
export interface PersonEvent {
  readonly event_type: typeof EventType.person;
  readonly person: Person;
  readonly auction: null;
  readonly bid: null;
}

/** An auction event: `auction` set, the other two null. */
export interface AuctionEvent {
  readonly event_type: typeof EventType.auction;
  readonly person: null;
  readonly auction: Auction;
  readonly bid: null;
}

/** A bid event: `bid` set, the other two null. */
export interface BidEvent {
  readonly event_type: typeof EventType.bid;
  readonly person: null;
  readonly auction: null;
  readonly bid: Bid;
}

/**
 * One generated event. Every event object has the same four keys in the same order (one hidden
 * class for the engine's hot loops), and `JSON.stringify(event)` is exactly the line the CLI
 * writes.
 */
export type NexmarkEvent = PersonEvent | AuctionEvent | BidEvent;

/** The event time of any event, in epoch milliseconds (the `dateTime` computed column of the DDL). */
export function eventTime(event: NexmarkEvent): number {
  switch (event.event_type) {
    case EventType.person:
      return event.person.dateTime;
    case EventType.auction:
      return event.auction.dateTime;
    case EventType.bid:
      return event.bid.dateTime;
  }
}
