import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/rivulet.js', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('rivulet CLI', () => {
  it('prints the package version', () => {
    expect(execFileSync('node', [bin, '--version'], { encoding: 'utf8' }).trim()).toBe(pkg.version);
  });

  it('lists its commands under --help', () => {
    const out = execFileSync('node', [bin, '--help'], { encoding: 'utf8' });
    expect(out).toContain('Usage: rivulet <command>');
    expect(out).toContain('start');
  });

  it('rejects an unknown command with exit code 2', () => {
    expect(() => execFileSync('node', [bin, 'no-such-command'], { stdio: 'pipe' })).toThrow(
      expect.objectContaining({ status: 2 }) as Error,
    );
  });
});
