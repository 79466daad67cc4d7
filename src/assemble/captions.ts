/**
 * Values by their captions or their place, for fields the model tagged nowhere (or, for party names, tagged
 * without a legal form where the page prints one). E-invoice visualisations (ZUGFeRD, XRechnung)
 * and many ERP layouts print each party as a titled section of caption–value rows ("Käufer" / "Buyer" above
 * "Name: ConsultingService GmbH", or the name on a row of its own: "Käufer" / "Nummer: 16259" / "ConsultingService
 * GmbH"), and the due date beside its caption or under it in a payment terms table.
 * By place: a receipt's one date (firstDate) and its letterhead (letterheadName), a letter's addressee.
 * Each function gives the words of the value; the assembler reads them like a model span.
 */
import type { DocumentWords, Word } from '../types.js';
import { MAX_RUN_GAP, salutationAbove } from './merge-spans.js';
import { parseDate } from './normalize/date.js';
import { LEGAL_END, personAboveStreet, SALUTATION, TITLES, untilLegalForm } from './parties.js';
import { boxOf, wordHeight as height, lineWords, midY } from './regions.js';

/** Where a value found by its caption is printed. */
export interface Found {
  page: number;
  wordIndices: number[];
}

const NAME_CAPTION =
  /^(name|firma|firmenname|company|nom|raison|nombre|razón|nome|ragione|naam|bedrijfsnaam):?$/i;
// The name's caption sits this close under the title (fraction of the page height): within its section.
const MAX_SECTION_DEPTH = 0.12;
// A value found by its caption, not by the model: below model-tagged values until calibration says more.
export const CAPTION_SCORE = 0.5;

/**
 * The value beside the first name caption under the party's section title, else the section's company or
 * addressee row (companyRowBelow), else, for the buyer, a letter's addressee; none if not printed so.
 */
export function nameByCaption(
  doc: DocumentWords,
  field: 'supplier_name' | 'customer_name',
): Found | undefined {
  for (const page of doc.pages) {
    const words = page.words;
    const titles = words.filter((w, i) => {
      const first = lineWords(words, w.line)[0];
      return first?.i === i && TITLES[field].test(w.text);
    });
    for (const title of titles) {
      const caption = words
        .filter((w) => NAME_CAPTION.test(w.text) && w.bbox[1] > title.bbox[3] - height(title) * 0.25)
        .filter(
          (w) => w.bbox[1] - title.bbox[3] <= MAX_SECTION_DEPTH && Math.abs(w.bbox[0] - title.bbox[0]) < 0.05,
        )
        .sort((a, b) => a.bbox[1] - b.bbox[1])[0];
      const value = caption
        ? runFrom(words, caption, caption.bbox[2])
        : companyRowBelow(words, title, field === 'customer_name');
      if (value.length === 0) continue;
      // "Herrn" on the row above "Max Mustermann" belongs to the buyer's name (see salutationAbove).
      const indices = value.map((x) => x.i);
      const salutation = field === 'customer_name' ? salutationAbove(words, indices) : undefined;
      return {
        page: page.number,
        wordIndices: salutation === undefined ? indices : [salutation, ...indices],
      };
    }
  }
  return field === 'customer_name' ? letterAddressee(doc) : undefined;
}

/**
 * The buyer's name as the first row of its address block, with no section title to find it by: the row right
 * above the buyer's address, starting at its left edge, that reads as a person's name above a street line
 * ("Lionel Kampf" / "Muhrgasse 56"; personAboveStreet).
 */
export function nameAboveAddress(
  doc: DocumentWords,
  address: { page: number; wordIndices: readonly number[] },
): Found | undefined {
  const words = doc.pages[address.page - 1]?.words;
  if (!words || address.wordIndices.length === 0) return undefined;
  const mine = address.wordIndices.map((i) => words[i]).filter((w): w is Word => w !== undefined);
  const firstLine = Math.min(...mine.map((w) => w.line));
  const first = lineWords(words, firstLine).filter((x) => mine.includes(x.w));
  const start = first[0]?.w;
  if (!start) return undefined;
  const h = height(start);
  const anchor = words
    .filter((w) => w.bbox[3] <= start.bbox[1] + 0.25 * h && start.bbox[1] - w.bbox[3] <= h)
    .filter((w) => Math.abs(w.bbox[0] - start.bbox[0]) <= h)
    .sort((a, b) => b.bbox[3] - a.bbox[3])[0];
  if (!anchor) return undefined;
  const row = runFrom(words, anchor, anchor.bbox[0]);
  if (
    !personAboveStreet(
      row.map((x) => x.w.text),
      first.map((x) => x.w.text),
    )
  )
    return undefined;
  return { page: address.page, wordIndices: row.map((x) => x.i) };
}

