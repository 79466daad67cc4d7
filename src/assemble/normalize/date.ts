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

// Month names and abbreviations: en, de, fr, es, it, nl (accents folded before lookup).
const MONTHS: Record<string, number> = {};
const NAMES: [number, string[]][] = [
  [1, ['january', 'jan', 'januar', 'janner', 'janvier', 'janv', 'enero', 'ene', 'gennaio', 'gen', 'januari']],
  [2, ['february', 'feb', 'februar', 'feber', 'fevrier', 'fevr', 'fev', 'febrero', 'febbraio', 'februari']],
  [3, ['march', 'mar', 'marz', 'maerz', 'mrz', 'mars', 'marzo', 'maart', 'mrt']],
  [4, ['april', 'apr', 'avril', 'avr', 'abril', 'abr', 'aprile']],
  [5, ['may', 'mai', 'mayo', 'maggio', 'mag', 'mei']],
  [6, ['june', 'jun', 'juni', 'juin', 'junio', 'giugno', 'giu']],
  [7, ['july', 'jul', 'juli', 'juillet', 'juil', 'julio', 'luglio', 'lug']],
  [8, ['august', 'aug', 'aout', 'agosto', 'ago', 'augustus']],
  [9, ['september', 'sep', 'sept', 'septembre', 'septiembre', 'settembre', 'set']],
  [10, ['october', 'oct', 'oktober', 'okt', 'octobre', 'octubre', 'ottobre', 'ott']],
  [11, ['november', 'nov', 'novembre', 'noviembre']],
  [12, ['december', 'dec', 'dezember', 'dez', 'decembre', 'diciembre', 'dic', 'dicembre']],
];
for (const [m, names] of NAMES) for (const n of names) MONTHS[n] = m;

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function iso(y: number, m: number, d: number): string | undefined {
  if (m < 1 || m > 12 || d < 1 || y < 1900 || y > 2199 || d > daysIn(y, m)) return undefined;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// Two-digit years: 00–69 → 20xx, 70–99 → 19xx (POSIX strptime %y pivot).
const fullYear = (y: string) =>
  y.length === 2 ? (Number(y) < 70 ? 2000 + Number(y) : 1900 + Number(y)) : Number(y);

const NUMERIC = /(?<!\d)(\d{1,4})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{2,4})(?!\d)/;
const COMPACT = /(?<!\d)(20\d{2}|19\d{2})(\d{2})(\d{2})(?!\d)/;
const NAMED_DMY =
  /(?<![\p{L}\d])(\d{1,2})(?:st|nd|rd|th|er|º|°)?\.?[\s\-/.]*(?:de\s+)?(\p{L}{3,10})\.?[\s\-/.,]*(?:de[l]?\s+)?(\d{2,4})(?!\d)/u;
const NAMED_MDY = /(?<![\p{L}])(\p{L}{3,10})\.?\s*(\d{1,2})(?:st|nd|rd|th)?,?\s*(\d{4})(?!\d)/u;

/** Every plausible reading of the first date in `text`, most likely first for the given order. */
export function parseDate(text: string, order?: DateOrder): ParsedDate[] {
  const t = text.replace(/[Oo](?=\d)|(?<=\d)[Oo]/g, '0');
  const named = parseNamed(t);
  if (named) return [named];
  const m = NUMERIC.exec(t);
  if (m) return parseNumeric(m[1] as string, m[3] as string, m[4] as string, m[2] === '.', order);
  const c = COMPACT.exec(t);
  if (c) {
    const v = iso(Number(c[1]), Number(c[2]), Number(c[3]));
    if (v) return [{ iso: v, ambiguous: false, order: 'YMD' }];
  }
  return [];
}

function parseNamed(t: string): ParsedDate | undefined {
  const dmy = NAMED_DMY.exec(t);
  if (dmy) {
    const month = MONTHS[fold(dmy[2] as string)];
    const v = month ? iso(fullYear(dmy[3] as string), month, Number(dmy[1])) : undefined;
    if (v) return { iso: v, ambiguous: false, order: 'named' };
  }
  const mdy = NAMED_MDY.exec(t);
  if (mdy) {
    const month = MONTHS[fold(mdy[1] as string)];
    const v = month ? iso(Number(mdy[3]), month, Number(mdy[2])) : undefined;
    if (v) return { iso: v, ambiguous: false, order: 'named' };
  }
  return undefined;
}

function parseNumeric(a: string, b: string, c: string, dotted: boolean, order?: DateOrder): ParsedDate[] {
  if (a.length === 4) {
    const v = iso(Number(a), Number(b), Number(c));
    return v ? [{ iso: v, ambiguous: false, order: 'YMD' }] : [];
  }
  const y = fullYear(c);
  const dmy = iso(y, Number(b), Number(a));
  // Dotted numeric dates are day-first wherever they are written (DIN 5008 and European usage).
  if (dotted) return dmy ? [{ iso: dmy, ambiguous: false, order: 'DMY' }] : [];
  const mdy = iso(y, Number(a), Number(b));
  if (dmy && mdy && dmy !== mdy) {
    const both: ParsedDate[] = [
      { iso: dmy, ambiguous: true, order: 'DMY' },
      { iso: mdy, ambiguous: true, order: 'MDY' },
    ];
    return order === 'MDY' ? both.reverse() : both;
  }
  if (dmy) return [{ iso: dmy, ambiguous: false, order: 'DMY' }];
  if (mdy) return [{ iso: mdy, ambiguous: false, order: 'MDY' }];
  return [];
}

export interface OrderEvidence {
  /** All date-like texts of the document. */
  texts: readonly string[];
  /** ISO 3166 country of the supplier (VAT prefix, IBAN, address), if known. */
  country?: string;
}

// Countries that write month-first numeric dates.
const MDY_COUNTRIES = new Set(['US', 'PH', 'FM', 'PW', 'MH']);

/**
 * Decides day/month order: a date in the document that only reads one way (a part > 12) is proof;
 * otherwise the supplier's country; `undefined` when nothing decides (the caller lowers confidence).
 */
export function inferDateOrder(
  e: OrderEvidence,
): { order: DateOrder; basis: 'document' | 'country' } | undefined {
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
  return undefined;
}
