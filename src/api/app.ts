/**
 * The HTTP API (fastify). buildApp() wires routes to the queue and the store and never listens (tests use
 * inject()); server.ts listens. Every route needs an API key except /healthz and /readyz, which
 * orchestrators probe without credentials and which reveal nothing but up/down.
 */

import { randomBytes } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { invoicesToCsv } from '../deliver/export-csv.js';
import { invoiceToUbl } from '../deliver/export-ubl.js';
import { renderPageImage } from '../deliver/page-image.js';
import { reviewPage } from '../deliver/review.js';
import type { Store } from '../deliver/store.js';
import { checkCallbackUrl, readDeliveries } from '../deliver/webhook.js';
import { InvexError } from '../errors.js';
import { correctDocument } from '../queue/corrections.js';
import { docKeys, readMeta, readResult } from '../queue/document-meta.js';
import { documentHex, documentIdOf } from '../queue/names.js';
import type { QueueRuntime } from '../queue/runtime.js';
import { documentStatus, listDocuments } from '../queue/status.js';
import { admitDocument, deleteDocument, submitDocument } from '../queue/submit.js';
import { keyChecker } from './auth.js';
import { errorHandler, sendError } from './errors.js';
import { createMetrics, type Metrics } from './metrics.js';
import * as S from './schemas.js';

export interface AppDeps {
  runtime: QueueRuntime;
  store: Store;
  apiKeys: readonly string[];
  limits: { maxFileBytes: number; maxPages: number; maxImagePixels: number; maxFiles: number };
  webhook: { secret?: string | undefined; allow: readonly string[] };
  logger?: boolean;
}

/** Routes that answer without a key. */
const OPEN_PATHS = new Set(['/healthz', '/readyz']);
/** Browser UIs: ask for Basic credentials (the key as the password) so the browser prompts. */
const BROWSER_PREFIXES = ['/docs', '/admin', '/review'];
const MAX_METADATA_BYTES = 16 * 1024;

const linksOf = (id: string) => {
  const self = `/v1/documents/${id}`;
  return {
    self,
    pages: `${self}/pages/1`,
    export_csv: `${self}/export?format=csv`,
    export_ubl: `${self}/export?format=ubl`,
    deliveries: `${self}/deliveries`,
    review: `/review/${id}`,
  };
};

function parseSince(since: string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const ms = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
  if (Number.isNaN(ms)) throw new InvexError('INVEX_E_USAGE', `since: not a time: ${since}`);
  return ms;
}

