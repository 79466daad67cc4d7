/**
 * The assemble stage: NER spans → the contract's fields, line items, tax breakdown and validation.
 * Pure: no I/O. Confidence per field = model score × OCR reliability, then moved by the checks that
 * touch the field (a passed arithmetic rule raises it, a failed check or an ambiguous reading lowers it).
 */

import { Decimal } from 'decimal.js';
import { keywordAmounts, STRONG_KEYWORD } from '../corpus/match.js';
import type { DocumentWords } from '../types.js';
import { type Calibration, calibrateConfidence } from './calibrate.js';
import { AMOUNT_FIELDS, type DocumentEvidence, gatherEvidence, toCandidate } from './candidates.js';
import type { Found } from './captions.js';
import {
  CAPTION_SCORE,
  dueDatesByCaption,
  firstDate,
  invoiceNumberByCaption,
  issueDatesByCaption,
  legalNameNear,
  letterheadName,
  lineIndices,
  nameAboveAddress,
  nameByCaption,
} from './captions.js';
import { completeSubtotalAndTax, isPartOfTotal, totalOfPartials } from './complete.js';
import { withEmbedded } from './embedded.js';
import { groupRows, type ItemKey, lineArithmeticRule } from './line-items.js';
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
} from './merge-spans.js';
import { currencyOfCountry, detectCurrency } from './normalize/currency.js';
import { LEGAL_END, LEGAL_WORD } from './parties.js';
import {
  type Chosen,
  chooseTotals,
  chosenValue,
  deriveTotals,
  eq,
  identifierRule,
  lineSumRule,
  type Rule,
  topCandidates,
  totalBelowAmountDue,
  totalsRules,
} from './reconcile.js';
import { cashRounding } from './rounding.js';
import type { Invoice, InvoiceField } from './schema.js';
import { taxBreakdown } from './tax.js';
import type { Candidate, NerSpan } from './types.js';

export type Assembled = Pick<Invoice, 'fields' | 'line_items' | 'tax_breakdown' | 'validation'>;

const round3 = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;

function toField(c: Candidate, confidence = c.score): InvoiceField {
  return { value: c.value, raw: c.raw, confidence: round3(confidence), regions: c.regions };
}

/** Confidence moves: a pass pulls toward 1, a failure or warning pushes down (calibrated on dev splits). */
function adjust(confidence: number, rules: readonly Rule[], field: string): number {
  let c = confidence;
  for (const r of rules) {
    if (!r.fields?.includes(field)) continue;
    if (r.status === 'pass') c = 1 - (1 - c) * 0.4;
    else if (r.status === 'fail') c *= 0.6;
    else c *= 0.8;
  }
  return c;
}

function byField(cands: readonly Candidate[]): Map<string, Candidate[]> {
  const m = new Map<string, Candidate[]>();
  for (const c of cands) m.set(c.field, [...(m.get(c.field) ?? []), c]);
  return m;
}

function candidateRules(c: Candidate): Rule[] {
  const rules: Rule[] = [];
  const id = c.valid === undefined ? undefined : identifierRule(c.field, c.value, c.valid);
  if (id) rules.push(id);
  if (c.note)
    rules.push({ rule: 'INVEX-AMBIGUOUS-READING', status: 'warn', message: c.note, fields: [c.field] });
  return rules;
}

export function datesRule(fields: Assembled['fields']): Rule | undefined {
  const issue = fields.issue_date?.value;
  const due = fields.due_date?.value;
  if (!issue || !due) return undefined;
  const ok = due >= issue;
  return {
    rule: 'INVEX-DUE-AFTER-ISSUE',
    status: ok ? 'pass' : 'fail',
    message: ok
      ? `due date ${due} is not before issue date ${issue}`
      : `due date ${due} is before issue date ${issue}`,
    fields: ['issue_date', 'due_date'],
  };
}

/** The text of the line a candidate starts on (labels and currency codes printed beside the value). */
function lineText(doc: DocumentWords, c: Candidate): string {
  const page = doc.pages[c.page - 1];
  const line = page?.words[c.wordIndices[0] ?? -1]?.line;
  return (page?.words ?? [])
    .filter((w) => w.line === line)
    .map((w) => w.text)
    .join(' ');
}

