import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/assemble/assemble.js';
import {
  addPremisesLine,
  completeAddressLines,
  completeNameRuns,
  dropAfterLegalForm,
  dropBrandAbove,
  dropContactTail,
  dropMisreadLines,
  mergeStackedSpans,
  resolveEnclosedAddressParts,
  resolvePartyRuns,
} from '../../../src/assemble/merge-spans.js';
import type { NerSpan } from '../../../src/assemble/types.js';
import type { DocumentWords, Word } from '../../../src/types.js';

/** A two-column header: supplier block at the left, invoice details at the right, 0.02 line pitch. */
function header(): DocumentWords {
  const rows: [string, string][] = [
    ['Muster Handel GmbH', 'Rechnung RE-1'],
    ['Hauptstraße 5', 'Datum 03.04.2024'],
    ['12345 Berlin', 'Kunde K-77'],
  ];
  const words: Word[] = [];
  let line = 0;
  rows.forEach(([left, right], r) => {
    const y = 0.1 + r * 0.02;
    for (const [text, x] of [
      [left, 0.05],
      [right, 0.6],
    ] as const) {
      text.split(' ').forEach((t, i) => {
        words.push({ text: t, bbox: [x + i * 0.08, y, x + i * 0.08 + 0.07, y + 0.012], confidence: 1, line });
      });
      line++;
    }
  });
  return docOf(words);
}

/** One text-layer page holding `words`. */
function docOf(words: Word[]): DocumentWords {
  return {
    id: `sha256:${'0'.repeat(64)}`,
    mediaType: 'application/pdf',
    pages: [{ number: 1, width: 595, height: 842, unit: 'pt', source: 'text', rotation: 0, words }],
  };
}

/** A left-aligned block of text lines, `pitch` apart, as a letterhead or address block sets them. */
function letterDoc(lines: string[], pitch = 0.014): DocumentWords {
  return docOf(
    lines.flatMap((l, line) => {
      let x = 0.1;
      return l.split(' ').map((text) => {
        const w: Word = {
          text,
          bbox: [x, 0.1 + line * pitch, x + text.length * 0.01, 0.112 + line * pitch],
          confidence: 1,
          line,
        };
        x += text.length * 0.01 + 0.004;
        return w;
      });
    }),
  );
}

const indices = (doc: DocumentWords, texts: string[]) =>
  (doc.pages[0]?.words ?? []).flatMap((w, i) => (texts.includes(w.text) ? [i] : []));

