/**
 * `invex synth`: generates N synthetic invoices into a directory: pdf/*.pdf (text layer) and img/*.png
 * (scanned variants), gt.jsonl (shared EVAL.md format), synth.jsonl (one CorpusDoc per line) and
 * synth-report.json. Deterministic for a seed: same seed, same bytes.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvexError } from '../../errors.js';
import { closeOcr } from '../../ocr/tesseract.js';
import type { CorpusDoc } from '../format.js';
import { checkRecovery, type Recovery, recoveryRate } from './check.js';
import { type GeneratedDoc, generateDocument, groundTruth, printedText, TEST_FAMILIES } from './generate.js';
import type { EntityIssue } from './label.js';
import { familyByName } from './layouts/index.js';
import { LOCALE_IDS, type LocaleId } from './locales.js';
import { scanDocument } from './scan.js';
import { labelTextDocument } from './text-doc.js';

export { checkRecovery, recoveryRate } from './check.js';
export { TEST_FAMILIES } from './generate.js';
export { FAMILIES } from './layouts/index.js';
export { LOCALE_IDS } from './locales.js';

export interface SynthOptions {
  count: number;
  seed: number;
  out: string;
  /** Share of documents turned into scans (single-page ones only); default 0. */
  scannedRatio?: number;
  families?: readonly string[];
  locales?: readonly LocaleId[];
  /** OCR languages for scans; default INVEX_OCR_LANG. */
  ocrLang?: string;
  /** Documents in flight at once (overlaps OCR with generation); default 2. */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SynthReport {
  documents: number;
  pages: number;
  scanned: number;
  seconds: number;
  /** Mean seconds per text-layer document (generation + ingest + labeling) and per scanned one. */
  secondsPerTextDoc: number;
  secondsPerScan: number;
  byFamily: Record<string, number>;
  byLocale: Record<string, number>;
  bySplit: Record<string, number>;
  byKind: Record<string, number>;
  testFamilies: readonly string[];
  /** Entities whose text-layer words do not spell the drawn value (should be 0). */
  labelIssues: number;
  issueSamples: EntityIssue[];
  /** Text drawn outside the page or over other text, in accepted documents (should be 0). */
  overflows: number;
  /** Drafts redrawn because of a layout fault (see MAX_ATTEMPTS). */
  redrawn: number;
  recoveryText: { values: number; recovered: number; rate: number };
  recoveryScanned: { values: number; recovered: number; rate: number; exactRate: number };
  scanEntities: { accepted: number; rejected: number; rotationMisses: number };
  /** Ground-truth values not recovered from the labels (first few). */
  missingSamples: Recovery['missing'];
}

interface DocResult {
  doc: CorpusDoc;
  gtLine: string;
  file: string;
  bytes: Buffer;
  scanned: boolean;
  seconds: number;
  issues: EntityIssue[];
  overflows: number;
  attempts: number;
  /** Printed forms of the document fields (scans: the fuzzy recovery compares with these). */
  printed?: Record<string, string[]>;
  scan?: { accepted: number; rejected: number; rotationMiss: boolean };
}

const bump = (r: Record<string, number>, k: string) => {
  r[k] = (r[k] ?? 0) + 1;
};

function printedForms(gen: GeneratedDoc): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of gen.entities) {
    const list = out[e.field] ?? [];
    list.push(printedText(e));
    out[e.field] = list;
  }
  return out;
}

/** Drafts per slot: a draft with a layout fault (text off the page, overlapping text, mislabeled words) is redrawn. */
export const MAX_ATTEMPTS = 4;

async function makeOne(opts: SynthOptions, index: number): Promise<DocResult> {
  const t0 = performance.now();
  const genOpts = {
    ...(opts.families ? { families: opts.families } : {}),
    ...(opts.locales ? { locales: opts.locales } : {}),
  };
  for (let attempt = 0; ; attempt++) {
    const last = attempt === MAX_ATTEMPTS - 1;
    const gen = await generateDocument(opts.seed, index, genOpts, attempt);
    if (gen.overflows.length && !last) continue;
    const gt = groundTruth(gen);
    const wantScan = (opts.scannedRatio ?? 0) > 0 && gen.rng.fork('scan?').chance(opts.scannedRatio ?? 0);
    if (wantScan && gen.pageSizes.length === 1) {
      // The text layer check costs ~30 ms and guards the geometry the scan labels rely on.
      if ((await labelTextDocument(gen, '')).issues.length && !last) continue;
      const file = `img/${gen.id}.png`;
      const s = await scanDocument(gen, file, opts.ocrLang ? { lang: opts.ocrLang } : {});
      return {
        doc: s.doc,
        gtLine: JSON.stringify({ file, fields: gt.fields, line_items: gt.line_items }),
        file,
        bytes: s.png,
        scanned: true,
        seconds: (performance.now() - t0) / 1000,
        issues: [],
        overflows: gen.overflows.length,
        attempts: attempt + 1,
        printed: printedForms(gen),
        scan: {
          accepted: s.accepted,
          rejected: s.rejected,
          rotationMiss: (s.detectedRotation + s.params.quarter) % 360 !== 0,
        },
      };
    }
    const file = `pdf/${gen.id}.pdf`;
    const l = await labelTextDocument(gen, file);
    if (l.issues.length && !last) continue;
    return {
      doc: l.doc,
      gtLine: JSON.stringify({ file, fields: gt.fields, line_items: gt.line_items }),
      file,
      bytes: gen.pdf,
      scanned: false,
      seconds: (performance.now() - t0) / 1000,
      issues: l.issues,
      overflows: gen.overflows.length,
      attempts: attempt + 1,
    };
  }
}

