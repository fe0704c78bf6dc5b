import { CodeWriter, docText } from './code-writer.js';
import type { EmitContext, StructNames } from './emit-struct.js';
import {
  emitCreate,
  emitDecode,
  emitEncode,
  emitInterface,
  emitIsDefault,
  structNames,
} from './emit-struct.js';
import type { MessageModel, StructModel } from './model.js';
import { formatVersions, isEmpty, versionCondition } from './versions.js';

/** One generated source file and the names it exports (for the index). */
export interface GeneratedModule {
  /** Path relative to `src/protocol/messages/`, e.g. `metadata.ts` or `data/voters-record.ts`. */
  readonly path: string;
  readonly content: string;
  /** Namespace name for `export * as …` in the index. */
  readonly namespace: string;
  readonly valueExports: readonly string[];
  readonly typeExports: readonly string[];
  /** The spec constant (`Metadata`, `VotersRecordSpec`). */
  readonly specConst: string;
  readonly apiKey: number | null;
}

/** `AddOffsetsToTxn` → `add-offsets-to-txn`, `KRaftVersionRecord` → `k-raft-version-record`. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

const API_HELPERS = [
  'EMPTY_BYTES',
  'NO_TAGS',
  'absentField',
  'endTagged',
  'nullValue',
  'readPresence',
  'taggedNotSupported',
  'unsupportedVersion',
];

function allNames(n: StructNames): string[] {
  return [n.type, n.create, n.encode, n.decode, n.isDefault];
}

/** Structs whose `isDefault…` is called: non-array struct fields that are tagged or may be absent. */
function isDefaultNeeded(m: MessageModel): Set<string> {
  const byName = new Map(m.structs.map((s) => [s.specName, s]));
  const need = new Set<string>();
  const add = (name: string): void => {
    if (need.has(name)) return;
    need.add(name);
    for (const f of byName.get(name)!.fields) {
      if (f.type.kind === 'struct' && f.default.kind === 'empty') add(f.type.struct);
    }
  };
  for (const s of [m.root, ...m.structs]) {
    for (const f of s.fields) {
      if (f.type.kind !== 'struct' || f.default.kind !== 'empty') continue;
      if (f.tag !== null || (!f.ignorable && versionCondition(f.versions, s.versions) !== true))
        add(f.type.struct);
    }
  }
  return need;
}

interface Section {
  readonly message: MessageModel;
  readonly names: Map<string, StructNames>;
}

/**
 * Gives every struct of the module its TypeScript name: the spec's name, unless the request and
 * the response of one API both define it, in which case both get the message name as a prefix
 * (`FetchSnapshotRequestSnapshotId`, `FetchSnapshotResponseSnapshotId`).
 */
function assignNames(messages: readonly MessageModel[], taken: Set<string>): Section[] {
  const count = new Map<string, number>();
  for (const m of messages)
    for (const s of m.structs) count.set(s.specName, (count.get(s.specName) ?? 0) + 1);
  return messages.map((m) => {
    const names = new Map<string, StructNames>();
    const claim = (specName: string, typeName: string): void => {
      const n = structNames(typeName);
      for (const id of allNames(n)) {
        if (taken.has(id)) throw new Error(`${m.file}: generated name ${id} is used twice`);
        taken.add(id);
      }
      names.set(specName, n);
    };
    claim(m.name, m.name);
    for (const s of m.structs) {
      claim(s.specName, (count.get(s.specName) ?? 0) > 1 ? `${m.name}${s.specName}` : s.specName);
    }
    return { message: m, names };
  });
}

function messageDoc(m: MessageModel): string {
  const parts = [
    `${m.name}${m.apiKey === null ? '' : ` (api key ${m.apiKey})`}: versions ${formatVersions(m.validVersions)}`,
  ];
  parts.push(
    isEmpty(m.flexibleVersions) ? 'never flexible' : `flexible ${formatVersions(m.flexibleVersions)}`,
  );
  if (m.latestVersionUnstable) parts.push(`v${m.validVersions.hi} is unstable`);
  return `${parts.join(', ')}.`;
}

function emitSection(ctx: EmitContext, cw: CodeWriter): void {
  const m = ctx.message;
  cw.line(`// ${m.name}`).line();
  emitInterface(ctx, cw, m.root, messageDoc(m));
  for (const s of m.structs) emitInterface(ctx, cw, s, `${s.specName} in ${m.name}.`);
  const all: StructModel[] = [m.root, ...m.structs];
  for (const s of all) emitCreate(ctx, cw, s);
  for (const s of m.structs) if (ctx.needsIsDefault.has(s.specName)) emitIsDefault(ctx, cw, s);
  for (const s of all) emitEncode(ctx, cw, s, new CodeWriter(), s === m.root);
  for (const s of all) emitDecode(ctx, cw, s, new CodeWriter(), s === m.root);
}

