/**
 * The NER label set: BIO tags over the field names of the output contract (DESIGN §2).
 * Line-item cells use the `item_` prefix so that they never collide with document fields.
 */
export const DOCUMENT_FIELDS = [
  'invoice_number',
  'document_type',
  'issue_date',
  'due_date',
  'delivery_date',
  'purchase_order',
  'currency',
  'payment_terms',
  'supplier_name',
  'supplier_address',
  'supplier_vat_id',
  'supplier_tax_id',
  'supplier_email',
  'supplier_phone',
  'supplier_website',
  'customer_name',
  'customer_address',
  'customer_vat_id',
  'customer_id',
  'iban',
  'bic',
  'payment_reference',
  'subtotal_amount',
  'tax_amount',
  'total_amount',
  'amount_due',
] as const;

export const ITEM_FIELDS = [
  'item_description',
  'item_quantity',
  'item_unit',
  'item_unit_price',
  'item_amount',
  'item_tax_rate',
  'item_product_code',
] as const;

export type DocumentField = (typeof DOCUMENT_FIELDS)[number];
export type ItemField = (typeof ITEM_FIELDS)[number];
export type FieldName = DocumentField | ItemField;

export const FIELD_NAMES: readonly FieldName[] = [...DOCUMENT_FIELDS, ...ITEM_FIELDS];

/** `O`, then `B-<field>`, `I-<field>` for each field, in FIELD_NAMES order. Index = class id. */
export const LABELS: readonly string[] = ['O', ...FIELD_NAMES.flatMap((f) => [`B-${f}`, `I-${f}`])];

export const LABEL_ID: ReadonlyMap<string, number> = new Map(LABELS.map((l, i) => [l, i]));
