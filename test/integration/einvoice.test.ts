import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePipeline, extractFile } from '../../src/pipeline.js';
import { ciiXml, EINVOICE, einvoicePdf } from '../fixtures/einvoice.js';

describe('invex extract on a Factur-X PDF', () => {
  let dir: string;
  let pdf: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'invex-einvoice-'));
    pdf = join(dir, 'facturx.pdf');
    // The page prints a gross amount that differs from its XML, as the corpus's "fail" specimens do.
    await writeFile(
      pdf,
      await einvoicePdf([{ name: 'factur-x.xml', xml: ciiXml() }], { ...EINVOICE, gross: '118.00' }),
    );
  });
  afterAll(async () => {
    await closePipeline();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the XML values with regions on the page, valid against the schema', async () => {
    const out = await extractFile(pdf, { ocr: 'auto', lang: 'eng' });
    expect(out.document.embedded).toEqual({
      file: 'factur-x.xml',
      format: 'cii',
      profile: 'urn:cen.eu:en16931:2017',
    });
    expect(out.fields.total_amount).toMatchObject({ value: '119.00', source: 'embedded', confidence: 1 });
    expect(out.fields.invoice_number?.value).toBe('RE-2024-0815');
    expect(out.fields.invoice_number?.regions).toHaveLength(1);
    expect(out.fields.issue_date).toMatchObject({ value: '2024-03-05', raw: '05.03.2024' });
    expect(out.line_items[0]?.amount?.value).toBe('100.00');
    expect(
      out.validation.some((r) => r.rule === 'INVEX-EMBEDDED-DIFFERS' && r.fields?.includes('total_amount')),
    ).toBe(true);
  });

  it('reads the page alone with embedded: false', async () => {
    const out = await extractFile(pdf, { ocr: 'auto', lang: 'eng', embedded: false });
    expect(out.document.embedded).toBeUndefined();
    expect(Object.values(out.fields).some((f) => f?.source === 'embedded')).toBe(false);
    expect(out.fields.total_amount?.value).toBe('118.00');
  });
});
