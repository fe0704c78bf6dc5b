// The Nexmark queries as DataStream pipelines, one module each.
import type { DataStream } from '../../api/streams.js';
import type { NexmarkEvent } from '../model.js';
import type { NexmarkQuery } from '../queries.js';
import { q0 } from './q0.js';
import { q1 } from './q1.js';
import { q11 } from './q11.js';
import { q2 } from './q2.js';
import { q3 } from './q3.js';
import { q5 } from './q5.js';
import { q7 } from './q7.js';
import { q8 } from './q8.js';

export type { BidRow } from './q0.js';
export type { Q2Row } from './q2.js';
export type { Q3Row } from './q3.js';
export type { Q5Row } from './q5.js';
export type { Q7Row } from './q7.js';
export type { Q8Row } from './q8.js';
export type { Q11Row } from './q11.js';
export { bids } from './views.js';
export { q0, q1, q2, q3, q5, q7, q8, q11 };

/** Builds a query's pipeline on a stream of events; returns the stream of its output rows. */
export type QueryPipeline = (events: DataStream<NexmarkEvent>) => DataStream<object>;

/**
 * Every query's pipeline by name. Rows have the columns of `QUERY_COLUMNS`, in that order.
 *
 * @example
 * ```ts
 * queryPipelines.q5(nexmarkEvents(env, { events: 1_000_000 })).sinkTo(blackholeSink());
 * ```
 */
export const queryPipelines: Readonly<Record<NexmarkQuery, QueryPipeline>> = {
  q0,
  q1,
  q2,
  q3,
  q5,
  q7,
  q8,
  q11,
};
