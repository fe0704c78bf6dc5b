import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalog, isRivuletError, RivuletError } from './errors.js';

describe('error catalog', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

  it('documents every code with its domain and retriability in docs/errors.md', () => {
    for (const [code, entry] of Object.entries(errorCatalog)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
      expect(row, `${code} is missing from docs/errors.md`).toBeDefined();
      expect(row).toContain(`| ${entry.domain} | ${entry.retriable ? 'yes' : 'no'} |`);
    }
  });

  it('does not document codes that no longer exist', () => {
    const documented = [...doc.matchAll(/^\| `(RIV_ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(errorCatalog).sort());
  });

  it('carries code, domain and retriability', () => {
    const err = new RivuletError('RIV_ERR_TIMEOUT', 'fetch did not complete within 30000 ms');
    expect(isRivuletError(err, 'RIV_ERR_TIMEOUT')).toBe(true);
    expect(isRivuletError(err, 'RIV_ERR_KAFKA')).toBe(false);
    expect(err.domain).toBe('external');
    expect(err.retriable).toBe(true);
    expect(new RivuletError('RIV_ERR_TIMEOUT', 'x', { retriable: false }).retriable).toBe(false);
  });
});
