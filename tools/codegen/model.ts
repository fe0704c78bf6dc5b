import type { VersionRange } from './versions.js';
import { covers, hull, intersect, isEmpty, MAX_VERSION, NO_VERSIONS, parseVersions } from './versions.js';

/**
 * The generator's model of one message spec: the JSON, validated and normalised (names, types,
 * version ranges and defaults resolved), so that emitting code is a walk over plain data.
 */

export const PRIMITIVE_KINDS = [
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'string',
  'bytes',
  'records',
  'uuid',
] as const;
export type PrimitiveKind = (typeof PRIMITIVE_KINDS)[number];

export type ElementType =
  { readonly kind: PrimitiveKind } | { readonly kind: 'struct'; readonly struct: string };
export type FieldType = ElementType | { readonly kind: 'array'; readonly element: ElementType };

/**
 * A field's default (Kafka's rules): `null`, the type's empty value (0, '', false, [], empty
 * bytes, the zero uuid, a struct of defaults), or an explicit value (int64 as a decimal string).
 */
export type DefaultValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'value'; readonly value: number | boolean | string };

export interface FieldModel {
  /** Kafka's name, e.g. `ThrottleTimeMs`. */
  readonly specName: string;
  /** The property name, e.g. `throttleTimeMs`. */
  readonly name: string;
  readonly type: FieldType;
  readonly versions: VersionRange;
  readonly nullableVersions: VersionRange;
  /** Tagged-field tag, or null for a regular field. Tagged in all of `versions` (checked). */
  readonly tag: number | null;
  readonly ignorable: boolean;
  readonly default: DefaultValue;
  /** A per-field override of the message's flexible versions (RequestHeader.ClientId). */
  readonly flexibleVersions: VersionRange | null;
  readonly about: string;
}

export interface StructModel {
  /** The name in the spec (`MetadataResponseTopic`, or the message name for the root). */
  readonly specName: string;
  fields: readonly FieldModel[];
  /** The versions in which this struct can be encoded: the hull of every place that uses it. */
  versions: VersionRange;
}

export type MessageType = 'request' | 'response' | 'header' | 'data';

export interface MessageModel {
  /** `MetadataRequest`, `ConsumerProtocolAssignment`, … */
  readonly name: string;
  readonly file: string;
  readonly type: MessageType;
  readonly apiKey: number | null;
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange;
  readonly latestVersionUnstable: boolean;
  readonly root: StructModel;
  /** Nested and common structs, in the order the spec first defines them. */
  readonly structs: readonly StructModel[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new Error(`${where}: '${key}' must be a string`);
  return v;
}

function optStr(o: Json, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Error(`${where}: '${key}' must be a string`);
  return v;
}

function list(o: Json, key: string, where: string): Json[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every(isObject))
    throw new Error(`${where}: '${key}' must be an array of objects`);
  return v;
}

/** `TopicName` → `topicName`; Kafka's own camelCase lower-cases only the first letter. */
export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

const INT_RANGES: Partial<Record<string, readonly [number, number]>> = {
  int8: [-0x80, 0x7f],
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
};

