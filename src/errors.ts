/**
 * The one registry of invex error codes. The CLI, the HTTP API and the queue all report these;
 * each code carries its HTTP status and whether a retry can help. Documented in docs/errors.md.
 */
export const ERROR_CODES = {
  INVEX_E_FILE_NOT_FOUND: { status: 404, retryable: false, summary: 'The input path does not exist.' },
  INVEX_E_FILE_UNREADABLE: {
    status: 400,
    retryable: false,
    summary: 'The input path is not a readable file.',
  },
  INVEX_E_EMPTY_FILE: { status: 400, retryable: false, summary: 'The input has zero bytes.' },
  INVEX_E_FILE_TOO_LARGE: {
    status: 413,
    retryable: false,
    summary: 'The input is larger than INVEX_MAX_FILE_BYTES.',
  },
  INVEX_E_UNRECOGNIZED_FORMAT: {
    status: 415,
    retryable: false,
    summary: 'The bytes match no known file format (random or damaged data).',
  },
  INVEX_E_UNSUPPORTED_TYPE: {
    status: 415,
    retryable: false,
    summary: 'A known file format that invex does not read (DOCX, ZIP, ...).',
  },
  INVEX_E_PDF_CORRUPT: { status: 422, retryable: false, summary: 'The PDF is damaged or truncated.' },
  INVEX_E_PDF_ENCRYPTED: {
    status: 422,
    retryable: false,
    summary: 'The PDF is password-protected; pass the password (--password).',
  },
  INVEX_E_PDF_BAD_PASSWORD: { status: 422, retryable: false, summary: 'The given PDF password is wrong.' },
  INVEX_E_NO_PAGES: { status: 422, retryable: false, summary: 'The document has zero pages.' },
  INVEX_E_TOO_MANY_PAGES: {
    status: 413,
    retryable: false,
    summary: 'The document has more pages than INVEX_MAX_PAGES.',
  },
  INVEX_E_IMAGE_TOO_LARGE: {
    status: 413,
    retryable: false,
    summary: 'The image has more pixels than INVEX_MAX_IMAGE_PIXELS.',
  },
  INVEX_E_IMAGE_CORRUPT: { status: 422, retryable: false, summary: 'The image cannot be decoded.' },
  INVEX_E_OCR_LANGUAGE_MISSING: {
    status: 500,
    retryable: false,
    summary: 'No traineddata file was found for a requested OCR language.',
  },
  INVEX_E_OCR_FAILED: { status: 500, retryable: true, summary: 'The OCR engine failed on a page.' },
  INVEX_E_MODEL_MISSING: {
    status: 500,
    retryable: false,
    summary: 'The NER model files are missing or unreadable.',
  },
  INVEX_E_CONFIG: { status: 500, retryable: false, summary: 'The configuration (environment) is invalid.' },
  INVEX_E_USAGE: { status: 400, retryable: false, summary: 'The command line or request is malformed.' },
  INVEX_E_STORE_KEY_INVALID: {
    status: 400,
    retryable: false,
    summary: 'A storage key is malformed (empty segment, `..`, absolute path or a disallowed character).',
  },
  INVEX_E_CALLBACK_REFUSED: {
    status: 400,
    retryable: false,
    summary:
      'The callback URL is not http(s) or resolves to a private, loopback or otherwise non-public address.',
  },
  INVEX_E_UNAUTHORIZED: {
    status: 401,
    retryable: false,
    summary: 'The request has no API key, or a key that is not configured.',
  },
  INVEX_E_NOT_FOUND: { status: 404, retryable: false, summary: 'No such document, page or route.' },
  INVEX_E_NOT_READY: {
    status: 409,
    retryable: true,
    summary: 'The document has no result yet (still queued or processing, or it failed).',
  },
  INVEX_E_BUSY: {
    status: 409,
    retryable: true,
    summary: 'Another request is changing the same document at this moment; send the request again.',
  },
  INVEX_E_UNAVAILABLE: {
    status: 503,
    retryable: true,
    summary: 'A service the request needs (Redis, the store) is not reachable.',
  },
  INVEX_E_INTERNAL: { status: 500, retryable: true, summary: 'An unexpected internal error.' },
} as const satisfies Record<string, { status: number; retryable: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class InvexError extends Error {
  override readonly name = 'InvexError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.retryable = ERROR_CODES[code].retryable;
  }
}

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

/** Any thrown value as a coded error: unknown failures become INVEX_E_INTERNAL. */
export function toInvexError(err: unknown): InvexError {
  if (err instanceof InvexError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new InvexError('INVEX_E_INTERNAL', message, { cause: err });
}

export function errorInfo(err: unknown): ErrorInfo {
  const e = toInvexError(err);
  return { code: e.code, message: e.message };
}