interface Upload {
  fileName: string | undefined;
  bytes: Buffer;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit: 1024 * 1024 });
  const { runtime: rt, store } = deps;
  const authorized = keyChecker(deps.apiKeys);
  const metrics: Metrics = createMetrics(rt);

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, new InvexError('INVEX_E_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)),
  );
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0] as string;
    if (OPEN_PATHS.has(path) || authorized(req.headers.authorization)) return;
    const browser = BROWSER_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
    reply.header(
      'WWW-Authenticate',
      browser ? 'Basic realm="invex", charset="UTF-8"' : 'Bearer realm="invex"',
    );
    const why = req.headers.authorization
      ? 'the API key is not valid'
      : 'an API key is required (Authorization: Bearer <key>)';
    return sendError(reply, new InvexError('INVEX_E_UNAUTHORIZED', why));
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'invex',
        version: '1',
        description:
          'Invoice extraction service: upload documents, poll or receive a webhook, export CSV or UBL.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(multipart, {
    limits: {
      fileSize: deps.limits.maxFileBytes,
      files: deps.limits.maxFiles,
      fields: 10,
      fieldSize: MAX_METADATA_BYTES,
    },
  });

  const board = new FastifyAdapter();
  board.setBasePath('/admin/queues');
  createBullBoard({
    queues: Object.values(rt.queues).map((q) => new BullMQAdapter(q)),
    serverAdapter: board,
  });
  await app.register(board.registerPlugin(), { prefix: '/admin/queues' });

  /** Routes that read queue state answer 503 at once while Redis is down instead of waiting for it. */
  const needRedis = async () => {
    if (!rt.connected) throw new InvexError('INVEX_E_UNAVAILABLE', 'the queue (Redis) is not reachable');
  };
  const knownDocument = async (req: FastifyRequest<{ Params: { id: string } }>) => {
    const hex = documentHex(req.params.id);
    const meta = await readMeta(store, hex);
    if (!meta) throw new InvexError('INVEX_E_NOT_FOUND', `no document ${documentIdOf(hex)}`);
    return { hex, meta };
  };
  /** A document's status (the queue's progress included), or NOT_FOUND. */
  const statusOf = async (hex: string) => {
    await needRedis();
    const view = await documentStatus(rt, store, hex);
    if (!view) throw new InvexError('INVEX_E_NOT_FOUND', `no document ${documentIdOf(hex)}`);
    return view;
  };

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    if (await rt.ping()) return { status: 'ready' };
    return sendError(reply, new InvexError('INVEX_E_UNAVAILABLE', 'Redis does not answer'));
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    await needRedis();
    reply.type(metrics.contentType);
    return metrics.text();
  });

  app.post(
    '/v1/documents',
    {
      schema: {
        summary: 'Upload one or more documents',
        description:
          'multipart/form-data: one or more file parts (PDF, PNG, JPEG, TIFF, WebP), and optionally `callback_url` ' +
          '(the webhook for these documents) and `metadata` (a JSON string, returned with the status and ' +
          'webhooks). The id is the SHA-256 of the bytes: uploading the same file again returns the same id and ' +
          'queues nothing. Too large or too many PDF pages: 413; not a supported type: 415. The page count of ' +
          'images (multi-page TIFF) is checked at ingest and reported as the document status.',
        consumes: ['multipart/form-data'],
        response: { 202: S.submitted, ...S.errors(400, 401, 413, 415, 503) },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) {
        throw new InvexError('INVEX_E_USAGE', 'send multipart/form-data with one or more file parts');
      }
      const uploads: Upload[] = [];
      let callbackUrl: string | undefined;
      let metadata: unknown;
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          uploads.push({ fileName: part.filename || undefined, bytes: await part.toBuffer() });
        } else if (part.fieldname === 'callback_url') {
          callbackUrl = String(part.value).trim() || undefined;
        } else if (part.fieldname === 'metadata') {
          try {
            metadata = JSON.parse(String(part.value));
          } catch {
            throw new InvexError('INVEX_E_USAGE', 'metadata must be a JSON string');
          }
        } else {
          throw new InvexError(
            'INVEX_E_USAGE',
            `unknown field ${part.fieldname}: expected callback_url, metadata or files`,
          );
        }
      }
      if (uploads.length === 0) throw new InvexError('INVEX_E_USAGE', 'no file parts in the upload');
      if (callbackUrl !== undefined) {
        if (!deps.webhook.secret) {
          throw new InvexError('INVEX_E_USAGE', 'callback_url needs INVEX_WEBHOOK_SECRET set on the server');
        }
        await checkCallbackUrl(callbackUrl, { allow: deps.webhook.allow });
      }
      await needRedis();
      // Check every file before queueing any: one bad file refuses the whole upload.
      const admitted = [];
      for (const u of uploads) admitted.push({ ...u, admission: await admitDocument(u.bytes, deps.limits) });
      const out = [];
      for (const a of admitted) {
        const { meta, created } = await submitDocument(rt, store, {
          bytes: a.bytes,
          admission: a.admission,
          ...(a.fileName !== undefined ? { fileName: a.fileName } : {}),
          ...(callbackUrl !== undefined ? { callbackUrl } : {}),
          ...(metadata !== undefined ? { metadata } : {}),
        });
        out.push({
          id: meta.id,
          status: meta.status,
          ...(a.fileName !== undefined ? { file_name: a.fileName } : {}),
          ...(created ? {} : { duplicate: true }),
          links: linksOf(meta.id),
        });
      }
      return reply.code(202).send(out);
    },
  );

  app.get(
    '/v1/documents',
    {
      schema: {
        summary: 'List documents, oldest first',
        querystring: S.listQuery,
        response: { 200: S.listAnswer, ...S.errors(400, 401, 503) },
      },
    },
    async (req) => {
      await needRedis();
      const q = req.query as { status?: 'queued'; since?: string; cursor?: string; limit: number };
      const since = parseSince(q.since);
      const page = await listDocuments(rt, store, {
        limit: q.limit,
        ...(q.status !== undefined ? { status: q.status } : {}),
        ...(since !== undefined ? { since } : {}),
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      });
      return { ...page, documents: page.documents.map((d) => ({ ...d, links: linksOf(d.id) })) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/documents/:id',
    {
      schema: {
        summary: 'Status, progress and result of a document',
        params: { type: 'object', properties: { id: S.idParam } },
        response: { 200: S.documentView, ...S.errors(401, 404, 503) },
      },
    },
    async (req) => {
      const view = await statusOf(documentHex(req.params.id));
      return { ...view, links: linksOf(view.id) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/review/:id',
    {
      schema: {
        summary:
          'The review screen: pages with a box on every value, beside the values, checks and line items',
        params: { type: 'object', properties: { id: S.idParam } },
        produces: ['text/html'],
        response: { ...S.errors(401, 404, 503) },
      },
    },
    async (req, reply) => {
      const view = await statusOf(documentHex(req.params.id));
      const nonce = randomBytes(16).toString('base64');
      return reply
        .type('text/html; charset=utf-8')
        .header(
          'Content-Security-Policy',
          `default-src 'none'; img-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        )
        .header('Cache-Control', 'no-store')
        .send(reviewPage(view, { nonce, editable: true }));
    },
  );

  const correctionSchema = {
    summary:
      'Corrects or removes field values (review); the result then reads with them, and the webhook gets document.corrected',
    params: { type: 'object', properties: { id: S.idParam } },
    body: {
      type: 'object',
      required: ['fields'],
      properties: {
        fields: {
          type: 'object',
          description: "field name → value in the field's format (docs/output.md), or null to remove it",
          additionalProperties: { type: ['string', 'null'] },
        },
      },
    },
    response: { 200: S.documentView, ...S.errors(400, 401, 404, 409, 503) },
  };
  const correct = async (req: FastifyRequest<{ Params: { id: string } }>) => {
    await needRedis();
    const hex = documentHex(req.params.id);
    await correctDocument(rt, store, hex, req.body);
    const view = await statusOf(hex);
    return { ...view, links: linksOf(view.id) };
  };
  app.patch<{ Params: { id: string } }>('/v1/documents/:id/fields', { schema: correctionSchema }, correct);
  // The review screen's own door (HTTP Basic, which browsers send by themselves): a custom header, which a
  // form or a cross-site page cannot set without a CORS preflight this API never grants, keeps out CSRF.
  app.patch<{ Params: { id: string } }>(
    '/review/:id/fields',
    { schema: { ...correctionSchema, hide: true } },
    async (req) => {
      if (req.headers['x-invex-review'] !== '1')
        throw new InvexError('INVEX_E_USAGE', 'the review screen sends X-Invex-Review: 1');
      return correct(req);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/documents/:id',
    {
      schema: {
        summary: 'Delete a document: its stored data and its jobs',
        params: { type: 'object', properties: { id: S.idParam } },
        response: { 204: { type: 'null' }, ...S.errors(401, 404, 503) },
      },
    },
    async (req, reply) => {
      await needRedis();
      const hex = documentHex(req.params.id);
      if (!(await deleteDocument(rt, store, hex))) {
        throw new InvexError('INVEX_E_NOT_FOUND', `no document ${documentIdOf(hex)}`);
      }
      return reply.code(204).send();
    },
  );

  const pageImageSchema = {
    summary: 'A page image (PNG, grayscale) for review',
    params: {
      type: 'object',
      properties: {
        id: S.idParam,
        n: { type: 'integer', minimum: 1, description: '1-based page number' },
      },
    },
    produces: ['image/png'],
    response: { ...S.errors(401, 404) },
  };
  const pageImage = async (
    req: FastifyRequest<{ Params: { id: string; n: number } }>,
    reply: FastifyReply,
  ) => {
    const { hex, meta } = await knownDocument(req);
    const n = req.params.n;
    if (meta.pages_total !== undefined && n > meta.pages_total) {
      throw new InvexError(
        'INVEX_E_NOT_FOUND',
        `page ${n} does not exist; the document has ${meta.pages_total}`,
      );
    }
    const keys = docKeys(hex);
    let png = await store.get(keys.page(n));
    if (!png) {
      const original = await store.get(keys.original);
      if (!original) throw new InvexError('INVEX_E_NOT_FOUND', `no document ${meta.id}`);
      png = await renderPageImage(original, meta.media_type, n, deps.limits);
      await store.put(keys.page(n), png);
    }
    return reply.type('image/png').header('Cache-Control', 'private, max-age=86400').send(Buffer.from(png));
  };
  app.get<{ Params: { id: string; n: number } }>(
    '/v1/documents/:id/pages/:n',
    { schema: pageImageSchema },
    pageImage,
  );
  // The same image under the review screen's path: a browser sends the key it gave for /review/ to what lies
  // below it, never to /v1/, whose challenge (Bearer) it cannot answer.
  app.get<{ Params: { id: string; n: number } }>(
    '/review/:id/pages/:n',
    { schema: { ...pageImageSchema, hide: true } },
    pageImage,
  );

  app.get<{ Params: { id: string } }>(
    '/v1/documents/:id/export',
    {
      schema: {
        summary: 'The result as CSV (one row per invoice, or per line item) or UBL 2.1 XML',
        params: { type: 'object', properties: { id: S.idParam } },
        querystring: S.exportQuery,
        produces: ['text/csv', 'application/xml'],
        response: { ...S.errors(400, 401, 404, 409) },
      },
    },
    async (req, reply) => {
      const { hex, meta } = await knownDocument(req);
      const q = req.query as { format: 'csv' | 'ubl'; lines?: string };
      const invoice = meta.status === 'done' ? await readResult(store, hex) : undefined;
      if (!invoice) {
        throw new InvexError(
          'INVEX_E_NOT_READY',
          `document ${meta.id} is ${meta.status}: no result to export`,
        );
      }
      if (q.format === 'ubl') {
        return reply
          .type('application/xml; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="${hex}.xml"`)
          .send(invoiceToUbl(invoice));
      }
      const lines = q.lines === '1' || q.lines === 'true';
      return reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${hex}${lines ? '-lines' : ''}.csv"`)
        .send(invoicesToCsv([invoice], lines ? 'lines' : 'invoice'));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/documents/:id/deliveries',
    {
      schema: {
        summary: 'The webhook delivery log of a document (every attempt, oldest first)',
        params: { type: 'object', properties: { id: S.idParam } },
        response: {
          200: { type: 'array', items: { type: 'object', additionalProperties: true } },
          ...S.errors(401, 404),
        },
      },
    },
    async (req) => {
      const { hex } = await knownDocument(req);
      return readDeliveries(store, hex);
    },
  );

  return app;
}
