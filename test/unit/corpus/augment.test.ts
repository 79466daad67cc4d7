import { describe, expect, it } from 'vitest';
import { swapNames } from '../../../src/corpus/augment.js';
import type { CorpusDoc, CorpusWord } from '../../../src/corpus/format.js';

function word(text: string, label: string, x: number): CorpusWord {
  return { text, bbox: [x, 10, x + 40, 20], label };
}

function doc(locale: string, words: CorpusWord[], fields: Record<string, string>): CorpusDoc {
  return {
    id: 'sha256:abc',
    source: 'zugferd',
    split: 'train',
    family: 'zugferd',
    locale,
    fields,
    pages: [{ number: 1, width: 600, height: 800, source: 'text', words }],
  };
}

const specimen = doc(
  'de-DE',
  [
    word('Lieferant', 'B-supplier_name', 0),
    word('GmbH', 'I-supplier_name', 50),
    word('Herrn', 'B-customer_name', 0),
    word('Kunden', 'I-customer_name', 50),
    word('(Mitte),', 'I-customer_name', 100),
    word('(126926-H)', 'I-customer_name', 150),
    word('Rechnung', 'O', 0),
    word('Lieferant', 'O', 0),
    word('Bau', 'O', 0),
    word('12,00', 'B-total_amount', 0),
  ],
  {
    supplier_name: 'Lieferant GmbH',
    customer_name: 'Herrn Kunden (Mitte), (126926-H)',
    total_amount: '12.00',
  },
);

describe('swapNames', () => {
  it('prints other name words in the same places, keeping legal forms, salutations, numbers and punctuation', () => {
    const s = swapNames(specimen, 1);
    const texts = s.pages[0]?.words.map((w) => w.text) ?? [];
    const [supplier, gmbh, herrn, kunden, mitte, reg, rechnung, second, bau, total] = texts;
    expect(supplier).not.toBe('Lieferant');
    expect(supplier).toMatch(/^\p{Lu}\p{L}/u);
    expect([gmbh, herrn, reg, rechnung, bau, total]).toEqual([
      'GmbH',
      'Herrn',
      '(126926-H)',
      'Rechnung',
      'Bau',
      '12,00',
    ]);
    expect(kunden).not.toBe('Kunden');
    expect(mitte).toMatch(/^\(\p{Lu}[\p{L}'-]+\),$/u);
    // The unlabeled second printing of the supplier's name is the same new name.
    expect(second).toBe(supplier);
    expect(s.fields).toEqual({
      supplier_name: `${supplier} GmbH`,
      customer_name: `Herrn ${kunden} ${mitte} (126926-H)`,
      total_amount: '12.00',
    });
    // Labels, boxes and word count are those of the original.
    expect(s.pages[0]?.words.map((w) => [w.label, w.bbox])).toEqual(
      specimen.pages[0]?.words.map((w) => [w.label, w.bbox]),
    );
    expect(s.id).toBe('sha256:abc#names1');
  });

  it('is deterministic per copy, and copies differ', () => {
    expect(swapNames(specimen, 1)).toEqual(swapNames(specimen, 1));
    expect(swapNames(specimen, 2).fields.supplier_name).not.toBe(swapNames(specimen, 1).fields.supplier_name);
  });

  it('keeps the letter case of upper-case receipts', () => {
    const receipt = doc(
      'en-MY',
      [
        word('SYARIKAT', 'B-supplier_name', 0),
        word('GIN', 'I-supplier_name', 50),
        word('KEE', 'I-supplier_name', 90),
      ],
      { supplier_name: 'SYARIKAT GIN KEE' },
    );
    const name = swapNames(receipt, 1).fields.supplier_name ?? '';
    expect(name).toBe(name.toUpperCase());
    expect(name.split(' ')).toHaveLength(3);
    expect(name).not.toBe('SYARIKAT GIN KEE');
  });
});
