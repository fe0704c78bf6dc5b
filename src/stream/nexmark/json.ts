/**
 * Nexmark events as JSON lines, the format of `rivulet nexmark generate`:
 * `{"event_type":0|1|2,"person":{…}|null,"auction":{…}|null,"bid":{…}|null}`.
 *
 * Byte for byte what `JSON.stringify(event)` writes for a generated event, several times faster:
 * strings go between quotes unescaped, which is right for every string the generator makes
 * (letters, digits, spaces and `@ . _ / : ? = & -`), and not for arbitrary strings.
 */
import type { Auction, Bid, NexmarkEvent, Person } from './model.js';
import { EventType } from './model.js';

function bidJson(b: Bid, dateTime: string): string {
  return (
    `{"event_type":2,"person":null,"auction":null,"bid":{"auction":${b.auction},"bidder":${b.bidder},` +
    `"price":${b.price},"channel":"${b.channel}","url":"${b.url}","dateTime":${dateTime},` +
    `"extra":"${b.extra}"}}`
  );
}

function auctionJson(a: Auction, dateTime: string): string {
  return (
    `{"event_type":1,"person":null,"auction":{"id":${a.id},"itemName":"${a.itemName}",` +
    `"description":"${a.description}","initialBid":${a.initialBid},"reserve":${a.reserve},` +
    `"dateTime":${dateTime},"expires":${a.expires},"seller":${a.seller},"category":${a.category},` +
    `"extra":"${a.extra}"},"bid":null}`
  );
}

function personJson(p: Person, dateTime: string): string {
  return (
    `{"event_type":0,"person":{"id":${p.id},"name":"${p.name}","emailAddress":"${p.emailAddress}",` +
    `"creditCard":"${p.creditCard}","city":"${p.city}","state":"${p.state}","dateTime":${dateTime},` +
    `"extra":"${p.extra}"},"auction":null,"bid":null}`
  );
}

/** One event as a JSON object (no newline). */
export function eventToJson(event: NexmarkEvent): string {
  switch (event.event_type) {
    case EventType.bid:
      return bidJson(event.bid, String(event.bid.dateTime));
    case EventType.auction:
      return auctionJson(event.auction, String(event.auction.dateTime));
    case EventType.person:
      return personJson(event.person, String(event.person.dateTime));
  }
}

/** A batch of events as JSON lines, each ended by `\n`. */
export function eventsToJsonLines(events: readonly NexmarkEvent[]): string {
  let text = '';
  for (const event of events) text += eventToJson(event) + '\n';
  return text;
}

/**
 * Encodes batches of events to JSON-lines bytes in a reused buffer: the CLI's output path. Each
 * line is written to the buffer as it is made: V8 builds a batch's text as a rope of thousands of
 * pieces, and flattening that costs more than making the lines. Consecutive events share their
 * millisecond, so the last timestamp's digits are reused.
 *
 * @example
 * ```ts
 * const encoder = new JsonLinesEncoder();
 * await file.write(encoder.encode(events)); // valid until the encoder's next call
 * ```
 */
export class JsonLinesEncoder {
  private buffer: Buffer;
  private lastTime = Number.NaN;
  private lastTimeText = '';

  constructor(initialBytes = 4 << 20) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /**
   * The events as JSON lines, a view of this encoder's buffer valid until its next call (a
   * writer that keeps one write in flight alternates two encoders).
   */
  encode(events: readonly NexmarkEvent[]): Buffer {
    let pos = 0;
    for (const event of events) {
      let line: string;
      switch (event.event_type) {
        case EventType.bid:
          line = bidJson(event.bid, this.time(event.bid.dateTime));
          break;
        case EventType.auction:
          line = auctionJson(event.auction, this.time(event.auction.dateTime));
          break;
        case EventType.person:
          line = personJson(event.person, this.time(event.person.dateTime));
          break;
      }
      // Generated text is ASCII: as many bytes as characters, and latin1 is its UTF-8.
      if (pos + line.length + 1 > this.buffer.length) this.grow(pos + line.length + 1, pos);
      pos += this.buffer.write(line, pos, 'latin1');
      this.buffer[pos++] = 0x0a;
    }
    return this.buffer.subarray(0, pos);
  }

  private time(ms: number): string {
    if (ms !== this.lastTime) {
      this.lastTime = ms;
      this.lastTimeText = String(ms);
    }
    return this.lastTimeText;
  }

  private grow(needed: number, used: number): void {
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, used);
    this.buffer = grown;
  }
}
