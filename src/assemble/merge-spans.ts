/**
 * Re-joins a multi-line value that decoding cut into pieces. Decoding follows reading order, and reading
 * order runs across the page: in a two-column header the supplier's address lines alternate with the invoice
 * details beside them, so each address line arrives as its own span. Spans of one field that sit in one block
 * (stacked lines, aligned, no gap) are one value.
 */
import type { DocumentWords, Page, Word } from '../types.js';
import { LEGAL_END, SALUTATION, TITLES, untilLegalForm } from './parties.js';
import { boxOf, lineWords, midY, SEPARATOR, wordHeight } from './regions.js';
import type { NerSpan } from './types.js';

/**
 * Fields whose values run over several printed lines. Item descriptions are joined per row instead. Not the
 * buyer's name: the line under it is mostly a contact ("Attn. Marco Loya"), which the model also tags as the
 * customer; a seller's name that wraps continues on the next line (synthetic sets: joining buyer-name lines
 * cost 4 and 2 of 150 names, joining seller-name lines gained 2 and 4).
 */
const BLOCK_FIELDS = new Set(['supplier_address', 'customer_address', 'supplier_name', 'payment_terms']);
/** Fields whose pieces are joined along one line only ("Mueller" … "Sons Ltd." decoded as two spans). */
const LINE_JOIN_FIELDS = new Set([...BLOCK_FIELDS, 'customer_name']);
// The next line of a block starts within this many line heights below the last one.
const MAX_LINE_GAP = 1.0;
// Pieces on one line are one value across a gap of at most this many line heights.
const MAX_WORD_GAP = 3;
// A stacked line belongs to the block when its left edge, right edge or centre is within this many line heights
// of the block's.
const MAX_INDENT = 4;

interface Piece {
  span: NerSpan;
  x0: number;
  x1: number;
  top: number;
  bottom: number;
  /** Median word height: the unit of every gap. */
  h: number;
  /** The text of its last word (the rightmost of its lowest line). */
  last: string;
}

function pieceOf(words: readonly Word[], span: NerSpan): Piece | undefined {
  const ws = span.wordIndices.map((i) => words[i]).filter((w): w is Word => w !== undefined);
  if (ws.length === 0) return undefined;
  const hs = ws.map((w) => w.bbox[3] - w.bbox[1]).sort((a, b) => a - b);
  const [x0, top, x1, bottom] = boxOf(ws);
  return {
    span,
    x0,
    x1,
    top,
    bottom,
    h: Math.max(1e-4, hs[Math.floor(hs.length / 2)] as number),
    last: ws.reduce((a, w) => (w.line > a.line || (w.line === a.line && w.bbox[0] > a.bbox[0]) ? w : a)).text,
  };
}

const PARTY_NAMES = new Set(['supplier_name', 'customer_name']);

/**
 * One printed name tagged as two parties' names: "Leist, Sören" (supplier) next to "und Tsamonikian e.K."
 * (customer) on one line, no word or column gap between them. A name is one party's, so the pieces take the field with the
 * larger weight in the run (score × words), and join as that field's pieces do.
 */
export function resolvePartyRuns(doc: DocumentWords, spans: readonly NerSpan[]): NerSpan[] {
  const out = spans.map((s) => ({ ...s }));
  for (const page of doc.pages) {
    const words = page.words;
    const oneLine = out.filter(
      (s) =>
        s.page === page.number &&
        PARTY_NAMES.has(s.field) &&
        s.wordIndices.length > 0 &&
        new Set(s.wordIndices.map((i) => words[i]?.line)).size === 1,
    );
    const byLine = new Map<number, NerSpan[]>();
    for (const s of oneLine) {
      const line = words[s.wordIndices[0] as number]?.line as number;
      byLine.set(line, [...(byLine.get(line) ?? []), s]);
    }
    for (const [line, group] of byLine) {
      if (new Set(group.map((s) => s.field)).size < 2) continue;
      // The line's words left to right; pieces that follow each other with no word between form a run.
      const order = lineWords(words, line).map((x) => x.i);
      const at = (s: NerSpan) => Math.min(...s.wordIndices.map((i) => order.indexOf(i)));
      const end = (s: NerSpan) => Math.max(...s.wordIndices.map((i) => order.indexOf(i)));
      const sorted = [...group].sort((a, b) => at(a) - at(b));
      let run: NerSpan[] = [];
      const settle = () => {
        if (new Set(run.map((s) => s.field)).size > 1) {
          const weight = (f: string) =>
            run.filter((s) => s.field === f).reduce((t, s) => t + s.score * s.wordIndices.length, 0);
          const field =
            weight('supplier_name') >= weight('customer_name') ? 'supplier_name' : 'customer_name';
          for (const s of run) s.field = field;
        }
        run = [];
      };
      // Next to each other: no word between, and no column gap ("… Freriks and | Teunis de Boer").
      const adjacent = (a: NerSpan, b: NerSpan) => {
        const left = words[order[end(a)] as number] as Word;
        const right = words[order[at(b)] as number] as Word;
        return at(b) === end(a) + 1 && right.bbox[0] - left.bbox[2] <= MAX_RUN_GAP * wordHeight(left);
      };
      for (const s of sorted) {
        const prev = run[run.length - 1];
        if (prev && !adjacent(prev, s)) settle();
        run.push(s);
      }
      settle();
    }
  }
  return out;
}