function currencyField(
  doc: DocumentWords,
  chosen: Candidate | undefined,
  amounts: readonly Candidate[],
  ev: DocumentEvidence,
): { field?: InvoiceField; rule?: Rule } {
  if (chosen) return { field: toField(chosen) };
  // A currency printed with a total ("€ 12,00", "Total 9.00 EUR") is as good as a currency label.
  for (const a of amounts) {
    const found = detectCurrency(a.raw, ev.country) ?? detectCurrency(lineText(doc, a), ev.country);
    if (found)
      return {
        field: { value: found.code, raw: a.raw, confidence: round3(a.score * 0.9), regions: a.regions },
      };
  }
  const byCountry = ev.country ? currencyOfCountry(ev.country) : undefined;
  if (!byCountry) return {};
  return {
    field: { value: byCountry, confidence: 0.6, regions: [], derived: true },
    rule: {
      rule: 'INVEX-CURRENCY-INFERRED',
      status: 'warn',
      message: `no currency printed; ${byCountry} assumed from the supplier's country ${ev.country}`,
      fields: ['currency'],
    },
  };
}

// A total found by its label alone, not by the model: below any model-tagged value until calibration says more.
const KEYWORD_TOTAL_SCORE = 0.5;

/** The total candidate of the amount word `index` on page `page`, found by its label. */
function labeledTotal(doc: DocumentWords, page: number, index: number, ev: DocumentEvidence) {
  return toCandidate(
    doc,
    { field: 'total_amount', score: KEYWORD_TOTAL_SCORE, page, wordIndices: [index] },
    ev,
  );
}

/**
 * The lowest printed amount, last page first, that two amounts printed above it add up to, one of them on a tax
 * line (net + tax = gross, BR-CO-15): a total the receipt prints with no label ("29.80" under "TOTAL EXCL. GST
 * 28.11" and "ADD : GST @ 6% 1.69").
 */
function totalBySum(doc: DocumentWords, ev: DocumentEvidence): Candidate | undefined {
  for (const page of [...doc.pages].reverse()) {
    const order = page.words.map((w, i) => ({ w, i })).sort((a, b) => b.w.bbox[1] - a.w.bbox[1]);
    for (const { i } of order) {
      const c = labeledTotal(doc, page.number, i, ev);
      if (c && completeSubtotalAndTax(doc, c, ev.decimalSeparator)?.taxLine) return c;
    }
  }
  return undefined;
}

/** The amount beside the strongest total label ("TOTAL 9.00"), last page first: the labeler's own evidence. */
function totalByKeyword(doc: DocumentWords, ev: DocumentEvidence): Candidate | undefined {
  for (const page of [...doc.pages].reverse()) {
    const best = keywordAmounts(page.words, 'total_amount')[0];
    const c = best ? labeledTotal(doc, page.number, best.index, ev) : undefined;
    if (c) return c;
  }
  return undefined;
}

/** A payment line's caption: how the receipt was paid ("CASH", "VISA", "EDC", "PAID BY"). */
const TENDER = /\b(CASH|TUNAI|VISA|MASTER\w*|CREDIT|DEBIT|CARD|EDC|AMEX|PAID|PAYMENT|TENDER(ED)?)\b/i;
/** An amount with its cents, as the last word of a line ("RM51.30", "31.20"). */
const MONEY = /\d[.,]\d{2}\)?$/;
/** Change given back: the amount tendered was more than the total. */
const CHANGE = /\b(CHANGE|BAKI|KEMBALI|BALANCE)\b/i;

/**
 * The amount paid, last page first, when the page prints one payment amount and gives no change back: a
 * receipt paid by card, or in cash to the cent, pays its total ("Cash RM51.30" under the items, "EDC RM 31.20").
 * Cash handed over with change ("CASH 50.00", "CHANGE 9.70") is not the total, so any non-zero change rules it out.
 */
