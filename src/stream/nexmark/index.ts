// The Nexmark benchmark's event generator and its JSON-lines format.
export type { Auction, AuctionEvent, Bid, BidEvent, NexmarkEvent, Person, PersonEvent } from './model.js';
export { EventType, eventTime } from './model.js';
export type { NexmarkGeneratorOptions } from './generator.js';
export {
  DEFAULT_BASE_TIME,
  DEFAULT_RATE,
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_PERSON_ID,
  MAX_EVENTS,
  MAX_RATE,
  NexmarkGenerator,
  generateEvents,
} from './generator.js';
export { JsonLinesEncoder, eventToJson, eventsToJsonLines } from './json.js';
export type { NexmarkQuery } from './queries.js';
export { NEXMARK_QUERIES, QUERY_COLUMNS, isNexmarkQuery } from './queries.js';