/** The words on `anchor`'s row that start at or right of `x`, one run from the nearest on. */
function runFrom(words: readonly Word[], anchor: Word, x: number): { w: Word; i: number }[] {
  const row = words
    .map((w, i) => ({ w, i }))
    .filter((o) => o.w.bbox[0] >= x && Math.abs(midY(o.w) - midY(anchor)) < 0.6 * height(anchor))
    .sort((a, b) => a.w.bbox[0] - b.w.bbox[0]);
  return oneRun(row);
}

/** The leading words of `row` (left to right) up to the first gap wider than MAX_RUN_GAP word heights. */
function oneRun(row: readonly { w: Word; i: number }[]): { w: Word; i: number }[] {
  const run: { w: Word; i: number }[] = [];
  for (const x of row) {
    const prev = run[run.length - 1];
    if (prev && x.w.bbox[0] - prev.w.bbox[2] > MAX_RUN_GAP * height(x.w)) break;
    run.push(x);
  }
  return run;
}

const CAPTION_WORD = /:$/;

/**
 * With no name caption in the section: the first row under the title, starting at the title's left edge and
 * before any other section title, that is one run ending in a legal form and holding no caption ("Nummer:");
 * failing that, for the buyer (`persons`), the first row that reads as a person's name above a street line.
 * A legal form marks a company's name, as in merge-spans.ts. A salutation alone on its row marks a person's
 * name on the row below it ("Herrn" / "Max Mustermann", DIN 5008 address blocks); e-invoices keep the
 * salutation in the name (see salutationAbove).
 */
function companyRowBelow(words: readonly Word[], title: Word, persons: boolean): { w: Word; i: number }[] {
  const h = height(title);
  const starts = words
    .map((w, i) => ({ w, i }))
    .filter(
      (x) =>
        x.w !== title &&
        Math.abs(x.w.bbox[0] - title.bbox[0]) < 0.05 &&
        x.w.bbox[1] > title.bbox[3] - 0.25 * h &&
        x.w.bbox[1] - title.bbox[3] <= MAX_SECTION_DEPTH,
    )
    .sort((a, b) => a.w.bbox[1] - b.w.bbox[1] || a.w.bbox[0] - b.w.bbox[0])
    // One start per row: its leftmost word in the column ("DE" of "DE 12345").
    .filter((x, k, all) => !all.slice(0, k).some((y) => Math.abs(midY(y.w) - midY(x.w)) < 0.5 * height(x.w)));
  const runAt = (start: { w: Word }) => runFrom(words, start.w, start.w.bbox[0]);
  let personRow: { w: Word; i: number }[] = [];
  for (const [k, start] of starts.entries()) {
    if (TITLES.supplier_name.test(start.w.text) || TITLES.customer_name.test(start.w.text)) break;
    const run = runAt(start);
    const last = run[run.length - 1];
    if (!last || run.some((x) => CAPTION_WORD.test(x.w.text))) continue;
    if (LEGAL_END.test(last.w.text)) return run;
    const person = run.length === 1 ? addressee(words, last) : [];
    if (person.length > 0) return person;
    // A private buyer: a row of two to four capitalised words right above the street line ("Liselotte
    // Müllermann" / "Beispielstraße 24"), kept in case no company row follows.
    const next = starts[k + 1];
    if (
      persons &&
      personRow.length === 0 &&
      next &&
      personAboveStreet(
        run.map((x) => x.w.text),
        runAt(next).map((x) => x.w.text),
      )
    )
      personRow = run;
  }
  return personRow;
}

/**
 * A salutation alone in its run and the person's name on the row right below it, left-aligned: "Herrn" /
 * "Max Mustermann", as a DIN 5008 address block prints the addressee. Empty if `salutation` is no such word.
 */
function addressee(words: readonly Word[], salutation: { w: Word; i: number }): { w: Word; i: number }[] {
  const s = salutation.w;
  const h = height(s);
  if (!SALUTATION.test(s.text) || runFrom(words, s, s.bbox[0]).length !== 1) return [];
  const below = words
    .map((w, i) => ({ w, i }))
    .filter(
      (x) =>
        Math.abs(x.w.bbox[0] - s.bbox[0]) <= h &&
        x.w.bbox[1] > s.bbox[3] - 0.25 * h &&
        x.w.bbox[1] - s.bbox[3] <= h,
    )
    .sort((a, b) => a.w.bbox[1] - b.w.bbox[1])[0];
  const person = below ? runFrom(words, below.w, below.w.bbox[0]) : [];
  const plain = person.every((x) => !CAPTION_WORD.test(x.w.text) && !/\p{N}/u.test(x.w.text));
  return person.length > 0 && plain ? [salutation, ...person] : [];
}

