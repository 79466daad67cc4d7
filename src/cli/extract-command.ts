/** `invex extract FILE...`: the main job — every input file to the output contract (schemas/invoice.schema.json). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { config } from '../config.js';
import { reviewFile } from '../deliver/review.js';
import { InvexError } from '../errors.js';
import { closePipeline, extractFileWithBytes } from '../pipeline.js';
import { parseCommandArgs, parseFormat, parseOcrMode } from './args.js';
import { type RunFilesSummary, runFiles } from './run-files.js';

export const EXTRACT_USAGE = `usage: invex extract FILE... [--format json|jsonl] [--ocr auto|always|never] [--lang eng+deu] [--model DIR] [--password P]
                     [--no-embedded] [--review DIR]

Extracts invoice fields, line items, tax breakdown and validation from each file.
  --format    jsonl (default: one line per file, in input order) or json (pretty)
  --ocr       auto: OCR only pages without a text layer (default); always; never
  --lang      Tesseract languages joined by + (default INVEX_OCR_LANG or deu+eng)
  --model     model directory (ours, or a Hugging Face token-classification ONNX export)
  --password  password for encrypted PDFs
  --no-embedded  ignore the e-invoice XML a PDF carries (ZUGFeRD, Factur-X): read the pages alone
  --review DIR   also write DIR/<file name>.html: the review screen of each result, page images inline
A file that fails gets a line with "error": {code, message}; the exit status is 1 if any file failed.`;

export async function extractCommand(argv: string[]): Promise<RunFilesSummary> {
  const { values, positionals } = parseCommandArgs(argv, {
    format: { type: 'string', default: 'jsonl' },
    ocr: { type: 'string', default: 'auto' },
    lang: { type: 'string' },
    model: { type: 'string' },
    password: { type: 'string' },
    'no-embedded': { type: 'boolean', default: false },
    review: { type: 'string' },
  });
  if (positionals.length === 0) throw new InvexError('INVEX_E_USAGE', 'no input files given');
  const opts = {
    ocr: parseOcrMode(values.ocr),
    lang: typeof values.lang === 'string' ? values.lang : config().ocrLang,
    ...(typeof values.password === 'string' ? { password: values.password } : {}),
    ...(typeof values.model === 'string' ? { ner: { modelDir: values.model } } : {}),
    ...(values['no-embedded'] ? { embedded: false } : {}),
  };
  const reviewDir = typeof values.review === 'string' ? values.review : undefined;
  if (reviewDir) mkdirSync(reviewDir, { recursive: true });
  const names = new Set<string>();
  const extract = async (file: string) => {
    // Read once: the review screen renders its page images from the very bytes that were extracted.
    const { invoice, bytes } = await extractFileWithBytes(file, opts);
    if (reviewDir) {
      const html = await reviewFile(invoice, bytes, config());
      writeFileSync(join(reviewDir, uniqueName(names, `${basename(file)}.html`)), html);
    }
    return invoice;
  };
  try {
    return await runFiles(positionals, extract, {
      format: parseFormat(values.format),
      concurrency: config().ocrWorkers,
    });
  } finally {
    await closePipeline();
  }
}

/** `name`, or `name` with -2, -3… before its extension when an earlier file of the run took it. */
export function uniqueName(taken: Set<string>, name: string): string {
  let out = name;
  for (let i = 2; taken.has(out); i++) out = name.replace(/(\.html)$/, `-${i}$1`);
  taken.add(out);
  return out;
}
