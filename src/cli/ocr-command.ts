/** `invex ocr FILE...`: the debug view of the front end — every page's words with boxes. */
import { config } from '../config.js';
import { InvexError } from '../errors.js';
import { closePipeline, readDocumentFile } from '../pipeline.js';
import { parseCommandArgs, parseFormat, parseOcrMode } from './args.js';
import { type RunFilesSummary, runFiles } from './run-files.js';

export const OCR_USAGE = `usage: invex ocr FILE... [--format json|jsonl] [--ocr auto|always|never] [--lang eng+deu] [--password P]

Prints the words of every page, with boxes (fractions of the page, origin top-left), one JSON line per file.
  --format    jsonl (default: one line per file) or json (pretty)
  --ocr       auto: OCR only pages without a text layer (default); always: OCR every page; never: text layer only
  --lang      Tesseract languages joined by + (default INVEX_OCR_LANG or deu+eng)
  --password  password for encrypted PDFs`;

export async function ocrCommand(argv: string[]): Promise<RunFilesSummary> {
  const { values, positionals } = parseCommandArgs(argv, {
    format: { type: 'string', default: 'jsonl' },
    ocr: { type: 'string', default: 'auto' },
    lang: { type: 'string' },
    password: { type: 'string' },
  });
  if (positionals.length === 0) throw new InvexError('INVEX_E_USAGE', 'no input files given');
  const opts = {
    ocr: parseOcrMode(values.ocr),
    lang: typeof values.lang === 'string' ? values.lang : config().ocrLang,
    ...(typeof values.password === 'string' ? { password: values.password } : {}),
  };
  try {
    return await runFiles(
      positionals,
      async (file) => {
        const { result, timings_ms } = await readDocumentFile(file, opts);
        return {
          document: { id: result.id, media_type: result.mediaType, pages: result.pages },
          timings_ms,
        };
      },
      { format: parseFormat(values.format), concurrency: config().ocrWorkers },
    );
  } finally {
    await closePipeline();
  }
}
