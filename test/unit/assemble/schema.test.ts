import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { invoiceJsonSchema } from '../../../src/assemble/schema.js';
import { assertValidInvoice, validateInvoice } from '../../../src/assemble/validate.js';

const field = (value: string) => ({
  value,
  confidence: 0.9,
  regions: [{ page: 1, bbox: [0.1, 0.1, 0.2, 0.12] }],
});

const valid = () => ({
  schema_version: '1',
  file: 'a.pdf',
  document: {
    id: `sha256:${'a'.repeat(64)}`,
    media_type: 'application/pdf',
    pages: [{ number: 1, width: 595.3, height: 841.9, unit: 'pt', source: 'text', rotation: 0 }],
  },
  fields: {
    invoice_number: field('INV-1'),
    issue_date: field('2024-03-01'),
    total_amount: field('-1234.50'),
    currency: field('EUR'),
    iban: field('DE89370400440532013000'),
  },
  line_items: [{ description: field('Widget'), amount: field('10.00') }],
  tax_breakdown: [{ rate: '19.00', taxable_amount: '100.00', tax_amount: '19.00' }],
  validation: [{ rule: 'BR-CO-15', status: 'pass', message: 'subtotal + tax = total' }],
  model: { name: 'invoice-ner', version: '1', sha256: 'x' },
  timings_ms: { total: 12 },
});

type F = { value: string; confidence: number; regions: { page: number; bbox: number[] }[] };
type Doc = { fields: Record<string, F | null> };
const f = (d: Doc, name: string) => d.fields[name] as F;

describe('invoice schema', () => {
  it('the committed schemas/invoice.schema.json is the one generated from the zod contract', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../../../schemas/invoice.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(invoiceJsonSchema());
  });

  it('accepts a valid document', () => {
    expect(validateInvoice(valid())).toMatchObject({ success: true });
  });

  it.each([
    ['a float amount', (d: Doc) => (f(d, 'total_amount').value = '1,234.50')],
    ['a non-ISO date', (d: Doc) => (f(d, 'issue_date').value = '01.03.2024')],
    ['an unknown field', (d: Doc) => (d.fields.colour = field('red'))],
    ['a null field', (d: Doc) => (d.fields.due_date = null)],
    [
      'a bbox outside the page',
      (d: Doc) => (f(d, 'invoice_number').regions = [{ page: 1, bbox: [0, 0, 1.2, 1] }]),
    ],
    ['confidence above 1', (d: Doc) => (f(d, 'invoice_number').confidence = 1.5)],
    ['an IBAN with spaces', (d: Doc) => (f(d, 'iban').value = 'DE89 3704 0044 0532 0130 00')],
    ['a lowercase currency', (d: Doc) => (f(d, 'currency').value = 'eur')],
  ])('rejects %s', (_name, mutate) => {
    const d = valid();
    mutate(d as unknown as Doc);
    const r = validateInvoice(d);
    expect(r.success).toBe(false);
    expect(() => assertValidInvoice(d)).toThrow(/INVEX_E_INTERNAL|invoice.schema.json/);
  });
});