function emitImports(cw: CodeWriter, helpers: Set<string>, specType: string, depth: string): void {
  const apiTypes = [specType, ...(helpers.has('TaggedFieldWriter') ? ['TaggedFieldWriter'] : [])];
  cw.line(`import type { ${apiTypes.join(', ')} } from '${depth}api.js';`);
  const apiValues = API_HELPERS.filter((h) => helpers.has(h));
  if (apiValues.length > 0) cw.line(`import { ${apiValues.join(', ')} } from '${depth}api.js';`);
  const readerTypes = [...(helpers.has('RawTaggedField') ? ['RawTaggedField'] : []), 'Reader'];
  cw.line(`import type { ${readerTypes.join(', ')} } from '${depth}primitives/reader.js';`);
  if (helpers.has('ZERO_UUID')) cw.line(`import { ZERO_UUID } from '${depth}primitives/uuid.js';`);
  cw.line(`import type { Writer } from '${depth}primitives/writer.js';`);
}

function reservedFor(sections: readonly Section[], extra: readonly string[]): Set<string> {
  const reserved = new Set<string>([...API_HELPERS, 'ZERO_UUID', ...extra]);
  for (const s of sections) for (const n of s.names.values()) for (const id of allNames(n)) reserved.add(id);
  return reserved;
}

function banner(files: readonly string[]): string {
  return `// GENERATED by tools/codegen from ${files.join(' and ')} — do not edit.`;
}

function sectionExports(s: Section): { values: string[]; types: string[] } {
  const root = s.names.get(s.message.name)!;
  return { values: [root.create, root.decode, root.encode], types: [root.type] };
}

/** The module of one API: its request and response, and the `ApiSpec` constant. */
export function emitApiModule(req: MessageModel, res: MessageModel): GeneratedModule {
  const api = req.name.replace(/Request$/, '');
  if (res.name !== `${api}Response` || req.apiKey !== res.apiKey) {
    throw new Error(`${req.file} and ${res.file} do not describe one API`);
  }
  for (const [what, a, b] of [
    ['validVersions', req.validVersions, res.validVersions],
    ['flexibleVersions', req.flexibleVersions, res.flexibleVersions],
  ] as const) {
    if (formatVersions(a) !== formatVersions(b))
      throw new Error(`${api}: request and response ${what} differ`);
  }
  const sections = assignNames([req, res], new Set([api]));
  const helpers = new Set<string>();
  const reserved = reservedFor(sections, [api]);
  const body = new CodeWriter();
  for (const s of sections) {
    emitSection(
      { message: s.message, names: s.names, helpers, needsIsDefault: isDefaultNeeded(s.message), reserved },
      body,
    );
  }
  const apiKey = req.apiKey!;
  const flex = req.flexibleVersions;
  const flexMin = isEmpty(flex) ? null : flex.lo;
  const reqHeader =
    flexMin === null
      ? '() => 1'
      : `(version) => (${apiKey === 7 ? 'version === 0 ? 0 : ' : ''}version >= ${flexMin} ? 2 : 1)`;
  const resHeader =
    flexMin === null || apiKey === 18 ? '() => 0' : `(version) => (version >= ${flexMin} ? 1 : 0)`;
  const [rq, rs] = sections.map((s) => s.names.get(s.message.name)!) as [StructNames, StructNames];
  body.line(
    `/** ${docText(`${api} (api key ${apiKey}): versions ${formatVersions(req.validVersions)}.`)} */`,
  );
  body.open(`export const ${api}: ApiSpec<${rq.type}, ${rs.type}> = {`);
  body.line(`apiKey: ${apiKey},`).line(`name: '${api}',`);
  body.line(`minVersion: ${req.validVersions.lo},`).line(`maxVersion: ${req.validVersions.hi},`);
  body.line(`flexibleMinVersion: ${flexMin === null ? 'null' : flexMin},`);
  body.line(`requestHeaderVersion: ${reqHeader},`).line(`responseHeaderVersion: ${resHeader},`);
  body.line(`encodeRequest: ${rq.encode},`).line(`decodeRequest: ${rq.decode},`);
  body.line(`encodeResponse: ${rs.encode},`).line(`decodeResponse: ${rs.decode},`);
  body.line(`createRequest: ${rq.create},`).line(`createResponse: ${rs.create},`);
  body.close('};');

  const cw = new CodeWriter();
  cw.line(banner([req.file, res.file]));
  emitImports(cw, helpers, 'ApiSpec', '../');
  cw.line();
  const exports = sections.map(sectionExports);
  return {
    path: `${kebabCase(api)}.ts`,
    content: cw.toString() + body.toString(),
    namespace: lowerFirst(api),
    valueExports: [api, ...exports.flatMap((e) => e.values)],
    typeExports: exports.flatMap((e) => e.types),
    specConst: api,
    apiKey,
  };
}

