import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type RunResult } from '../../support/process.js';

/**
 * The CLI as users run it: `node bin/rivulet.js …`, which loads the compiled dist/. `npm test`
 * builds dist/ before the suite; when running vitest alone, run `npm run build` first. A stale
 * or missing build fails here with that advice rather than testing old code.
 */
export const bin = fileURLToPath(new URL('../../../bin/rivulet.js', import.meta.url));

const built = fileURLToPath(new URL('../../../dist/cli/commands/consume.js', import.meta.url));
const sourceDirs = ['src/client', 'src/cli/commands'].map((d) =>
  fileURLToPath(new URL(`../../../${d}/`, import.meta.url)),
);

export function assertBuilt(): void {
  const sources = sourceDirs.flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => path.join(d, f)),
  );
  const newest = Math.max(...sources.map((s) => statSync(s).mtimeMs));
  if (!existsSync(built) || statSync(built).mtimeMs < newest) {
    throw new Error('dist/ is missing or older than src/cli: run `npm run build` (npm test does it first)');
  }
}

/** Runs `rivulet …args` to completion with `input` on stdin. */
export function rivulet(args: readonly string[], input?: string | Buffer): Promise<RunResult> {
  return run(process.execPath, [bin, ...args], {
    ...(input === undefined ? {} : { input }),
    timeoutMs: 60_000,
  });
}

/** Starts `rivulet …args` in the background, collecting its output. */
export function spawnRivulet(args: readonly string[]): {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [bin, ...args], { stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      resolve(code);
    });
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves once `check()` holds, checking after each event-loop turn of 20 ms. */
export async function until(check: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