function parseInteger(text: string): bigint {
  const m = /^(-?)(0x[0-9a-f]+|0[0-7]+|\d+)$/i.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not an integer`);
  const digits = m[2]!;
  const magnitude =
    /^0[0-7]+$/.test(digits) && digits.length > 1 ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  return m[1] === '-' ? -magnitude : magnitude;
}

function parseDefault(
  raw: unknown,
  type: FieldType,
  nullable: VersionRange,
  versions: VersionRange,
  where: string,
): DefaultValue {
  if (raw === undefined) return type.kind === 'records' ? { kind: 'null' } : { kind: 'empty' };
  if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
    throw new Error(`${where}: a default must be a string, number or boolean`);
  }
  const text = typeof raw === 'string' ? raw : String(raw);
  if (text === 'null') {
    if (
      type.kind === 'bool' ||
      INT_RANGES[type.kind] !== undefined ||
      type.kind === 'int64' ||
      type.kind === 'float64'
    ) {
      throw new Error(`${where}: a ${type.kind} cannot default to null`);
    }
    if (!covers(nullable, versions)) {
      throw new Error(`${where}: defaults to null but is not nullable in every version`);
    }
    return { kind: 'null' };
  }
  switch (type.kind) {
    case 'bool':
      if (text !== 'true' && text !== 'false') throw new Error(`${where}: bad boolean default '${text}'`);
      return { kind: 'value', value: text === 'true' };
    case 'int64': {
      const v = parseInteger(text);
      if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new Error(`${where}: default ${text} is out of range`);
      return { kind: 'value', value: v.toString() };
    }
    case 'float64': {
      const v = Number(text);
      if (Number.isNaN(v) && text !== 'NaN') throw new Error(`${where}: bad float default '${text}'`);
      return { kind: 'value', value: v };
    }
    case 'string':
      return { kind: 'value', value: text };
    default: {
      const range = INT_RANGES[type.kind];
      if (range === undefined) throw new Error(`${where}: a ${type.kind} field cannot have a default`);
      const v = Number(parseInteger(text));
      if (v < range[0] || v > range[1]) throw new Error(`${where}: default ${text} is out of range`);
      return { kind: 'value', value: v };
    }
  }
}

function parseType(text: string): FieldType {
  const elementOf = (t: string): ElementType => {
    const prim = PRIMITIVE_KINDS.find((k) => k === t);
    if (prim !== undefined) return { kind: prim };
    if (!/^[A-Z][A-Za-z0-9]*$/.test(t)) throw new Error(`unknown type '${t}'`);
    return { kind: 'struct', struct: t };
  };
  if (text.startsWith('[]')) {
    const element = elementOf(text.slice(2));
    if (element.kind === 'records') throw new Error(`arrays of records are not supported`);
    return { kind: 'array', element };
  }
  return elementOf(text);
}

function nullableKinds(type: FieldType): boolean {
  return ['string', 'bytes', 'records', 'array', 'struct'].includes(type.kind);
}

/** Builds the model of one spec file. */
export function buildMessageModel(spec: unknown, file: string): MessageModel {
  if (!isObject(spec)) throw new Error(`${file}: not a JSON object`);
  const name = str(spec, 'name', file);
  const type = str(spec, 'type', file);
  if (type !== 'request' && type !== 'response' && type !== 'header' && type !== 'data') {
    throw new Error(`${file}: unknown message type '${type}'`);
  }
  const apiKeyRaw = spec.apiKey;
  if (apiKeyRaw !== undefined && typeof apiKeyRaw !== 'number')
    throw new Error(`${file}: apiKey must be a number`);
  const apiKey = apiKeyRaw ?? null;
  if ((type === 'request' || type === 'response') !== (apiKey !== null)) {
    throw new Error(`${file}: requests and responses, and only they, have an apiKey`);
  }
  const validVersions = parseVersions(str(spec, 'validVersions', file), `${file} validVersions`);
  if (isEmpty(validVersions) || validVersions.hi === MAX_VERSION) {
    throw new Error(`${file}: validVersions must be a bounded, non-empty range`);
  }
  const flexibleVersions = parseVersions(str(spec, 'flexibleVersions', file), `${file} flexibleVersions`);

  const structs = new Map<string, StructModel>();
  const order: StructModel[] = [];
  const commonDefs = new Map<string, { fields: Json[]; versions: VersionRange }>();
  for (const cs of list(spec, 'commonStructs', file)) {
    const csName = str(cs, 'name', `${file} commonStructs`);
    commonDefs.set(csName, {
      fields: list(cs, 'fields', `${file} ${csName}`),
      versions: parseVersions(str(cs, 'versions', `${file} ${csName}`), `${file} ${csName}`),
    });
  }

  const register = (specName: string, rawFields: Json[], where: string): StructModel => {
    if (structs.has(specName) || specName === name)
      throw new Error(`${where}: struct ${specName} is defined twice`);
    const struct: StructModel = { specName, fields: [], versions: NO_VERSIONS };
    structs.set(specName, struct);
    order.push(struct);
    struct.fields = rawFields.map((f) => buildField(f, `${where}.${specName}`));
    return struct;
  };

  const buildField = (f: Json, where: string): FieldModel => {
    const specName = str(f, 'name', where);
    const at = `${where}.${specName}`;
    let ftype: FieldType;
    try {
      ftype = parseType(str(f, 'type', at));
    } catch (err) {
      throw new Error(`${at}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const versions = parseVersions(str(f, 'versions', at), at);
    const nullableVersions = parseVersions(
      optStr(f, 'nullableVersions', at) ?? 'none',
      `${at} nullableVersions`,
    );
    if (!isEmpty(nullableVersions) && !nullableKinds(ftype))
      throw new Error(`${at}: a ${ftype.kind} cannot be nullable`);
    // Kafka's specs write the tag as a number or, once, as a numeric string.
    const tagRaw = typeof f.tag === 'string' && /^\d+$/.test(f.tag) ? Number(f.tag) : f.tag;
    const taggedText = optStr(f, 'taggedVersions', at);
    let tag: number | null = null;
    if (tagRaw !== undefined || taggedText !== undefined) {
      if (typeof tagRaw !== 'number' || !Number.isInteger(tagRaw) || tagRaw < 0 || taggedText === undefined) {
        throw new Error(`${at}: a tagged field needs both 'tag' and 'taggedVersions'`);
      }
      const tagged = parseVersions(taggedText, at);
      if (tagged.lo !== versions.lo || tagged.hi !== versions.hi) {
        throw new Error(`${at}: fields tagged in only some of their versions are not supported`);
      }
      if (!covers(flexibleVersions, intersect(tagged, validVersions))) {
        throw new Error(`${at}: tagged in versions that are not flexible`);
      }
      tag = tagRaw;
    }
    const flexText = optStr(f, 'flexibleVersions', at);
    const ignorable = f.ignorable === true;
    const nested = list(f, 'fields', at);
    const elem = ftype.kind === 'array' ? ftype.element : ftype;
    if (elem.kind === 'struct') {
      if (nested.length > 0) {
        if (commonDefs.has(elem.struct)) throw new Error(`${at}: ${elem.struct} is also a common struct`);
        register(elem.struct, nested, where);
      } else if (!commonDefs.has(elem.struct)) {
        throw new Error(`${at}: struct ${elem.struct} has no fields and is not a common struct`);
      }
    } else if (nested.length > 0) {
      throw new Error(`${at}: only struct types have fields`);
    }
    return {
      specName,
      name: camelCase(specName),
      type: ftype,
      versions,
      nullableVersions,
      tag,
      ignorable,
      default: parseDefault(f.default, ftype, nullableVersions, versions, at),
      flexibleVersions: flexText === undefined ? null : parseVersions(flexText, `${at} flexibleVersions`),
      about: optStr(f, 'about', at) ?? '',
    };
  };

  const rootFields = list(spec, 'fields', file).map((f) => buildField(f, name));
  for (const [csName, def] of commonDefs) {
    const s = register(csName, def.fields, `${file} commonStructs`);
    s.versions = NO_VERSIONS;
  }
  const root: StructModel = { specName: name, fields: rootFields, versions: validVersions };

  // Every struct's version context: the hull of the versions in which some path reaches it.
  const visit = (s: StructModel, ctx: VersionRange): void => {
    for (const f of s.fields) {
      const elem = f.type.kind === 'array' ? f.type.element : f.type;
      if (elem.kind !== 'struct') continue;
      const target = structs.get(elem.struct)!;
      let reach = intersect(ctx, f.versions);
      const common = commonDefs.get(elem.struct);
      if (common !== undefined) reach = intersect(reach, common.versions);
      if (covers(target.versions, reach)) continue;
      target.versions = hull(target.versions, reach);
      visit(target, target.versions);
    }
  };
  visit(root, validVersions);
  for (const s of order) if (isEmpty(s.versions)) s.versions = validVersions;

  const tags = (s: StructModel): void => {
    const seen = new Set<number>();
    for (const f of s.fields) {
      if (f.tag === null) continue;
      if (seen.has(f.tag)) throw new Error(`${file} ${s.specName}: tag ${f.tag} is used twice`);
      seen.add(f.tag);
    }
  };
  tags(root);
  order.forEach(tags);

  return {
    name,
    file,
    type,
    apiKey,
    validVersions,
    flexibleVersions,
    latestVersionUnstable: spec.latestVersionUnstable === true,
    root,
    structs: order,
  };
}