const PARTY_ADDRESSES = new Set(['supplier_address', 'customer_address']);

/**
 * The middle of an address line tagged as the other party's address ("Christiaanplantsoen" customer, "277a 3 hoog"
 * supplier, "achter" customer). One printed line is one party's: a one-line address span whose neighbours on its
 * line, left and right, are both words of the other party's address, with no column gap between, takes that field
 * (and then joins that address's pieces).
 */
export function resolveEnclosedAddressParts(doc: DocumentWords, spans: readonly NerSpan[]): NerSpan[] {
  const out = spans.map((s) => ({ ...s }));
  for (const page of doc.pages) {
    const words = page.words;
    const mine = out.filter((s) => s.page === page.number && PARTY_ADDRESSES.has(s.field));
    const fieldOf = new Map(mine.flatMap((s) => s.wordIndices.map((i) => [i, s.field] as const)));
    const near = (a: number, b: number) => {
      const [l, r] = [words[a] as Word, words[b] as Word];
      return r.bbox[0] - l.bbox[2] <= MAX_RUN_GAP * wordHeight(l);
    };
    for (const s of mine) {
      const lines = new Set(s.wordIndices.map((i) => words[i]?.line));
      if (s.wordIndices.length === 0 || lines.size !== 1) continue;
      const line = [...lines][0] as number;
      const order = lineWords(words, line).map((x) => x.i);
      const at = s.wordIndices.map((i) => order.indexOf(i));
      const [lo, hi] = [Math.min(...at), Math.max(...at)];
      const [left, right] = [order[lo - 1], order[hi + 1]];
      if (left === undefined || right === undefined) continue;
      const other = fieldOf.get(left);
      if (!other || other === s.field || fieldOf.get(right) !== other) continue;
      if (!near(left, order[lo] as number) || !near(order[hi] as number, right)) continue;
      s.field = other;
      for (const i of s.wordIndices) fieldOf.set(i, other);
    }
  }
  return out;
}

/** A word an address's parts on one line may be joined across: a separator, a postcode's letters, a number. */
const bridges = (text: string) => SEPARATOR.test(text) || /^(?:\p{L}{1,2}|\S*\d\S*)$/u.test(text);

/** Does `b` continue the block that ends with `a`: the next line below it, or further along the same line? */
function continues(a: Piece, b: Piece, page: Page): boolean {
  const h = Math.max(a.h, b.h);
  const sameLine = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5 * h;
  // On one line either piece may come first: decoding can split a name around a word ("PREMIO" "STATIONERY"
  // "SDN BHD" as two spans), and a skewed scan can put its right part higher.
  if (sameLine) {
    const [left, right] = a.x0 <= b.x0 ? [a, b] : [b, a];
    if (right.x0 - left.x1 <= MAX_WORD_GAP * h) return true;
    // An address's parts on one line with a word or two between them that belong to it: the letters of a Dutch
    // postcode ("2489" "KQ" "Weert"), or a sender strip's separator ("629 III · 4349 TN Houthei"). Every gap
    // along the way is a word gap, measured in line heights (boxes are fractions of the page's width and height,
    // so a horizontal gap is scaled by the page's aspect).
    if (!a.span.field.endsWith('_address')) return false;
    const between = page.words
      .filter((w) => w.bbox[0] >= left.x1 && w.bbox[2] <= right.x0)
      .filter((w) => Math.min(w.bbox[3], right.bottom) - Math.max(w.bbox[1], right.top) > 0.5 * h)
      .sort((p, q) => p.bbox[0] - q.bbox[0]);
    if (between.length === 0 || between.length > 2 || !between.every((w) => bridges(w.text))) return false;
    const edges = [left.x1, ...between.flatMap((w) => [w.bbox[0], w.bbox[2]]), right.x0];
    const aspect = page.width / page.height;
    for (let k = 0; k + 1 < edges.length; k += 2)
      if (((edges[k + 1] as number) - (edges[k] as number)) * aspect > MAX_WORD_GAP * h) return false;
    return true;
  }
  if (!BLOCK_FIELDS.has(a.span.field)) return false;
  if (a.span.field.endsWith('_name') && LEGAL_END.test(a.last)) return false;
  const gap = b.top - a.bottom;
  const overlapX = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0;
  // Addresses: left-, right- or centre-aligned blocks (a right-aligned letterhead has ragged left edges). Names:
  // left-aligned only, since on centred receipts the line under the shop's name (a company number, a branch) is
  // centred too and often tagged with it (SROIE held-out shops: 8 names lost when centred lines were joined).
  const ragged = a.span.field.endsWith('_address');
  const aligned =
    Math.abs(b.x0 - a.x0) <= MAX_INDENT * h ||
    (ragged && Math.abs(b.x1 - a.x1) <= MAX_INDENT * h) ||
    (ragged && Math.abs(b.x0 + b.x1 - a.x0 - a.x1) / 2 <= MAX_INDENT * h);
  return gap >= -0.25 * h && gap <= MAX_LINE_GAP * h && overlapX && aligned;
}