/** The module of a non-API message (headers, consumer protocol, KRaft records). */
export function emitDataModule(msg: MessageModel): GeneratedModule {
  const specConst = `${msg.name}Spec`;
  const sections = assignNames([msg], new Set([specConst]));
  const section = sections[0]!;
  const helpers = new Set<string>();
  const body = new CodeWriter();
  emitSection(
    {
      message: msg,
      names: section.names,
      helpers,
      needsIsDefault: isDefaultNeeded(msg),
      reserved: reservedFor(sections, [specConst]),
    },
    body,
  );
  const n = section.names.get(msg.name)!;
  const flexMin = isEmpty(msg.flexibleVersions) ? null : msg.flexibleVersions.lo;
  body.line(`/** ${docText(messageDoc(msg))} */`);
  body.open(`export const ${specConst}: MessageSpec<${n.type}> = {`);
  body.line(`name: '${msg.name}',`).line(`type: '${msg.type}',`);
  body.line(`minVersion: ${msg.validVersions.lo},`).line(`maxVersion: ${msg.validVersions.hi},`);
  body.line(`flexibleMinVersion: ${flexMin === null ? 'null' : flexMin},`);
  body.line(`encode: ${n.encode},`).line(`decode: ${n.decode},`).line(`create: ${n.create},`);
  body.close('};');
  const cw = new CodeWriter();
  cw.line(banner([msg.file]));
  emitImports(cw, helpers, 'MessageSpec', '../../');
  cw.line();
  const e = sectionExports(section);
  return {
    path: `data/${kebabCase(msg.name)}.ts`,
    content: cw.toString() + body.toString(),
    namespace: lowerFirst(msg.name),
    valueExports: [specConst, ...e.values],
    typeExports: e.types,
    specConst,
    apiKey: null,
  };
}

/**
 * `index.ts`: each module as a namespace (struct names repeat across APIs, so a flat
 * `export *` would collide), plus the names every caller needs, flat.
 */
export function emitIndex(modules: readonly GeneratedModule[]): string {
  const cw = new CodeWriter();
  cw.line('// GENERATED by tools/codegen — do not edit.');
  cw.line('//');
  cw.line('// Each module is re-exported as a namespace (struct names such as `PartitionData` repeat');
  cw.line('// across APIs) and its top-level names flat: the spec constant, the request/response (or');
  cw.line('// message) interfaces and their create/encode/decode functions.');
  for (const m of modules) {
    const from = `./${m.path.replace(/\.ts$/, '.js')}`;
    cw.line(`export * as ${m.namespace} from '${from}';`);
    const names = [...m.valueExports, ...m.typeExports.map((t) => `type ${t}`)];
    cw.line(`export { ${names.join(', ')} } from '${from}';`);
  }
  cw.line("export { dataMessageSpecs } from './data/index.js';");
  return cw.toString();
}

/** `data/index.ts`: the non-API message specs by name. */
export function emitDataIndex(modules: readonly GeneratedModule[]): string {
  const cw = new CodeWriter();
  cw.line('// GENERATED by tools/codegen — do not edit.');
  cw.line("import type { MessageSpec } from '../../api.js';");
  for (const m of modules)
    cw.line(`import { ${m.specConst} } from './${m.path.replace(/^data\//, '').replace(/\.ts$/, '.js')}';`);
  cw.line();
  cw.line('/** Every non-API message spec (headers, consumer protocol, KRaft records), by message name. */');
  cw.open(
    'export const dataMessageSpecs: ReadonlyMap<string, MessageSpec<unknown>> = new Map<string, MessageSpec<unknown>>([',
  );
  for (const m of modules) cw.line(`[${m.specConst}.name, ${m.specConst}],`);
  cw.close(']);');
  return cw.toString();
}