/**
 * The buyer of a letter without party sections: the addressee under a salutation on the first page (the
 * address field of a DIN 5008 letter, as the ZUGFeRD 1 insurance specimens print it).
 */
function letterAddressee(doc: DocumentWords): Found | undefined {
  const page = doc.pages[0];
  if (!page) return undefined;
  const salutations = page.words
    .map((w, i) => ({ w, i }))
    .filter((x) => SALUTATION.test(x.w.text))
    .sort((a, b) => a.w.bbox[1] - b.w.bbox[1]);
  for (const sal of salutations) {
    const person = addressee(page.words, sal);
    if (person.length > 0) return { page: page.number, wordIndices: person.map((x) => x.i) };
  }
  return undefined;
}

// Due-date captions: beside the date ("Fälligkeitstag: 01.04.2014") or heading its column in a payment terms
// table ("Beschreibung | Fälligkeit | Teilzahlung", the date on the row below).
const DUE_CAPTION =
  /^(fälligkeit(sdatum|stag)?|fällig|zahlungsziel|due|échéance|vencimiento|scadenza|vervaldatum|betaaldatum)\b/i;
// Issue-date captions naming the document's own date ("Belegdatum 07.01.1997", "Invoice date:").
const ISSUE_CAPTION =
  /^(rechnungsdatum|belegdatum|ausstellungsdatum|rechnungs-datum|re\.-datum|invoice ?date|date of issue|issue date|date de facture|fecha de factura|data fattura|factuurdatum):?$/i;
