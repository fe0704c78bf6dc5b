import type { CodeWriter } from './code-writer.js';
import type { Cond, EmitContext } from './emit-shared.js';
import {
  emitVersionCheck,
  FIXED_WRITE,
  flexCond,
  flexibleLocal,
  hasFlexibleVersions,
  isNullableType,
  namesOf,
  negate,
  nonDefaultExpr,
  splice,
} from './emit-shared.js';
import type { FnState } from './emit-shared.js';
import type { FieldModel, FieldType, StructModel } from './model.js';
import { intersect, isEmpty, versionCondition } from './versions.js';

/**
 * Emits a struct's encoder: straight-line writes, one `if` per field whose presence depends on the
 * version, Kafka's checks for fields the version lacks, and the tagged-field section.
 */

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