describe('mergeStackedSpans', () => {
  const doc = header();
  // What decoding gives when reading order runs across the page: one span per address line.
  const street: NerSpan = {
    field: 'supplier_address',
    score: 0.9,
    page: 1,
    wordIndices: indices(doc, ['Hauptstraße', '5']),
  };
  const city: NerSpan = {
    field: 'supplier_address',
    score: 0.6,
    page: 1,
    wordIndices: indices(doc, ['12345', 'Berlin']),
  };

  it('joins the stacked lines of one block into one value', () => {
    const merged = mergeStackedSpans(doc, [street, city]);
    expect(merged).toHaveLength(1);
    expect(merged[0]?.score).toBeCloseTo(0.75);
    const out = assemble(doc, [street, city]);
    expect(out.fields.supplier_address?.value).toBe('Hauptstraße 5, 12345 Berlin');
    expect(out.fields.supplier_address?.regions).toHaveLength(2);
  });

  it('keeps apart pieces in another column, far below, or of another field', () => {
    const right: NerSpan = {
      field: 'supplier_address',
      score: 0.5,
      page: 1,
      wordIndices: indices(doc, ['Kunde']),
    };
    const other: NerSpan = {
      field: 'customer_name',
      score: 0.5,
      page: 1,
      wordIndices: indices(doc, ['Rechnung']),
    };
    const merged = mergeStackedSpans(doc, [street, right, other]);
    expect(merged).toHaveLength(3);
  });

  it("joins an address's parts on one line across a separator or a postcode's letters", () => {
    // "Hauptstraße 5 · 12345 Berlin", the gaps around the separator wider than a word gap on their own.
    const strip = (sep: string, field: string) => {
      const words: Word[] = [];
      let x = 0.1;
      for (const [text, gap] of [
        ['Hauptstraße', 0.004],
        ['5', 0.03],
        [sep, 0.03],
        ['12345', 0.004],
        ['Berlin', 0],
      ] as const) {
        words.push({ text, bbox: [x, 0.1, x + text.length * 0.01, 0.112], confidence: 1, line: 0 });
        x += text.length * 0.01 + gap;
      }
      const spans: NerSpan[] = [
        { field, score: 0.9, page: 1, wordIndices: [0, 1] },
        { field, score: 0.8, page: 1, wordIndices: [3, 4] },
      ];
      return { doc: docOf(words), spans };
    };
    for (const sep of ['·', '|', '•']) {
      const { doc, spans } = strip(sep, 'supplier_address');
      expect(mergeStackedSpans(doc, spans)).toHaveLength(1);
      expect(assemble(doc, spans).fields.supplier_address?.value).toBe('Hauptstraße 5, 12345 Berlin');
    }
    // A postcode's letters between the parts belong to the value ("2489 KQ Weert").
    const letters = strip('KQ', 'supplier_address');
    expect(assemble(letters.doc, letters.spans).fields.supplier_address?.value).toBe(
      'Hauptstraße 5 KQ 12345 Berlin',
    );
    // A word of another kind keeps the parts apart, and so does a separator between a name's parts.
    const word = strip('Tel', 'supplier_address');
    expect(mergeStackedSpans(word.doc, word.spans)).toHaveLength(2);
    const names = strip('|', 'customer_name');
    expect(mergeStackedSpans(names.doc, names.spans)).toHaveLength(2);
  });

  it('joins a wrapped name, but never continues a name past its legal form', () => {
    const d = letterDoc(['MVM Musterhafter', 'Versicherungsverein a.G.', 'Musterstr. 12'], 0.02);
    const words = d.pages[0]?.words ?? [];
    const name = (line: number): NerSpan => ({
      field: 'supplier_name',
      score: 0.9,
      page: 1,
      wordIndices: words.flatMap((w, i) => (w.line === line ? [i] : [])),
    });
    const merged = mergeStackedSpans(d, [name(0), name(1), name(2)]);
    expect(merged.map((m) => m.wordIndices.map((i) => words[i]?.text).join(' '))).toEqual([
      'MVM Musterhafter Versicherungsverein a.G.',
      'Musterstr. 12',
    ]);
  });

  it('leaves fields that are one word alone untouched', () => {
    const inv: NerSpan = {
      field: 'invoice_number',
      score: 0.9,
      page: 1,
      wordIndices: indices(doc, ['RE-1']),
    };
    expect(mergeStackedSpans(doc, [inv])).toEqual([inv]);
  });

  it('joins the lines of a right-aligned letterhead block, whose left edges are ragged', () => {
    const words: Word[] = [
      { text: '510', bbox: [0.6, 0.1, 0.64, 0.112], confidence: 1, line: 0 },
      { text: 'Buford', bbox: [0.65, 0.1, 0.72, 0.112], confidence: 1, line: 0 },
      { text: 'Mead', bbox: [0.73, 0.1, 0.9, 0.112], confidence: 1, line: 0 },
      { text: 'New', bbox: [0.52, 0.115, 0.58, 0.127], confidence: 1, line: 1 },
      { text: 'Batz-DuBuqueford', bbox: [0.59, 0.115, 0.9, 0.127], confidence: 1, line: 1 },
      { text: 'SK72', bbox: [0.79, 0.13, 0.84, 0.142], confidence: 1, line: 2 },
      { text: '32L', bbox: [0.85, 0.13, 0.9, 0.142], confidence: 1, line: 2 },
    ];
    const d = docOf(words);
    const pieces: NerSpan[] = [
      [0, 1, 2],
      [3, 4],
      [5, 6],
    ].map((wordIndices) => ({ field: 'supplier_address', score: 0.9, page: 1, wordIndices }));
    const out = assemble(d, pieces);
    expect(out.fields.supplier_address?.value).toBe('510 Buford Mead, New Batz-DuBuqueford, SK72 32L');
  });

  it('does not join a centred line under a centred shop name (a company number tagged with it)', () => {
    const words: Word[] = [
      { text: 'AEON', bbox: [0.35, 0.1, 0.45, 0.112], confidence: 1, line: 0 },
      { text: 'CO.', bbox: [0.46, 0.1, 0.52, 0.112], confidence: 1, line: 0 },
      { text: 'BHD', bbox: [0.53, 0.1, 0.65, 0.112], confidence: 1, line: 0 },
      { text: '(126926-H)', bbox: [0.42, 0.115, 0.58, 0.127], confidence: 1, line: 1 },
    ];
    const d = docOf(words);
    const pieces: NerSpan[] = [
      { field: 'supplier_name', score: 0.9, page: 1, wordIndices: [0, 1, 2] },
      { field: 'supplier_name', score: 0.5, page: 1, wordIndices: [3] },
    ];
    expect(mergeStackedSpans(d, pieces)).toHaveLength(2);
  });
});

/** Rows of [text, x] runs; words of a run 0.01 apart, 0.012 per character, one line index per row. */
function rowsDoc(rows: [string, number][][]): DocumentWords {
  const words: Word[] = [];
  rows.forEach((runs, line) => {
    const y = 0.1 + line * 0.03;
    for (const [text, x0] of runs) {
      let x = x0;
      for (const t of text.split(' ')) {
        const x1 = x + t.length * 0.012;
        words.push({ text: t, bbox: [x, y, x1, y + 0.012], confidence: 1, line });
        x = x1 + 0.004;
      }
    }
  });
  return docOf(words);
}

const span = (doc: DocumentWords, field: string, texts: string[]): NerSpan => ({
  field,
  score: 0.9,
  page: 1,
  wordIndices: indices(doc, texts),
});

const textOf = (doc: DocumentWords, s: NerSpan) =>
  s.wordIndices.map((i) => doc.pages[0]?.words[i]?.text).join(' ');

