import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { ElementType, FieldType } from '../../tools/codegen/model.js';
import type { FieldSchema, MessageSchema, RangeJson, SchemaModel } from '../../tools/codegen/schema-model.js';
import { apiSpecs } from '../../src/protocol/api-keys.js';
import { dataMessageSpecs } from '../../src/protocol/messages/index.js';
import type { Reader } from '../../src/protocol/primitives/reader.js';
import type { Writer } from '../../src/protocol/primitives/writer.js';

/**
 * Test support: the committed schema model (written by the generator beside the codecs), values
 * derived from it for any message and version, and a uniform way to reach each message's codec.
 */

export const model = JSON.parse(
  readFileSync(new URL('../../src/protocol/messages/schema-model.json', import.meta.url), 'utf8'),
) as SchemaModel;

export type Value = Record<string, unknown>;

export interface Codec {
  encode(w: Writer, msg: Value, version: number): void;
  decode(r: Reader, version: number): Value;
  create(): Value;
}

/** The generated codec of a message of the model. */
export function codecOf(m: MessageSchema): Codec {
  if (m.apiKey !== null) {
    const api = apiSpecs.get(m.apiKey);
    if (api === undefined) throw new Error(`no ApiSpec for api key ${m.apiKey}`);
    return m.type === 'request'
      ? {
          encode: (w, msg, v) => {
            api.encodeRequest(w, msg, v);
          },
          decode: (r, v) => api.decodeRequest(r, v) as Value,
          create: () => api.createRequest() as Value,
        }
      : {
          encode: (w, msg, v) => {
            api.encodeResponse(w, msg, v);
          },
          decode: (r, v) => api.decodeResponse(r, v) as Value,
          create: () => api.createResponse() as Value,
        };
  }
  const spec = dataMessageSpecs.get(m.name);
  if (spec === undefined) throw new Error(`no MessageSpec for ${m.name}`);
  return {
    encode: (w, msg, v) => {
      spec.encode(w, msg, v);
    },
    decode: (r, v) => spec.decode(r, v) as Value,
    create: () => spec.create() as Value,
  };
}

export function inRange(r: RangeJson, v: number): boolean {
  return r !== null && r[0] <= v && v <= r[1];
}

export function versionsOf(m: MessageSchema): number[] {
  const [lo, hi] = m.validVersions!;
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/** The value a decoder gives a field its version lacks (Kafka's default rules). */
export function defaultOf(m: MessageSchema, f: FieldSchema): unknown {
  const d = f.default;
  if (d.kind === 'null') return null;
  if (d.kind === 'value') return f.type.kind === 'int64' ? BigInt(d.value) : d.value;
  switch (f.type.kind) {
    case 'bool':
      return false;
    case 'int64':
      return 0n;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    case 'uuid':
      return 'AAAAAAAAAAAAAAAAAAAAAA';
    case 'array':
      return [];
    case 'struct':
      return defaultStruct(m, f.type.struct);
    default:
      return 0;
  }
}

export function defaultStruct(m: MessageSchema, name: string): Value {
  const s = m.structs[name];
  if (s === undefined) throw new Error(`${m.name}: no struct ${name}`);
  return Object.fromEntries(s.fields.map((f) => [f.name, defaultOf(m, f)]));
}

export function isFlexible(m: MessageSchema, version: number): boolean {
  return inRange(m.flexibleVersions, version);
}

/** Any Unicode text without lone surrogates (fc.string's 'binary' unit is far slower). */
const unicodeArb = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff })), {
    maxLength: 8,
  })
  .map((cps) => String.fromCodePoint(...cps));

const bytesArb = fc.uint8Array({ maxLength: 12 }).map((u) => Buffer.from(u));

function elementArb(m: MessageSchema, t: ElementType, version: number, depth: number): fc.Arbitrary<unknown> {
  switch (t.kind) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return fc.integer({ min: -0x80, max: 0x7f });
    case 'int16':
      return fc.integer({ min: -0x8000, max: 0x7fff });
    case 'uint16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'int32':
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'uint32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64':
      return fc.double();
    case 'string':
      return unicodeArb;
    case 'bytes':
    case 'records':
      return bytesArb;
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u).toString('base64url'));
    case 'struct':
      return structArb(m, t.struct, version, depth + 1);
  }
}

function fieldArb(m: MessageSchema, f: FieldSchema, version: number, depth: number): fc.Arbitrary<unknown> {
  if (!inRange(f.versions, version)) return fc.constant(defaultOf(m, f));
  const t: FieldType = f.type;
  const arb =
    t.kind === 'array'
      ? fc.array(elementArb(m, t.element, version, depth), { maxLength: depth > 1 ? 1 : 3 })
      : elementArb(m, t, version, depth);
  return inRange(f.nullableVersions, version) ? fc.option(arb, { nil: null, freq: 4 }) : arb;
}

/** Unknown tagged fields, with tags no spec uses (so they stay unknown), in wire order. */
const unknownTaggedArb = fc
  .uniqueArray(fc.integer({ min: 1000, max: 1010 }), { minLength: 1, maxLength: 3 })
  .chain((tags) =>
    fc.tuple(...tags.sort((a, b) => a - b).map((tag) => bytesArb.map((data) => ({ tag, data })))),
  );

function fieldsArb(
  m: MessageSchema,
  fields: readonly FieldSchema[],
  version: number,
  depth: number,
): fc.Arbitrary<Value> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) shape[f.name] = fieldArb(m, f, version, depth);
  const required = fields.map((f) => f.name);
  if (isFlexible(m, version)) shape.unknownTaggedFields = unknownTaggedArb;
  // fc.record builds null-prototype objects; decoders build plain ones.
  return fc.record(shape, { requiredKeys: required }).map((o) => ({ ...o }));
}

function structArb(m: MessageSchema, name: string, version: number, depth: number): fc.Arbitrary<Value> {
  const s = m.structs[name];
  if (s === undefined) throw new Error(`${m.name}: no struct ${name}`);
  return fieldsArb(m, s.fields, version, depth);
}

/**
 * Any valid value of message `m` at `version`: fields the version has get arbitrary values of
 * their type (null where nullable), the others their default; flexible versions may carry
 * unknown tagged fields.
 */
export function messageArb(m: MessageSchema, version: number): fc.Arbitrary<Value> {
  return fieldsArb(m, m.fields, version, 0);
}
