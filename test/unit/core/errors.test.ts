import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, errorInfo, InvexError, toInvexError } from '../../../src/errors.js';

describe('error registry', () => {
  it('documents every code in docs/errors.md with its HTTP status', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      const row = doc.split('\n').find((l) => l.includes(`\`${code}\``));
      expect(row, `${code} missing from docs/errors.md`).toBeDefined();
      expect(row).toContain(`| ${info.status} |`);
    }
  });

  it('carries status and retryable from the registry', () => {
    const e = new InvexError('INVEX_E_PDF_ENCRYPTED', 'locked');
    expect(e.status).toBe(422);
    expect(e.retryable).toBe(false);
    expect(errorInfo(e)).toEqual({ code: 'INVEX_E_PDF_ENCRYPTED', message: 'locked' });
  });

  it('wraps unknown failures as INVEX_E_INTERNAL', () => {
    expect(toInvexError(new TypeError('boom')).code).toBe('INVEX_E_INTERNAL');
    expect(toInvexError('plain').message).toBe('plain');
  });
});
