import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BASE_TIME,
  FIRST_AUCTION_ID,
  FIRST_PERSON_ID,
  NexmarkGenerator,
  generateEvents,
} from './generator.js';
import { eventsToJsonLines } from './json.js';
import type { Auction, Bid, NexmarkEvent, Person } from './model.js';
import { EventType, eventTime } from './model.js';
import { CHANNELS, CHANNEL_URLS, HOT_CHANNELS, HOT_URLS, US_CITIES, US_STATES } from './tables.js';

const persons = (events: readonly NexmarkEvent[]): Person[] => events.flatMap((e) => e.person ?? []);
const auctions = (events: readonly NexmarkEvent[]): Auction[] => events.flatMap((e) => e.auction ?? []);
const bids = (events: readonly NexmarkEvent[]): Bid[] => events.flatMap((e) => e.bid ?? []);

function drain(generator: NexmarkGenerator, batchSize: number): NexmarkEvent[] {
  const all: NexmarkEvent[] = [];
  const batch: NexmarkEvent[] = [];
  while (generator.nextBatch(batch, batchSize) > 0) all.push(...batch);
  return all;
}

describe('NexmarkGenerator', () => {
  const sample = generateEvents(100_000, { seed: 42 });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(generateEvents(5_000, { seed: 42 })).toEqual(sample.slice(0, 5_000));
    const other = generateEvents(5_000, { seed: 43 });
    expect(bids(other).map((b) => b.price)).not.toEqual(bids(sample.slice(0, 5_000)).map((b) => b.price));
  });

  it('keeps its output stable across versions (fingerprint of the first 5,000 events, seed 0)', () => {
    // If this changes, the generator's output changed: every recorded benchmark input changes too.
    const text = eventsToJsonLines(generateEvents(5_000));
    expect(createHash('sha256').update(text).digest('hex')).toBe(GOLDEN_SHA256);
  });

  it('gives the same events whatever the batch size', () => {
    const expected = sample.slice(0, 3_000);
    for (const size of [1, 7, 50, 4096]) {
      expect(drain(new NexmarkGenerator({ seed: 42, events: 3_000 }), size)).toEqual(expected);
    }
  });

  it('resumes at any position with exactly the events that follow it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_000 }), fc.integer({ min: 1, max: 300 }), (start, count) => {
        const generator = new NexmarkGenerator({ seed: 42, events: 100_000 });
        generator.seek(start);
        const batch: NexmarkEvent[] = [];
        generator.nextBatch(batch, count);
        expect(batch).toEqual(sample.slice(start, start + count));
        expect(generator.position).toBe(start + count);
        expect(new NexmarkGenerator({ seed: 42 }).eventAt(start)).toEqual(sample[start]);
        const fromOption = new NexmarkGenerator({ seed: 42, position: start, events: start + count });
        expect(drain(fromOption, 64)).toEqual(sample.slice(start, start + count));
      }),
      { numRuns: 50 },
    );
  });

  it('stops after `events` events', () => {
    const generator = new NexmarkGenerator({ events: 10 });
    const batch: NexmarkEvent[] = [];
    expect(generator.nextBatch(batch, 4)).toBe(4);
    expect(generator.remaining).toBe(6);
    expect(generator.nextBatch(batch, 100)).toBe(6);
    expect(batch).toHaveLength(6);
    expect(generator.nextBatch(batch, 100)).toBe(0);
    expect(batch).toHaveLength(0);
  });

  it('advances event time by 1e6 / rate µs per event from the base time, in whole ms', () => {
    for (const rate of [1, 3, 7, 999, 1000, 10_000, 333_333, 10_000_000]) {
      const start = rate * 37 + 11;
      const events = generateEvents(2_000, { rate, position: start });
      events.forEach((event, i) => {
        const n = BigInt(start + i);
        const expected = BigInt(DEFAULT_BASE_TIME) + (n * 1_000_000n) / BigInt(rate) / 1000n;
        expect(eventTime(event)).toBe(Number(expected));
      });
    }
    expect(eventTime(generateEvents(1, { baseTime: 5 })[0]!)).toBe(5);
  });

  it('makes event n a person, auction or bid by n mod 50 (1 : 3 : 46)', () => {
    // Checked in plain code and asserted once: an expect() per event would dominate the run time.
    const wrong = sample.filter((event, n) => {
      const offset = n % 50;
      const kind = offset === 0 ? EventType.person : offset < 4 ? EventType.auction : EventType.bid;
      const set = [event.person, event.auction, event.bid].filter((x) => x !== null).length;
      return event.event_type !== kind || set !== 1;
    });
    expect(wrong).toEqual([]);
  });

  it('numbers persons and auctions from 1000 by event number', () => {
    expect(persons(sample).map((p) => p.id)).toEqual(
      Array.from({ length: 2_000 }, (_, i) => FIRST_PERSON_ID + i),
    );
    expect(auctions(sample).map((a) => a.id)).toEqual(
      Array.from({ length: 6_000 }, (_, i) => FIRST_AUCTION_ID + i),
    );
  });

  it('draws bids for hot auctions and by hot bidders in the documented proportions', () => {
    let hotAuction = 0;
    let hotBidder = 0;
    const outOfRange: Bid[] = [];
    sample.forEach((event, n) => {
      if (event.bid === null) return;
      const epoch = Math.floor(n / 50);
      const lastAuction = epoch * 3 + 2;
      const lastPerson = epoch;
      const auction = event.bid.auction - FIRST_AUCTION_ID;
      const bidder = event.bid.bidder - FIRST_PERSON_ID;
      if (
        auction < Math.max(0, lastAuction - 100) ||
        auction > lastAuction + 10 ||
        bidder < Math.max(0, lastPerson - 999) ||
        bidder > lastPerson + 10
      ) {
        outOfRange.push(event.bid);
      }
      if (auction === Math.floor(lastAuction / 100) * 100) hotAuction++;
      if (bidder === Math.floor(lastPerson / 100) * 100 + 1) hotBidder++;
    });
    expect(outOfRange).toEqual([]);
    const count = bids(sample).length;
    // Hot by choice (1/2, 3/4) plus the few random draws that land on the hot id.
    expect(hotAuction / count).toBeGreaterThan(0.49);
    expect(hotAuction / count).toBeLessThan(0.53);
    expect(hotBidder / count).toBeGreaterThan(0.74);
    expect(hotBidder / count).toBeLessThan(0.77);
  });

  it('fills person fields from the documented lists and formats', () => {
    const wrong = persons(sample).filter(
      (p) =>
        !/^[A-Z][a-z]+ [A-Z][a-z]+$/.test(p.name) ||
        !/^[a-z ]*@[a-z ]*\.com$/.test(p.emailAddress) ||
        !/^\d{4} \d{4} \d{4} \d{4}$/.test(p.creditCard) ||
        !US_CITIES.includes(p.city) ||
        !US_STATES.includes(p.state) ||
        !/^[a-z]*$/.test(p.extra),
    );
    expect(wrong).toEqual([]);
    expect(new Set(persons(sample).map((p) => p.state)).size).toBe(US_STATES.length);
  });

  it('fills auction fields: category, prices, sellers, expiry', () => {
    const all = auctions(sample);
    const hotSellers = all.filter((a) => (a.seller - FIRST_PERSON_ID) % 100 === 0).length;
    expect(hotSellers / all.length).toBeGreaterThan(0.74);
    // Lifetime up to twice the time 100 more auctions take: 1,666 events, 166.6 ms at 10,000/s.
    const wrong = all.filter(
      (a) =>
        a.category < 10 ||
        a.category > 14 ||
        a.initialBid < 100 ||
        a.reserve <= a.initialBid ||
        a.expires <= a.dateTime ||
        a.expires - a.dateTime > 334 ||
        a.itemName.length > 19 ||
        a.description.length > 99 ||
        a.itemName !== a.itemName.trim(),
    );
    expect(wrong).toEqual([]);
    expect(new Set(all.map((a) => a.category)).size).toBe(5);
  });

  it('fills bid fields: log-uniform prices, channels with their URLs', () => {
    const all = bids(sample);
    const prices = all.map((b) => b.price);
    expect(Math.min(...prices)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...prices)).toBeLessThanOrEqual(100_000_000);
    expect(prices.every(Number.isInteger)).toBe(true);
    // log10(price / 100) is uniform on [0, 6): each decade holds about a sixth of the bids.
    const underTenDollars = prices.filter((p) => p < 1_000).length / prices.length;
    expect(underTenDollars).toBeGreaterThan(0.16);
    expect(underTenDollars).toBeLessThan(0.175);
    const hot = all.filter((b) => HOT_CHANNELS.includes(b.channel));
    expect(hot.length / all.length).toBeGreaterThan(0.49);
    expect(hot.length / all.length).toBeLessThan(0.51);
    const urlOf = new Map(CHANNELS.map((c, i) => [c, CHANNEL_URLS[i]]));
    HOT_CHANNELS.forEach((c, i) => urlOf.set(c, HOT_URLS[i]));
    const urlPattern = /^https:\/\/www\.nexmark\.com\/\w+\/\w+\/\w+\/item\.htm\?query=1/;
    expect(all.filter((b) => b.url !== urlOf.get(b.channel) || !urlPattern.test(b.url))).toEqual([]);
  });

  it('pads events with extra to the average sizes (person 200, auction 500, bid 100 bytes)', () => {
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    const bidSizes = bids(sample).map((b) => 32 + b.extra.length);
    expect(Math.min(...bidSizes)).toBe(32 + 54);
    expect(Math.max(...bidSizes)).toBe(32 + 81);
    // 54 + U{0 … 27} bytes of padding, as in the reference generator: a mean of 99.5.
    expect(Math.abs(mean(bidSizes) - 100)).toBeLessThan(1);
    const personSizes = persons(sample).map(
      (p) =>
        8 +
        p.name.length +
        p.emailAddress.length +
        p.creditCard.length +
        p.city.length +
        p.state.length +
        p.extra.length,
    );
    expect(Math.abs(mean(personSizes) - 200)).toBeLessThan(2);
    const auctionSizes = auctions(sample).map(
      (a) => 48 + a.itemName.length + a.description.length + a.extra.length,
    );
    expect(Math.abs(mean(auctionSizes) - 500)).toBeLessThan(3);
  });

  it('rejects options out of range, naming them', () => {
    expect(() => new NexmarkGenerator({ rate: 0 })).toThrow(/rate must be an integer from 1/);
    expect(() => new NexmarkGenerator({ seed: -1 })).toThrow(/seed must be an integer from 0 to 4294967295/);
    expect(() => new NexmarkGenerator({ events: 1.5 })).toThrow(/events/);
    expect(() => new NexmarkGenerator({ events: 5, position: 6 })).toThrow(/position/);
    expect(() => new NexmarkGenerator({ events: 5 }).eventAt(5)).toThrow(/event number/);
  });
});

const GOLDEN_SHA256 = 'e3e7505e2b28b929eec7d790e92d9a99358394788c21f36c26b027de1fda606b';
