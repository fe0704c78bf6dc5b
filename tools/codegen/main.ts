/**
 * `npm run generate [-- --specs DIR] [--check]`: regenerates the protocol code from Kafka's
 * message specs (default `../shared/kafka-protocol` beside the checkout). `--check` writes
 * nothing and exits 1 if any generated file is missing, stale or extra. See README.md.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generate, MESSAGES_DIR } from './generate.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(repoRoot, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { specs: { type: 'string' }, check: { type: 'boolean', default: false } },
  });
  const specsDir =
    values.specs === undefined
      ? path.resolve(repoRoot, '../shared/kafka-protocol')
      : path.resolve(values.specs);
  const files = await generate(specsDir, repoRoot);
  // The generator owns src/protocol/messages/: anything there it did not write is stale.
  const stale = (await listFiles(path.join(repoRoot, MESSAGES_DIR))).filter((f) => !files.has(f));
  if (values.check) {
    const problems: string[] = stale.map((f) => `extra: ${f}`);
    for (const [rel, content] of files) {
      const current = await readFile(path.join(repoRoot, rel), 'utf8').catch(() => null);
      if (current === null) problems.push(`missing: ${rel}`);
      else if (current !== content) problems.push(`stale: ${rel}`);
    }
    for (const p of problems) console.error(`generate --check: ${p}`);
    return problems.length === 0 ? 0 : 1;
  }
  for (const f of stale) await rm(path.join(repoRoot, f));
  for (const [rel, content] of files) {
    const abs = path.join(repoRoot, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    const current = await readFile(abs, 'utf8').catch(() => null);
    if (current !== content) await writeFile(abs, content);
  }
  console.log(
    `generate: ${files.size} files from ${specsDir}${stale.length > 0 ? `, ${stale.length} stale removed` : ''}`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
