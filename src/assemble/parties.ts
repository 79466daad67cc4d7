/**
 * The words that mark party names on invoices and receipts, shared by the assembly rules: legal forms (where a
 * company's name ends), salutations (which open a person's name) and party section titles.
 */

// A legal form ends a company's name: the line under "AEON CO. (M) BHD" is the branch's address, even when the
// model tags it as the name too.
export const LEGAL_END =
  /^(BHD\.?|GmbH|mbH|AG|KG|OHG|e\.K\.|a\.G\.|Co\.|Ltd\.?|Limited|Inc\.?|LLC|LLP|PLC|Corp\.?|SARL|SAS|S\.A\.S?\.?|S\.L\.U?\.?|S\.p\.A\.|S\.r\.l\.|B\.V\.|N\.V\.)$/i;

// A word of a company registration number: it has a digit, or it is shaped like a Malaysian one ("802729-U") read
// with letters for its digits ("SUZTZI-U"), or it is the letter that ends the older form ("(139386 X)").
const REGISTRATION = /\p{N}|^\(?[\p{L}\p{N}]{5,8}-\p{Lu}\)?$|^\p{Lu}\)$/u;
// Punctuation alone may follow a registration number ("(126926-H) *").
const PUNCTUATION = /^[^\p{L}\p{N}]+$/u;

/**
 * `indices` (words of a name, in order) up to the name's legal form when only words with digits follow it: the
 * registration number printed after a company's name ("MOONLIGHT CAKE HOUSE SDN BHD 802729-U", "TF Value-Mart Sdn
 * Bhd (482123-U)"). A legal form is where a company's name ends; other words after it are kept ("Muster GmbH Berlin").
 */
export function untilLegalForm(
  words: readonly { text: string }[],
  indices: readonly number[],
): readonly number[] {
  const end = indices.findLastIndex((i) => LEGAL_END.test(words[i]?.text ?? ''));
  if (end < 0 || end === indices.length - 1) return indices;
  const after = indices.slice(end + 1);
  const texts = after.map((i) => words[i]?.text ?? '');
  if (
    !texts.some((t) => REGISTRATION.test(t)) ||
    !texts.every((t) => REGISTRATION.test(t) || PUNCTUATION.test(t))
  )
    return indices;
  return indices.slice(0, end + 1);
}

// The words of legal forms, and the joiners between them ("Sdn Bhd", "GmbH & Co. KG", "Co. (M) Bhd"): a "name"
// made of these alone names no company.
export const LEGAL_WORD = /^(sdn\.?|pte\.?|pty\.?|&|\(m\))$/i;

// Salutations printed on their own line above a person's name in an address block ("Herrn" / "Max Mustermann").
export const SALUTATION =
  /^(herrn?|frau|mr\.?|mrs\.?|ms\.?|monsieur|madame|m\.|mme\.?|señor|señora|sr\.|sra\.|sig\.|sig\.ra|dhr\.|mevr\.)$/i;

// Section titles, as the first word of their line ("Käufer/Leistungsempfänger", "Buyer", "Rechnungsempfänger").
export const TITLES: Record<'supplier_name' | 'customer_name', RegExp> = {
  supplier_name:
    /^(verkäufer|rechnungssteller|lieferant|leistungserbringer|seller|supplier|vendor|vendeur|fournisseur|vendedor|emisor|venditore|cedente|verkoper|leverancier)\b/i,
  customer_name:
    /^(käufer|rechnungsempfänger|leistungsempfänger|buyer|customer|bill-?to|acheteur|client|comprador|cliente|acquirente|cessionario|koper|afnemer)\b/i,
};

// A word of a person's name: capitalised letters, with hyphens, apostrophes or a dot ("Müller-Lüdenscheidt").
const PERSON_WORD = /^\p{Lu}[\p{L}'’.-]*$/u;

/**
 * A row that reads as a person's name above an address: two to four capitalised words, and a number (the street's)
 * on the row below ("Liselotte Müllermann" / "Beispielstraße 24").
 */
export function personAboveStreet(row: readonly string[], below: readonly string[]): boolean {
  return (
    row.length >= 2 &&
    row.length <= 4 &&
    row.every((t) => PERSON_WORD.test(t)) &&
    below.some((t) => /\p{N}/u.test(t))
  );
}

// OCR misreadings of the legal form that ends a Malaysian company name, as our OCR makes them: "SON BHD", "SDN EHD",
// "SDN 8HD", "SDN BID", "SDN BITD", "SD BHD", "SDN BILD" (H read as IL), "SON. BD." (H lost), "San Bhd". Only the
// pair is read back, never one word alone ("JOHN & SON" stays).
const SDN_BHD = /\bS[DOA0]N?(\.?)(\s+)[B8E](?:H|I|IT|U|IL)?[DO0](\.?)$/i;

/** An OCR'd name with its legal form read back to what it must be ("… SON BHD" → "… SDN BHD", "San Bhd" → "Sdn Bhd"). */
export function fixOcrLegalForm(name: string): string {
  return name.replace(SDN_BHD, (found, dot1: string, space: string, dot2: string) =>
    found === found.toUpperCase() ? `SDN${dot1}${space}BHD${dot2}` : `Sdn${dot1}${space}Bhd${dot2}`,
  );
}