function merge(group: readonly Piece[], words: readonly Word[], held: ReadonlySet<number>): NerSpan {
  const first = group[0] as Piece;
  if (group.length === 1) return first.span;
  const n = group.reduce((a, p) => a + p.span.wordIndices.length, 0);
  // A word the model left untagged between two pieces on one line is part of the value ("8284" "RC"
  // "Steensel": the letters of a Dutch postcode).
  const mine = group.flatMap((p) => p.span.wordIndices);
  const between: number[] = [];
  for (const line of new Set(mine.map((i) => words[i]?.line))) {
    const xs = mine.filter((i) => words[i]?.line === line).map((i) => words[i]?.bbox[0] ?? 0);
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
    words.forEach((w, i) => {
      if (w.line === line && w.bbox[0] > lo && w.bbox[0] < hi && !held.has(i) && !mine.includes(i))
        between.push(i);
    });
  }
  // Lines in the order the pieces came (top-down); the words of one line left to right, wherever the pieces
  // of that line start.
  const lineRank = new Map<number, number>();
  for (const p of group)
    for (const i of p.span.wordIndices) {
      const line = words[i]?.line ?? -1;
      if (!lineRank.has(line)) lineRank.set(line, lineRank.size);
    }
  const rank = (i: number) => lineRank.get(words[i]?.line ?? -1) ?? 0;
  const x = (i: number) => words[i]?.bbox[0] ?? 0;
  return {
    field: first.span.field,
    page: first.span.page,
    // Word-weighted mean, as one span's score is the mean of its words'.
    score: group.reduce((a, p) => a + p.span.score * p.span.wordIndices.length, 0) / n,
    wordIndices: [...mine, ...between].sort((a, b) => rank(a) - rank(b) || x(a) - x(b)),
  };
}

// OCR reads a logo or a stamp as a few words of low confidence ("AEPLR S|" above "UNIHAKKA INTERNATIONAL SDN
// BHD"): below this mean word confidence a name's line is no part of it (dropMisreadLines), and a name piece
// stands alone, to compete with the others, instead of joining their block (SROIE held-out shops: 5 and 1
// names more; text pages are never affected).
const MISREAD = 0.5;

function misread(words: readonly Word[], indices: readonly number[]): boolean {
  const ws = indices.map((i) => words[i]).filter((w): w is Word => w !== undefined);
  return ws.length > 0 && ws.reduce((a, w) => a + w.confidence, 0) / ws.length < MISREAD;
}

/**
 * Drops the lines of an OCR'd name span that OCR misread (a logo above the shop's name, read as "AEPLR S|"),
 * when another line of the span reads well. Decoding runs on over line breaks, so one span can hold both.
 */
export function dropMisreadLines(doc: DocumentWords, spans: readonly NerSpan[]): NerSpan[] {
  return spans.map((s) => {
    const page = doc.pages[s.page - 1];
    if (page?.source !== 'ocr' || !s.field.endsWith('_name')) return s;
    const lines = new Map<number, number[]>();
    for (const i of s.wordIndices) {
      const w = page.words[i];
      if (w) lines.set(w.line, [...(lines.get(w.line) ?? []), i]);
    }
    const good = [...lines.values()].filter((ix) => !misread(page.words, ix));
    if (good.length === 0 || good.length === lines.size) return s;
    return { ...s, wordIndices: good.flat().sort((a, b) => a - b) };
  });
}

/**
 * Cuts the registration number off a name tagged with it: words with digits after the name's legal form
 * ("MOONLIGHT CAKE HOUSE SDN BHD 802729-U"). A legal form is where a company's name ends.
 */
export function dropAfterLegalForm(doc: DocumentWords, spans: readonly NerSpan[]): NerSpan[] {
  return spans.map((s) => {
    const words = doc.pages[s.page - 1]?.words;
    if (!words || !s.field.endsWith('_name')) return s;
    const kept = untilLegalForm(words, s.wordIndices);
    return kept === s.wordIndices ? s : { ...s, wordIndices: [...kept] };
  });
}

