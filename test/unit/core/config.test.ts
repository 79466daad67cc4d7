import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';

describe('config', () => {
  it('has defaults', () => {
    const c = parseConfig({});
    expect(c.maxPages).toBe(50);
    expect(c.ocrLang).toBe('deu+eng');
    expect(c.ocrWorkers).toBeGreaterThan(0);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('coerces numbers and treats empty strings as unset', () => {
    const c = parseConfig({ INVEX_MAX_PAGES: '7', INVEX_OCR_LANG: '' });
    expect(c.maxPages).toBe(7);
    expect(c.ocrLang).toBe('deu+eng');
  });

  it('reports every invalid variable at once', () => {
    try {
      parseConfig({ INVEX_MAX_PAGES: 'many', INVEX_OCR_LANG: 'eng deu', REDIS_URL: 'nope' });
      expect.unreachable();
    } catch (err) {
      const e = err as { code: string; message: string };
      expect(e.code).toBe('INVEX_E_CONFIG');
      expect(e.message).toContain('INVEX_MAX_PAGES');
      expect(e.message).toContain('INVEX_OCR_LANG');
      expect(e.message).toContain('REDIS_URL');
    }
  });
});