describe('completeNameRuns', () => {
  it('widens a name to its run of words, not across the caption column', () => {
    const doc = rowsDoc([
      [
        ['Name:', 0.05],
        ['ELEKTRON Industrieservice GmbH', 0.4],
      ],
    ]);
    const [out] = completeNameRuns(doc, [span(doc, 'supplier_name', ['Industrieservice', 'GmbH'])]);
    expect(textOf(doc, out as NerSpan)).toBe('ELEKTRON Industrieservice GmbH');
  });

  it('stops at a caption, a separator and a number on the same run', () => {
    const doc = rowsDoc([[['Bill to: Acme Trading Ltd · Reg. 126926-H', 0.05]]]);
    const [out] = completeNameRuns(doc, [span(doc, 'customer_name', ['Trading'])]);
    expect(textOf(doc, out as NerSpan)).toBe('Acme Trading Ltd');
    const shop = rowsDoc([[['AEON CO. (M) BHD (126926-H)', 0.05]]]);
    const [aeon] = completeNameRuns(shop, [span(shop, 'supplier_name', ['BHD'])]);
    expect(textOf(shop, aeon as NerSpan)).toBe('AEON CO. (M) BHD');
  });

  it('goes on over the gaps of a letter-spaced heading, not past a legal form', () => {
    // Words 0.02 apart at a height of 0.012: wider than MAX_RUN_GAP heights, about one character.
    const spaced = (texts: string[]) =>
      docOf(
        texts.map((text, i): Word => {
          const x = 0.05 + i * 0.12;
          return { text, bbox: [x, 0.1, x + 0.1, 0.112], confidence: 1, line: 0 };
        }),
      );
    const shell = spaced(['LEONG', 'HENG', 'SHELL', 'SERVICE', 'STATION']);
    const [s] = completeNameRuns(shell, [
      span(shell, 'supplier_name', ['LEONG', 'HENG', 'SHELL', 'SERVICE']),
    ]);
    expect(textOf(shell, s as NerSpan)).toBe('LEONG HENG SHELL SERVICE STATION');
    // A word the model skipped inside the name is the name's too.
    const kl = rowsDoc([[['GARDENIA BAKERIES (KL) SDN BHD', 0.05]]]);
    const [g] = completeNameRuns(kl, [span(kl, 'supplier_name', ['GARDENIA', 'BAKERIES', 'SDN', 'BHD'])]);
    expect(textOf(kl, g as NerSpan)).toBe('GARDENIA BAKERIES (KL) SDN BHD');
    const dion = spaced(['Dion', 'Realties', 'Sdn', 'Bhd', '(Co.', 'No']);
    const [d] = completeNameRuns(dion, [span(dion, 'supplier_name', ['Dion', 'Realties', 'Sdn', 'Bhd'])]);
    expect(textOf(dion, d as NerSpan)).toBe('Dion Realties Sdn Bhd');
    // A column gap is wider: five characters and more.
    const column = docOf(
      ['ACME', 'Trading', 'Invoice'].map((text, i): Word => {
        const x = [0.05, 0.108, 0.4][i] as number;
        return { text, bbox: [x, 0.1, x + text.length * 0.012, 0.112], confidence: 1, line: 0 };
      }),
    );
    const [acme] = completeNameRuns(column, [span(column, 'supplier_name', ['ACME'])]);
    expect(textOf(column, acme as NerSpan)).toBe('ACME Trading');
  });

  it('goes on over "&" and onto the next line when the name wraps there and ends in a legal form', () => {
    const amp = rowsDoc([[['Grundbesitz GmbH & Co.', 0.05]]]);
    const [g] = completeNameRuns(amp, [span(amp, 'supplier_name', ['Grundbesitz'])]);
    expect(textOf(amp, g as NerSpan)).toBe('Grundbesitz GmbH & Co.');
    const mvm = letterDoc(['MVM Musterhafter', 'Versicherungsverein Musterstadt a.G.', 'Musterstr. 12']);
    const [m] = completeNameRuns(mvm, [span(mvm, 'supplier_name', ['MVM', 'Musterhafter'])]);
    expect(textOf(mvm, m as NerSpan)).toBe('MVM Musterhafter Versicherungsverein Musterstadt a.G.');
    // The model tagged the wrapped line as the address: a line ending in a legal form is the name's.
    const [name, address] = completeNameRuns(mvm, [
      span(mvm, 'supplier_name', ['MVM', 'Musterhafter']),
      span(mvm, 'supplier_address', ['Versicherungsverein', 'Musterstadt', 'a.G.', 'Musterstr.', '12']),
    ]);
    expect(textOf(mvm, name as NerSpan)).toBe('MVM Musterhafter Versicherungsverein Musterstadt a.G.');
    expect(textOf(mvm, address as NerSpan)).toBe('Musterstr. 12');
    const person = letterDoc(['Max Mustermann', 'Musterstr. 11', 'Muster AG']);
    const [p] = completeNameRuns(person, [span(person, 'customer_name', ['Max', 'Mustermann'])]);
    expect(textOf(person, p as NerSpan)).toBe('Max Mustermann');
  });

  it('follows a wrapped name in its value column, past a caption that the text layer put on a line of its own', () => {
    // Caption | value rows as e-invoice viewers print them; each caption is a line, each value another.
    const cells: [string, number, number][] = [
      ['Nummer:', 0.1, 0.1],
      ['549910', 0.4, 0.1],
      ['MVM Musterhafter', 0.4, 0.114],
      ['Name:', 0.1, 0.128],
      ['Versicherungsverein Musterstadt a.G.', 0.4, 0.128],
      ['Anschrift:', 0.1, 0.15],
      ['Musterstr. 12', 0.4, 0.15],
    ];
    const words: Word[] = cells.flatMap(([text, x0, y], line) => {
      let x = x0;
      return text.split(' ').map((t) => {
        const w: Word = { text: t, bbox: [x, y, x + t.length * 0.01, y + 0.012], confidence: 1, line };
        x += t.length * 0.01 + 0.004;
        return w;
      });
    });
    const d = docOf(words);
    const [name] = completeNameRuns(d, [span(d, 'supplier_name', ['MVM', 'Musterhafter'])]);
    expect(textOf(d, name as NerSpan)).toBe('MVM Musterhafter Versicherungsverein Musterstadt a.G.');
    // A value row that does not end in a legal form is not taken.
    const plain = docOf(words.filter((w) => w.text !== 'a.G.'));
    const [alone] = completeNameRuns(plain, [span(plain, 'supplier_name', ['MVM', 'Musterhafter'])]);
    expect(textOf(plain, alone as NerSpan)).toBe('MVM Musterhafter');
  });

  it('puts the salutation printed alone above the buyer name into the name, as e-invoices do', () => {
    const d = letterDoc(['Herrn', 'Max Mustermann', 'Musterstr. 11']);
    const [buyer] = completeNameRuns(d, [span(d, 'customer_name', ['Max', 'Mustermann'])]);
    expect(textOf(d, buyer as NerSpan)).toBe('Herrn Max Mustermann');
    // Not for a seller, and not when the word above is no salutation.
    const [seller] = completeNameRuns(d, [span(d, 'supplier_name', ['Max', 'Mustermann'])]);
    expect(textOf(d, seller as NerSpan)).toBe('Max Mustermann');
    const [street] = completeNameRuns(d, [span(d, 'customer_name', ['Musterstr.'])]);
    expect(textOf(d, street as NerSpan)).toBe('Musterstr.');
  });

  it('gives an untagged word between two pieces of a name to one of them only', () => {
    const doc = rowsDoc([[['GARDENIA BAKERIES (KL) SDN BHD', 0.05]]]);
    const pieces = [
      span(doc, 'supplier_name', ['GARDENIA', 'BAKERIES']),
      span(doc, 'supplier_name', ['SDN', 'BHD']),
    ];
    expect(completeNameRuns(doc, pieces).map((s) => textOf(doc, s))).toEqual([
      'GARDENIA BAKERIES (KL)',
      'SDN BHD',
    ]);
    expect(assemble(doc, pieces).fields.supplier_name?.value).toBe('GARDENIA BAKERIES (KL) SDN BHD');
  });

  it('leaves other fields alone', () => {
    const doc = rowsDoc([[['Hauptstraße 5 Berlin', 0.05]]]);
    const s = span(doc, 'supplier_address', ['Hauptstraße']);
    expect(completeNameRuns(doc, [s])).toEqual([s]);
  });
});

