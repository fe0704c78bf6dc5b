import type { CodeWriter } from './code-writer.js';
import type { ElementType, FieldModel, MessageModel, StructModel } from './model.js';
import type { VersionRange } from './versions.js';
import { intersect, isEmpty, versionCondition } from './versions.js';

/**
 * What the struct emitters share: names, TypeScript types, defaults and the small expression
 * builders. Version tests are resolved at generation time against the versions the struct can
 * be used in, so a field present in every reachable version costs no test at all.
 */

/** A condition over `version`: known true, known false, or a TypeScript expression. */
export type Cond = string | boolean;

export interface StructNames {
  readonly type: string;
  readonly create: string;
  readonly encode: string;
  readonly decode: string;
  /** The decoder of the struct's tagged-field section (when it has known tagged fields). */
  readonly decodeTagged: string;
  readonly isDefault: string;
}

export interface EmitContext {
  readonly message: MessageModel;
  /** TypeScript names of this message's structs (the root included), by spec name. */
  readonly names: ReadonlyMap<string, StructNames>;
  /** Helpers from `../api.js` the module uses (collected while emitting). */
  readonly helpers: Set<string>;
  /** Spec names of the structs that need an `isDefault…` function. */
  readonly needsIsDefault: ReadonlySet<string>;
  /** Identifiers a decoder local must not shadow. */
  readonly reserved: ReadonlySet<string>;
}

export function structNames(typeName: string): StructNames {
  return {
    type: typeName,
    create: `create${typeName}`,
    encode: `encode${typeName}`,
    decode: `decode${typeName}`,
    decodeTagged: `decode${typeName}TaggedFields`,
    isDefault: `isDefault${typeName}`,
  };
}

export function namesOf(ctx: EmitContext, specName: string): StructNames {
  const n = ctx.names.get(specName);
  if (n === undefined) throw new Error(`${ctx.message.file}: unknown struct ${specName}`);
  return n;
}

export const FIXED_WRITE: Partial<Record<string, string>> = {
  bool: 'boolean',
  int8: 'int8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  float64: 'float64',
  uuid: 'uuid',
};

const JS_RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false ' +
    'finally for function if import in instanceof new null return super switch this throw true try ' +
    'typeof var void while with yield let static implements interface package private protected ' +
    'public await arguments eval undefined'
  ).split(' '),
);

/** Locals the generated functions declare themselves. */
const GENERATED_LOCALS = [
  'r',
  'w',
  'm',
  'tw',
  'tr',
  'tag',
  'version',
  'flexible',
  'tagged',
  'unknownTaggedFields',
  'n',
  'i',
  'a',
  'e',
];

export function localName(ctx: EmitContext, field: FieldModel): string {
  const name = field.name;
  if (JS_RESERVED.has(name) || GENERATED_LOCALS.includes(name) || ctx.reserved.has(name)) return `${name}_`;
  return name;
}

export function hasFlexibleVersions(ctx: EmitContext, s: StructModel): boolean {
  return !isEmpty(intersect(ctx.message.flexibleVersions, s.versions));
}

export function isNullableType(f: FieldModel): boolean {
  return (
    f.type.kind === 'records' ||
    f.default.kind === 'null' ||
    !isEmpty(intersect(f.nullableVersions, f.versions))
  );
}

export function elementTsType(ctx: EmitContext, e: ElementType): string {
  switch (e.kind) {
    case 'bool':
      return 'boolean';
    case 'int64':
      return 'bigint';
    case 'string':
    case 'uuid':
      return 'string';
    case 'bytes':
    case 'records':
      return 'Buffer';
    case 'struct':
      return namesOf(ctx, e.struct).type;
    default:
      return 'number';
  }
}

export function tsType(ctx: EmitContext, f: FieldModel): string {
  const base =
    f.type.kind === 'array' ? `${elementTsType(ctx, f.type.element)}[]` : elementTsType(ctx, f.type);
  return isNullableType(f) ? `${base} | null` : base;
}

