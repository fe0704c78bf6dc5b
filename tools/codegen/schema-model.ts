import type { DefaultValue, FieldModel, FieldType, MessageModel, StructModel } from './model.js';
import type { VersionRange } from './versions.js';
import { isEmpty } from './versions.js';

/**
 * The committed schema model (`src/protocol/messages/schema-model.json`): every message's
 * fields, versions and defaults as plain JSON, so that the round-trip and fuzz tests can derive
 * values for every message and version without reading the Kafka specs.
 */
export interface SchemaModel {
  readonly messages: readonly MessageSchema[];
}

/** `[lo, hi]` inclusive, or null for no versions. */
export type RangeJson = readonly [number, number] | null;

export interface MessageSchema {
  readonly name: string;
  readonly type: MessageModel['type'];
  readonly apiKey: number | null;
  readonly validVersions: RangeJson;
  readonly flexibleVersions: RangeJson;
  readonly fields: readonly FieldSchema[];
  /** Nested and common structs by spec name. */
  readonly structs: Readonly<Record<string, StructSchema>>;
}

export interface StructSchema {
  readonly versions: RangeJson;
  readonly fields: readonly FieldSchema[];
}

export interface FieldSchema {
  readonly name: string;
  readonly type: FieldType;
  readonly versions: RangeJson;
  readonly nullableVersions: RangeJson;
  readonly tag: number | null;
  readonly ignorable: boolean;
  readonly default: DefaultValue;
  readonly flexibleVersions: RangeJson | 'inherit';
}

function range(r: VersionRange): RangeJson {
  return isEmpty(r) ? null : [r.lo, r.hi];
}

function field(f: FieldModel): FieldSchema {
  return {
    name: f.name,
    type: f.type,
    versions: range(f.versions),
    nullableVersions: range(f.nullableVersions),
    tag: f.tag,
    ignorable: f.ignorable,
    default: f.default,
    flexibleVersions: f.flexibleVersions === null ? 'inherit' : range(f.flexibleVersions),
  };
}

function struct(s: StructModel): StructSchema {
  return { versions: range(s.versions), fields: s.fields.map(field) };
}

export function schemaModel(messages: readonly MessageModel[]): SchemaModel {
  return {
    messages: messages.map((m) => ({
      name: m.name,
      type: m.type,
      apiKey: m.apiKey,
      validVersions: range(m.validVersions),
      flexibleVersions: range(m.flexibleVersions),
      fields: m.root.fields.map(field),
      structs: Object.fromEntries(m.structs.map((s) => [s.specName, struct(s)])),
    })),
  };
}

/**
 * The model as JSON with one field per line: small enough to commit, and a spec change shows up
 * as a readable diff.
 */
export function schemaModelJson(model: SchemaModel): string {
  const lines: string[] = ['{', ' "messages": ['];
  model.messages.forEach((m, i) => {
    const fields = (fs: readonly FieldSchema[], indent: string): string =>
      fs.length === 0
        ? '[]'
        : `[\n${fs.map((f) => `${indent} ${JSON.stringify(f)}`).join(',\n')}\n${indent}]`;
    const head = JSON.stringify({
      name: m.name,
      type: m.type,
      apiKey: m.apiKey,
      validVersions: m.validVersions,
      flexibleVersions: m.flexibleVersions,
    });
    lines.push(`  ${head.slice(0, -1)},`);
    lines.push(`   "fields": ${fields(m.fields, '   ')},`);
    const structs = Object.entries(m.structs).map(
      ([name, s]) =>
        `    ${JSON.stringify(name)}: {"versions": ${JSON.stringify(s.versions)}, "fields": ${fields(s.fields, '    ')}}`,
    );
    lines.push(structs.length === 0 ? '   "structs": {}' : `   "structs": {\n${structs.join(',\n')}\n   }`);
    lines.push(i === model.messages.length - 1 ? '  }' : '  },');
  });
  lines.push(' ]', '}');
  return lines.join('\n') + '\n';
}
