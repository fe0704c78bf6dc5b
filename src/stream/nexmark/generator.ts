/**
 * The Nexmark event generator: deterministic in structure, random in values, after the
 * description in `../shared/nexmark/README.md` and the reference generator of the nexmark/nexmark
 * repository (our own code).
 *
 * Determinism contract: event n is a pure function of (seed, rate, baseTime, n). Its kind follows
 * `n mod 50`, its ids follow from n, its time is `baseTime + floor(n * 1000 / rate)` ms (event time
 * advances `1e6 / rate` µs per event), and its random fields come from a PRNG seeded with (seed, n).
 * Nothing reads the wall clock. A generator that seeks to n therefore produces exactly the events a
 * generator that started at 0 produces from n on.
 */
import type { Auction, Bid, NexmarkEvent, Person } from './model.js';
import { EventType } from './model.js';
import { EventRandom } from './random.js';
import {
  CHANNEL_COUNT,
  CHANNEL_URLS,
  CHANNELS,
  FOUR_DIGITS,
  HOT_CHANNELS,
  HOT_URLS,
  LETTER_POOL,
  PERSON_NAMES,
  POOL_OFFSETS,
  priceFromBits,
  TEXT_POOL,
  US_CITIES,
  US_STATES,
} from './tables.js';

/** The fixed base time: 2024-01-01T00:00:00Z, aligned to every window size the queries use. */
export const DEFAULT_BASE_TIME = 1_704_067_200_000;
/** The default event rate: events per second of event time. */
export const DEFAULT_RATE = 10_000;
/** The largest accepted rate, events per second of event time. */
export const MAX_RATE = 1_000_000_000;
/** The largest event number plus one: keeps `n * 1000` exact in a double. */
export const MAX_EVENTS = 1_000_000_000_000;

/** Ids start here so that queries find matches even on small inputs. */
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;

// Proportions of each kind per epoch of 50 events: event n is a person when n % 50 < 1, an
// auction when n % 50 < 4, a bid otherwise.
const PERSON_PROPORTION = 1;
const AUCTION_PROPORTION = 3;
const TOTAL_PROPORTION = 50;

const NUM_CATEGORIES = 5;
const NUM_ACTIVE_PEOPLE = 1000;
const NUM_IN_FLIGHT_AUCTIONS = 100;
/** Ids a little ahead of the last one issued may be drawn, as if events were slightly reordered. */
const PERSON_ID_LEAD = 10;
const AUCTION_ID_LEAD = 10;
/** Hot sellers, bidders and auctions are the first (bidders: second) of each block of 100 ids. */
const HOT_BLOCK = 100;
/** Events until `NUM_IN_FLIGHT_AUCTIONS` more auctions exist: an auction's expected lifetime. */
const EVENTS_PER_AUCTION_HORIZON = Math.floor(
  (NUM_IN_FLIGHT_AUCTIONS * TOTAL_PROPORTION) / AUCTION_PROPORTION,
);

// Average sizes of each kind in bytes (fixed-width fields counted as 8); `extra` pads to them.
const AVG_PERSON_BYTES = 200;
const AVG_AUCTION_BYTES = 500;
const AVG_BID_BYTES = 100;
const BID_FIXED_BYTES = 8 * 4;

/**
 * A bid's `extra` is one of 512 precomputed strings of its length, indexed [length - min][i],
 * not a fresh slice: bids are 92% of the events, and padding need not be unique.
 */
const BID_EXTRA_VARIANT_BITS = 9;
const BID_EXTRAS: readonly (readonly string[])[] = (() => {
  const { min, max } = extraBounds(BID_FIXED_BYTES, AVG_BID_BYTES);
  const variants = 1 << BID_EXTRA_VARIANT_BITS;
  return Array.from({ length: max - min + 1 }, (_, i) =>
    Array.from({ length: variants }, (_, j) => {
      const start = (j * 127 + i * 7919) % POOL_OFFSETS;
      return LETTER_POOL.slice(start, start + min + i);
    }),
  );
})();

