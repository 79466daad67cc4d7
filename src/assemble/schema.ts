/**
 * The output contract (schema version 1, DESIGN §2), defined once with zod. The TypeScript types are
 * inferred from it and `schemas/invoice.schema.json` (JSON Schema 2020-12) is generated from it by
 * `npm run schema`; a test keeps the committed file in step.
 */
import { z } from 'zod';
import { DOCUMENT_FIELDS, type DocumentField } from '../ner/labels.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

const region = z
  .object({
    page: z.number().int().min(1),
    bbox: z.tuple([
      z.number().min(0).max(1),
      z.number().min(0).max(1),
      z.number().min(0).max(1),
      z.number().min(0).max(1),
    ]),
  })
  .strict()
  .meta({ id: 'Region', description: 'x0, y0, x1, y1 as fractions of the page, origin top-left' });

function field<T extends z.ZodString | z.ZodEnum>(id: string, value: T) {
  return z
    .object({
      value,
      raw: z.string().optional().describe('the text as printed'),
      confidence: z.number().min(0).max(1),
      regions: z.array(region),
      derived: z.boolean().optional().describe('computed from other fields (no region)'),
      source: z
        .enum(['embedded', 'reviewed'])
        .optional()
        .describe(
          'embedded: taken from the e-invoice XML the PDF carries (ZUGFeRD, Factur-X, XRechnung); reviewed: set by a person on the review screen or PATCH /v1/documents/:id/fields; absent: read off the page',
        ),
    })
    .strict()
    .meta({ id });
}

const text = field('TextField', z.string().min(1));
const date = field('DateField', z.string().regex(DATE).describe('YYYY-MM-DD'));
const decimal = field(
  'DecimalField',
  z.string().regex(DECIMAL).describe('dot decimal, no thousands separator'),
);

/** The schema of one document field's value (its format), for checking values a person enters. */
export function fieldValueSchema(name: DocumentField): z.ZodType<string> {
  return FIELD_FORMATS[name].shape.value as z.ZodType<string>;
}

/** The value format of each document field (DESIGN §2 "Value formats"). */
const FIELD_FORMATS: Record<DocumentField, ReturnType<typeof field>> = {
  invoice_number: text,
  document_type: field('DocumentTypeField', z.enum(['invoice', 'credit_note', 'receipt'])),
  issue_date: date,
  due_date: date,
  delivery_date: date,
  purchase_order: text,
  currency: field(
    'CurrencyField',
    z
      .string()
      .regex(/^[A-Z]{3}$/)
      .describe('ISO 4217'),
  ),
  payment_terms: text,
  supplier_name: text,
  supplier_address: text,
  supplier_vat_id: text,
  supplier_tax_id: text,
  supplier_email: text,
  supplier_phone: text,
  supplier_website: text,
  customer_name: text,
  customer_address: text,
  customer_vat_id: text,
  customer_id: text,
  iban: field(
    'IbanField',
    z
      .string()
      .regex(/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/)
      .describe('uppercase, no spaces'),
  ),
  bic: field('BicField', z.string().regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/)),
  payment_reference: text,
  subtotal_amount: decimal,
  tax_amount: decimal,
  total_amount: decimal,
  amount_due: decimal,
};

const fields = z
  .object(
    Object.fromEntries(DOCUMENT_FIELDS.map((f) => [f, FIELD_FORMATS[f].optional()])) as {
      [K in DocumentField]: z.ZodOptional<ReturnType<typeof field>>;
    },
  )
  .strict();

/** The cells of a line item, in the order exports and the review screen show them. */
export const LINE_ITEM_FIELDS = [
  'description',
  'quantity',
  'unit',
  'unit_price',
  'amount',
  'tax_rate',
  'product_code',
] as const;

const lineItem = z
  .object({
    description: text.optional(),
    quantity: decimal.optional(),
    unit: text.optional(),
    unit_price: decimal.optional(),
    amount: decimal.optional(),
    tax_rate: decimal.optional(),
    product_code: text.optional(),
  } satisfies Record<(typeof LINE_ITEM_FIELDS)[number], unknown>)
  .strict();

const decimalString = z.string().regex(DECIMAL);

export const invoiceSchema = z
  .object({
    schema_version: z.literal('1'),
    file: z.string().optional().describe('the path as given (CLI only)'),
    document: z
      .object({
        id: z.string().regex(/^sha256:[0-9a-f]{64}$/),
        media_type: z.string(),
        embedded: z
          .object({
            file: z.string().describe('the attachment, e.g. factur-x.xml'),
            format: z.enum(['cii', 'zugferd1']),
            profile: z.string().optional().describe('the guideline URN the XML names'),
          })
          .strict()
          .optional()
          .describe('the e-invoice XML embedded in the PDF, whose values the fields take'),
        pages: z.array(
          z
            .object({
              number: z.number().int().min(1),
              width: z.number().positive(),
              height: z.number().positive(),
              unit: z.enum(['pt', 'px']),
              source: z.enum(['text', 'ocr']),
              rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
            })
            .strict(),
        ),
      })
      .strict(),
    fields,
    line_items: z.array(lineItem),
    tax_breakdown: z.array(
      z
        .object({
          rate: decimalString,
          taxable_amount: decimalString.optional(),
          tax_amount: decimalString.optional(),
        })
        .strict(),
    ),
    validation: z.array(
      z
        .object({
          rule: z.string(),
          status: z.enum(['pass', 'fail', 'warn']),
          message: z.string(),
          fields: z.array(z.string()).optional(),
        })
        .strict(),
    ),
    model: z.object({ name: z.string(), version: z.string(), sha256: z.string() }).strict(),
    timings_ms: z.record(z.string(), z.number().min(0)),
  })
  .strict();

export type Invoice = z.infer<typeof invoiceSchema>;
export type InvoiceField = z.infer<typeof text>;
export type Region = z.infer<typeof region>;

export function invoiceJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://github.com/invex/invex/schemas/invoice.schema.json',
    title: 'invex invoice extraction result (schema version 1)',
    ...z.toJSONSchema(invoiceSchema, { target: 'draft-2020-12' }),
  };
}