describe('misread name lines (OCR)', () => {
  /** A receipt header as OCR reads it: a logo as two badly read words above the shop's name. */
  function receipt(): DocumentWords {
    const d = letterDoc(['AEPLR S|', 'UNIHAKKA INTERNATIONAL SDN BHD', '12, Jalan Tampoi']);
    const page = d.pages[0];
    if (!page) throw new Error('no page');
    page.source = 'ocr';
    for (const w of page.words) w.confidence = w.line === 0 ? 0.2 : 0.9;
    return d;
  }

  it('drops the misread lines of a name span that runs over them', () => {
    const d = receipt();
    const whole = span(d, 'supplier_name', ['AEPLR', 'S|', 'UNIHAKKA', 'INTERNATIONAL', 'SDN', 'BHD']);
    expect(assemble(d, [whole]).fields.supplier_name?.value).toBe('UNIHAKKA INTERNATIONAL SDN BHD');
    // A name read badly throughout is kept: there is nothing better in it.
    const logo = span(d, 'supplier_name', ['AEPLR', 'S|']);
    expect(dropMisreadLines(d, [logo])).toEqual([logo]);
    // Text pages are never touched.
    const text = letterDoc(['AEPLR S|', 'UNIHAKKA INTERNATIONAL SDN BHD']);
    for (const w of text.pages[0]?.words ?? []) w.confidence = 0.2;
    const both = span(text, 'supplier_name', ['AEPLR', 'S|', 'UNIHAKKA', 'INTERNATIONAL', 'SDN', 'BHD']);
    expect(dropMisreadLines(text, [both])).toEqual([both]);
  });

  it('keeps a misread name piece out of the block of a well-read one', () => {
    const d = receipt();
    const pieces = [
      span(d, 'supplier_name', ['AEPLR', 'S|']),
      span(d, 'supplier_name', ['UNIHAKKA', 'INTERNATIONAL', 'SDN', 'BHD']),
    ];
    expect(
      mergeStackedSpans(d, pieces)
        .map((s) => textOf(d, s))
        .sort(),
    ).toEqual(['AEPLR S|', 'UNIHAKKA INTERNATIONAL SDN BHD']);
    expect(assemble(d, pieces).fields.supplier_name?.value).toBe('UNIHAKKA INTERNATIONAL SDN BHD');
  });
});