/** How to configure a {@link NexmarkGenerator}. */
export interface NexmarkGeneratorOptions {
  /** Unsigned 32-bit seed; default 0. */
  readonly seed?: number;
  /** Events per second of event time, an integer from 1 to {@link MAX_RATE}; default 10,000. */
  readonly rate?: number;
  /** Event time of event 0, epoch ms; default {@link DEFAULT_BASE_TIME}. */
  readonly baseTime?: number;
  /** How many events exist (numbers 0 … events − 1); default {@link MAX_EVENTS}. */
  readonly events?: number;
  /** The number of the first event to generate (a checkpointed source's position); default 0. */
  readonly position?: number;
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`nexmark: ${name} must be an integer from ${min} to ${max} (got ${value})`);
  }
  return value;
}

/**
 * Generates Nexmark events in order of event number. Batches are filled into a caller's array, so
 * a source reuses one array for its whole run.
 *
 * @example
 * ```ts
 * const gen = new NexmarkGenerator({ seed: 7, events: 1_000_000 });
 * const batch: NexmarkEvent[] = [];
 * while (gen.nextBatch(batch, 4096) > 0) {
 *   for (const e of batch) if (e.bid !== null) total += e.bid.price;
 * }
 * ```
 */
export class NexmarkGenerator {
  readonly seed: number;
  readonly rate: number;
  readonly baseTime: number;
  readonly events: number;
  private readonly random: EventRandom;
  private nextNumber: number;
  // Event time is `baseTime + (n * 1000) / rate` ms; these walk it in integer steps.
  private readonly stepMs: number;
  private readonly stepRemainder: number;

  constructor(options: NexmarkGeneratorOptions = {}) {
    this.seed = checkInteger('seed', options.seed ?? 0, 0, 0xffffffff);
    this.rate = checkInteger('rate', options.rate ?? DEFAULT_RATE, 1, MAX_RATE);
    this.baseTime = checkInteger('baseTime', options.baseTime ?? DEFAULT_BASE_TIME, 0, 8.64e15);
    this.events = checkInteger('events', options.events ?? MAX_EVENTS, 0, MAX_EVENTS);
    this.nextNumber = checkInteger('position', options.position ?? 0, 0, this.events);
    this.random = new EventRandom(this.seed);
    this.stepMs = Math.floor(1000 / this.rate);
    this.stepRemainder = 1000 % this.rate;
  }

  /** The number of the next event to generate; what a checkpoint stores. */
  get position(): number {
    return this.nextNumber;
  }

  /** How many events are left. */
  get remaining(): number {
    return this.events - this.nextNumber;
  }

  /** Continues from event `position` (0 ≤ position ≤ events). */
  seek(position: number): void {
    this.nextNumber = checkInteger('position', position, 0, this.events);
  }

  /** Event time of event `n`, epoch ms. */
  timestampOf(n: number): number {
    const scaled = n * 1000;
    return this.baseTime + (scaled - (scaled % this.rate)) / this.rate;
  }

  /** Event `n` (0 ≤ n < events), without moving the position. */
  eventAt(n: number): NexmarkEvent {
    checkInteger('event number', n, 0, this.events - 1);
    return this.make(n, this.timestampOf(n));
  }

  /**
   * Generates up to `max` events into `out[0 …]`, sets `out.length` to their count and returns it;
   * 0 once every event has been generated.
   */
  nextBatch(out: NexmarkEvent[], max: number): number {
    const count = Math.max(0, Math.min(max, this.events - this.nextNumber));
    let n = this.nextNumber;
    const rate = this.rate;
    const stepMs = this.stepMs;
    const stepRemainder = this.stepRemainder;
    const scaled = n * 1000;
    let remainder = scaled % rate;
    let time = this.baseTime + (scaled - remainder) / rate;
    for (let i = 0; i < count; i++) {
      out[i] = this.make(n, time);
      n++;
      time += stepMs;
      remainder += stepRemainder;
      if (remainder >= rate) {
        remainder -= rate;
        time++;
      }
    }
    out.length = count;
    this.nextNumber = n;
    return count;
  }

