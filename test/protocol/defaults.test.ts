import { describe, expect, it } from 'vitest';
import type { FieldSchema, MessageSchema } from '../../tools/codegen/schema-model.js';
import { Reader } from '../../src/protocol/primitives/reader.js';
import { Writer } from '../../src/protocol/primitives/writer.js';
import type { Codec, Value } from './schema.js';
import { codecOf, defaultOf, defaultStruct, inRange, model, versionsOf } from './schema.js';

/**
 * Defaults and Kafka's rule for fields a version lacks, for every message and version: a
 * message of defaults encodes at every version and decodes back unchanged; a non-default value
 * in a field the version lacks is an error unless the field is ignorable, in which case it is
 * dropped and decodes as the default.
 */

function encode(codec: Codec, value: Value, version: number): Buffer {
  const w = new Writer(64);
  codec.encode(w, value, version);
  return Buffer.from(w.finish());
}

/** Some valid value of `f`'s type that differs from its default, or undefined if none exists. */
function nonDefault(m: MessageSchema, f: FieldSchema): unknown {
  const d = defaultOf(m, f);
  const t = f.type;
  if (d === null) {
    if (t.kind === 'array') return [];
    if (t.kind === 'struct') return defaultStruct(m, t.struct);
    return t.kind === 'string' ? 'x' : Buffer.from([1]);
  }
  switch (t.kind) {
    case 'array': {
      const e = t.element;
      if (e.kind === 'struct') return [defaultStruct(m, e.struct)];
      return [defaultOf(m, { ...f, type: e, default: { kind: 'empty' } })];
    }
    case 'struct': {
      const first = m.structs[t.struct]?.fields[0];
      const changed = first === undefined ? undefined : nonDefault(m, first);
      return changed === undefined ? undefined : { ...defaultStruct(m, t.struct), [first!.name]: changed };
    }
    case 'bool':
      return d !== true;
    case 'int64':
      return d === 0n ? 1n : 0n;
    case 'string':
      return d === 'x' ? 'y' : 'x';
    case 'uuid':
      return 'AQEBAQEBAQEBAQEBAQEBAQ';
    case 'bytes':
    case 'records':
      return Buffer.from([1]);
    default:
      return d === 0 ? 1 : 0;
  }
}

describe('defaults and fields a version lacks', () => {
  for (const m of model.messages) {
    it(m.name, () => {
      const codec = codecOf(m);
      for (const version of versionsOf(m)) {
        const defaults = codec.create();
        expect(codec.decode(new Reader(encode(codec, defaults, version)), version)).toStrictEqual(defaults);
        for (const f of m.fields) {
          if (inRange(f.versions, version)) continue;
          const value = nonDefault(m, f);
          if (value === undefined) continue;
          const msg = { ...codec.create(), [f.name]: value };
          if (f.ignorable) {
            const back = codec.decode(new Reader(encode(codec, msg, version)), version);
            expect(back[f.name]).toStrictEqual(defaultOf(m, f));
          } else {
            expect(() => encode(codec, msg, version), `${m.name}.${f.name} at v${version}`).toThrow(
              expect.objectContaining({ kind: 'unsupported-version' }),
            );
          }
        }
      }
    });
  }
});