function totalByTender(doc: DocumentWords, ev: DocumentEvidence): Candidate | undefined {
  for (const page of [...doc.pages].reverse()) {
    const paid: Candidate[] = [];
    let change = false;
    for (const ordered of lineIndices(page.words)) {
      const last = ordered.at(-1) as number;
      // Money as receipts print it, with cents: not a card number's digits ("Card No 4… 1819") or a count.
      if (!MONEY.test(page.words[last]?.text ?? '')) continue;
      const amount = labeledTotal(doc, page.number, last, ev);
      if (!amount) continue;
      const caption = ordered
        .slice(0, -1)
        .map((i) => page.words[i]?.text ?? '')
        .join(' ');
      if (CHANGE.test(caption)) change ||= !new Decimal(amount.value).isZero();
      else if (TENDER.test(caption)) paid.push(amount);
    }
    const values = new Set(paid.filter((c) => !new Decimal(c.value).isZero()).map((c) => c.value));
    if (!change && values.size === 1) return paid.find((c) => values.has(c.value));
  }
  return undefined;
}

const endsInLegalForm = (name: string) => LEGAL_END.test(name.trim().split(/\s+/).pop() ?? '');
const isLegalFormOnly = (name: string) =>
  name
    .trim()
    .split(/\s+/)
    .every((w) => LEGAL_END.test(w) || LEGAL_WORD.test(w));
/** A company name: it ends in a legal form, and the legal form is not all of it ("Beispielmieter GmbH", not "GmbH"). */
const namesCompany = (name: string) => endsInLegalForm(name) && !isLegalFormOnly(name);

/** Supplier names scoring within this of the best are as likely to the model: their place decides. */
const SUPPLIER_TIE = 0.1;

/**
 * The supplier name: of the candidates about as likely as the best, the one printed first. The seller heads the
 * document; the buyer's company, which the model also reads as a seller at times ("MAKASSAR FRESH MARKET SDN BHD"
 * under "GARDENIA BAKERIES (KL) SDN BHD" on a delivery note, its OCR a little surer), is printed below.
 * (Margins measured: 0.05 gives SROIE held-out +3, synth-test +1; 0.1 +3, +2; 0.2 +4 −2, +3; nothing else moves.)
 */
function supplierByPlace(list: readonly Candidate[]): Candidate | undefined {
  const [best] = topCandidates(list, 1);
  if (!best) return undefined;
  const close = list.filter((c) => c.score >= best.score - SUPPLIER_TIE);
  return close.sort((a, b) => a.page - b.page || a.y - b.y)[0];
}

/** Do the tagged subtotal and tax add up to the tagged total? */
function reconciles(pick: Partial<Record<string, Candidate>>): boolean {
  const { subtotal_amount: sub, tax_amount: tax, total_amount: total } = pick;
  if (!sub || !tax || !total) return false;
  return eq(total.value, new Decimal(sub.value).plus(tax.value));
}

/**
 * The amount beside an unmistakable total label ("GRAND TOTAL", "Total Payable", "Total After Adj Incl GST"),
 * on the tagged total's page, when the tagged total has no such label itself: the model took a partial total
 * ("Total 0% supplies") or another amount.
 */
function totalByStrongLabel(
  doc: DocumentWords,
  tagged: Candidate,
  others: readonly string[],
  ev: DocumentEvidence,
): Candidate | undefined {
  const page = doc.pages[tagged.page - 1];
  if (!page) return undefined;
  const labeled = keywordAmounts(page.words, 'total_amount');
  if (labeled.some((k) => tagged.wordIndices.includes(k.index) && k.keyword >= STRONG_KEYWORD))
    return undefined;
  const best = labeled.filter((k) => k.keyword >= STRONG_KEYWORD)[0];
  const c = best ? labeledTotal(doc, page.number, best.index, ev) : undefined;
  if (!c || c.value === tagged.value) return undefined;
  // "All prices incl. tax 8.25%: $739.65" reads as a strong total label, but the model tagged it as the tax.
  if (others.includes(c.value)) return undefined;
  // "Incl. 6% GST 0.70" and "Total Sales Amount 33.00" read as strong total labels too, but their amounts are the
  // tax and the net of the tagged total at the printed rate: the arithmetic confirms the tagged one.
  return isPartOfTotal(page, new Decimal(tagged.value), new Decimal(c.value)) ? undefined : c;
}

