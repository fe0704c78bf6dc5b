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

/** The {@link BaselineResult} of a list of result rows (e.g. the reference computation's). */
export function checksumRows(
  query: NexmarkQuery,
  rows: readonly Readonly<Record<string, unknown>>[],
): BaselineResult {
  const n = (row: Readonly<Record<string, unknown>>, key: string): number => row[key] as number;
  const s = (row: Readonly<Record<string, unknown>>, key: string): string => row[key] as string;
  let checksum = 0;
  for (const r of rows) {
    let h: number;
    switch (query) {
      case 'q0':
        h = hashQ0(n(r, 'auction'), n(r, 'bidder'), n(r, 'price'), n(r, 'dateTime'), s(r, 'extra'));
        break;
      case 'q1':
        h = hashQ0(
          n(r, 'auction'),
          n(r, 'bidder'),
          Math.round(n(r, 'price') * 1000),
          n(r, 'dateTime'),
          s(r, 'extra'),
        );
        break;
      case 'q2':
        h = hashQ2(n(r, 'auction'), n(r, 'price'));
        break;
      case 'q3':
        h = hashQ3(s(r, 'name'), s(r, 'city'), s(r, 'state'), n(r, 'id'));
        break;
      case 'q5':
        h = hashQ5(n(r, 'auction'), n(r, 'num'), n(r, 'window_start'));
        break;
      case 'q7':
        h = hashQ7(n(r, 'auction'), n(r, 'price'), n(r, 'bidder'), n(r, 'dateTime'), n(r, 'window_start'));
        break;
      case 'q8':
        h = hashQ8(n(r, 'id'), s(r, 'name'), n(r, 'starttime'));
        break;
      case 'q11':
        h = hashQ11(n(r, 'bidder'), n(r, 'bid_count'), n(r, 'starttime'), n(r, 'endtime'));
        break;
    }
    checksum = (checksum + h) >>> 0;
  }
  return { rows: rows.length, checksum };
}
