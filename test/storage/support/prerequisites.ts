import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * What the fault-injection suite needs from the machine, probed once per run:
 * - `strace` allowed to trace a child and inject errors (the package, and ptrace not forbidden
 *   by the container or by Yama's ptrace_scope);
 * - unprivileged user namespaces in which a tmpfs can be mounted (`unshare -rm`; some distros
 *   turn them off: Debian's kernel.unprivileged_userns_clone, Ubuntu's
 *   kernel.apparmor_restrict_unprivileged_userns).
 *
 * Locally a missing prerequisite skips the tests that need it (the skip is reported by the
 * runner, with the reason printed once). Under CI=true or REQUIRE_COMPAT=1 (as .ci/run sets)
 * those tests run and fail at once, naming what is missing: CI can never pass by skipping them.
 */
export const REQUIRE_PREREQUISITES = process.env.CI === 'true' || process.env.REQUIRE_COMPAT === '1';

export interface Prerequisite {
  readonly name: string;
  readonly available: boolean;
  /** Why it is missing and how to provide it. */
  readonly problem: string;
}

function probe(cmd: string, args: readonly string[]): string | null {
  try {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
    if (r.error !== undefined) return r.error.message;
    return r.status === 0 ? null : `exit ${r.status}: ${r.stderr.trim().split('\n').slice(-2).join(' / ')}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** strace that can trace a child and inject an errno into one of its system calls. */
export function straceInjection(): Prerequisite {
  const problem = probe('strace', [
    '-f',
    '-qq',
    '-o',
    '/dev/null',
    '-e',
    'trace=fdatasync',
    '-e',
    'inject=fdatasync:error=EIO',
    'true',
  ]);
  return {
    name: 'strace with error injection',
    available: problem === null,
    problem: `${problem ?? ''} (install the strace package; ptrace must be allowed)`,
  };
}

/** `unshare -rm` plus a tmpfs mount inside the new namespace. */
export function userNamespaceTmpfs(): Prerequisite {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rivulet-userns-'));
  try {
    const problem = probe('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=1m tmpfs "$1"', 'sh', dir]);
    return {
      name: 'unprivileged user namespace with a tmpfs mount',
      available: problem === null,
      problem: `${problem ?? ''} (enable unprivileged user namespaces: kernel.unprivileged_userns_clone=1, or on Ubuntu kernel.apparmor_restrict_unprivileged_userns=0)`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const reported = new Set<string>();

/** True when tests needing `p` are to be skipped: it is missing and nothing requires it. */
export function skipWithout(p: Prerequisite): boolean {
  if (p.available || REQUIRE_PREREQUISITES) return false;
  if (!reported.has(p.name)) {
    reported.add(p.name);
    console.warn(`skipping storage fault-injection tests that need ${p.name}: ${p.problem}`);
  }
  return true;
}

/** First line of a test needing `p`: under CI=true / REQUIRE_COMPAT=1 a missing one fails here. */
export function assertPrerequisite(p: Prerequisite): void {
  if (!p.available) {
    throw new Error(`${p.name} is unavailable, and CI=true / REQUIRE_COMPAT=1 require it: ${p.problem}`);
  }
}