// The first word of a premises line, printed above the street line of an address: a building, lot, unit or floor
// ("Menara Dion #02-03, Level 2,", "Lot 1F-01&02,1st Flr, Paradigm Mall,", "Unit G-5B, Ground Floor,").
const PREMISES =
  /^(lot|blk|block|unit|suite|level|floor|flr|menara|wisma|plaza|bangunan|tower|building|bldg\.?)\b/i;

/**
 * Adds the premises line right above an address that the model left out: the line before the address's first line
 * in reading order starts with a premises word, shares the address's column, sits above it by no more than a
 * line's height, and no other field's span holds any of its words nor does any word end as a caption (":").
 */
export function addPremisesLine(doc: DocumentWords, spans: readonly NerSpan[]): NerSpan[] {
  return spans.map((s) => {
    const words = doc.pages[s.page - 1]?.words;
    if (!words || !s.field.endsWith('_address') || s.wordIndices.length === 0) return s;
    const mine = s.wordIndices.map((i) => words[i]).filter((w): w is Word => w !== undefined);
    const firstLine = Math.min(...mine.map((w) => w.line));
    const first = mine.filter((w) => w.line === firstLine);
    const above = lineWords(words, firstLine - 1);
    const lead = above[0]?.w;
    if (!lead || !PREMISES.test(lead.text) || above.some((x) => x.w.text.endsWith(':'))) return s;
    // Pieces of the same field on that line (the model's "#02-03," and "Level 2,") are no obstacle; another
    // field's words are, unless a weaker one-word guess ("Dion" as a name at 0.68 inside "Menara Dion").
    const held = new Set(
      spans
        .filter(
          (o) =>
            o.field !== s.field && o.page === s.page && !(o.wordIndices.length === 1 && o.score < s.score),
        )
        .flatMap((o) => o.wordIndices),
    );
    if (above.some((x) => held.has(x.i))) return s;
    const [left, top, right] = boxOf(first);
    const h = Math.max(...first.map(wordHeight));
    const gap = top - boxOf(above.map((x) => x.w))[3];
    const overlaps = above.some((x) => x.w.bbox[0] < right && left < x.w.bbox[2]);
    // Above it (reading order can put a line beside or below first), by at most a line's height.
    if (!overlaps || gap > h || gap < -0.25 * h) return s;
    return { ...s, wordIndices: [...above.map((x) => x.i), ...s.wordIndices].sort((a, b) => a - b) };
  });
}

// A phone, fax or e-mail caption ("TEL/FAX:07-3886322", "Tel.", "H/P", "E-mail:"): where an address has ended.
const CONTACT_CAPTION =
  /^(tel|fax|tel\/fax|phone|ph|h\/p|hp|mobile|mob|e-?mail|telefon|t[ée]l[ée]phone)\b[.:/]?/i;
// What follows a contact caption: a number, or an e-mail address.
const CONTACT_VALUE = /\d|@/;

/**
 * Cuts a phone or e-mail line off an address tagged with it ("…, 81750 JOHOR BAHRU, JOHOR, TEL/FAX:07-3886322"):
 * from a contact caption followed by a number or an e-mail address on, the span holds the shop's contact details,
 * not its address.
 */
export function dropContactTail(doc: DocumentWords, spans: readonly NerSpan[]): NerSpan[] {
  return spans.map((s) => {
    const words = doc.pages[s.page - 1]?.words;
    if (!words || !s.field.endsWith('_address')) return s;
    const at = s.wordIndices.findIndex((i, k) => {
      const text = words[i]?.text ?? '';
      const next = words[s.wordIndices[k + 1] ?? -1]?.text ?? '';
      return k >= 2 && CONTACT_CAPTION.test(text) && (CONTACT_VALUE.test(text) || CONTACT_VALUE.test(next));
    });
    return at < 0 ? s : { ...s, wordIndices: s.wordIndices.slice(0, at) };
  });
}

/**
 * A brand's line is printed this much taller than the company's line under it, at least. (Measured at 1.2, 1.3 and
 * 1.5: SROIE held-out +3, +2, +1 and its training part −1 each, one receipt whose label keeps the brand; every
 * other set unchanged.)
 */
const BRAND_HEIGHT = 1.3;

/**
 * Drops a brand printed above the company from a name tagged with both ("KIKU JAPANESE RESTAURANT" over "TK
 * DIVISION KITCHEN SDN BHD"): the lines before the one ending in a legal form, when they are printed in a larger
 * font and do not end in a legal form themselves. The supplier of an invoice is the legal entity; a name that wraps
 * onto a second line keeps its font, so it keeps both lines ("MVM Musterhafter" / "Versicherungsverein … a.G.").
 */
