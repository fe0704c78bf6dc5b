import type { CodeWriter } from './code-writer.js';
import type { Cond, EmitContext, FnState } from './emit-shared.js';
import {
  defaultExpr,
  elementTsType,
  emitVersionCheck,
  FIXED_WRITE,
  flexCond,
  flexibleLocal,
  hasFlexibleVersions,
  localName,
  namesOf,
  negate,
  pick,
  splice,
  tsType,
} from './emit-shared.js';
import type { ElementType, FieldModel, StructModel } from './model.js';
import { intersect, isEmpty, versionCondition } from './versions.js';

/**
 * Emits a struct's decoder: fields read into locals in wire order, known tagged fields decoded by
 * tag, then one object literal with every field (one hidden class per struct).
 */

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
  const values = new Map<FieldModel, string>();
  for (const f of s.fields) {
    const pc = versionCondition(f.versions, s.versions);
    if (pc === false || f.tag !== null) {
      // Tagged fields start at their defaults and are overwritten when their tag is read.
      values.set(f, defaultExpr(ctx, f));
      continue;
    }
    const local = localName(ctx, f);
    values.set(f, local);
    const present = intersect(f.versions, s.versions);
    const type = tsType(ctx, f);
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
  const tagged = s.fields.filter((f) => f.tag !== null && !isEmpty(intersect(f.versions, s.versions)));
  const fc = versionCondition(ctx.message.flexibleVersions, s.versions);
  if (flexibleStruct && tagged.length === 0) {
    if (fc !== true) fn.usesFlexible = true;
    body.line(
      `const unknownTaggedFields = ${fc === true ? 'r.taggedFields()' : 'flexible ? r.taggedFields() : undefined'};`,
    );
  }
  body.open(`const m: ${n.type} = {`);
  for (const f of s.fields) {
    const value = values.get(f)!;
    body.line(value === f.name ? `${value},` : `${f.name}: ${value},`);
  }
  body.close('};');
  if (tagged.length > 0) {
    // Most sections are empty (a single 0 byte): skip them without creating the tag closure.
    if (fc !== true) fn.usesFlexible = true;
    const skip = 'if (r.offset < r.end && r.buf[r.offset] === 0) r.offset++;';
    if (fc !== true) body.open('if (flexible) {');
    body.line(skip).line(`else ${n.decodeTagged}(r, version, m);`);
    if (fc !== true) body.close();
  } else if (flexibleStruct) {
    body.line('if (unknownTaggedFields !== undefined) m.unknownTaggedFields = unknownTaggedFields;');
  }
  body.line('return m;');

  cw.open(`${isRoot ? 'export ' : ''}function ${n.decode}(r: Reader, version: number): ${n.type} {`);
  if (isRoot) emitVersionCheck(ctx, cw);
  if (fn.usesFlexible) cw.line(flexibleLocal(ctx, s));
  splice(cw, body);
  cw.close().line();
  if (tagged.length > 0) emitDecodeTagged(ctx, cw, s, tagged);
}

/** The tagged-field section of a struct, read into the already-built object `m`. */
function emitDecodeTagged(
  ctx: EmitContext,
  cw: CodeWriter,
  s: StructModel,
  tagged: readonly FieldModel[],
): void {
  const n = namesOf(ctx, s.specName);
  ctx.helpers.add('endTagged');
  cw.open(`function ${n.decodeTagged}(r: Reader, version: number, m: ${n.type}): void {`);
  cw.open('const unknownTaggedFields = r.taggedFields((tag, tr) => {');
  cw.open('switch (tag) {');
  // Only flexible versions get here.
  const flexibleCtx = intersect(s.versions, ctx.message.flexibleVersions);
  for (const f of [...tagged].sort((a, b) => a.tag! - b.tag!)) {
    const present = intersect(f.versions, s.versions);
    const pc = versionCondition(f.versions, flexibleCtx);
    const nullable = versionCondition(f.nullableVersions, present);
    const label = `${n.type}.${f.name}`;
    cw.open(`case ${f.tag!}: {`);
    if (typeof pc === 'string') cw.line(`if (${negate(pc)}) return false;`);
    if (f.type.kind === 'array') emitArrayRead(ctx, cw, f.type, `m.${f.name}`, 'tr', true, nullable, label);
    else cw.line(`m.${f.name} = ${readExpr(ctx, f.type, 'tr', true, nullable, label)};`);
    cw.line('break;');
    cw.close();
  }
  cw.line('default:').line('  return false;');
  cw.close();
  cw.line(`return endTagged(tr, '${n.type}', tag);`);
  cw.close('});');
  cw.line('if (unknownTaggedFields !== undefined) m.unknownTaggedFields = unknownTaggedFields;');
  cw.close().line();
}
