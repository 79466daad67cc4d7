/**
 * Printed dates → ISO `YYYY-MM-DD`. Numeric dates whose day/month order the text alone cannot fix
 * (03/04/2021) return every reading; the caller decides from document evidence (`inferDateOrder`).
 */

export type DateOrder = 'DMY' | 'MDY' | 'YMD';

export interface ParsedDate {
  iso: string;
  /** True when the other day/month reading was also a valid date. */
  ambiguous: boolean;
  order: DateOrder | 'named';
}

// Month names and abbreviations, accents folded: en, de, fr, es, it, nl, pt, ms (Malaysian receipts).
const MONTHS: Record<string, number> = {};
const NAMES = [
  'january jan januar janner janvier janv enero ene gennaio gen januari janeiro',
  'february feb februar febr feber fevrier fevr fev febrero febbraio februari fevereiro',
  'march mar marz maerz mrz mars marzo maart mrt marco mac',
  'april apr avril avr abril abr aprile',
  'may mai mayo maggio mag mei maio',
  'june jun juni juin junio giugno giu junho',
  'july jul juli juillet juil julio luglio lug julho julai',
  'august aug aout agosto ago augustus ogos',
  'september sep sept septembre septiembre setiembre settembre set setembro',
  'october oct oktober okt octobre octubre ottobre ott outubro out',
  'november nov novembre noviembre novembro',
  'december dec dezember dez decembre diciembre dic dicembre dezembro disember dis',
];
NAMES.forEach((names, i) => {
  for (const n of names.split(' ')) MONTHS[n] = i + 1;
});

/** Accents stripped, compatibility forms folded, lower case, dashes as `-`: the form every pattern reads. */
const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2012\u2013\u2212]/g, '-');

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// Years past 2099 on an invoice are OCR slips (2118 for 2018), not dates.
function iso(y: number, m: number | undefined, d: number): string | undefined {
  if (m === undefined || m < 1 || m > 12 || d < 1 || y < 1900 || y > 2099 || d > daysIn(y, m))
    return undefined;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// Two-digit years: 00–69 → 20xx, 70–99 → 19xx (POSIX strptime %y pivot).
const fullYear = (y: string) =>
  y.length === 2 ? (Number(y) < 70 ? 2000 + Number(y) : 1900 + Number(y)) : Number(y);

// Day or month first (`03/11/2017`, `3.11.17`); not part of a longer run of numbers (`1.2.2017.5`) unless a
// time follows (`07/04/2018-18:11:05`).
const NUMERIC = /(?<!\d)(\d{1,2})\s?([./-])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?!\d|[./-]\d(?!\d?:))/g;
// A four-digit year glued to a time: `25/12/20188:13:39`.
const NUMERIC_TIME = /(?<!\d)(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?=\d{1,2}:\d{2})/g;
const YEAR_FIRST = /(?<!\d)(\d{4})\s?([./-])\s?(\d{1,2})\s?\2\s?(\d{1,2})(?!\d)/g;
const COMPACT = /(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)/g;
// Longest names first so that `sept` wins over `sep`.
const MONTH_ALT = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');
const NAMED_DMY = new RegExp(
  String.raw`(?<![\d\p{L}])(\d{1,2})(?:st|nd|rd|th|er|º|°|\.)?[\s./,-]*(?:de\s+)?(${MONTH_ALT})(?!\p{L})\.?[\s./,-]*(?:de\s+|del\s+)?'?(\d{4}|\d{2})(?!\d)`,
  'gu',
);
const NAMED_MDY = new RegExp(
  String.raw`(?<!\p{L})(${MONTH_ALT})(?!\p{L})\.?[\s./-]*(\d{1,2})(?:st|nd|rd|th)?[\s,./-]+(\d{4})(?!\d)`,
  'gu',
);

/** One date-shaped match: its readings (day first, then month first where both are valid and differ). */
interface Found {
  /** Dots separate a day-first date (DIN 5008, European usage). */
  dotted: boolean;
  readings: { iso: string; order: DateOrder | 'named' }[];
}

function numericFound(m: RegExpMatchArray): Found {
  const [, a = '', sep, b = '', c = ''] = m;
  if (a.length === 4) {
    const v = iso(Number(a), Number(b), Number(c));
    return { dotted: false, readings: v ? [{ iso: v, order: 'YMD' }] : [] };
  }
  const y = fullYear(c);
  const dmy = iso(y, Number(b), Number(a));
  const mdy = iso(y, Number(a), Number(b));
  const readings: Found['readings'] = [];
  if (dmy) readings.push({ iso: dmy, order: 'DMY' });
  if (mdy && mdy !== dmy) readings.push({ iso: mdy, order: 'MDY' });
  return { dotted: sep === '.', readings };
}

