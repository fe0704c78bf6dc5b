import type { CodeWriter } from './code-writer.js';
import { docText } from './code-writer.js';
import type { EmitContext } from './emit-shared.js';
import { defaultExpr, hasFlexibleVersions, isDefaultExpr, namesOf, tsType } from './emit-shared.js';
import type { FieldModel, StructModel } from './model.js';
import { formatVersions, isEmpty } from './versions.js';

/** Emits a struct's interface, its `create…` helper and, where needed, its `isDefault…` test. */

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
