/** Every error answer is `{error: {code, message}}` with the registry's HTTP status (src/errors.ts). */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode, InvexError, toInvexError } from '../errors.js';

/** fastify and plugin error codes → registry codes. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_REQ_FILE_TOO_LARGE: 'INVEX_E_FILE_TOO_LARGE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'INVEX_E_FILE_TOO_LARGE',
  FST_FILES_LIMIT: 'INVEX_E_USAGE',
  FST_PARTS_LIMIT: 'INVEX_E_USAGE',
  FST_FIELDS_LIMIT: 'INVEX_E_USAGE',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'INVEX_E_USAGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'INVEX_E_USAGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVEX_E_USAGE',
};

/** Redis unreachable: ioredis errors when the connection is down (the API's client fails fast). */
function isRedisDown(err: Error & { code?: string }): boolean {
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    /Stream isn't writeable|Connection is closed|ECONNREFUSED|ETIMEDOUT/.test(err.message) ||
    err.code === 'ECONNREFUSED'
  );
}

export function toApiError(err: unknown): InvexError {
  if (err instanceof InvexError) return err;
  const e = err as FastifyError;
  if (e?.validation) return new InvexError('INVEX_E_USAGE', e.message);
  const mapped = e?.code ? FASTIFY_CODES[e.code] : undefined;
  if (mapped) return new InvexError(mapped, e.message);
  if (e instanceof Error && isRedisDown(e)) {
    return new InvexError('INVEX_E_UNAVAILABLE', `the queue (Redis) is not reachable: ${e.message}`);
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new InvexError('INVEX_E_USAGE', e.message);
  }
  return toInvexError(err);
}

export function sendError(reply: FastifyReply, e: InvexError): FastifyReply {
  return reply
    .code(ERROR_CODES[e.code].status)
    .type('application/json; charset=utf-8')
    .send({ error: { code: e.code, message: e.message } });
}

export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  const e = toApiError(err);
  if (e.status >= 500) request.log.error({ err }, e.message);
  return sendError(reply, e);
}

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', enum: Object.keys(ERROR_CODES) }, message: { type: 'string' } },
    },
  },
} as const;
