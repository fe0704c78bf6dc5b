/**
 * Minimal benchmark runner: runs every `bench/*.bench.ts` (or those whose names contain the
 * first argument) one after another, each printing its own table of figure, baseline and
 * ratio. Extra arguments (e.g. `--quick`, `--markdown`) are passed through.
 *
 * Run: npm run bench [-- <filter>] [-- --quick]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
const args = process.argv.slice(2);
const filter = args.find((a) => !a.startsWith('--'));
const passThrough = args.filter((a) => a.startsWith('--'));
const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && (filter === undefined || f.includes(filter)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, file), ...passThrough], {
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