export function dropBrandAbove(doc: DocumentWords, spans: readonly NerSpan[]): NerSpan[] {
  return spans.map((s) => {
    const words = doc.pages[s.page - 1]?.words;
    if (!words || !s.field.endsWith('_name')) return s;
    const lines = [...new Set(s.wordIndices.map((i) => words[i]?.line))];
    if (lines.length < 2) return s;
    const onLine = (l: number | undefined) => s.wordIndices.filter((i) => words[i]?.line === l);
    const height = (ix: number[]) => ix.reduce((a, i) => a + wordHeight(words[i] as Word), 0) / ix.length;
    const endsLegal = (ix: number[]) => LEGAL_END.test(words[ix[ix.length - 1] as number]?.text ?? '');
    const company = lines.findIndex((l) => endsLegal(onLine(l)));
    if (company <= 0) return s;
    const h = height(onLine(lines[company]));
    const above = lines.slice(0, company).map(onLine);
    if (!above.every((ix) => !endsLegal(ix) && height(ix) >= BRAND_HEIGHT * h)) return s;
    const brand = new Set(above.flat());
    return { ...s, wordIndices: s.wordIndices.filter((i) => !brand.has(i)) };
  });
}

export function mergeStackedSpans(doc: DocumentWords, spans: readonly NerSpan[]): NerSpan[] {
  const out: NerSpan[] = [];
  const blocks = new Map<string, Piece[]>();
  for (const s of spans) {
    const page = doc.pages[s.page - 1];
    const words = page?.words;
    const alone =
      page?.source === 'ocr' &&
      s.field.endsWith('_name') &&
      words !== undefined &&
      misread(words, s.wordIndices);
    const piece = LINE_JOIN_FIELDS.has(s.field) && words && !alone ? pieceOf(words, s) : undefined;
    if (!piece) {
      out.push(s);
      continue;
    }
    const key = `${s.page}|${s.field}`;
    blocks.set(key, [...(blocks.get(key) ?? []), piece]);
  }
  for (const pieces of blocks.values()) {
    pieces.sort((a, b) => a.top - b.top || a.x0 - b.x0);
    const page = (pieces[0] as Piece).span.page;
    const docPage = doc.pages[page - 1] as Page;
    const words = docPage.words;
    const groups: Piece[][] = [];
    for (const p of pieces) {
      // Join the group whose last piece this one continues; tops ascend, so only open groups can match.
      const g = groups.find((grp) => continues(grp[grp.length - 1] as Piece, p, docPage));
      if (g) g.push(p);
      else groups.push([p]);
    }
    const held = new Set(spans.filter((s) => s.page === page).flatMap((s) => s.wordIndices));
    out.push(...groups.map((g) => merge(g, words, held)));
  }
  return out;
}

interface Placed {
  word: Word;
  /** Index among the page's words. */
  i: number;
}

/** Fields whose value is a whole printed run of words: a letterhead's or address block's name line. */
const LINE_FIELDS = new Set(['supplier_name', 'customer_name']);
// Words of one run are at most this many word heights apart; a wider gap is a column break.
export const MAX_RUN_GAP = 1.2;
/** Words of one run are also at most this many of their characters' widths apart (a monospaced space and more). */
const RUN_GAP_CHARS = 1.5;
const charWidthOf = (w: Word) => (w.bbox[2] - w.bbox[0]) / Math.max(1, w.text.length);

/** Are two neighbours of a line one run: at most MAX_RUN_GAP word heights apart, or `chars` of their characters? */
function closeInRun(left: Word, right: Word, chars = 0): boolean {
  const gap = right.bbox[0] - left.bbox[2];
  const h = Math.max(left.bbox[3] - left.bbox[1], right.bbox[3] - right.bbox[1]);
  return gap <= MAX_RUN_GAP * h || gap <= chars * Math.max(charWidthOf(left), charWidthOf(right));
}

// A caption ("Name:", "Bill to:"), a lone separator ("·", "|", "-"; not "&", as in "GmbH & Co.") or a number
// ends a run: the words a name shares its line with are mostly a registration number ("AEON CO. (M) BHD
// (126926-H)"), a phone or a date.
const RUN_STOP = /:$|^[^\p{L}\p{N}&+]+$|\p{N}/u;

/**
 * Widens a name span to the whole run of words it sits in on its line. The model often tags only part of a
 * name ("Industrieservice GmbH" of "ELEKTRON Industrieservice GmbH", "SDN BHD" of "PASARAYA BORONG PINTAR SDN
 * BHD"): names are printed as one run, and the parts it leaves out are the rarer words. A run stops at a column
 * gap, a caption, a separator, or a word that another span holds.
 */
