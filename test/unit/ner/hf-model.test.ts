/**
 * Bring your own model: a tiny BERT-style token classifier built and exported by torch
 * (training/fixtures/tiny_bert.py), with a hand-written WordPiece tokenizer.json, loaded through runNer.
 * The fixture biases chosen vocabulary pieces towards chosen labels, so the labels show whether pieces were
 * aligned back to the right words.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupedEntity, TokenEntity } from '../../../src/ner/decode.js';
import { mapHfLabel, pieceWindows } from '../../../src/ner/hf-model.js';
import { closeNer, loadNerModel, runNer } from '../../../src/ner/ner.js';
import { closeSessions, loadSession } from '../../../src/ner/onnx.js';
import { loadWordPiece } from '../../../src/ner/wordpiece.js';
import type { DocumentWords, Word } from '../../../src/types.js';

const root = mkdtempSync(join(tmpdir(), 'invex-ner-hf-'));
const modelDir = join(root, 'tiny-bert');

beforeAll(() => {
  execFileSync('/usr/bin/python3', ['training/fixtures/tiny_bert.py', modelDir], { stdio: 'pipe' });
}, 60_000);

afterAll(async () => {
  await closeNer();
  rmSync(root, { recursive: true, force: true });
});

/** Words on lines of `perLine`, left to right. */
function doc(texts: string[], perLine = 8): DocumentWords {
  const words: Word[] = texts.map((text, i) => {
    const line = Math.floor(i / perLine);
    const x = 0.05 + (i % perLine) * 0.11;
    return { text, bbox: [x, 0.05 + line * 0.02, x + 0.1, 0.06 + line * 0.02], confidence: 1, line };
  });
  return {
    id: 'sha256:test',
    mediaType: 'application/pdf',
    pages: [{ number: 1, width: 595, height: 842, unit: 'pt', source: 'text', rotation: 0, words }],
  };
}

const TEXTS = ['Invoice', 'no:', 'INV-1234', 'Acme', 'GmbH', 'Total', '12.50', 'EUR'];
const groups = (ents: unknown[]) =>
  (ents as GroupedEntity[]).map((e) => [e.entity_group, e.word, e.word_indices]);

describe('WordPiece tokenizer', () => {
  it('lower-cases, splits punctuation and uses ## continuation pieces', () => {
    const tok = loadWordPiece(join(modelDir, 'tokenizer.json'));
    const v = (t: string) => tok.vocab.get(t);
    expect(tok.encodeWord('INV-1234')).toEqual([v('inv'), v('-'), v('1'), v('##2'), v('##3'), v('##4')]);
    expect(tok.encodeWord('Total')).toEqual([v('total')]);
    expect(tok.encodeWord('Zebra')).toEqual([tok.unkId]);
    expect(tok.encodeWord('')).toEqual([]);
    expect([tok.clsId, tok.sepId, tok.padId]).toEqual([2, 3, 0]);
  });
});

describe('Hugging Face token-classification model', () => {
  it('maps id2label names to our fields (case, SROIE aliases), keeps the others', async () => {
    const model = await loadNerModel(modelDir);
    expect(model.kind).toBe('huggingface');
    expect(model.labels).toEqual([
      'O',
      'B-invoice_number',
      'I-invoice_number',
      'B-total_amount',
      'I-total_amount',
      'B-supplier_name',
      'I-supplier_name',
      'B-MISC',
      'I-MISC',
    ]);
    expect(mapHfLabel('i_total')).toBe('I-total_amount');
    expect(model.info.name).toBe('tiny-bert-fixture');
    expect(model.info.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('aligns word pieces back to words (first piece per word)', async () => {
    const res = await runNer(doc(TEXTS), { modelDir, aggregation: 'first' });
    expect(groups(res.pages[0]?.entities ?? [])).toEqual([
      ['invoice_number', 'INV-1234', [2]],
      ['supplier_name', 'Acme GmbH', [3, 4]],
      ['total_amount', '12.50', [6]],
    ]);
    const none = (await runNer(doc(TEXTS), { modelDir, aggregation: 'none' })).pages[0]
      ?.entities as TokenEntity[];
    expect(none.map((e) => [e.entity, e.index])).toEqual([
      ['B-invoice_number', 2],
      ['B-supplier_name', 3],
      ['I-supplier_name', 4],
      ['B-total_amount', 6],
    ]);
  });

  it('average and max aggregate the pieces of a word as Hugging Face does', async () => {
    // INV-1234 = inv(B-invoice_number) -(I-invoice_number) 1(B-total) ##2 ##3 ##4(I-total): the mean favours total.
    const avg = await runNer(doc(TEXTS), { modelDir, aggregation: 'average' });
    expect(groups(avg.pages[0]?.entities ?? [])[0]).toEqual(['total_amount', 'INV-1234', [2]]);
    // `inv` has the strongest single score, so max takes its label.
    const max = await runNer(doc(TEXTS), { modelDir, aggregation: 'max' });
    expect(groups(max.pages[0]?.entities ?? [])[0]).toEqual(['invoice_number', 'INV-1234', [2]]);
  });

  it('splits pages longer than max_position_embeddings into windows', async () => {
    const texts = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0 ? 'INV-1234' : i % 3 === 1 ? 'Total' : '12.50',
    );
    const res = await runNer(doc(texts, 6), { modelDir, aggregation: 'first' });
    const ents = res.pages[0]?.entities as GroupedEntity[];
    expect(ents.filter((e) => e.entity_group === 'invoice_number')).toHaveLength(20);
    expect(ents.filter((e) => e.entity_group === 'total_amount')).toHaveLength(20);
    for (const e of ents) expect(e.word).toBe(e.entity_group === 'invoice_number' ? 'INV-1234' : '12.50');
  });

  it('cuts word windows to the piece budget with overlap', () => {
    const spans = pieceWindows([3, 3, 3, 3, 3, 3, 3, 3], 10);
    expect(spans[0]).toEqual({ start: 0, end: 3 });
    for (const s of spans) expect(s.end - s.start).toBeLessThanOrEqual(3);
    expect(spans[spans.length - 1]?.end).toBe(8);
  });

  it('shares one session per model file, and reports missing models with a code', async () => {
    const a = await loadSession(join(modelDir, 'model.onnx'));
    expect(await loadSession(join(modelDir, 'model.onnx'))).toBe(a);
    await closeSessions();
    expect(await loadSession(join(modelDir, 'model.onnx'))).not.toBe(a);
    await expect(loadSession(join(root, 'nope.onnx'))).rejects.toMatchObject({
      code: 'INVEX_E_MODEL_MISSING',
    });
    await expect(runNer(doc(TEXTS), { modelDir: root })).rejects.toMatchObject({
      code: 'INVEX_E_MODEL_MISSING',
    });
  });
});