describe('a seller name wrapped from the line above', () => {
  it('takes the line the name wraps from when the model tagged only the line with the legal form', () => {
    const d = letterDoc([
      'Nummer: 549910',
      'MVM Musterhafter',
      'Versicherungsverein Musterstadt a.G.',
      'Musterstr. 12',
    ]);
    const tagged = ['Versicherungsverein', 'Musterstadt', 'a.G.'];
    const [seller] = completeNameRuns(d, [span(d, 'supplier_name', tagged)]);
    expect(textOf(d, seller as NerSpan)).toBe('MVM Musterhafter Versicherungsverein Musterstadt a.G.');
    // Never a buyer's name, never a section title or a line with a number, and only onto a complete name.
    const [buyer] = completeNameRuns(d, [span(d, 'customer_name', tagged)]);
    expect(textOf(d, buyer as NerSpan)).toBe('Versicherungsverein Musterstadt a.G.');
    const titled = letterDoc(['Verkäufer', 'Muster Handel GmbH']);
    const [t] = completeNameRuns(titled, [span(titled, 'supplier_name', ['Muster', 'Handel', 'GmbH'])]);
    expect(textOf(titled, t as NerSpan)).toBe('Muster Handel GmbH');
    const numbered = letterDoc(['Kundennummer 4711', 'Muster Handel GmbH']);
    const [n] = completeNameRuns(numbered, [span(numbered, 'supplier_name', ['Muster', 'Handel', 'GmbH'])]);
    expect(textOf(numbered, n as NerSpan)).toBe('Muster Handel GmbH');
    const open = letterDoc(['Muster Handel', 'Berlin Mitte']);
    const [o] = completeNameRuns(open, [span(open, 'supplier_name', ['Berlin', 'Mitte'])]);
    expect(textOf(open, o as NerSpan)).toBe('Berlin Mitte');
  });
});

describe('name pieces on one line', () => {
  it('joins them in reading order, whichever piece decoding gave first', () => {
    const d = rowsDoc([[['PREMIO STATIONERY SDN BHD', 0.15]]]);
    const around = span(d, 'supplier_name', ['PREMIO', 'SDN', 'BHD']);
    const inside = span(d, 'supplier_name', ['STATIONERY']);
    for (const order of [
      [inside, around],
      [around, inside],
    ]) {
      const merged = mergeStackedSpans(d, order);
      expect(merged.map((s) => textOf(d, s))).toEqual(['PREMIO STATIONERY SDN BHD']);
    }
    // The right part of a skewed line sits a little higher: still one name.
    const skewed = rowsDoc([[['AEON CO. (M) BHD', 0.39]]]);
    for (const w of skewed.pages[0]?.words ?? [])
      if (w.text === '(M)' || w.text === 'BHD') w.bbox[1] -= 0.004;
    const parts = [
      span(skewed, 'supplier_name', ['(M)', 'BHD']),
      span(skewed, 'supplier_name', ['AEON', 'CO.']),
    ];
    expect(mergeStackedSpans(skewed, parts).map((s) => textOf(skewed, s))).toEqual(['AEON CO. (M) BHD']);
  });
});

describe('dropAfterLegalForm', () => {
  it('cuts a registration number tagged after the legal form, and nothing else', () => {
    const d = rowsDoc([[['MOONLIGHT CAKE HOUSE SDN BHD 802729-U', 0.05]]]);
    const all = span(d, 'supplier_name', ['MOONLIGHT', 'CAKE', 'HOUSE', 'SDN', 'BHD', '802729-U']);
    expect(dropAfterLegalForm(d, [all]).map((s) => textOf(d, s))).toEqual(['MOONLIGHT CAKE HOUSE SDN BHD']);
    const words = rowsDoc([[['Muster GmbH Berlin', 0.05]]]);
    const town = span(words, 'supplier_name', ['Muster', 'GmbH', 'Berlin']);
    expect(dropAfterLegalForm(words, [town])).toEqual([town]);
    const address = span(d, 'supplier_address', ['SDN', 'BHD', '802729-U']);
    expect(dropAfterLegalForm(d, [address])).toEqual([address]);
  });

  it('knows registration numbers misread, in the older form, and with punctuation after them', () => {
    const cut = (line: string) => {
      const d = rowsDoc([[[line, 0.05]]]);
      const all = span(d, 'supplier_name', line.split(' '));
      return dropAfterLegalForm(d, [all]).map((s) => textOf(d, s))[0];
    };
    expect(cut('MOONLIGHT CAKE HOUSE SDN BHD SUZTZI-U')).toBe('MOONLIGHT CAKE HOUSE SDN BHD');
    expect(cut('GARDENIA BAKERIES (KL) SDN BHD (139386 X)')).toBe('GARDENIA BAKERIES (KL) SDN BHD');
    expect(cut('AEON CO. (M) BHD (126926-H) *')).toBe('AEON CO. (M) BHD');
    // Punctuation alone is no registration number: a name's own dash read after its legal form stays.
    expect(cut('Stark Sanford Inc. -')).toBe('Stark Sanford Inc. -');
  });
});