/** Every date-shaped match of one pattern family in the folded text; numeric ones in text order. */
function* found(t: string, kind: 'named' | 'numeric' | 'compact'): Generator<Found> {
  if (kind === 'named') {
    // Every month name has 3+ letters; the name alternation is the costly part, so skip bare numbers.
    if (!/\p{L}{3}/u.test(t)) return;
    for (const m of t.matchAll(NAMED_DMY)) {
      const v = iso(fullYear(m[3] as string), MONTHS[m[2] as string], Number(m[1]));
      if (v) yield { dotted: false, readings: [{ iso: v, order: 'named' }] };
    }
    for (const m of t.matchAll(NAMED_MDY)) {
      const v = iso(fullYear(m[3] as string), MONTHS[m[1] as string], Number(m[2]));
      if (v) yield { dotted: false, readings: [{ iso: v, order: 'named' }] };
    }
  } else if (kind === 'numeric') {
    const all = [...t.matchAll(NUMERIC), ...t.matchAll(NUMERIC_TIME), ...t.matchAll(YEAR_FIRST)];
    for (const m of all.sort((a, b) => (a.index ?? 0) - (b.index ?? 0))) yield numericFound(m);
  } else {
    for (const m of t.matchAll(COMPACT)) {
      const v = iso(Number(m[1]), Number(m[2]), Number(m[3]));
      if (v) yield { dotted: false, readings: [{ iso: v, order: 'YMD' }] };
    }
  }
}

/**
 * Every plausible reading of the first date in `text`, most likely first for the given order. A named-month
 * date wins over numeric ones; dotted numeric dates are day-first only.
 */
export function parseDate(text: string, order?: DateOrder): ParsedDate[] {
  // OCR reads 0 as O beside digits: `2O19`, `O3.11`.
  const t = fold(text.replace(/[Oo](?=\d)|(?<=\d)[Oo]/g, '0'));
  for (const kind of ['named', 'numeric', 'compact'] as const) {
    for (const f of found(t, kind)) {
      const rs = f.dotted ? f.readings.filter((r) => r.order === 'DMY') : f.readings;
      const [first, second] = rs;
      if (!first) continue;
      if (!second) return [{ iso: first.iso, ambiguous: false, order: first.order }];
      const both = [first, second].map((r) => ({ iso: r.iso, ambiguous: true, order: r.order }));
      return order === 'MDY' ? both.reverse() : both;
    }
  }
  return [];
}

/**
 * Every ISO date a text can be read as, anywhere in it: both orders of an ambiguous numeric date (dotted
 * ones too: a matcher wants every candidate, the caller weighs them), dates glued to a time
 * (`25/12/20188:13:39`), named months in every language above. Exact printed forms: no OCR repair.
 */
export function dateReadings(text: string): string[] {
  const t = fold(text);
  const out = new Set<string>();
  for (const kind of ['numeric', 'compact', 'named'] as const) {
    for (const f of found(t, kind)) for (const r of f.readings) out.add(r.iso);
  }
  return [...out];
}

export interface OrderEvidence {
  /** All date-like texts of the document. */
  texts: readonly string[];
  /** ISO 3166 country of the supplier (VAT prefix, IBAN, address), if known. */
  country?: string;
  /** The texts the model tagged as the document's own dates, by field. */
  tagged?: readonly { field: 'issue_date' | 'due_date' | 'delivery_date'; text: string }[];
}

// Countries that write month-first numeric dates.
const MDY_COUNTRIES = new Set(['US', 'PH', 'FM', 'PW', 'MH']);

/**
 * Decides day/month order: a date in the document that only reads one way (a part > 12) is proof;
 * otherwise the supplier's country; `undefined` when nothing decides (the caller lowers confidence).
 */
export function inferDateOrder(
  e: OrderEvidence,
): { order: DateOrder; basis: 'document' | 'country' | 'tagged dates' } | undefined {
  let dmy = 0;
  let mdy = 0;
  for (const t of e.texts) {
    for (const r of parseDate(t)) {
      if (r.ambiguous) continue;
      if (r.order === 'DMY') dmy++;
      if (r.order === 'MDY') mdy++;
    }
  }
  if (dmy !== mdy) return { order: dmy > mdy ? 'DMY' : 'MDY', basis: 'document' };
  if (e.country)
    return { order: MDY_COUNTRIES.has(e.country.toUpperCase()) ? 'MDY' : 'DMY', basis: 'country' };
  const byDates = orderOfTaggedDates(e.tagged ?? []);
  return byDates ? { order: byDates, basis: 'tagged dates' } : undefined;
}

const DAY_MS = 86_400_000;

/**
 * The order under which an invoice's own dates make sense together: the due date not before the issue date, and
 * the dates close to each other (issue 03/09, delivery 03/01 are eight days apart month-first, eight months
 * day-first). Undefined when both orders read the same, or neither is clearly closer.
 */
function orderOfTaggedDates(tagged: NonNullable<OrderEvidence['tagged']>): DateOrder | undefined {
  const read = (order: DateOrder) => {
    const dates = new Map<string, number>();
    for (const t of tagged) {
      const r = parseDate(t.text, order)[0];
      if (r && !dates.has(t.field)) dates.set(t.field, Date.parse(r.iso));
    }
    const issue = dates.get('issue_date');
    const due = dates.get('due_date');
    const valid = issue === undefined || due === undefined || due >= issue;
    const all = [...dates.values()];
    return { valid, spread: all.length > 1 ? Math.max(...all) - Math.min(...all) : 0, n: all.length };
  };
  const dmy = read('DMY');
  const mdy = read('MDY');
  if (dmy.n < 2) return undefined;
  if (dmy.valid !== mdy.valid) return dmy.valid ? 'DMY' : 'MDY';
  // A month apart at least: dates a few days apart read month-first are months apart day-first.
  if (Math.abs(dmy.spread - mdy.spread) < 28 * DAY_MS) return undefined;
  return dmy.spread < mdy.spread ? 'DMY' : 'MDY';
}