// Invoice-number captions, one word or the last of two ("Belegnummer", "Invoice No.", "Rechnung Nr.").
const NUMBER_CAPTION =
  /^(rechnungsnummer|rechnungsnr\.?|rechnungs-nr\.?|re\.-nr\.?|rg\.-nr\.?|belegnummer|beleg-nr\.?|factuurnummer|factuur-?nr\.?|n\. doc\.?|numero documento|n\. fattura|invoice ?(no\.?|number|#|nr\.?)|rechnung nr\.?|facture n[°o]\.?|n[°o] de facture|numéro de facture|factura n[º°o]\.?|n[º°o] de factura|número de factura|fattura n\.?|numero fattura):?$/i;
const DATE_WORD = /^(\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{2}-\d{2})$/;
// An identifier: has a digit, is no date, no amount with cents and no lone short number.
const isNumber = (t: string) =>
  /\d/.test(t) && t.length >= 3 && !DATE_WORD.test(t) && !/^\d{1,3}([.,]\d{3})*[.,]\d{2}$/.test(t);
const isDate = (t: string) => DATE_WORD.test(t);

/** The indices of a page's words, one list per text line, each left to right. */
export function lineIndices(words: readonly Word[]): number[][] {
  const lines = new Map<number, number[]>();
  words.forEach((w, i) => {
    const l = lines.get(w.line);
    if (l) l.push(i);
    else lines.set(w.line, [i]);
  });
  return [...lines.values()].map((line) =>
    line.sort((a, b) => (words[a] as Word).bbox[0] - (words[b] as Word).bbox[0]),
  );
}

// Captions run to three words ("N° de facture", "Date of issue").
const MAX_CAPTION_WORDS = 3;

/**
 * Where captions end (the word) and start (the left edge of their first word): a word that is one alone, or
 * that is one with up to two words before it on its text line ("Invoice" "No."). One pass over the page's lines.
 */
function captionEnds(words: readonly Word[], caption: RegExp): { end: number; x0: number }[] {
  const out: { end: number; x0: number }[] = [];
  for (const line of lineIndices(words)) {
    line.forEach((i, k) => {
      const w = words[i] as Word;
      // The caption's words up to this one, one or up to three close together ("N° de facture"); never a caption
      // and the word after it (the value of "Fälligkeit 01.04.2014").
      let text = w.text;
      let x0 = w.bbox[0];
      let ends = caption.test(text);
      for (let n = 1; n < MAX_CAPTION_WORDS && !ends && k - n >= 0; n++) {
        const prev = words[line[k - n] as number] as Word;
        const next = words[line[k - n + 1] as number] as Word;
        if (next.bbox[0] - prev.bbox[2] >= height(w) || caption.test(prev.text)) break;
        text = `${prev.text} ${text}`;
        x0 = prev.bbox[0];
        ends = caption.test(text);
      }
      if (ends) out.push({ end: i, x0 });
    });
  }
  return out.sort((a, b) => a.end - b.end);
}

/**
 * The value beside each caption (the nearest word right of it on its row, within `maxGap` of the page width, that
 * `isValue`), else the nearest such word under any of its words (within two word heights); one per caption,
 * captions in reading order.
 */
function valuesByCaption(
  doc: DocumentWords,
  caption: RegExp,
  isValue: (text: string) => boolean,
  maxGap: number,
): Found[] {
  const out: Found[] = [];
  for (const page of doc.pages) {
    const words = page.words;
    for (const { end: c, x0 } of captionEnds(words, caption)) {
      const cap = words[c] as Word;
      const h = height(cap);
      const right = words
        .map((w, i) => ({ w, i }))
        .filter(
          (x) =>
            x.w.bbox[0] >= cap.bbox[2] - 0.1 * h &&
            x.i !== c &&
            isValue(x.w.text) &&
            Math.abs(midY(x.w) - midY(cap)) < 0.6 * h &&
            x.w.bbox[0] - cap.bbox[2] < maxGap,
        )
        .sort((a, b) => a.w.bbox[0] - b.w.bbox[0])[0];
      const below = words
        .map((w, i) => ({ w, i }))
        .filter(
          (x) =>
            x.w.bbox[1] > cap.bbox[3] &&
            x.w.bbox[1] - cap.bbox[3] < 2 * h &&
            x.w.bbox[0] < cap.bbox[2] &&
            x.w.bbox[2] > x0 &&
            isValue(x.w.text),
        )
        .sort((a, b) => a.w.bbox[1] - b.w.bbox[1])[0];
      const at = right ?? below;
      if (at) out.push({ page: page.number, wordIndices: [at.i] });
    }
  }
  return out;
}

/** The date beside or under each due-date caption, in reading order. */
export const dueDatesByCaption = (doc: DocumentWords): Found[] =>
  valuesByCaption(doc, DUE_CAPTION, isDate, 0.3);

/** The date beside or under each issue-date caption ("Belegdatum", "Invoice date"), in reading order. */
export const issueDatesByCaption = (doc: DocumentWords): Found[] =>
  valuesByCaption(doc, ISSUE_CAPTION, isDate, 0.5);

/** The identifier beside or under the first invoice-number caption ("Belegnummer 90005178"). */
export const invoiceNumberByCaption = (doc: DocumentWords): Found | undefined =>
  valuesByCaption(doc, NUMBER_CAPTION, isNumber, 0.5)[0];

// Dates that are not the document's own: due, delivery, service period, validity, a template's version.
const OTHER_DATE =
  /(fällig|zahlbar|liefer|leistung|zeitraum|gültig|version|due|payable|deliver|ship|period|valid|expir|échéance|livraison|vencimiento|entrega|scadenza|consegna|vervaldatum|levering)/i;
// A named-month date takes at most three words ("12 Mar 2018", "March 12, 2018").
const MAX_DATE_WORDS = 3;

/**
 * The first date printed in reading order, on a line that names no other kind of date: the issue date of a
 * receipt, which prints one date, or of an invoice whose date the model missed. The shortest run of words on a
 * line that reads as a date.
 */
export function firstDate(doc: DocumentWords): Found | undefined {
  for (const page of doc.pages) {
    const words = page.words;
    for (const line of [...new Set(words.map((w) => w.line))].sort((a, b) => a - b)) {
      const run = lineWords(words, line);
      if (run.some((x) => OTHER_DATE.test(x.w.text))) continue;
      for (let k = 0; k < run.length; k++) {
        for (let n = 1; n <= MAX_DATE_WORDS && k + n <= run.length; n++) {
          const part = run.slice(k, k + n);
          if (parseDate(part.map((x) => x.w.text).join(' ')).length > 0)
            return { page: page.number, wordIndices: part.map((x) => x.i) };
        }
      }
    }
  }
  return undefined;
}

// A document's title line, not its issuer ("TAX INVOICE", "Rechnung", "OFFICIAL RECEIPT", "COPY").
const DOCUMENT_TITLE =
  /^(tax\s+|simplified\s+tax\s+|official\s+|cash\s+)?(invoice|receipt|bill|sale|rechnung|quittung|beleg|facture|reçu|factura|recibo|fattura|ricevuta|factuur|bon|credit\s+note|gutschrift|avoir|quotation|angebot|delivery\s+note|lieferschein|copy|duplicate|kopie)\b/i;
// A letterhead line is mostly letters.
const MIN_LETTER_SHARE = 0.6;

/** How many lines below a name the model tagged its company's legal name may stand. */
const LEGAL_NAME_LINES = 2;

type Anchor = { page: number; wordIndices: readonly number[] };

/**
 * The seller's company name with its legal form, next to what the model took for the seller: on the lines right
 * below a brand or outlet name the model tagged ("SUSHI MENTAI - PANDAN INDAH" / "KMF FOODICIOUS SDN BHD
 * (1132106-H)"), else on the line right above the seller's address ("AEON CO. (M) BHD (126926-H)" / "3RD FLR, AEON
 * TAMAN MALURI SC"; the model tagged no name, or a legal form alone, "(M) BHD"). The line's words must share the
 * anchor's column and none may be the buyer's (`buyer`: the buyer's name and address as picked), so that the
 * buyer's company, which invoices print below the seller's name as often as not, is never taken. The company is
 * the legal entity that invoices, the name a supplier record and a tax registration go by; a trade name beside it
 * is the shop's sign.
 */
export function legalNameNear(
  doc: DocumentWords,
  name: Anchor | undefined,
  address: Anchor | undefined,
  buyer: readonly Anchor[],
): Found | undefined {
  const buyers = (page: number) =>
    new Set(buyer.filter((b) => b.page === page).flatMap((b) => b.wordIndices));
  const tried: { anchor: Anchor; line: number }[] = [];
  const linesOf = (a: Anchor) =>
    a.wordIndices.map((i) => doc.pages[a.page - 1]?.words[i]?.line).filter((l) => l !== undefined);
  if (name && name.wordIndices.length > 0) {
    const last = Math.max(...linesOf(name));
    for (let k = 1; k <= LEGAL_NAME_LINES; k++) tried.push({ anchor: name, line: last + k });
  }
  if (address && address.wordIndices.length > 0)
    tried.push({ anchor: address, line: Math.min(...linesOf(address)) - 1 });
  for (const { anchor, line } of tried) {
    const words = doc.pages[anchor.page - 1]?.words ?? [];
    const indices = untilLegalForm(
      words,
      lineWords(words, line).map((x) => x.i),
    );
    const last = words[indices[indices.length - 1] ?? -1]?.text ?? '';
    if (indices.length < 2 || !LEGAL_END.test(last)) continue;
    const theirs = buyers(anchor.page);
    if (indices.some((i) => theirs.has(i))) continue;
    const [a0, , a1] = boxOf(wordsAt(words, anchor.wordIndices));
    const [l0, , l1] = boxOf(wordsAt(words, indices));
    if (l0 < a1 && a0 < l1) return { page: anchor.page, wordIndices: [...indices] };
  }
  return undefined;
}

/** The words at these indices. */
function wordsAt(words: readonly Word[], indices: readonly number[]): Word[] {
  return indices.map((i) => words[i]).filter((w): w is Word => w !== undefined);
}

/**
 * The issuer by its letterhead: the first line of the first page that reads well, is mostly letters, holds no
 * caption and is no document title ("TAX INVOICE" above "DOMINO'S PIZZA"), unless it opens an addressee block.
 * Receipts print the shop's name first. A registration number after the legal form is not part of the name.
 */
export function letterheadName(doc: DocumentWords): Found | undefined {
  const page = doc.pages[0];
  if (!page) return undefined;
  const words = page.words;
  for (const line of [...new Set(words.map((w) => w.line))].sort((a, b) => a - b)) {
    const run = lineWords(words, line);
    const text = run.map((x) => x.w.text).join(' ');
    const letters = text.match(/\p{L}/gu)?.length ?? 0;
    const read = run.reduce((a, x) => a + x.w.confidence, 0) / Math.max(1, run.length);
    if (read < 0.5 || letters < 2) continue;
    if (
      letters < MIN_LETTER_SHARE * text.replace(/\s/g, '').length ||
      run.some((x) => CAPTION_WORD.test(x.w.text))
    )
      return undefined;
    if (DOCUMENT_TITLE.test(text)) continue;
    // A page that opens with an addressee ("Herrn" / "Max Mustermann") has no letterhead above it.
    if (SALUTATION.test(run[0]?.w.text ?? '')) return undefined;
    return {
      page: page.number,
      wordIndices: [
        ...untilLegalForm(
          words,
          run.map((x) => x.i),
        ),
      ],
    };
  }
  return undefined;
}
