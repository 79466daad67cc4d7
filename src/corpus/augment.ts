/**
 * Name swapping for real training documents. The real sets repeat a handful of parties (every ZUGFeRD training
 * specimen is from "Lieferant GmbH" to "Kunden AG Mitte"; a SROIE shop prints its name on all its receipts), so a
 * model can learn the names themselves instead of where names are printed, and then tags nothing on a held-out
 * seller's invoice. A swapped copy prints other names in the same places: every word of a labeled supplier or
 * customer name becomes a generated name word, in the original's case and punctuation, everywhere the document
 * prints it. Legal forms, salutations and words without letters stay, since they are part of what a name looks like.
 */
import type { CorpusDoc, CorpusWord } from './format.js';
import { MY_NAME_WORDS, MY_SHOP_WORDS } from './synth/invoice.js';
import { fakerFor, LOCALE_IDS, LOCALES, type LocaleId } from './synth/locales.js';
import { Rng, seedOf } from './synth/rng.js';

/** The fields whose words are swapped. Addresses and identifiers are left alone: their form carries meaning. */
export const SWAP_FIELDS = ['supplier_name', 'customer_name'] as const;

/** Words kept as printed, upper-cased without dots: legal forms of every locale, and salutations. */
const KEEP = new Set(
  [
    ...Object.values(LOCALES).flatMap((l) => l.legalForms.flatMap((f) => f.split(/\s+/))),
    ...[
      'GmbH',
      'AG',
      'KG',
      'Co',
      'mbH',
      'aG',
      'eV',
      'Ltd',
      'Inc',
      'LLC',
      'SA',
      'SAS',
      'SARL',
      'BV',
      'NV',
      'SDN',
      'BHD',
    ],
    ...['Herrn', 'Herr', 'Frau', 'Mr', 'Mrs', 'Ms', 'Dr', 'M', 'Mme', 'Sr', 'Sra', 'Sig', 'Dhr', 'Mevr'],
  ]
    .map(bare)
    .filter((w) => w !== ''),
);

function bare(word: string): string {
  return word.replace(/[^\p{L}\p{N}]/gu, '').toUpperCase();
}

/** Splits a word into leading punctuation, core and trailing punctuation ("(Mitte)," → "(", "Mitte", "),"). */
function parts(word: string): [string, string, string] {
  const m = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/u.exec(word) as RegExpExecArray;
  return [m[1] as string, m[2] as string, m[3] as string];
}

/** A word whose letters are swapped: it has letters, no digits (a registration number), and is no legal form. */
function swappable(word: string): boolean {
  const core = parts(word)[1];
  return /\p{L}/u.test(core) && !/\p{N}/u.test(core) && !KEEP.has(bare(core));
}

/** Gives `word` the letter case of `like`: all capitals, lower case, or capitalised (generated names are). */
function caseLike(word: string, like: string): string {
  if (like === like.toUpperCase()) return word.toUpperCase();
  if (like === like.toLowerCase()) return word.toLowerCase();
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** One name word in the document's locale: mostly surnames and company-name words, some given names. */
function nameWord(rng: Rng, locale: LocaleId): string {
  const f = fakerFor(locale);
  f.seed(rng.uint32());
  let w = '';
  for (let tries = 0; tries < 10 && !/^\p{L}[\p{L}'-]+$/u.test(w); tries++) {
    const r = rng.next();
    if (locale === 'en-MY' && r < 0.6)
      w = rng.pick([...MY_NAME_WORDS, ...MY_SHOP_WORDS]).split(' ')[0] as string;
    else if (r < 0.65) w = f.person.lastName();
    else if (r < 0.8) w = f.person.firstName();
    else
      w = rng.pick(
        f.company
          .name()
          .split(/\s+/)
          .filter((x) => !KEEP.has(bare(x)))
          .concat(['']),
      );
  }
  return w === '' ? 'Name' : w;
}

function localeOf(doc: CorpusDoc): LocaleId {
  return (LOCALE_IDS as readonly string[]).includes(doc.locale) ? (doc.locale as LocaleId) : 'en-GB';
}

/**
 * A copy of `doc` whose supplier and customer names are other names (see the module comment). Labels, boxes and
 * word counts are unchanged; `fields` carries the new values. Deterministic in (doc.id, copy).
 */
export function swapNames(doc: CorpusDoc, copy: number): CorpusDoc {
  const rng = new Rng(seedOf(doc.id, 'swap-names', copy));
  const locale = localeOf(doc);
  // Original core text → replacement core, shared by the whole document so a name printed twice stays one name.
  const map = new Map<string, string>();
  const labeled = new Set<string>(SWAP_FIELDS.flatMap((f) => [`B-${f}`, `I-${f}`]));
  for (const page of doc.pages) {
    for (const w of page.words) {
      if (!labeled.has(w.label) || !swappable(w.text)) continue;
      const core = parts(w.text)[1];
      if (!map.has(core)) map.set(core, caseLike(nameWord(rng, locale), core));
    }
  }
  const swapWord = (w: CorpusWord): CorpusWord => {
    // An unlabeled printing of a name word is swapped only when the word is long enough to be that name
    // rather than a short common word that a name happens to contain ("Bau", "Sin").
    const [pre, core, post] = parts(w.text);
    const to = map.get(core);
    if (to === undefined || !swappable(w.text)) return w;
    if (!labeled.has(w.label) && core.length < 4) return w;
    return { ...w, text: `${pre}${to}${post}` };
  };
  const pages = doc.pages.map((p) => ({ ...p, words: p.words.map(swapWord) }));
  const fields = { ...doc.fields };
  for (const f of SWAP_FIELDS) {
    const v = fields[f];
    if (v === undefined) continue;
    const swapText = (t: string) =>
      /\s/.test(t) ? t : swapWord({ text: t, bbox: [0, 0, 0, 0], label: `B-${f}` }).text;
    fields[f] = v.split(/(\s+)/).map(swapText).join('');
  }
  return { ...doc, id: `${doc.id}#names${copy}`, fields, pages };
}