  private make(n: number, time: number): NexmarkEvent {
    const epoch = Math.floor(n / TOTAL_PROPORTION);
    const offset = n - epoch * TOTAL_PROPORTION;
    this.random.reset(n);
    if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
      return { event_type: EventType.bid, person: null, auction: null, bid: this.bid(epoch, offset, time) };
    }
    if (offset >= PERSON_PROPORTION) {
      return {
        event_type: EventType.auction,
        person: null,
        auction: this.auction(n, epoch, offset, time),
        bid: null,
      };
    }
    return {
      event_type: EventType.person,
      person: this.person(epoch, offset, time),
      auction: null,
      bid: null,
    };
  }

  private bid(epoch: number, offset: number, time: number): Bid {
    const random = this.random;
    // One draw decides the hot choices and the padding: bit 0 hot auction (1/2), bits 1–2 hot
    // bidder (3/4), bit 3 hot channel (1/2), bits 4–5 which hot channel, bits 6–22 the length of
    // `extra` (uniform over its 28 lengths), bits 23–31 which string of that length.
    const flags = random.nextUint32();
    const lastAuction = lastAuctionId(epoch, offset);
    const auction =
      (flags & 1) !== 0 ? Math.floor(lastAuction / HOT_BLOCK) * HOT_BLOCK : this.randomAuctionId(lastAuction);
    const lastPerson = lastPersonId(epoch, offset);
    const bidder =
      (flags & 6) !== 0
        ? Math.floor(lastPerson / HOT_BLOCK) * HOT_BLOCK + 1
        : this.randomPersonId(lastPerson);
    const price = this.price();
    let channel: string;
    let url: string;
    if ((flags & 8) !== 0) {
      const hot = (flags >>> 4) & 3;
      channel = HOT_CHANNELS[hot]!;
      url = HOT_URLS[hot]!;
    } else {
      const i = random.nextInt(CHANNEL_COUNT);
      channel = CHANNELS[i]!;
      url = CHANNEL_URLS[i]!;
    }
    const extras = BID_EXTRAS[(((flags >>> 6) & 0x1ffff) * BID_EXTRAS.length) >>> 17]!;
    return {
      auction: auction + FIRST_AUCTION_ID,
      bidder: bidder + FIRST_PERSON_ID,
      price,
      channel,
      url,
      dateTime: time,
      extra: extras[flags >>> (32 - BID_EXTRA_VARIANT_BITS)]!,
    };
  }

  private auction(n: number, epoch: number, offset: number, time: number): Auction {
    const random = this.random;
    const id = lastAuctionId(epoch, offset) + FIRST_AUCTION_ID;
    const lastPerson = lastPersonId(epoch, offset);
    const seller =
      random.nextInt(4) > 0
        ? Math.floor(lastPerson / HOT_BLOCK) * HOT_BLOCK
        : this.randomPersonId(lastPerson);
    const category = FIRST_CATEGORY_ID + random.nextInt(NUM_CATEGORIES);
    const initialBid = this.price();
    const reserve = initialBid + this.price();
    // Lifetimes average the time until NUM_IN_FLIGHT_AUCTIONS more auctions exist.
    const horizon = this.timestampOf(n + EVENTS_PER_AUCTION_HORIZON) - time;
    const expires = time + 1 + random.nextInt(Math.max(horizon * 2, 1));
    const itemName = this.text(20);
    const description = this.text(100);
    const extra = this.extra(8 + itemName.length + description.length + 8 * 5, AVG_AUCTION_BYTES);
    return {
      id,
      itemName,
      description,
      initialBid,
      reserve,
      dateTime: time,
      expires,
      seller: seller + FIRST_PERSON_ID,
      category,
      extra,
    };
  }

  private person(epoch: number, offset: number, time: number): Person {
    const random = this.random;
    const name = PERSON_NAMES[random.nextInt(PERSON_NAMES.length)]!;
    const emailAddress = `${this.text(7)}@${this.text(5)}.com`;
    const creditCard =
      `${FOUR_DIGITS[random.nextInt(10_000)]!} ${FOUR_DIGITS[random.nextInt(10_000)]!} ` +
      `${FOUR_DIGITS[random.nextInt(10_000)]!} ${FOUR_DIGITS[random.nextInt(10_000)]!}`;
    const city = US_CITIES[random.nextInt(US_CITIES.length)]!;
    const state = US_STATES[random.nextInt(US_STATES.length)]!;
    const size = 8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
    return {
      id: lastPersonId(epoch, offset) + FIRST_PERSON_ID,
      name,
      emailAddress,
      creditCard,
      city,
      state,
      dateTime: time,
      extra: this.extra(size, AVG_PERSON_BYTES),
    };
  }

  /** Cents, log-uniform from $1 to $1,000,000. */
  private price(): number {
    return priceFromBits(this.random.nextUint32());
  }

  /** One of the active people, or a few not yet registered (base-0 id). */
  private randomPersonId(lastPerson: number): number {
    const people = lastPerson + 1;
    const active = Math.min(people, NUM_ACTIVE_PEOPLE);
    return people - active + this.random.nextInt(active + PERSON_ID_LEAD);
  }

  /** One of the auctions likely still open, or a few not yet created (base-0 id). */
  private randomAuctionId(lastAuction: number): number {
    const min = Math.max(lastAuction - NUM_IN_FLIGHT_AUCTIONS, 0);
    return min + this.random.nextInt(lastAuction - min + 1 + AUCTION_ID_LEAD);
  }

  /** Text of 3 to maxLength − 1 characters, trimmed (so possibly shorter). */
  private text(maxLength: number): string {
    const length = 3 + this.random.nextInt(maxLength - 3);
    const start = this.random.nextInt(POOL_OFFSETS);
    return TEXT_POOL.slice(start, start + length).trim();
  }

  /** Length of padding that brings an event of `size` bytes to `average` on average (±20%). */
  private extraLength(size: number, average: number): number {
    if (size > average) return 0;
    const wanted = average - size;
    const delta = Math.round(wanted * 0.2);
    return wanted - delta + (delta === 0 ? 0 : this.random.nextInt(2 * delta));
  }

  private extra(size: number, average: number): string {
    const length = this.extraLength(size, average);
    const start = this.random.nextInt(POOL_OFFSETS);
    return LETTER_POOL.slice(start, start + length);
  }
}

