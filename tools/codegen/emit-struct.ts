import type { CodeWriter } from './code-writer.js';
import { docText } from './code-writer.js';
import type { ElementType, FieldModel, FieldType, MessageModel, StructModel } from './model.js';
import type { VersionRange } from './versions.js';
import { formatVersions, intersect, isEmpty, versionCondition } from './versions.js';

/**
 * Emits one struct (or a message's top level): its interface, `create` helper, and straight-line
 * encoder and decoder. Version tests are resolved at generation time against the versions the
 * struct can be used in, so a field present in every reachable version costs no test at all.
 */

/** A condition over `version`: known true, known false, or a TypeScript expression. */
type Cond = string | boolean;

export interface StructNames {
  readonly type: string;
  readonly create: string;
  readonly encode: string;
  readonly decode: string;
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
    isDefault: `isDefault${typeName}`,
  };
}

function namesOf(ctx: EmitContext, specName: string): StructNames {
  const n = ctx.names.get(specName);
  if (n === undefined) throw new Error(`${ctx.message.file}: unknown struct ${specName}`);
  return n;
}

const FIXED_WRITE: Partial<Record<string, string>> = {
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

function elementTsType(ctx: EmitContext, e: ElementType): string {
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
function isDefaultExpr(ctx: EmitContext, f: FieldModel, v: string): string {
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
function nonDefaultExpr(ctx: EmitContext, f: FieldModel, v: string): string {
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

function negate(c: string): string {
  let m = /^version >= (\d+)$/.exec(c);
  if (m) return `version < ${m[1]}`;
  m = /^version <= (\d+)$/.exec(c);
  if (m) return `version > ${m[1]}`;
  if (c === 'flexible') return '!flexible';
  return `!(${c})`;
}

function pick(c: Cond, a: string, b: string): string {
  if (c === true) return a;
  if (c === false) return b;
  return `(${c} ? ${a} : ${b})`;
}

/** Per-function state: whether the body used the `flexible` local. */
interface FnState {
  usesFlexible: boolean;
}

function flexCond(ctx: EmitContext, fn: FnState, f: FieldModel, present: VersionRange): Cond {
  const c = versionCondition(f.flexibleVersions ?? ctx.message.flexibleVersions, present);
  if (typeof c === 'string' && f.flexibleVersions === null) {
    fn.usesFlexible = true;
    return 'flexible';
  }
  return c;
}

function branch(cw: CodeWriter, c: Cond, a: string, b: string): void {
  if (c === true) cw.line(a);
  else if (c === false) cw.line(b);
  else cw.line(`if (${c}) ${a}`).line(`else ${b}`);
}

function nullGuard(ctx: EmitContext, cw: CodeWriter, nullable: Cond, v: string, label: string): void {
  if (nullable === true) return;
  ctx.helpers.add('nullValue');
  const test = nullable === false ? `${v} === null` : `${negate(nullable)} && ${v} === null`;
  cw.line(`if (${test}) throw nullValue('${label}', version);`);
}

/** Statements writing value `v` of a field type through writer `w`. */
function emitWrite(
  ctx: EmitContext,
  cw: CodeWriter,
  type: FieldType,
  v: string,
  w: string,
  flex: Cond,
  nullable: Cond,
  nullableType: boolean,
  label: string,
): void {
  if (nullableType) nullGuard(ctx, cw, nullable, v, label);
  switch (type.kind) {
    case 'string':
    case 'bytes':
    case 'records': {
      const base = type.kind === 'string' ? 'String' : 'Bytes';
      const lower = base.toLowerCase();
      const maybeNull = nullableType || type.kind === 'records';
      branch(
        cw,
        flex,
        `${w}.${maybeNull ? `nullableCompact${base}` : `compact${base}`}(${v});`,
        `${w}.${maybeNull ? `nullable${base}` : lower}(${v});`,
      );
      return;
    }
    case 'struct': {
      const encode = namesOf(ctx, type.struct).encode;
      if (!nullableType || nullable === false) {
        cw.line(`${encode}(${w}, ${v}, version);`);
      } else if (nullable === true) {
        cw.line(`if (${v} === null) ${w}.int8(-1);`).open('else {');
        cw.line(`${w}.int8(1);`).line(`${encode}(${w}, ${v}, version);`).close();
      } else {
        cw.line(`if (${v} === null) ${w}.int8(-1);`).open('else {');
        cw.line(`if (${nullable}) ${w}.int8(1);`).line(`${encode}(${w}, ${v}, version);`).close();
      }
      return;
    }
    case 'array': {
      const len = nullableType ? `${v} === null ? null : ${v}.length` : `${v}.length`;
      branch(cw, flex, `${w}.compactArrayLength(${len});`, `${w}.arrayLength(${len});`);
      cw.open(nullableType ? `if (${v} !== null) for (const e of ${v}) {` : `for (const e of ${v}) {`);
      emitWrite(ctx, cw, type.element, 'e', w, flex, false, false, `${label}[]`);
      cw.close();
      return;
    }
    default: {
      const method = FIXED_WRITE[type.kind];
      if (method === undefined) throw new Error(`no writer for ${type.kind}`);
      cw.line(`${w}.${method}(${v});`);
    }
  }
}

function readExpr(
  ctx: EmitContext,
  type: ElementType,
  r: string,
  flex: Cond,
  nullable: Cond,
  label: string,
): string {
  switch (type.kind) {
    case 'string':
    case 'bytes':
    case 'records': {
      const base = type.kind === 'string' ? 'String' : 'Bytes';
      return pick(
        flex,
        pick(nullable, `${r}.nullableCompact${base}()`, `${r}.compact${base}()`),
        pick(nullable, `${r}.nullable${base}()`, `${r}.${base.toLowerCase()}()`),
      );
    }
    case 'struct': {
      const decode = `${namesOf(ctx, type.struct).decode}(${r}, version)`;
      if (nullable !== false) ctx.helpers.add('readPresence');
      return pick(nullable, `(readPresence(${r}, '${label}') ? ${decode} : null)`, decode);
    }
    default: {
      const method = FIXED_WRITE[type.kind];
      if (method === undefined) throw new Error(`no reader for ${type.kind}`);
      return `${r}.${method}()`;
    }
  }
}

/** Statements reading an array field into the already-declared `target`. */
function emitArrayRead(
  ctx: EmitContext,
  cw: CodeWriter,
  type: { readonly kind: 'array'; readonly element: ElementType },
  target: string,
  r: string,
  flex: Cond,
  nullable: Cond,
  label: string,
): void {
  const elemType = elementTsType(ctx, type.element);
  const elem = readExpr(ctx, type.element, r, flex, false, `${label}[]`);
  if (nullable === false) {
    const len = pick(flex, `${r}.compactArrayLength()`, `${r}.arrayLength()`);
    cw.line(`const a: ${elemType}[] = [];`);
    cw.line(`for (let i = 0, n = ${len}; i < n; i++) a.push(${elem});`);
    cw.line(`${target} = a;`);
    return;
  }
  const len = pick(
    flex,
    pick(nullable, `${r}.nullableCompactArrayLength()`, `${r}.compactArrayLength()`),
    pick(nullable, `${r}.nullableArrayLength()`, `${r}.arrayLength()`),
  );
  cw.line(`const n = ${len};`);
  cw.line(`if (n === null) ${target} = null;`).open('else {');
  cw.line(`const a: ${elemType}[] = [];`);
  cw.line(`for (let i = 0; i < n; i++) a.push(${elem});`);
  cw.line(`${target} = a;`).close();
}

function fieldDoc(f: FieldModel): string {
  const notes = [`v${formatVersions(f.versions)}`];
  if (!isEmpty(f.nullableVersions)) notes.push(`nullable v${formatVersions(f.nullableVersions)}`);
  if (f.tag !== null) notes.push(`tag ${f.tag}`);
  if (f.ignorable) notes.push('ignorable');
  const about = docText(f.about);
  return `/** ${about === '' ? '' : `${about} `}(${notes.join(', ')}) */`;
}

export function emitInterface(ctx: EmitContext, cw: CodeWriter, s: StructModel, doc: string): void {
  const n = namesOf(ctx, s.specName);
  cw.line(`/** ${docText(doc)} */`);
  cw.open(`export interface ${n.type} {`);
  for (const f of s.fields) cw.line(fieldDoc(f)).line(`${f.name}: ${tsType(ctx, f)};`);
  if (hasFlexibleVersions(ctx, s)) {
    ctx.helpers.add('RawTaggedField');
    cw.line('/** Tagged fields this code does not know, kept so that re-encoding preserves them. */');
    cw.line('unknownTaggedFields?: RawTaggedField[];');
  }
  cw.close().line();
}

export function emitCreate(ctx: EmitContext, cw: CodeWriter, s: StructModel): void {
  const n = namesOf(ctx, s.specName);
  cw.line(`/** A ${n.type} with every field at its default, overridden by \`partial\`. */`);
  cw.open(`export function ${n.create}(partial?: Partial<${n.type}>): ${n.type} {`);
  cw.open(`const m: ${n.type} = {`);
  for (const f of s.fields) cw.line(`${f.name}: ${defaultExpr(ctx, f)},`);
  cw.close('};');
  cw.line('return partial === undefined ? m : Object.assign(m, partial);');
  cw.close().line();
}

export function emitIsDefault(ctx: EmitContext, cw: CodeWriter, s: StructModel): void {
  const n = namesOf(ctx, s.specName);
  const terms = s.fields.map((f) => isDefaultExpr(ctx, f, `m.${f.name}`));
  if (hasFlexibleVersions(ctx, s))
    terms.push('(m.unknownTaggedFields === undefined || m.unknownTaggedFields.length === 0)');
  cw.open(`function ${n.isDefault}(m: ${n.type}): boolean {`);
  cw.line(`return ${terms.length === 0 ? 'true' : terms.join(' && ')};`);
  cw.close().line();
}

function flexibleLocal(ctx: EmitContext, s: StructModel): string {
  const c = versionCondition(ctx.message.flexibleVersions, s.versions);
  if (typeof c !== 'string') throw new Error('flexible local requested where flexibility is constant');
  return `const flexible = ${c};`;
}

/** Appends `body` to `cw` at its current depth (bodies are built separately to learn what they use). */
function splice(cw: CodeWriter, body: CodeWriter): void {
  for (const line of body.toString().split('\n').slice(0, -1)) cw.line(line);
}

export function emitEncode(
  ctx: EmitContext,
  cw: CodeWriter,
  s: StructModel,
  body: CodeWriter,
  isRoot: boolean,
): void {
  const n = namesOf(ctx, s.specName);
  const fn: FnState = { usesFlexible: false };
  const label = (f: FieldModel): string => `${n.type}.${f.name}`;
  for (const f of s.fields) {
    const present = intersect(f.versions, s.versions);
    const pc = versionCondition(f.versions, s.versions);
    const absent = !f.ignorable && pc !== true ? nonDefaultExpr(ctx, f, `m.${f.name}`) : null;
    if (absent !== null) ctx.helpers.add('absentField');
    const throwAbsent = `throw absentField('${label(f)}', version);`;
    if (f.tag !== null || pc === false) {
      // Tagged fields are written in the tagged section; here only the absent-version check.
      if (absent !== null && pc !== true) {
        body.line(`if (${pc === false ? '' : `${negate(pc)} && `}${absent}) ${throwAbsent}`);
      }
      continue;
    }
    const write = (): void => {
      emitWrite(
        ctx,
        body,
        f.type,
        `m.${f.name}`,
        'w',
        flexCond(ctx, fn, f, present),
        versionCondition(f.nullableVersions, present),
        isNullableType(f),
        label(f),
      );
    };
    if (pc === true) {
      write();
    } else {
      body.open(`if (${pc}) {`);
      write();
      if (absent !== null) body.middle(`} else if (${absent}) {`).line(throwAbsent);
      body.close();
    }
  }
  if (hasFlexibleVersions(ctx, s)) {
    const fc = versionCondition(ctx.message.flexibleVersions, s.versions);
    if (fc !== true) fn.usesFlexible = true;
    const tagged = s.fields.filter((f) => f.tag !== null && !isEmpty(intersect(f.versions, s.versions)));
    // Inside the tagged section the version is known to be flexible.
    const flexibleCtx = intersect(s.versions, ctx.message.flexibleVersions);
    ctx.helpers.add('NO_TAGS');
    if (fc !== true) body.open('if (flexible) {');
    if (tagged.length === 0) {
      body.line('w.taggedFields(NO_TAGS, m.unknownTaggedFields);');
    } else {
      ctx.helpers.add('TaggedFieldWriter');
      body.line('let tagged: TaggedFieldWriter[] | undefined;');
      for (const f of [...tagged].sort((a, b) => a.tag! - b.tag!)) {
        const present = intersect(f.versions, s.versions);
        const pc = versionCondition(f.versions, flexibleCtx);
        const cond = [typeof pc === 'string' ? pc : '', nonDefaultExpr(ctx, f, `m.${f.name}`)].filter(
          (c) => c !== '',
        );
        body.open(`if (${cond.join(' && ')}) {`);
        body.open(`(tagged ??= []).push([${f.tag!}, (tw) => {`);
        emitWrite(
          ctx,
          body,
          f.type,
          `m.${f.name}`,
          'tw',
          true,
          versionCondition(f.nullableVersions, present),
          isNullableType(f),
          label(f),
        );
        body.close('}]);');
        body.close();
      }
      body.line('w.taggedFields(tagged ?? NO_TAGS, m.unknownTaggedFields);');
    }
    if (fc !== true) {
      ctx.helpers.add('taggedNotSupported');
      body.middle('} else if (m.unknownTaggedFields !== undefined && m.unknownTaggedFields.length > 0) {');
      body.line(`throw taggedNotSupported('${n.type}', version);`);
      body.close();
    }
  }
  cw.open(`${isRoot ? 'export ' : ''}function ${n.encode}(w: Writer, m: ${n.type}, version: number): void {`);
  if (isRoot) emitVersionCheck(ctx, cw);
  if (fn.usesFlexible) cw.line(flexibleLocal(ctx, s));
  splice(cw, body);
  cw.close().line();
}

function emitVersionCheck(ctx: EmitContext, cw: CodeWriter): void {
  const { lo, hi } = ctx.message.validVersions;
  ctx.helpers.add('unsupportedVersion');
  cw.line(
    `if (version < ${lo} || version > ${hi}) throw unsupportedVersion('${ctx.message.name}', version, ${lo}, ${hi});`,
  );
}

export function emitDecode(
  ctx: EmitContext,
  cw: CodeWriter,
  s: StructModel,
  body: CodeWriter,
  isRoot: boolean,
): void {
  const n = namesOf(ctx, s.specName);
  const fn: FnState = { usesFlexible: false };
  const label = (f: FieldModel): string => `${n.type}.${f.name}`;
  const locals = new Map<FieldModel, string>();
  for (const f of s.fields) {
    const local = localName(ctx, f);
    locals.set(f, local);
    const present = intersect(f.versions, s.versions);
    const pc = versionCondition(f.versions, s.versions);
    const type = tsType(ctx, f);
    if (pc === false) {
      body.line(`const ${local}: ${type} = ${defaultExpr(ctx, f)};`);
      continue;
    }
    if (f.tag !== null) {
      body.line(`let ${local}: ${type} = ${defaultExpr(ctx, f)};`);
      continue;
    }
    const flex = flexCond(ctx, fn, f, present);
    const nullable = versionCondition(f.nullableVersions, present);
    if (f.type.kind !== 'array') {
      const read = readExpr(ctx, f.type, 'r', flex, nullable, label(f));
      body.line(
        `const ${local}: ${type} = ${pc === true ? read : `${pc} ? ${read} : ${defaultExpr(ctx, f)}`};`,
      );
    } else if (pc === true && nullable === false) {
      const elem = readExpr(ctx, f.type.element, 'r', flex, false, `${label(f)}[]`);
      const len = pick(flex, 'r.compactArrayLength()', 'r.arrayLength()');
      body.line(`const ${local}: ${type} = [];`);
      body.line(`for (let i = 0, n = ${len}; i < n; i++) ${local}.push(${elem});`);
    } else {
      body.line(`let ${local}: ${type};`);
      body.open(pc === true ? '{' : `if (${pc}) {`);
      emitArrayRead(ctx, body, f.type, local, 'r', flex, nullable, label(f));
      if (pc !== true) body.middle('} else {').line(`${local} = ${defaultExpr(ctx, f)};`);
      body.close();
    }
  }
  const flexibleStruct = hasFlexibleVersions(ctx, s);
  if (flexibleStruct) {
    const fc = versionCondition(ctx.message.flexibleVersions, s.versions);
    if (fc !== true) fn.usesFlexible = true;
    const tagged = s.fields.filter((f) => f.tag !== null && !isEmpty(intersect(f.versions, s.versions)));
    if (tagged.length === 0) {
      body.line(
        `const unknownTaggedFields = ${fc === true ? 'r.taggedFields()' : 'flexible ? r.taggedFields() : undefined'};`,
      );
    } else {
      ctx.helpers.add('endTagged');
      if (fc !== true) {
        ctx.helpers.add('RawTaggedField');
        body.line('let unknownTaggedFields: RawTaggedField[] | undefined;');
        body.open('if (flexible) {').open('unknownTaggedFields = r.taggedFields((tag, tr) => {');
      } else {
        body.open('const unknownTaggedFields = r.taggedFields((tag, tr) => {');
      }
      body.open('switch (tag) {');
      const flexibleCtx = intersect(s.versions, ctx.message.flexibleVersions);
      for (const f of [...tagged].sort((a, b) => a.tag! - b.tag!)) {
        const present = intersect(f.versions, s.versions);
        const pc = versionCondition(f.versions, flexibleCtx);
        const nullable = versionCondition(f.nullableVersions, present);
        const local = locals.get(f)!;
        body.open(`case ${f.tag!}: {`);
        if (typeof pc === 'string') body.line(`if (${negate(pc)}) return false;`);
        if (f.type.kind === 'array') emitArrayRead(ctx, body, f.type, local, 'tr', true, nullable, label(f));
        else body.line(`${local} = ${readExpr(ctx, f.type, 'tr', true, nullable, label(f))};`);
        body.line('break;');
        body.close();
      }
      body.line('default:').line('  return false;');
      body.close();
      body.line(`return endTagged(tr, '${n.type}', tag);`);
      body.close('});');
      if (fc !== true) body.close();
    }
  }
  body.open(`const m: ${n.type} = {`);
  for (const f of s.fields) {
    const local = locals.get(f)!;
    body.line(local === f.name ? `${local},` : `${f.name}: ${local},`);
  }
  body.close('};');
  if (flexibleStruct)
    body.line('if (unknownTaggedFields !== undefined) m.unknownTaggedFields = unknownTaggedFields;');
  body.line('return m;');

  cw.open(`${isRoot ? 'export ' : ''}function ${n.decode}(r: Reader, version: number): ${n.type} {`);
  if (isRoot) emitVersionCheck(ctx, cw);
  if (fn.usesFlexible) cw.line(flexibleLocal(ctx, s));
  splice(cw, body);
  cw.close().line();
}
