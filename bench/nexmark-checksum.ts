/**
 * Order-independent checksums of Nexmark query results: the sum, mod 2^32, of a 32-bit hash of
 * each row. The baselines compute it as they emit rows; {@link checksumRows} computes it over row
 * objects (the reference computation's, or an engine's collected output), so that results can be
 * compared without keeping them.
 */
import type { NexmarkQuery } from '../src/stream/nexmark/index.js';

/** What a baseline computed: how many rows and their checksum. */
export interface BaselineResult {
  readonly rows: number;
  /** Sum of the rows' 32-bit hashes, mod 2^32: independent of row order. */
  readonly checksum: number;
}

/** Folds one number into a running 32-bit hash (times use their low 32 bits). */
function fold(h: number, x: number): number {
  h = Math.imul(h ^ (x >>> 0), 0x9e3779b1);
  return h ^ (h >>> 15);
}

function finish(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

// The row hash of each query: over numbers and the lengths of strings (hashing string contents
// would cost more than the queries themselves, and neither side of the comparison needs it).
export const hashQ0 = (
  auction: number,
  bidder: number,
  price: number,
  dateTime: number,
  extra: string,
): number => finish(fold(fold(fold(fold(fold(0, auction), bidder), price), dateTime), extra.length));
export const hashQ2 = (auction: number, price: number): number => finish(fold(fold(0, auction), price));
export const hashQ3 = (name: string, city: string, state: string, id: number): number =>
  finish(fold(fold(fold(fold(0, name.length), city.length), state.charCodeAt(0)), id));
export const hashQ5 = (auction: number, num: number, windowStart: number): number =>
  finish(fold(fold(fold(0, auction), num), windowStart));
export const hashQ7 = (
  auction: number,
  price: number,
  bidder: number,
  dateTime: number,
  windowStart: number,
): number => finish(fold(fold(fold(fold(fold(0, auction), price), bidder), dateTime), windowStart));
export const hashQ8 = (id: number, name: string, starttime: number): number =>
  finish(fold(fold(fold(0, id), name.length), starttime));
export const hashQ11 = (bidder: number, count: number, start: number, end: number): number =>
  finish(fold(fold(fold(fold(0, bidder), count), start), end));

/** A result row as the checksums read it: the query's columns by name. */
type RowFields = Readonly<Record<string, unknown>>;
const n = (value: unknown): number => value as number;
const str = (value: unknown): string => value as string;

/**
 * The hash of one row of each query's output, reading its columns by name. One function per
 * query with fixed property names, so that hashing millions of rows (an engine's output in the
 * benchmark) costs about what the baselines pay for it.
 */
export const rowHashes: Readonly<Record<NexmarkQuery, (row: RowFields) => number>> = {
  q0: (r) => hashQ0(n(r.auction), n(r.bidder), n(r.price), n(r.dateTime), str(r.extra)),
  q1: (r) => hashQ0(n(r.auction), n(r.bidder), Math.round(n(r.price) * 1000), n(r.dateTime), str(r.extra)),
  q2: (r) => hashQ2(n(r.auction), n(r.price)),
  q3: (r) => hashQ3(str(r.name), str(r.city), str(r.state), n(r.id)),
  q5: (r) => hashQ5(n(r.auction), n(r.num), n(r.window_start)),
  q7: (r) => hashQ7(n(r.auction), n(r.price), n(r.bidder), n(r.dateTime), n(r.window_start)),
  q8: (r) => hashQ8(n(r.id), str(r.name), n(r.starttime)),
  q11: (r) => hashQ11(n(r.bidder), n(r.bid_count), n(r.starttime), n(r.endtime)),
};

/** The {@link BaselineResult} of a list of result rows (e.g. the reference computation's). */
export function checksumRows(query: NexmarkQuery, rows: readonly RowFields[]): BaselineResult {
  const hash = rowHashes[query];
  let checksum = 0;
  for (const r of rows) checksum = (checksum + hash(r)) | 0;
  return { rows: rows.length, checksum: checksum >>> 0 };
}
