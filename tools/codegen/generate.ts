import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';
import type { GeneratedModule } from './emit-module.js';
import { emitApiModule, emitDataIndex, emitDataModule, emitIndex } from './emit-module.js';
import { emitApiKeys, emitErrorCodes } from './emit-tables.js';
import type { MessageModel } from './model.js';
import { buildMessageModel } from './model.js';
import { schemaModel, schemaModelJson } from './schema-model.js';
import { parseSpecJson } from './spec-json.js';

/** Where generated files go, relative to the repository root. */
export const MESSAGES_DIR = 'src/protocol/messages';

/** Reads every spec in `<specsDir>/messages`, in file-name order (never directory order). */
export async function loadMessages(specsDir: string): Promise<MessageModel[]> {
  const dir = path.join(specsDir, 'messages');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`no message specs in ${dir}`);
  const models: MessageModel[] = [];
  for (const file of files) {
    models.push(buildMessageModel(parseSpecJson(await readFile(path.join(dir, file), 'utf8'), file), file));
  }
  return models;
}

async function formatted(repoRoot: string, relPath: string, source: string): Promise<string> {
  const filepath = path.join(repoRoot, relPath);
  const options = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(source, { ...options, filepath });
}

/**
 * Generates every output file from the specs: a map from repository-relative path to content.
 * The result depends only on the specs' contents (and the Prettier config for the two files
 * outside `messages/`), so running it twice gives identical bytes.
 */
export async function generate(specsDir: string, repoRoot: string): Promise<Map<string, string>> {
  const models = await loadMessages(specsDir);
  const byName = new Map(models.map((m) => [m.name, m]));
  const apiModules: GeneratedModule[] = [];
  const dataModules: GeneratedModule[] = [];
  for (const m of models) {
    if (m.type === 'request') {
      const res = byName.get(m.name.replace(/Request$/, 'Response'));
      if (res === undefined || res.type !== 'response')
        throw new Error(`${m.file}: no matching response spec`);
      apiModules.push(emitApiModule(m, res));
    } else if (m.type === 'response') {
      if (byName.get(m.name.replace(/Response$/, 'Request'))?.type !== 'request') {
        throw new Error(`${m.file}: no matching request spec`);
      }
    } else {
      dataModules.push(emitDataModule(m));
    }
  }
  const keys = new Set<number>();
  for (const m of apiModules) {
    if (keys.has(m.apiKey!)) throw new Error(`api key ${m.apiKey!} is used twice`);
    keys.add(m.apiKey!);
  }
  const out = new Map<string, string>();
  for (const m of [...apiModules, ...dataModules]) out.set(`${MESSAGES_DIR}/${m.path}`, m.content);
  out.set(`${MESSAGES_DIR}/index.ts`, emitIndex([...apiModules, ...dataModules]));
  out.set(`${MESSAGES_DIR}/data/index.ts`, emitDataIndex(dataModules));
  out.set(`${MESSAGES_DIR}/schema-model.json`, schemaModelJson(schemaModel(models)));
  const errors = parseSpecJson(await readFile(path.join(specsDir, 'errors.json'), 'utf8'), 'errors.json');
  for (const [rel, src] of [
    ['src/protocol/api-keys.ts', emitApiKeys(apiModules)],
    ['src/protocol/error-codes.ts', emitErrorCodes(errors)],
  ] as const) {
    out.set(rel, await formatted(repoRoot, rel, src));
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