/** The tagged amount due is the tagged total, printed apart: two labels agree on it. */
function confirmedByAmountDue(pick: Partial<Record<string, Candidate>>): boolean {
  const { total_amount: total, amount_due: due } = pick;
  if (!total || !due || due.value !== total.value) return false;
  return !due.wordIndices.some((i) => total.wordIndices.includes(i));
}

export interface AssembleOptions {
  /** Maps the final confidences to measured accuracy (calibration.json of the model); none: raw confidences. */
  calibration?: Pick<Calibration, 'maps'>;
}

export function assemble(
  doc: DocumentWords,
  spans: readonly NerSpan[],
  opts: AssembleOptions = {},
): Assembled {
  const merged = dropBrandAbove(
    doc,
    dropContactTail(
      doc,
      addPremisesLine(
        doc,
        completeAddressLines(
          doc,
          mergeStackedSpans(
            doc,
            completeNameRuns(
              doc,
              dropAfterLegalForm(
                doc,
                dropMisreadLines(doc, resolveEnclosedAddressParts(doc, resolvePartyRuns(doc, spans))),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  const ev = gatherEvidence(doc, merged);
  const cands = merged.map((s) => toCandidate(doc, s, ev)).filter((c): c is Candidate => c !== undefined);
  const groups = byField(cands.filter((c) => !c.field.startsWith('item_')));
  const rules: Rule[] = [];
  const fields: Assembled['fields'] = {};
  const picked: Candidate[] = [];

  // Totals: chosen together by arithmetic.
  const pick = chooseTotals(groups);
  const sectionTotal = totalBelowAmountDue(pick);
  if (sectionTotal && pick.amount_due) {
    pick.total_amount = { ...pick.amount_due, field: 'total_amount' };
    rules.push({
      rule: 'INVEX-TOTAL-FROM-AMOUNT-DUE',
      status: 'warn',
      message: `the amount due ${pick.amount_due.value} exceeds the tagged total ${sectionTotal.value} and no subtotal or tax is tagged: that total is a partial one, and the amount due is taken as the total`,
      fields: ['total_amount'],
    });
  }
  // A total that replaces the tagged one takes along the amount due that repeated the tagged one.
  const replaceTotal = (old: Candidate, next: Candidate, rule: string, message: string) => {
    pick.total_amount = next;
    if (pick.amount_due?.value === old.value) delete pick.amount_due;
    rules.push({ rule, status: 'warn', message, fields: ['total_amount'] });
  };
  const partial = pick.total_amount;
  const sum =
    partial && !pick.subtotal_amount && !pick.tax_amount
      ? totalOfPartials(doc, partial, ev.decimalSeparator)
      : undefined;
  if (partial && sum) {
    replaceTotal(
      partial,
      sum,
      'INVEX-TOTAL-OF-PARTIALS',
      `the tagged total ${partial.value} plus another printed amount is the ${sum.value} printed below it beside a total label: the tagged one is a partial total, and ${sum.value} is taken as the total`,
    );
  }
  const weak = pick.total_amount;
  const others = [pick.subtotal_amount, pick.tax_amount].flatMap((c) => (c ? [c.value] : []));
  const strong =
    weak && !reconciles(pick) && !confirmedByAmountDue(pick)
      ? totalByStrongLabel(doc, weak, others, ev)
      : undefined;
  if (weak && strong) {
    replaceTotal(
      weak,
      strong,
      'INVEX-TOTAL-BY-STRONG-LABEL',
      `the tagged total ${weak.value} has no label that names it the total, and no subtotal and tax or amount due confirm it; ${strong.value} is printed beside one ("Grand Total", "Total Payable")`,
    );
  }
  // No total tagged: the amount beside a total label, else (nothing tagged at all) the sum a tax line completes.
  const untagged: [() => Candidate | undefined, boolean, string, (v: string) => string][] = [
    [
      () => totalByKeyword(doc, ev),
      !(pick.subtotal_amount && pick.tax_amount),
      'INVEX-TOTAL-BY-KEYWORD',
      (v) => `${v} is the amount printed beside a total label`,
    ],
    [
      () => totalBySum(doc, ev),
      !pick.subtotal_amount && !pick.tax_amount,
      'INVEX-TOTAL-BY-SUM',
      (v) => `${v} is printed below a net amount and a tax line that add up to it`,
    ],
    [
      () => totalByTender(doc, ev),
      !pick.subtotal_amount && !pick.tax_amount,
      'INVEX-TOTAL-BY-PAYMENT',
      (v) => `${v} is the one amount paid (cash or card), with no change given`,
    ],
  ];
  for (const [find, applies, rule, how] of untagged) {
    const found = !pick.total_amount && applies ? find() : undefined;
    if (!found) continue;
    pick.total_amount = found;
    rules.push({
      rule,
      status: 'warn',
      message: `the model tagged no total; ${how(found.value)}`,
      fields: ['total_amount'],
    });
  }
  if (pick.total_amount && !pick.subtotal_amount && !pick.tax_amount) {
    const done = completeSubtotalAndTax(doc, pick.total_amount, ev.decimalSeparator);
    if (done) {
      if (done.subtotal) pick.subtotal_amount = done.subtotal;
      pick.tax_amount = done.tax;
      rules.push({
        rule: 'INVEX-TOTALS-COMPLETED',
        status: 'warn',
        message: done.message,
        fields: ['subtotal_amount', 'tax_amount'],
      });
    }
  }
  const totals = deriveTotals(pick);
  // The net and its tax read the other way round ("410.73" tagged as the net, "2161.75" as its tax or derived as
  // the total minus it): they add up to the total either way, but a tax is less than the net it is levied on.
  const [net, vat, gross] = [totals.subtotal_amount, totals.tax_amount, totals.total_amount].map(chosenValue);
  if (
    net &&
    vat &&
    gross &&
    eq(gross, new Decimal(net).plus(vat)) &&
    new Decimal(vat).abs().gt(new Decimal(net).abs())
  ) {
    const as = (c: Chosen | undefined, field: string): Chosen =>
      c?.candidate ? { candidate: { ...c.candidate, field } } : { ...c };
    [totals.subtotal_amount, totals.tax_amount] = [
      as(totals.tax_amount, 'subtotal_amount'),
      as(totals.subtotal_amount, 'tax_amount'),
    ];
    rules.push({
      rule: 'INVEX-NET-TAX-SWAPPED',
      status: 'warn',
      message: `the tax ${vat} exceeds the net ${net} it adds up to the total ${gross} with: a tax is less than its net, so ${vat} is taken as the net and ${net} as the tax`,
      fields: ['subtotal_amount', 'tax_amount'],
    });
  }
  rules.push(...totalsRules(totals));
  // After the arithmetic checks, which hold for the exact total: the rounded amount paid replaces it.
  const rounded = totals.total_amount?.candidate
    ? cashRounding(doc, totals.total_amount.candidate, ev.decimalSeparator)
    : undefined;
  if (rounded) {
    totals.total_amount = { candidate: rounded.total };
    const due = totals.amount_due?.derived;
    if (due) totals.amount_due = { derived: { ...due, value: rounded.total.value } };
    rules.push(rounded.rule);
  }
  for (const [field, chosen] of Object.entries(totals) as [keyof Assembled['fields'], Chosen][]) {
    if (chosen.candidate) picked.push(chosen.candidate);
    else if (chosen.derived)
      fields[field] = {
        value: chosen.derived.value,
        confidence: round3(chosen.derived.confidence),
        regions: [],
        derived: true,
      };
  }

  // Every other document field: its best-scoring candidate.
  for (const [field, list] of groups) {
    if (AMOUNT_FIELDS.has(field) || field === 'currency') continue;
    const best = field === 'supplier_name' ? supplierByPlace(list) : topCandidates(list, 1)[0];
    if (best) picked.push(best);
  }
  // Fields the model tagged nowhere, read off their captions or their place (src/assemble/captions.ts), with a
  // low score, first rule first. A party name the model chose that names no company (no legal form, or a legal
  // form alone: "GmbH") also gives way to a company named in the party's section ("Torti Mayer", a contact, under
  // "Verkäufer:" / "Verkehrsbetriebe GmbH") or heading the first page (measured: SROIE names +2, synthetic +1,
  // none lost; for the bare legal form, ZUGFeRD +1).
  const beside = 'is printed beside or under its caption';
  // Model values a found value replaces: a party name that names no company (by one that does), a due or issue
  // date that stands beside no caption of its kind (by one that does: "Fälligkeitstag: 01.04.2014" over a date in
  // prose, "Belegdatum 07.01.1997" over a print timestamp).
  const noCompany = (m: Candidate) => !namesCompany(m.value);
  // Each caption search runs at most once: the weak test and the finder share its result.
  const once = (find: (d: DocumentWords) => Found[]) => {
    let found: Found[] | undefined;
    return () => {
      found ??= find(doc);
      return found;
    };
  };
  const dues = once(dueDatesByCaption);
  const issues = once(issueDatesByCaption);
  const uncaptioned = (captioned: () => Found[]) => (m: Candidate) =>
    !captioned().some((f) => f.page === m.page && f.wordIndices.every((i) => m.wordIndices.includes(i)));
  const fallbacks: [string, () => Found | undefined, string, string, ((m: Candidate) => boolean)?][] = [
    // field, finder, rule, where the value is, which model value it replaces
    ['supplier_name', () => nameByCaption(doc, 'supplier_name'), 'INVEX-NAME-BY-CAPTION', beside, noCompany],
    ['customer_name', () => nameByCaption(doc, 'customer_name'), 'INVEX-NAME-BY-CAPTION', beside, noCompany],
    [
      'customer_name',
      () => {
        const address = picked.find((c) => c.field === 'customer_address');
        return address && nameAboveAddress(doc, address);
      },
      'INVEX-CUSTOMER-NAME-ABOVE-ADDRESS',
      "is the first row of the buyer's address block",
    ],
    ['invoice_number', () => invoiceNumberByCaption(doc), 'INVEX-INVOICE-NUMBER-BY-CAPTION', beside],
    ['due_date', () => dues()[0], 'INVEX-DUE-DATE-BY-CAPTION', beside, uncaptioned(dues)],
    ['issue_date', () => issues()[0], 'INVEX-ISSUE-DATE-BY-CAPTION', beside, uncaptioned(issues)],
    ['issue_date', () => firstDate(doc), 'INVEX-ISSUE-DATE-FIRST', 'is the first date printed'],
    [
      'supplier_name',
      () => letterheadName(doc),
      'INVEX-SUPPLIER-LETTERHEAD',
      'heads the first page',
      noCompany,
    ],
    [
      'supplier_name',
      () =>
        legalNameNear(
          doc,
          // A legal form alone ("(M) BHD") tells where no name is: the address does.
          picked.find((c) => c.field === 'supplier_name' && !isLegalFormOnly(c.value)),
          picked.find((c) => c.field === 'supplier_address'),
          picked.filter((c) => c.field === 'customer_name' || c.field === 'customer_address'),
        ),
      'INVEX-SUPPLIER-LEGAL-NAME',
      "is the company's name with its legal form, printed beside the seller's name or address",
      noCompany,
    ],
  ];
  const byModel = new Set(picked);
  for (const [field, find, rule, how, weakIf] of fallbacks) {
    const model = picked.find((c) => c.field === field);
    if (model && !(byModel.has(model) && weakIf?.(model))) continue;
    const found = find();
    const c = found ? toCandidate(doc, { field, score: CAPTION_SCORE, ...found }, ev) : undefined;
    if (!c || (model && (c.value === model.value || (weakIf === noCompany && !namesCompany(c.value)))))
      continue;
    if (model) picked.splice(picked.indexOf(model), 1);
    picked.push(c);
    const why = !model
      ? `the model tagged no ${field}`
      : weakIf === noCompany
        ? `the model's ${field} "${model.value}" names no company`
        : `the model's ${field} "${model.value}" stands beside no caption of its kind`;
    rules.push({ rule, status: 'warn', message: `${why}; "${c.value}" ${how}`, fields: [field] });
  }
  // A party "name" that is a legal form alone ("KG" of "308,500 KG", "SDN BHD") names nobody: better none.
  for (const c of picked.filter((x) => x.field.endsWith('_name') && isLegalFormOnly(x.value))) {
    picked.splice(picked.indexOf(c), 1);
    rules.push({
      rule: 'INVEX-NAME-LEGAL-FORM-ONLY',
      status: 'warn',
      message: `the ${c.field} "${c.value}" is a legal form alone, not a name; left out`,
      fields: [c.field],
    });
  }
  for (const c of picked) rules.push(...candidateRules(c));

  // Line items.
  const rows = groupRows(cands.filter((c) => c.field.startsWith('item_')));
  const lineItems: Assembled['line_items'] = rows.map((row) => {
    const item: Assembled['line_items'][number] = {};
    for (const [key, list] of Object.entries(row) as [ItemKey, Candidate[]][]) {
      if (key === 'description' && list.length > 1) {
        const parts = [...list].sort((a, b) => a.page - b.page || a.y - b.y);
        item.description = {
          value: parts.map((p) => p.value).join(' '),
          raw: parts.map((p) => p.raw).join(', '),
          confidence: round3(Math.min(...parts.map((p) => p.score))),
          regions: parts.flatMap((p) => p.regions),
        };
      } else {
        const best = topCandidates(list, 1)[0];
        if (best) item[key] = toField(best);
      }
    }
    return item;
  });
  const lineRule = lineArithmeticRule(
    lineItems.map((li) => ({
      ...(li.quantity ? { quantity: li.quantity.value } : {}),
      ...(li.unit_price ? { unit_price: li.unit_price.value } : {}),
      ...(li.amount ? { amount: li.amount.value } : {}),
    })),
  );
  if (lineRule) rules.push(lineRule);
  const lineAmounts = lineItems.flatMap((li) => (li.amount ? [li.amount.value] : []));
  // Only a complete table can be checked against the subtotal.
  const sumRule = lineItems.every((li) => li.amount)
    ? lineSumRule(lineAmounts, chosenValue(totals.subtotal_amount))
    : undefined;
  if (sumRule) rules.push(sumRule);

  // Tax breakdown.
  const tax = taxBreakdown(
    doc,
    totals.tax_amount?.candidate,
    chosenValue(totals.tax_amount),
    chosenValue(totals.subtotal_amount),
    lineItems.flatMap((li) => (li.tax_rate ? [li.tax_rate.value] : [])),
  );
  rules.push(...tax.rules);

  for (const c of picked)
    fields[c.field as keyof Assembled['fields']] = toField(c, adjust(c.score, rules, c.field));

  const currency = currencyField(
    doc,
    topCandidates(groups.get('currency') ?? [], 1)[0],
    [...picked].filter((c) => AMOUNT_FIELDS.has(c.field)),
    ev,
  );
  if (currency.field) fields.currency = currency.field;
  if (currency.rule) rules.push(currency.rule);

  const dueRule = datesRule(fields);
  if (dueRule) {
    rules.push(dueRule);
    for (const f of ['issue_date', 'due_date'] as const) {
      const field = fields[f];
      if (field) field.confidence = round3(adjust(field.confidence, [dueRule], f));
    }
  }
  // Last: every document field's confidence becomes the accuracy measured for such confidences.
  if (opts.calibration) {
    for (const [name, field] of Object.entries(fields)) {
      if (field) field.confidence = round3(calibrateConfidence(opts.calibration, name, field.confidence));
    }
  }
  const fromPage: Assembled = {
    fields,
    line_items: lineItems,
    tax_breakdown: tax.lines,
    validation: rules.map((r) => (r.fields ? r : { rule: r.rule, status: r.status, message: r.message })),
  };
  return doc.embedded ? withEmbedded(fromPage, doc.embedded, doc) : fromPage;
}
