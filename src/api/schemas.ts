/** JSON schemas of the API's requests and answers: they validate, serialise, and make the OpenAPI document. */
import { errorSchema } from './errors.js';

export const idParam = {
  type: 'string',
  description: 'The document id: `sha256:<hex>` of the uploaded bytes (the bare hex works too).',
} as const;

export const links = {
  type: 'object',
  properties: {
    self: { type: 'string' },
    pages: { type: 'string' },
    export_csv: { type: 'string' },
    export_ubl: { type: 'string' },
    deliveries: { type: 'string' },
    review: { type: 'string', description: 'the review screen, for a browser' },
  },
} as const;

const progress = {
  type: 'object',
  required: ['pages_done', 'pages_total'],
  properties: { pages_done: { type: 'integer' }, pages_total: { type: 'integer' } },
} as const;

const statusEnum = { type: 'string', enum: ['queued', 'processing', 'done', 'failed'] } as const;

export const documentView = {
  type: 'object',
  required: ['id', 'status', 'progress'],
  properties: {
    id: { type: 'string' },
    status: statusEnum,
    file_name: { type: 'string' },
    media_type: { type: 'string' },
    bytes: { type: 'integer' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    progress,
    metadata: { description: 'The JSON given at upload, as given.' },
    error: errorSchema.properties.error,
    result: {
      type: 'object',
      additionalProperties: true,
      description: 'The invoice (schemas/invoice.schema.json), once status is done.',
    },
    links,
  },
} as const;

export const submitted = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'status', 'links'],
    properties: {
      id: { type: 'string' },
      status: statusEnum,
      file_name: { type: 'string' },
      duplicate: {
        type: 'boolean',
        description: 'The same bytes were uploaded before: nothing new was queued.',
      },
      links,
    },
  },
} as const;

export const listQuery = {
  type: 'object',
  properties: {
    status: statusEnum,
    since: {
      type: 'string',
      description: 'Uploaded at or after: an ISO 8601 time or milliseconds since the epoch.',
    },
    cursor: { type: 'string', description: 'next_cursor of the previous page.' },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
  additionalProperties: false,
} as const;

export const listAnswer = {
  type: 'object',
  required: ['documents'],
  properties: { documents: { type: 'array', items: documentView }, next_cursor: { type: 'string' } },
} as const;

export const exportQuery = {
  type: 'object',
  properties: {
    format: { type: 'string', enum: ['csv', 'ubl'], default: 'csv' },
    lines: { type: 'string', enum: ['0', '1', 'true', 'false'], description: 'CSV: one row per line item.' },
  },
  additionalProperties: false,
} as const;

export const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, errorSchema]));
