/** `invex extract FILE...`: the main job — every input file to the output contract (schemas/invoice.schema.json). */
import { config } from '../config.js';
import { InvexError } from '../errors.js';
import { closePipeline, extractFile } from '../pipeline.js';
import { parseCommandArgs, parseFormat, parseOcrMode } from './args.js';
import { type RunFilesSummary, runFiles } from './run-files.js';

export const EXTRACT_USAGE = `usage: invex extract FILE... [--format json|jsonl] [--ocr auto|always|never] [--lang eng+deu] [--model DIR] [--password P]

Extracts invoice fields, line items, tax breakdown and validation from each file.
  --format    jsonl (default: one line per file, in input order) or json (pretty)
  --ocr       auto: OCR only pages without a text layer (default); always; never
  --lang      Tesseract languages joined by + (default INVEX_OCR_LANG or eng)
  --model     model directory (ours, or a Hugging Face token-classification ONNX export)
  --password  password for encrypted PDFs
A file that fails gets a line with "error": {code, message}; the exit status is 1 if any file failed.`;

export async function extractCommand(argv: string[]): Promise<RunFilesSummary> {
  const { values, positionals } = parseCommandArgs(argv, {
    format: { type: 'string', default: 'jsonl' },
    ocr: { type: 'string', default: 'auto' },
    lang: { type: 'string' },
    model: { type: 'string' },
    password: { type: 'string' },
  });
  if (positionals.length === 0) throw new InvexError('INVEX_E_USAGE', 'no input files given');
  const opts = {
    ocr: parseOcrMode(values.ocr),
    lang: typeof values.lang === 'string' ? values.lang : config().ocrLang,
    ...(typeof values.password === 'string' ? { password: values.password } : {}),
    ...(typeof values.model === 'string' ? { ner: { modelDir: values.model } } : {}),
  };
  try {
    return await runFiles(positionals, (file) => extractFile(file, opts), {
      format: parseFormat(values.format),
      concurrency: config().ocrWorkers,
    });
  } finally {
    await closePipeline();
  }
}
