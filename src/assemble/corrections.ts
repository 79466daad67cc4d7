/**
 * Review corrections: values a person sets or removes on the review screen (or with PATCH
 * /v1/documents/:id/fields). The extraction's own result stays as it was; the corrections are a log, applied in
 * order on every read, so the machine's reading and who changed what stay on record. A corrected value has
 * confidence 1, `source: "reviewed"` and the region of the value it replaces (the place was right, its reading
 * was not); the checks that concerned corrected fields are run again on the corrected values.
 */
import { z } from 'zod';
import { InvexError } from '../errors.js';
import { DOCUMENT_FIELDS, type DocumentField } from '../ner/labels.js';
import { datesRule } from './assemble.js';
import { totalsChecks } from './reconcile.js';
import { fieldValueSchema, type Invoice, type InvoiceField } from './schema.js';

export interface Correction {
  field: DocumentField;
  /** The new value in the field's format, or null: the document has no such value. */
  value: string | null;
  /** The value before this correction (absent when there was none). */
  previous?: string;
  at: string;
}

/** The body of a correction request: `{"fields": {"total_amount": "119.00", "due_date": null}}`. */
const RequestSchema = z.object({ fields: z.record(z.string(), z.string().nullable()) }).strict();

/** Checks a request: known document fields, values in each field's format. Throws INVEX_E_USAGE. */
export function parseCorrections(body: unknown): { field: DocumentField; value: string | null }[] {
  const req = RequestSchema.safeParse(body);
  if (!req.success)
    throw new InvexError('INVEX_E_USAGE', 'the body is {"fields": {"<field>": "<value>" | null, ...}}');
  const entries = Object.entries(req.data.fields);
  if (entries.length === 0) throw new InvexError('INVEX_E_USAGE', 'no fields to correct');
  const problems: string[] = [];
  const out = entries.flatMap(([name, value]) => {
    if (!(DOCUMENT_FIELDS as readonly string[]).includes(name)) {
      problems.push(`${name}: not a document field`);
      return [];
    }
    const field = name as DocumentField;
    const v = value === null ? null : value.trim();
    if (v !== null && !fieldValueSchema(field).safeParse(v).success)
      problems.push(`${name}: ${JSON.stringify(value)} is not in the field's format (docs/output.md)`);
    return [{ field, value: v }];
  });
  if (problems.length > 0) throw new InvexError('INVEX_E_USAGE', problems.join('; '));
  return out;
}

/** Log entries for a request against the result as it reads now (the previous values). */
export function logEntries(
  current: Invoice,
  req: readonly { field: DocumentField; value: string | null }[],
  at: string,
): Correction[] {
  return req.map(({ field, value }) => {
    const previous = current.fields[field]?.value;
    return { field, value, ...(previous !== undefined ? { previous: String(previous) } : {}), at };
  });
}

/** The result with the corrections applied in order (a later one of a field wins). */
export function applyCorrections(result: Invoice, log: readonly Correction[]): Invoice {
  if (log.length === 0) return result;
  const fields = { ...result.fields } as Record<string, InvoiceField>;
  const changed = new Map<string, Correction>();
  for (const c of log) {
    changed.set(c.field, c);
    if (c.value === null) {
      delete fields[c.field];
      continue;
    }
    const before = fields[c.field];
    fields[c.field] = { value: c.value, confidence: 1, regions: before?.regions ?? [], source: 'reviewed' };
  }
  const out = { ...result, fields: fields as Invoice['fields'] };
  // Checks about corrected fields are stale; those that can be run on final values are run again.
  const stale = (r: Invoice['validation'][number]) => r.fields?.some((f) => changed.has(f));
  const again = [
    ...totalsChecks({
      subtotal_amount: fields.subtotal_amount?.value,
      tax_amount: fields.tax_amount?.value,
      total_amount: fields.total_amount?.value,
      amount_due: fields.amount_due?.value,
    }),
    ...[datesRule(out.fields)].flatMap((r) => (r?.fields ? [{ ...r, fields: r.fields }] : [])),
  ].filter((r) => r.fields.some((f) => changed.has(f)));
  const what = [...changed.values()]
    .map((c) =>
      c.value === null ? `${c.field} removed` : `${c.field} ${c.previous ?? '(none)'} → ${c.value}`,
    )
    .join(', ');
  out.validation = [
    {
      rule: 'INVEX-REVIEWED',
      status: 'pass',
      message: `corrected in review: ${what}`,
      fields: [...changed.keys()],
    },
    ...again,
    ...result.validation.filter((r) => !stale(r)),
  ];
  return out;
}