describe('addPremisesLine', () => {
  /** Rows as a receipt sets them, a third of a line apart. */
  const tight = (rows: [string, number][][]) => {
    const d = rowsDoc(rows);
    for (const w of d.pages[0]?.words ?? []) w.bbox[3] += 0.008;
    return d;
  };

  it("adds the building and floor line above an address's street, past a weak one-word guess of another field", () => {
    const d = tight([
      [['Menara Dion #02-03, Level 2,', 0.1]],
      [['27, Jalan Sultan Ismail,', 0.1]],
      [['50250 Kuala Lumpur.', 0.1]],
    ]);
    const address = span(d, 'supplier_address', [
      '27,',
      'Jalan',
      'Sultan',
      'Ismail,',
      '50250',
      'Kuala',
      'Lumpur.',
    ]);
    const guess = { ...span(d, 'supplier_name', ['Dion']), score: 0.5 };
    expect(addPremisesLine(d, [address, guess]).map((s) => textOf(d, s))).toEqual([
      'Menara Dion #02-03, Level 2, 27, Jalan Sultan Ismail, 50250 Kuala Lumpur.',
      'Dion',
    ]);
  });

  it('adds no line that starts with no premises word, holds a caption, is another field or lies apart', () => {
    const street = ['27,', 'Jalan', 'Sultan', 'Ismail,'];
    const unchanged = (rows: [string, number][][], others: (d: DocumentWords) => NerSpan[] = () => []) => {
      const d = tight(rows);
      const address = span(d, 'supplier_address', street);
      return addPremisesLine(d, [address, ...others(d)])[0]?.wordIndices.length === street.length;
    };
    expect(unchanged([[['GST Reg No 000850247680', 0.1]], [['27, Jalan Sultan Ismail,', 0.1]]])).toBe(true);
    expect(unchanged([[['Level: 2', 0.1]], [['27, Jalan Sultan Ismail,', 0.1]]])).toBe(true);
    expect(
      unchanged([[['Unit 5 Logistics Ltd', 0.1]], [['27, Jalan Sultan Ismail,', 0.1]]], (d) => [
        span(d, 'customer_name', ['Unit', '5', 'Logistics', 'Ltd']),
      ]),
    ).toBe(true);
    // In another column.
    expect(unchanged([[['Level 2,', 0.7]], [['27, Jalan Sultan Ismail,', 0.1]]])).toBe(true);
    // Printed below the address, though it comes first in reading order.
    const below = tight([[['Level 2,', 0.1]], [['27, Jalan Sultan Ismail,', 0.1]]]);
    for (const w of below.pages[0]?.words ?? []) if (w.line === 0) w.bbox = [w.bbox[0], 0.2, w.bbox[2], 0.22];
    const under = span(below, 'supplier_address', street);
    expect(addPremisesLine(below, [under])[0]).toEqual(under);
    // Set apart by more than a line's height.
    const apart = rowsDoc([[['Menara Dion', 0.1]], [['27, Jalan Sultan Ismail,', 0.1]]]);
    const address = span(apart, 'supplier_address', street);
    expect(addPremisesLine(apart, [address])[0]).toEqual(address);
  });
});

describe('completeAddressLines', () => {
  it("widens an address to its lines' whole runs, taking a weaker one-line span's words", () => {
    const d = rowsDoc([[['Blk 2, Unit G1 & G2, Bestari Terrace,', 0.05]], [['Jalan Danga, 81300', 0.05]]]);
    const address = span(d, 'supplier_address', [
      'Unit',
      'G1',
      'G2,',
      'Bestari',
      'Terrace,',
      'Jalan',
      'Danga,',
      '81300',
    ]);
    const name = { ...span(d, 'supplier_name', ['Blk']), score: 0.4 };
    const out = completeAddressLines(d, [name, address]);
    expect(out.map((s) => [s.field, textOf(d, s)])).toEqual([
      ['supplier_address', 'Blk 2, Unit G1 & G2, Bestari Terrace, Jalan Danga, 81300'],
    ]);
    // A surer span of another field keeps its words, and the run stops there.
    const sure = { ...span(d, 'supplier_name', ['Blk']), score: 0.99 };
    expect(completeAddressLines(d, [sure, address]).map((s) => textOf(d, s))).toEqual([
      'Blk',
      '2, Unit G1 & G2, Bestari Terrace, Jalan Danga, 81300',
    ]);
  });

  it('stops at a column gap and at a caption', () => {
    const d = rowsDoc([
      [
        ['Invoice No. 12', 0.05],
        ['Address: 5 Main Street', 0.5],
      ],
    ]);
    const address = span(d, 'supplier_address', ['Main', 'Street']);
    expect(completeAddressLines(d, [address]).map((s) => textOf(d, s))).toEqual(['5 Main Street']);
  });
});

