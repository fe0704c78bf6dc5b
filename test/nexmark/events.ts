/**
 * Hand-made Nexmark events for tests: each builder fills the fields a test does not care about
 * with fixed values.
 */
import type {
  Auction,
  AuctionEvent,
  Bid,
  BidEvent,
  NexmarkEvent,
  Person,
  PersonEvent,
} from '../../src/stream/nexmark/index.js';
import { DEFAULT_BASE_TIME } from '../../src/stream/nexmark/index.js';

/** Epoch ms of `seconds` after the generator's base time (aligned to every window the queries use). */
export const at = (seconds: number): number => DEFAULT_BASE_TIME + Math.round(seconds * 1000);

export function person(id: number, dateTime: number, fields: Partial<Person> = {}): PersonEvent {
  return {
    event_type: 0,
    person: {
      id,
      name: `Person ${id}`,
      emailAddress: `p${id}@example.com`,
      creditCard: '0000 0000 0000 0000',
      city: 'Boise',
      state: 'ID',
      dateTime,
      extra: '',
      ...fields,
    },
    auction: null,
    bid: null,
  };
}

export function auction(
  id: number,
  seller: number,
  dateTime: number,
  fields: Partial<Auction> = {},
): AuctionEvent {
  return {
    event_type: 1,
    person: null,
    auction: {
      id,
      itemName: `item ${id}`,
      description: '',
      initialBid: 100,
      reserve: 200,
      dateTime,
      expires: dateTime + 60_000,
      seller,
      category: 10,
      extra: '',
      ...fields,
    },
    bid: null,
  };
}

export function bid(
  auctionId: number,
  bidder: number,
  price: number,
  dateTime: number,
  fields: Partial<Bid> = {},
): BidEvent {
  return {
    event_type: 2,
    person: null,
    auction: null,
    bid: {
      auction: auctionId,
      bidder,
      price,
      channel: 'Google',
      url: 'https://www.nexmark.com/a/b/c/item.htm?query=1',
      dateTime,
      extra: `x${dateTime}`,
      ...fields,
    },
  };
}

/** A batch source over an array of events, for code that reads from a generator. */
export class ArraySource {
  private next = 0;

  constructor(private readonly events: readonly NexmarkEvent[]) {}

  nextBatch(out: NexmarkEvent[], max: number): number {
    const count = Math.min(max, this.events.length - this.next);
    for (let i = 0; i < count; i++) out[i] = this.events[this.next + i]!;
    out.length = count;
    this.next += count;
    return count;
  }
}