/** Text-field similarity at which an OCR'd span still counts as recovering its value. */
export const SCAN_FUZZY = 0.8;

function write(s: WriteStream, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => s.write(chunk, (err) => (err ? reject(err) : resolve())));
}

function end(s: WriteStream): Promise<void> {
  return new Promise((resolve) => s.end(resolve));
}

const rate = (r: Recovery) => ({ values: r.values, recovered: r.recovered, rate: recoveryRate(r) });

/** Refuses options that cannot produce a corpus (INVEX_E_USAGE), naming every problem. */
function checkOptions(opts: SynthOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(opts.count) || opts.count < 0) problems.push('--count must be a whole number ≥ 0');
  if (!Number.isInteger(opts.seed)) problems.push('--seed must be a whole number');
  const r = opts.scannedRatio ?? 0;
  if (!(r >= 0 && r <= 1)) problems.push('--scanned-ratio must be between 0 and 1');
  if (!opts.out) problems.push('--out is required');
  for (const l of opts.locales ?? [])
    if (!LOCALE_IDS.includes(l)) problems.push(`unknown locale "${l}" (known: ${LOCALE_IDS.join(', ')})`);
  if (problems.length) throw new InvexError('INVEX_E_USAGE', problems.join('; '));
  for (const f of opts.families ?? []) familyByName(f);
}

export async function runSynth(opts: SynthOptions): Promise<SynthReport> {
  checkOptions(opts);
  const t0 = performance.now();
  await mkdir(join(opts.out, 'pdf'), { recursive: true });
  if ((opts.scannedRatio ?? 0) > 0) await mkdir(join(opts.out, 'img'), { recursive: true });
  const report: SynthReport = {
    documents: 0,
    pages: 0,
    scanned: 0,
    seconds: 0,
    secondsPerTextDoc: 0,
    secondsPerScan: 0,
    byFamily: {},
    byLocale: {},
    bySplit: {},
    byKind: {},
    testFamilies: TEST_FAMILIES,
    labelIssues: 0,
    issueSamples: [],
    overflows: 0,
    redrawn: 0,
    recoveryText: { values: 0, recovered: 0, rate: 1 },
    recoveryScanned: { values: 0, recovered: 0, rate: 1, exactRate: 1 },
    scanEntities: { accepted: 0, rejected: 0, rotationMisses: 0 },
    missingSamples: [],
  };
  const gtOut = createWriteStream(join(opts.out, 'gt.jsonl'));
  const corpusOut = createWriteStream(join(opts.out, 'synth.jsonl'));
  const recText: Recovery = { values: 0, recovered: 0, missing: [] };
  const recScanExact: Recovery = { values: 0, recovered: 0, missing: [] };
  const recScanFuzzy: Recovery = { values: 0, recovered: 0, missing: [] };
  const add = (into: Recovery, r: Recovery) => {
    into.values += r.values;
    into.recovered += r.recovered;
    if (into.missing.length < 50) into.missing.push(...r.missing.slice(0, 50 - into.missing.length));
  };
  let textSeconds = 0;
  let scanSeconds = 0;
  const results = new Map<number, DocResult>();
  let next = 0;
  let written = 0;
  const flush = async () => {
    // Written in index order whatever order the workers finish in, so output is deterministic.
    for (let r = results.get(written); r; r = results.get(written)) {
      results.delete(written);
      await writeFile(join(opts.out, r.file), r.bytes);
      await write(gtOut, `${r.gtLine}\n`);
      await write(corpusOut, `${JSON.stringify(r.doc)}\n`);
      if (r.scanned) {
        add(recScanExact, checkRecovery([r.doc]));
        add(
          recScanFuzzy,
          checkRecovery([r.doc], { fuzzy: SCAN_FUZZY, printed: { [r.doc.id]: r.printed ?? {} } }),
        );
      } else add(recText, checkRecovery([r.doc]));
      report.documents++;
      report.pages += r.doc.pages.length;
      bump(report.byFamily, r.doc.family);
      bump(report.byLocale, r.doc.locale);
      bump(report.bySplit, r.doc.split);
      bump(report.byKind, r.doc.fields.document_type ?? 'unknown');
      report.labelIssues += r.issues.length;
      if (report.issueSamples.length < 20)
        report.issueSamples.push(...r.issues.slice(0, 20 - report.issueSamples.length));
      report.overflows += r.overflows;
      report.redrawn += r.attempts - 1;
      if (r.scanned) {
        report.scanned++;
        scanSeconds += r.seconds;
        report.scanEntities.accepted += r.scan?.accepted ?? 0;
        report.scanEntities.rejected += r.scan?.rejected ?? 0;
        report.scanEntities.rotationMisses += r.scan?.rotationMiss ? 1 : 0;
      } else textSeconds += r.seconds;
      written++;
      opts.onProgress?.(written, opts.count);
    }
  };
  const worker = async () => {
    while (next < opts.count) {
      const i = next++;
      results.set(i, await makeOne(opts, i));
      await flush();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  } finally {
    if ((opts.scannedRatio ?? 0) > 0) await closeOcr();
    await Promise.all([end(gtOut), end(corpusOut)]);
  }
  report.recoveryText = rate(recText);
  report.recoveryScanned = { ...rate(recScanFuzzy), exactRate: recoveryRate(recScanExact) };
  report.missingSamples = [...recText.missing.slice(0, 20), ...recScanFuzzy.missing.slice(0, 20)];
  report.seconds = (performance.now() - t0) / 1000;
  report.secondsPerTextDoc =
    report.documents - report.scanned ? textSeconds / (report.documents - report.scanned) : 0;
  report.secondsPerScan = report.scanned ? scanSeconds / report.scanned : 0;
  await writeFile(join(opts.out, 'synth-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