export function completeNameRuns(doc: DocumentWords, spans: readonly NerSpan[]): NerSpan[] {
  const held = new Set(spans.flatMap((s) => s.wordIndices.map((i) => `${s.page}|${i}`)));
  // A line that ends in a legal form is no address line: a wrapped name may take it from an address span.
  const inAddress = new Set(
    spans
      .filter((s) => s.field.endsWith('_address'))
      .flatMap((s) => s.wordIndices.map((i) => `${s.page}|${i}`)),
  );
  // Address spans that lie on one line only: on a name's line they are the name's rest ("Luz" | "Considine"),
  // the address itself starting on the lines below.
  const oneLineAddress = new Set(
    spans
      .filter((s) => s.field.endsWith('_address'))
      .filter((s) => new Set(s.wordIndices.map((i) => doc.pages[s.page - 1]?.words[i]?.line)).size === 1)
      .flatMap((s) => s.wordIndices.map((i) => `${s.page}|${i}`)),
  );
  const taken = new Set<string>();
  const named = spans.map((s) => {
    const words = doc.pages[s.page - 1]?.words;
    if (!LINE_FIELDS.has(s.field) || !words || s.wordIndices.length === 0) return s;
    const key = (i: number) => `${s.page}|${i}`;
    const mine = new Set(s.wordIndices);
    const added = new Set<number>();
    const free = (w: Placed) => !RUN_STOP.test(w.word.text) && !held.has(key(w.i));
    // Receipts print headings letter-spaced or monospaced ("LEONG HENG SHELL SERVICE STATION", "AEON CO. (M)
    // BHD"): their word gaps exceed MAX_RUN_GAP heights but stay within RUN_GAP_CHARS characters. Not past a legal
    // form, though: that is where a name ends ("Dion Realties Sdn Bhd (Co. No:20154-T)").
    const closeBy = (left: Word, right: Word) =>
      closeInRun(left, right) || (closeInRun(left, right, RUN_GAP_CHARS) && !LEGAL_END.test(left.text));
    const onLine = (w: Placed) => free(w) || (!RUN_STOP.test(w.word.text) && oneLineAddress.has(key(w.i)));
    for (const line of new Set(s.wordIndices.map((i) => words[i]?.line)))
      for (const i of widenOnLine(words, line, mine, onLine, closeBy, true)) added.add(i);
    for (const i of added) if (oneLineAddress.has(key(i))) taken.add(key(i));
    const takeable = (w: Placed) => free(w) || (!RUN_STOP.test(w.word.text) && inAddress.has(key(w.i)));
    for (const i of wrappedLine(words, [...mine, ...added], takeable)) {
      added.add(i);
      if (inAddress.has(key(i))) taken.add(key(i));
    }
    // Not a buyer's name: the line above it is mostly the section's title ("Bill To", "Rechnungsempfänger").
    if (s.field === 'supplier_name')
      for (const i of wrappedFrom(words, [...mine, ...added], free)) added.add(i);
    const salutation = s.field === 'customer_name' ? salutationAbove(words, [...mine, ...added]) : undefined;
    if (salutation !== undefined && free({ word: words[salutation] as Word, i: salutation }))
      added.add(salutation);
    if (added.size === 0) return s;
    // A word between two pieces of one name goes to the first piece only, or the re-joined name repeats it.
    for (const i of added) held.add(key(i));
    return { ...s, wordIndices: [...s.wordIndices, ...added].sort((a, b) => a - b) };
  });
  return withoutTaken(named, taken, (s) => s.field.endsWith('_address'));
}

/**
 * The spans `from` selects lose the words `taken` (keys `page|index`) that another span took over; a span left with
 * none is dropped. The others are returned as they are.
 */
function withoutTaken(
  spans: readonly NerSpan[],
  taken: ReadonlySet<string>,
  from: (s: NerSpan) => boolean,
): NerSpan[] {
  if (taken.size === 0) return [...spans];
  return spans.flatMap((s) => {
    if (!from(s)) return [s];
    const rest = s.wordIndices.filter((i) => !taken.has(`${s.page}|${i}`));
    return rest.length === 0 ? [] : [{ ...s, wordIndices: rest }];
  });
}