describe('dropBrandAbove', () => {
  const lines = (rows: [string, number][]) =>
    docOf(
      rows.flatMap(([text, h], line) =>
        text.split(' ').map((t, k): Word => {
          const x = 0.1 + k * 0.15;
          const y = 0.1 + line * 0.05;
          return { text: t, bbox: [x, y, x + 0.12, y + h], confidence: 1, line };
        }),
      ),
    );
  it('keeps the company of a name tagged with the larger brand above it', () => {
    const d = lines([
      ['KIKU JAPANESE RESTAURANT', 0.026],
      ['TK DIVISION KITCHEN SDN BHD', 0.018],
    ]);
    const all = span(d, 'supplier_name', [
      'KIKU',
      'JAPANESE',
      'RESTAURANT',
      'TK',
      'DIVISION',
      'KITCHEN',
      'SDN',
      'BHD',
    ]);
    expect(dropBrandAbove(d, [all]).map((s) => textOf(d, s))).toEqual(['TK DIVISION KITCHEN SDN BHD']);
  });

  it('keeps a name that wraps in one font, and a line that ends in a legal form itself', () => {
    const wrapped = lines([
      ['MVM Musterhafter', 0.018],
      ['Versicherungsverein Musterstadt a.G.', 0.018],
    ]);
    const mvm = span(wrapped, 'supplier_name', [
      'MVM',
      'Musterhafter',
      'Versicherungsverein',
      'Musterstadt',
      'a.G.',
    ]);
    expect(dropBrandAbove(wrapped, [mvm])).toEqual([mvm]);
    const two = lines([
      ['Holding GmbH', 0.026],
      ['Acme Trading Ltd', 0.018],
    ]);
    const both = span(two, 'supplier_name', ['Holding', 'GmbH', 'Acme', 'Trading', 'Ltd']);
    expect(dropBrandAbove(two, [both])).toEqual([both]);
  });
});

describe('dropContactTail', () => {
  it('cuts a phone or e-mail caption and what follows it off an address, and nothing else', () => {
    const d = rowsDoc([[['81750 JOHOR BAHRU, JOHOR, TEL/FAX:07-3886322', 0.05]], [['Tel.: 030 1234', 0.05]]]);
    const tagged = span(d, 'supplier_address', ['81750', 'JOHOR', 'BAHRU,', 'JOHOR,', 'TEL/FAX:07-3886322']);
    expect(dropContactTail(d, [tagged]).map((s) => textOf(d, s))).toEqual(['81750 JOHOR BAHRU, JOHOR,']);
    const spaced = span(d, 'customer_address', ['81750', 'JOHOR', 'BAHRU,', 'Tel.:', '030', '1234']);
    expect(dropContactTail(d, [spaced]).map((s) => textOf(d, s))).toEqual(['81750 JOHOR BAHRU,']);
    // A caption without a number is no contact line ("Telegraph Road"); names and short spans are left alone.
    const road = rowsDoc([[['12 Tel Road, Leeds LS1', 0.05]]]);
    const street = span(road, 'supplier_address', ['12', 'Tel', 'Road,', 'Leeds', 'LS1']);
    expect(dropContactTail(road, [street])).toEqual([street]);
    const name = span(d, 'supplier_name', ['81750', 'JOHOR', 'BAHRU,', 'JOHOR,', 'TEL/FAX:07-3886322']);
    expect(dropContactTail(d, [name])).toEqual([name]);
  });
});

describe("the rest of a buyer's name line", () => {
  it('joins buyer-name pieces along their line, never across lines', () => {
    const d = letterDoc(['Mueller and Sons Ltd.', 'Attn. Marco Loya']);
    const pieces = [span(d, 'customer_name', ['Mueller']), span(d, 'customer_name', ['Sons', 'Ltd.'])];
    expect(assemble(d, pieces).fields.customer_name).toMatchObject({ value: 'Mueller and Sons Ltd.' });
    const stacked = [
      span(d, 'customer_name', ['Mueller', 'and', 'Sons', 'Ltd.']),
      span(d, 'customer_name', ['Marco', 'Loya']),
    ];
    expect(mergeStackedSpans(d, stacked)).toHaveLength(2);
  });

  it("takes a one-line address fragment on the name's line into the name", () => {
    const d = letterDoc(['Luz Considine', '76456 Wisoky Passage', 'Port Elmo, KY 37195']);
    const spans = [
      span(d, 'customer_name', ['Luz']),
      span(d, 'customer_address', ['Considine']),
      span(d, 'customer_address', ['76456', 'Wisoky', 'Passage', 'Port', 'Elmo,', 'KY', '37195']),
    ];
    const out = assemble(d, spans);
    expect(out.fields.customer_name).toMatchObject({ value: 'Luz Considine' });
    expect(out.fields.customer_address).toMatchObject({ value: '76456 Wisoky Passage, Port Elmo, KY 37195' });
    // An address that runs over several lines keeps the words it shares a line with a name.
    const block = [
      span(d, 'customer_name', ['Luz']),
      span(d, 'customer_address', ['Considine', '76456', 'Wisoky', 'Passage']),
    ];
    expect(textOf(d, completeNameRuns(d, block)[0] as NerSpan)).toBe('Luz');
  });
});

