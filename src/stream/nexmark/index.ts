// The Nexmark benchmark: its event generator, JSON-lines format, and the queries on the engine.
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

// The queries on the engine.
export type { NexmarkSourceOptions } from './source.js';
export { NEXMARK_WATERMARK_DELAY, nexmarkEvents, nexmarkSource } from './source.js';
export type { BidRow, Q11Row, Q2Row, Q3Row, Q5Row, Q7Row, Q8Row, QueryPipeline } from './queries/index.js';
export { bids, q0, q1, q11, q2, q3, q5, q7, q8, queryPipelines } from './queries/index.js';
export type { NexmarkRunOptions, NexmarkRunResult } from './run.js';
export { DEFAULT_CHECKPOINT_INTERVAL_MS, DEFAULT_NEXMARK_BATCH_SIZE, runNexmarkQuery } from './run.js';