// A caption ("Address:", "Add:") or a lone separator ends an address line's run.
const ADDRESS_STOP = /:$|^[^\p{L}\p{N}&+#]+$/u;

/**
 * Widens an address to the whole run of words on each of its lines. The model often leaves out a line's first
 * words ("Blk" of "Blk 2, Unit G1 & G2", "Menara Dion" of "Menara Dion #02-03, Level 2,") or a short word between
 * two tagged pieces ("&"): an address line is printed as one run, letter-spaced on receipts as a name's heading is.
 * A run stops at a column gap, a caption, a separator, or a word that a span of another field holds.
 */
export function completeAddressLines(doc: DocumentWords, spans: readonly NerSpan[]): NerSpan[] {
  const taken = new Set<string>();
  const widened = spans.map((s) => {
    const words = doc.pages[s.page - 1]?.words;
    if (!words || !s.field.endsWith('_address') || s.wordIndices.length === 0) return s;
    const mine = new Set(s.wordIndices);
    const linesOf = (o: NerSpan) => new Set(o.wordIndices.map((i) => words[i]?.line));
    // Another field's span on one of this address's lines, less sure and shorter there, yields its words: one
    // line is one run ("Blk" tagged as a name at 0.42 before "2, Unit G1 & G2," tagged as the address at 0.94).
    const yields = (o: NerSpan) => {
      const [line, ...more] = linesOf(o);
      const ours = s.wordIndices.filter((i) => words[i]?.line === line).length;
      return more.length === 0 && o.score < s.score && o.wordIndices.length < ours;
    };
    const others = spans.filter((o) => o.page === s.page && o.field !== s.field);
    const held = new Set(others.filter((o) => !yields(o)).flatMap((o) => o.wordIndices));
    const added: number[] = [];
    const free = (x: Placed) => !held.has(x.i) && !ADDRESS_STOP.test(x.word.text);
    const close = (left: Word, right: Word) => closeInRun(left, right, RUN_GAP_CHARS);
    for (const line of linesOf(s)) added.push(...widenOnLine(words, line, mine, free, close, false));
    for (const i of added) taken.add(`${s.page}|${i}`);
    return added.length === 0 ? s : { ...s, wordIndices: [...s.wordIndices, ...added].sort((a, b) => a - b) };
  });
  return withoutTaken(widened, taken, (s) => !s.field.endsWith('_address'));
}

/**
 * The words a span widens to on one of its lines: those between its first and last word there (when that stretch
 * is one run), and outwards from its first word (and with `rightwards` its last) each next word while `take`
 * allows it and it is `close` to its neighbour.
 */
function widenOnLine(
  words: readonly Word[],
  line: number | undefined,
  mine: ReadonlySet<number>,
  take: (x: Placed) => boolean,
  close: (left: Word, right: Word) => boolean,
  rightwards: boolean,
): number[] {
  const run: Placed[] = words
    .map((word, i) => ({ word, i }))
    .filter((x) => x.word.line === line)
    .sort((a, b) => a.word.bbox[0] - b.word.bbox[0]);
  const first = run.findIndex((x) => mine.has(x.i));
  const last = run.findLastIndex((x) => mine.has(x.i));
  const out: number[] = [];
  // A word the model skipped between two of the span's words ("GARDENIA BAKERIES (KL) SDN BHD", "G1 & G2").
  const inner = run.slice(first, last + 1);
  if (inner.every((x, k) => k === 0 || close((inner[k - 1] as Placed).word, x.word)))
    for (const x of inner) if (!mine.has(x.i) && take(x)) out.push(x.i);
  for (let k = first - 1; k >= 0; k--) {
    const x = run[k] as Placed;
    if (!take(x) || !close(x.word, (run[k + 1] as Placed).word)) break;
    out.push(x.i);
  }
  for (let k = last + 1; rightwards && k < run.length; k++) {
    const x = run[k] as Placed;
    if (!take(x) || !close((run[k - 1] as Placed).word, x.word)) break;
    out.push(x.i);
  }
  return out;
}

/** Words of a row, left to right, no gap between neighbours wider than MAX_RUN_GAP word heights `h`. */
function isOneRun(row: readonly Placed[], h: number): boolean {
  return row.every(
    (x, k) => k === 0 || x.word.bbox[0] - (row[k - 1] as Placed).word.bbox[2] <= MAX_RUN_GAP * h,
  );
}

/** The words of a span with their indices. */
function placedOf(words: readonly Word[], name: readonly number[]): Placed[] {
  return name.map((i) => ({ word: words[i] as Word, i })).filter((x) => x.word !== undefined);
}

/** The words of `placed` on text line `line`, left to right. */
function onLine(placed: readonly Placed[], line: number): Placed[] {
  return placed.filter((x) => x.word.line === line).sort((a, b) => a.word.bbox[0] - b.word.bbox[0]);
}

/**
 * The words of the line under a name that the name wraps onto: the name's last word is no legal form, and the
 * next line, left-aligned under it and close below, is one run of words it may take that ends in a legal form
 * ("MVM Musterhafter" / "Versicherungsverein Musterstadt a.G."), counting only the words of the name's column.
 * A legal form is where a company's name ends.
 */
function wrappedLine(
  words: readonly Word[],
  name: readonly number[],
  free: (w: Placed) => boolean,
): number[] {
  const placed = placedOf(words, name);
  const own = onLine(placed, Math.max(...placed.map((x) => x.word.line)));
  const head = own[0];
  const tail = own[own.length - 1];
  if (!head || !tail || LEGAL_END.test(tail.word.text)) return [];
  const h = wordHeight(head.word);
  // Only the name's column: in a caption | value layout the next row starts with a caption ("Name:"), which
  // the text layer may give a line of its own.
  const inColumn = words
    .map((word, i) => ({ word, i }))
    .filter((x) => x.word.bbox[0] >= head.word.bbox[0] - h && x.word.bbox[1] > tail.word.bbox[1] + 0.5 * h);
  const nextTop = Math.min(...inColumn.map((x) => x.word.bbox[1]));
  const nextLine = inColumn.find((x) => x.word.bbox[1] === nextTop)?.word.line;
  const next = inColumn
    .filter((x) => x.word.line === nextLine)
    .sort((a, b) => a.word.bbox[0] - b.word.bbox[0]);
  const first = next[0];
  const end = next[next.length - 1];
  if (!first || !end || !LEGAL_END.test(end.word.text) || !next.every(free)) return [];
  const below = first.word.bbox[1] - tail.word.bbox[3];
  const oneRun = isOneRun(next, h);
  const aligned = Math.abs(first.word.bbox[0] - head.word.bbox[0]) <= h;
  return below >= -0.25 * h && below <= MAX_LINE_GAP * h && aligned && oneRun ? next.map((x) => x.i) : [];
}

/**
 * The words of the line a name wraps from, when the model tagged only its last line: the name ends in a legal
 * form, and the line right above it (no wider gap than within a paragraph), left-aligned and in its column, is
 * one run of well-read capitalised words it may take, with no number or caption, that is no section title and
 * does not end in a legal form itself ("MVM Musterhafter" above "Versicherungsverein Musterstadt a.G.").
 */
function wrappedFrom(
  words: readonly Word[],
  name: readonly number[],
  free: (w: Placed) => boolean,
): number[] {
  const placed = placedOf(words, name);
  const lines = placed.map((x) => x.word.line);
  const head = onLine(placed, Math.min(...lines))[0];
  const tail = onLine(placed, Math.max(...lines)).at(-1);
  if (!head || !tail || !LEGAL_END.test(tail.word.text)) return [];
  const h = wordHeight(head.word);
  const above = words
    .map((word, i) => ({ word, i }))
    .filter((x) => x.word.bbox[0] >= head.word.bbox[0] - h && x.word.bbox[3] <= head.word.bbox[1] + 0.25 * h);
  const bottom = Math.max(...above.map((x) => x.word.bbox[3]));
  const row = above
    .filter((x) => Math.abs(midY(x.word) - (bottom - h / 2)) < 0.5 * h)
    .sort((a, b) => a.word.bbox[0] - b.word.bbox[0]);
  const first = row[0];
  const end = row[row.length - 1];
  if (!first || !end || head.word.bbox[1] - bottom > 0.5 * h) return [];
  const oneRun = isOneRun(row, h);
  const ok =
    oneRun &&
    Math.abs(first.word.bbox[0] - head.word.bbox[0]) <= h &&
    !LEGAL_END.test(end.word.text) &&
    !TITLES.supplier_name.test(first.word.text) &&
    !TITLES.customer_name.test(first.word.text) &&
    row.every((x) => free(x) && /^\p{Lu}/u.test(x.word.text) && x.word.confidence >= MISREAD);
  return ok ? row.map((x) => x.i) : [];
}

/**
 * The salutation line directly above a buyer's name, if any: e-invoices (EN 16931 BT-44, as in the ZUGFeRD
 * specimens' XML) keep it in the buyer's name ("Herrn Max Mustermann"), so the printed name includes it too.
 */
export function salutationAbove(words: readonly Word[], name: readonly number[]): number | undefined {
  const placed = name.map((i) => words[i]).filter((w): w is Word => w !== undefined);
  const top = Math.min(...placed.map((w) => w.bbox[1]));
  const head = placed
    .filter((w) => w.bbox[1] - top < 0.5 * wordHeight(w))
    .sort((a, b) => a.bbox[0] - b.bbox[0])[0];
  if (!head) return undefined;
  const h = wordHeight(head);
  // The word right above the name's first word, left-aligned with it, alone on its row in the name's column.
  const i = words.findIndex((w) => {
    const gap = head.bbox[1] - w.bbox[3];
    return Math.abs(w.bbox[0] - head.bbox[0]) <= h && gap >= -0.25 * h && gap <= MAX_LINE_GAP * h;
  });
  const above = words[i];
  if (!above || !SALUTATION.test(above.text)) return undefined;
  const alone = !words.some(
    (w) =>
      w !== above &&
      Math.abs(midY(w) - midY(above)) < 0.5 * h &&
      w.bbox[0] > above.bbox[0] &&
      w.bbox[0] - above.bbox[2] < 3 * h,
  );
  return alone ? i : undefined;
}