/** The range of {@link NexmarkGenerator.extraLength} for an event of `size` bytes. */
function extraBounds(size: number, average: number): { min: number; max: number } {
  if (size > average) return { min: 0, max: 0 };
  const wanted = average - size;
  const delta = Math.round(wanted * 0.2);
  return { min: wanted - delta, max: wanted - delta + Math.max(0, 2 * delta - 1) };
}

/** The id (base 0) of the last person created at or before event `epoch * 50 + offset`. */
function lastPersonId(epoch: number, offset: number): number {
  return epoch * PERSON_PROPORTION + Math.min(offset, PERSON_PROPORTION - 1);
}

/**
 * The id (base 0) of the last auction created at or before event `epoch * 50 + offset`: −1 before
 * the first auction.
 */
function lastAuctionId(epoch: number, offset: number): number {
  if (offset < PERSON_PROPORTION) return epoch * AUCTION_PROPORTION - 1;
  if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION)
    return epoch * AUCTION_PROPORTION + AUCTION_PROPORTION - 1;
  return epoch * AUCTION_PROPORTION + offset - PERSON_PROPORTION;
}

/**
 * Generates events `position … position + count − 1` into a new array: for tests and reference
 * computations; sources use {@link NexmarkGenerator.nextBatch}.
 */
export function generateEvents(count: number, options: NexmarkGeneratorOptions = {}): NexmarkEvent[] {
  const position = options.position ?? 0;
  const generator = new NexmarkGenerator({ ...options, events: position + count });
  const out: NexmarkEvent[] = [];
  generator.nextBatch(out, count);
  return out;
}
