/**
 * Precomputed strings the generator draws from, so that making an event costs table look-ups and
 * string slices (V8 shares a slice's characters with its parent) instead of building characters
 * one by one. The tables are the same for every seed: a seed selects rows and offsets, not table
 * contents.
 */
import { EventRandom } from './random.js';

/**
 * `text` as one flat sequential string. Strings built by concatenation are ropes in V8, and a
 * rope is walked piece by piece every time its characters are read or written out (a rope of a
 * URL, written for every bid, cost more than generating the bid); a copy through a buffer is flat.
 */
function flat(text: string): string {
  return Buffer.from(text, 'latin1').toString('latin1');
}

// Lists from the Nexmark description: small on purpose, so that filters and joins find matches.
const FIRST_NAMES = [
  'Peter',
  'Paul',
  'Luke',
  'John',
  'Saul',
  'Vicky',
  'Kate',
  'Julie',
  'Sarah',
  'Deiter',
  'Walter',
];
const LAST_NAMES = ['Shultz', 'Abrams', 'Spencer', 'White', 'Bartels', 'Walton', 'Smith', 'Jones', 'Noris'];

/** The US states a person lives in. */
export const US_STATES: readonly string[] = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];

/** The US cities a person lives in. */
export const US_CITIES: readonly string[] = [
  'Phoenix',
  'Los Angeles',
  'San Francisco',
  'Boise',
  'Portland',
  'Bend',
  'Redmond',
  'Seattle',
  'Kent',
  'Cheyenne',
];

/** Every "first last" name; first and last are independent and uniform, so one draw picks both. */
export const PERSON_NAMES: readonly string[] = FIRST_NAMES.flatMap((first) =>
  LAST_NAMES.map((last) => flat(`${first} ${last}`)),
);

/** "0000" … "9999": the groups of a credit-card number. */
export const FOUR_DIGITS: readonly string[] = Array.from({ length: 10_000 }, (_, i) =>
  String(i).padStart(4, '0'),
);

/** The channels half of the bids come from. */
export const HOT_CHANNELS: readonly string[] = ['Google', 'Facebook', 'Baidu', 'Apple'];

/** How many `channel-<i>` channels the other half of the bids come from. */
export const CHANNEL_COUNT = 10_000;

/** Slices of {@link TEXT_POOL} and {@link LETTER_POOL} start below this offset. */
export const POOL_OFFSETS = 1 << 16;

// A fixed seed for the tables, unrelated to the generator's seed.
const tableRandom = new EventRandom(0x6e65786d);
tableRandom.reset(0);

const A = 0x61;
const SPACE = 0x20;
const UNDERSCORE = 0x5f;

/** `length` random lower-case letters, with `space` one time in 13 when given. */
function randomText(length: number, space?: number): string {
  const codes = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    codes[i] = space !== undefined && tableRandom.nextInt(13) === 0 ? space : A + tableRandom.nextInt(26);
  }
  // Built in chunks: an argument list of 64K would be close to the engine's limit.
  let text = '';
  for (let i = 0; i < length; i += 8192) text += String.fromCharCode(...codes.slice(i, i + 8192));
  return flat(text);
}

/** A short random word for URLs: letters, with `_` one time in 13. */
function randomWord(length: number): string {
  let word = '';
  for (let i = 0; i < length; i++) {
    word += String.fromCharCode(tableRandom.nextInt(13) === 0 ? UNDERSCORE : A + tableRandom.nextInt(26));
  }
  return word;
}

/**
 * Lower-case letters with a space one time in 13: item names, descriptions and e-mail parts are
 * slices of it (at most 99 characters long), trimmed.
 */
export const TEXT_POOL: string = randomText(POOL_OFFSETS + 128, SPACE);

/** Lower-case letters only: every `extra` is a slice of it (at most 600 characters long). */
export const LETTER_POOL: string = randomText(POOL_OFFSETS + 600);

function url(): string {
  const part = (): string => randomWord(3 + tableRandom.nextInt(2));
  return flat(`https://www.nexmark.com/${part()}/${part()}/${part()}/item.htm?query=1`);
}

/** The URL of each hot channel, index for index. */
export const HOT_URLS: readonly string[] = HOT_CHANNELS.map(url);

/** `channel-0` … `channel-9999`. */
export const CHANNELS: readonly string[] = Array.from({ length: CHANNEL_COUNT }, (_, i) =>
  flat(`channel-${i}`),
);

/** The URL of each `channel-<i>`; nine in ten carry a `channel_id` parameter. */
export const CHANNEL_URLS: readonly string[] = Array.from({ length: CHANNEL_COUNT }, (_, i) => {
  const base = url();
  return tableRandom.nextInt(10) > 0 ? flat(`${base}&channel_id=${reverseBits(i)}`) : base;
});

/** The low 31 bits of `i` in reverse order. */
function reverseBits(i: number): number {
  let r = ((i >>> 1) & 0x55555555) | ((i & 0x55555555) << 1);
  r = ((r >>> 2) & 0x33333333) | ((r & 0x33333333) << 2);
  r = ((r >>> 4) & 0x0f0f0f0f) | ((r & 0x0f0f0f0f) << 4);
  r = ((r >>> 8) & 0x00ff00ff) | ((r & 0x00ff00ff) << 8);
  r = (r >>> 16) | (r << 16);
  return (r >>> 1) & 0x7fffffff;
}

/**
 * Prices are `round(10^(6u) * 100)` cents for a uniform u with 32 bits: one `Math.pow` per price
 * costs more than the rest of a bid, so 10^(6u) is the product of three tables indexed by u's
 * top 11, middle 11 and low 10 bits.
 */
const PRICE_HIGH = new Float64Array(1 << 11);
const PRICE_MID = new Float64Array(1 << 11);
const PRICE_LOW = new Float64Array(1 << 10);
for (let i = 0; i < 1 << 11; i++) {
  PRICE_HIGH[i] = Math.pow(10, (6 * i) / (1 << 11));
  PRICE_MID[i] = Math.pow(10, (6 * i) / (1 << 22));
}
for (let i = 0; i < 1 << 10; i++) PRICE_LOW[i] = Math.pow(10, (6 * i) / 2 ** 32) * 100;

/** A price in cents from an unsigned 32-bit draw: log-uniform from $1 to $1,000,000. */
export function priceFromBits(u: number): number {
  return Math.round(PRICE_HIGH[u >>> 21]! * PRICE_MID[(u >>> 10) & 2047]! * PRICE_LOW[u & 1023]!);
}