describe('resolvePartyRuns', () => {
  /** One line of words 0.01 apart (h 0.012), with a column gap of 0.1 before `gapAt`. */
  function line(texts: string[], gapAt = -1): DocumentWords {
    let x = 0.05;
    const words = texts.map((text, i) => {
      if (i === gapAt) x += 0.1;
      const w: Word = { text, bbox: [x, 0.2, x + 0.06, 0.212], confidence: 1, line: 0 };
      x += 0.07;
      return w;
    });
    return docOf(words);
  }
  const span = (field: string, wordIndices: number[], score: number): NerSpan => ({
    field,
    score,
    page: 1,
    wordIndices,
  });

  it('gives one printed name tagged as two parties to the party with more weight in it', () => {
    const d = line(['Leist,', 'Sören', 'und', 'Tsamonikian', 'e.K.']);
    const out = resolvePartyRuns(d, [
      span('supplier_name', [0, 1], 0.84),
      span('customer_name', [2, 3, 4], 0.73),
    ]);
    expect(out.map((s) => s.field)).toEqual(['customer_name', 'customer_name']);
    // The assembled buyer is the whole name.
    const o = assemble(d, [span('supplier_name', [0, 1], 0.84), span('customer_name', [2, 3, 4], 0.73)]);
    expect(o.fields.customer_name?.value).toBe('Leist, Sören und Tsamonikian e.K.');
  });

  it('leaves pieces apart across a column gap or a word between them', () => {
    const cols = line(['Freriks', 'and', 'Teunis', 'de', 'Boer'], 2);
    const a = resolvePartyRuns(cols, [
      span('supplier_name', [0, 1], 0.75),
      span('customer_name', [2, 3, 4], 0.99),
    ]);
    expect(a.map((s) => s.field)).toEqual(['supplier_name', 'customer_name']);
    const between = line(['Acme', 'GmbH', 'an', 'Beta', 'AG']);
    const b = resolvePartyRuns(between, [
      span('supplier_name', [0, 1], 0.9),
      span('customer_name', [3, 4], 0.9),
    ]);
    expect(b.map((s) => s.field)).toEqual(['supplier_name', 'customer_name']);
  });
});

describe('mergeStackedSpans fills a line', () => {
  it('takes the untagged word between two pieces of a value on one line, not a word another span holds', () => {
    const words: Word[] = ['Sebastianpark', '524', '8284', 'RC', 'Steensel'].map((text, i) => {
      const y = i < 2 ? 0.1 : 0.12;
      const x = i < 2 ? 0.05 + i * 0.1 : 0.05 + (i - 2) * 0.025;
      return { text, bbox: [x, y, x + 0.02, y + 0.012], confidence: 1, line: i < 2 ? 0 : 1 };
    });
    const d = docOf(words);
    const a = (wordIndices: number[]): NerSpan => ({
      field: 'supplier_address',
      score: 0.9,
      page: 1,
      wordIndices,
    });
    const [merged] = mergeStackedSpans(d, [a([0, 1]), a([2]), a([4])]);
    expect(merged?.wordIndices).toEqual([0, 1, 2, 3, 4]);
    const other: NerSpan = { field: 'customer_id', score: 0.9, page: 1, wordIndices: [3] };
    const kept = mergeStackedSpans(d, [a([0, 1]), a([2]), a([4]), other]);
    expect(kept.find((s) => s.field === 'supplier_address')?.wordIndices).toEqual([0, 1, 2, 4]);
  });
});

describe('resolveEnclosedAddressParts', () => {
  // "Christiaanplantsoen 277a 3 hoog achter" over "1718 AK Stations", the middle of the first line tagged as the
  // seller's address; a column gap of 0.1 before word `gapAt` of the first line.
  function block(gapAt = -1): DocumentWords {
    const words: Word[] = [];
    let x = 0.05;
    ['Christiaanplantsoen', '277a', '3', 'hoog', 'achter'].forEach((text, i) => {
      if (i === gapAt) x += 0.1;
      words.push({ text, bbox: [x, 0.2, x + 0.06, 0.212], confidence: 1, line: 0 });
      x += 0.07;
    });
    ['1718', 'AK', 'Stations'].forEach((text, i) => {
      words.push({ text, bbox: [0.05 + i * 0.07, 0.216, 0.11 + i * 0.07, 0.228], confidence: 1, line: 1 });
    });
    return docOf(words);
  }
  const spans = (): NerSpan[] => [
    { field: 'customer_address', score: 0.98, page: 1, wordIndices: [0, 5, 6, 7] },
    { field: 'supplier_address', score: 0.83, page: 1, wordIndices: [1, 2, 3] },
    { field: 'customer_address', score: 0.91, page: 1, wordIndices: [4] },
  ];

  it("gives a line's middle, enclosed by the other party's address, to that party", () => {
    const d = block();
    expect(resolveEnclosedAddressParts(d, spans()).map((s) => s.field)).toEqual([
      'customer_address',
      'customer_address',
      'customer_address',
    ]);
    expect(assemble(d, spans()).fields.customer_address?.value).toBe(
      'Christiaanplantsoen 277a 3 hoog achter, 1718 AK Stations',
    );
  });

  it('leaves it alone across a column gap, or with the other party on one side only', () => {
    expect(resolveEnclosedAddressParts(block(1), spans())[1]?.field).toBe('supplier_address');
    const oneSide = spans().slice(0, 2);
    expect(resolveEnclosedAddressParts(block(), oneSide)[1]?.field).toBe('supplier_address');
  });
});
