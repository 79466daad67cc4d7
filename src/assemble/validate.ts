/**
 * Validates every result against the published JSON Schema (ajv, 2020-12) before it leaves invex.
 * A violation is a bug in invex, so it is reported loudly, never silently dropped.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { InvexError } from '../errors.js';
import type { Invoice } from './schema.js';

const schemaUrl = new URL('../../schemas/invoice.schema.json', import.meta.url);

let compiled: ReturnType<Ajv2020['compile']> | undefined;

function validator() {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    compiled = ajv.compile(JSON.parse(readFileSync(schemaUrl, 'utf8')));
  }
  return compiled;
}

export type ValidationResult = { success: true; data: Invoice } | { success: false; issues: string[] };

export function validateInvoice(value: unknown): ValidationResult {
  const validate = validator();
  if (validate(value)) return { success: true, data: value as Invoice };
  const issues = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  return { success: false, issues };
}

/** Throws INVEX_E_INTERNAL listing every violation: callers emit only schema-valid documents. */
export function assertValidInvoice(value: unknown): Invoice {
  const r = validateInvoice(value);
  if (!r.success)
    throw new InvexError('INVEX_E_INTERNAL', `output violates invoice.schema.json: ${r.issues.join('; ')}`);
  return r.data;
}
