/** Detects what the bytes are (never from a file name) and refuses what invex cannot read. */
import { fileTypeFromBuffer } from 'file-type';
import { InvexError } from '../errors.js';

export const SUPPORTED_MEDIA_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/tiff',
  'image/webp',
] as const;
export type SupportedMediaType = (typeof SUPPORTED_MEDIA_TYPES)[number];

const SUPPORTED = new Set<string>(SUPPORTED_MEDIA_TYPES);
// PDF readers accept the header anywhere in the first 1024 bytes (PDF 1.7 spec, Annex H.3 note 13).
const PDF_HEADER_WINDOW = 1024;

export async function sniffMediaType(bytes: Uint8Array): Promise<SupportedMediaType> {
  if (bytes.length === 0) throw new InvexError('INVEX_E_EMPTY_FILE', 'the input is empty (0 bytes)');
  const detected = await fileTypeFromBuffer(bytes);
  if (detected === undefined) {
    if (hasLatePdfHeader(bytes)) return 'application/pdf';
    const hint = looksLikeText(bytes) ? ' (it looks like plain text)' : '';
    throw new InvexError(
      'INVEX_E_UNRECOGNIZED_FORMAT',
      `the input is not a recognised file format${hint}; invex reads PDF, PNG, JPEG, TIFF and WebP`,
    );
  }
  if (!SUPPORTED.has(detected.mime)) {
    throw new InvexError(
      'INVEX_E_UNSUPPORTED_TYPE',
      `the input is ${detected.mime} (.${detected.ext}); invex reads PDF, PNG, JPEG, TIFF and WebP`,
    );
  }
  return detected.mime as SupportedMediaType;
}

function hasLatePdfHeader(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, PDF_HEADER_WINDOW));
  return head.includes('%PDF-');
}

/** No NUL bytes and valid UTF-8 in the first 512 bytes. */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 512);
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, lastCompleteUtf8(head)));
    return true;
  } catch {
    return false;
  }
}

/** Length of the prefix that ends on a UTF-8 character boundary (the cut may split a character). */
function lastCompleteUtf8(head: Uint8Array): number {
  let end = head.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = head[end - back] as number;
    if ((b & 0xc0) !== 0x80) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (need > back) end -= back;
      break;
    }
  }
  return end;
}
