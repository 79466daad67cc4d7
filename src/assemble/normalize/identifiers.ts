/**
 * Identifier normalisation and checks: IBAN check digits (ibantools, ISO 13616), BIC shape
 * (ISO 9362), EU VAT ids (jsvat check-digit algorithms). A value that fails its check keeps its
 * text but the caller lowers its confidence and reports the failure in `validation`.
 */
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { checkVAT, countries } from 'jsvat';

export interface IdentifierCheck {
  value: string;
  valid: boolean;
  /** ISO 3166 alpha-2 country the identifier names, when it names one. */
  country?: string;
}

// OCR reads O for 0 in the digit part of IBANs; the country code and check digits are positions we know.
function fixIbanOcr(s: string): string {
  const head = s.slice(0, 2).replace(/0/g, 'O');
  const check = s.slice(2, 4).replace(/[Oo]/g, '0').replace(/[Il]/g, '1');
  return head + check + s.slice(4);
}

export function checkIban(text: string): IdentifierCheck {
  const compact = fixIbanOcr((electronicFormatIBAN(text.replace(/^IBAN[:\s]*/i, '')) ?? '').toUpperCase());
  return { value: compact, valid: isValidIBAN(compact), country: compact.slice(0, 2) };
}

export function checkBic(text: string): IdentifierCheck {
  const compact = text
    .replace(/^(BIC|SWIFT)[:\s]*/i, '')
    .replace(/\s+/g, '')
    .toUpperCase();
  return { value: compact, valid: isValidBIC(compact), country: compact.slice(4, 6) };
}

export function checkVatId(text: string): IdentifierCheck {
  const compact = text
    .replace(/^(VAT|USt-?IdNr\.?|TVA|IVA|BTW|P\.?\s?IVA|N°\s?TVA)[:\s.]*/i, '')
    .replace(/[\s.-]/g, '')
    .toUpperCase();
  const r = checkVAT(compact, countries);
  const out: IdentifierCheck = { value: compact, valid: r.isValid };
  const iso = r.country?.isoCode.short;
  if (iso) out.country = iso === 'GR' ? 'GR' : iso;
  else if (/^[A-Z]{2}/.test(compact)) out.country = compact.slice(0, 2) === 'EL' ? 'GR' : compact.slice(0, 2);
  return out;
}

/**
 * ISO 11649 creditor reference ("RF18 5390 0754 7034"): RF, two check digits, up to 21 letters or digits; valid
 * when the reference moved behind its first four characters, letters as 10..35, is 1 modulo 97 (as in IBANs).
 */
export function isValidCreditorReference(text: string): boolean {
  const compact = text.replace(/\s+/g, '').toUpperCase();
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(compact)) return false;
  const digits = [...`${compact.slice(4)}${compact.slice(0, 4)}`]
    .map((c) => (c >= 'A' ? String(c.charCodeAt(0) - 55) : c))
    .join('');
  return BigInt(digits) % 97n === 1n;
}