export function defaultExpr(ctx: EmitContext, f: FieldModel): string {
  const d = f.default;
  if (d.kind === 'null') return 'null';
  if (d.kind === 'value') {
    if (f.type.kind === 'int64') return `${String(d.value)}n`;
    if (typeof d.value === 'string') return JSON.stringify(d.value);
    return String(d.value);
  }
  switch (f.type.kind) {
    case 'bool':
      return 'false';
    case 'int64':
      return '0n';
    case 'string':
      return "''";
    case 'bytes':
      ctx.helpers.add('EMPTY_BYTES');
      return 'EMPTY_BYTES';
    case 'records':
      return 'null';
    case 'uuid':
      ctx.helpers.add('ZERO_UUID');
      return 'ZERO_UUID';
    case 'array':
      return '[]';
    case 'struct':
      return `${namesOf(ctx, f.type.struct).create}()`;
    default:
      return '0';
  }
}

/** An expression true when `v` (the field's value) equals the field's default. */
export function isDefaultExpr(ctx: EmitContext, f: FieldModel, v: string): string {
  const nullable = isNullableType(f);
  if (f.default.kind === 'null') return `${v} === null`;
  if (f.default.kind === 'empty') {
    if (f.type.kind === 'array' || f.type.kind === 'bytes') {
      return nullable ? `(${v} !== null && ${v}.length === 0)` : `${v}.length === 0`;
    }
    if (f.type.kind === 'struct') {
      const call = `${namesOf(ctx, f.type.struct).isDefault}(${v})`;
      return nullable ? `(${v} !== null && ${call})` : call;
    }
  }
  return `${v} === ${defaultExpr(ctx, f)}`;
}

/** An expression true when `v` differs from the field's default (Kafka's non-default check). */
export function nonDefaultExpr(ctx: EmitContext, f: FieldModel, v: string): string {
  const nullable = isNullableType(f);
  if (f.default.kind === 'null') return `${v} !== null`;
  if (f.default.kind === 'empty') {
    if (f.type.kind === 'array' || f.type.kind === 'bytes') {
      return nullable ? `(${v} === null || ${v}.length !== 0)` : `${v}.length !== 0`;
    }
    if (f.type.kind === 'struct') {
      const call = `!${namesOf(ctx, f.type.struct).isDefault}(${v})`;
      return nullable ? `(${v} === null || ${call})` : call;
    }
  }
  return `${v} !== ${defaultExpr(ctx, f)}`;
}

export function negate(c: string): string {
  let m = /^version >= (\d+)$/.exec(c);
  if (m) return `version < ${m[1]}`;
  m = /^version <= (\d+)$/.exec(c);
  if (m) return `version > ${m[1]}`;
  if (c === 'flexible') return '!flexible';
  return `!(${c})`;
}

export function pick(c: Cond, a: string, b: string): string {
  if (c === true) return a;
  if (c === false) return b;
  return `(${c} ? ${a} : ${b})`;
}

/** Per-function state: whether the body used the `flexible` local. */
export interface FnState {
  usesFlexible: boolean;
}

export function flexCond(ctx: EmitContext, fn: FnState, f: FieldModel, present: VersionRange): Cond {
  const c = versionCondition(f.flexibleVersions ?? ctx.message.flexibleVersions, present);
  if (typeof c === 'string' && f.flexibleVersions === null) {
    fn.usesFlexible = true;
    return 'flexible';
  }
  return c;
}

export function flexibleLocal(ctx: EmitContext, s: StructModel): string {
  const c = versionCondition(ctx.message.flexibleVersions, s.versions);
  if (typeof c !== 'string') throw new Error('flexible local requested where flexibility is constant');
  return `const flexible = ${c};`;
}

/** Appends `body` to `cw` at its current depth (bodies are built separately to learn what they use). */
export function splice(cw: CodeWriter, body: CodeWriter): void {
  for (const line of body.toString().split('\n').slice(0, -1)) cw.line(line);
}

export function emitVersionCheck(ctx: EmitContext, cw: CodeWriter): void {
  const { lo, hi } = ctx.message.validVersions;
  ctx.helpers.add('unsupportedVersion');
  cw.line(
    `if (version < ${lo} || version > ${hi}) throw unsupportedVersion('${ctx.message.name}', version, ${lo}, ${hi});`,
  );
}
