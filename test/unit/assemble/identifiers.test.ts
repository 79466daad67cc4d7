import { describe, expect, it } from 'vitest';
import { checkBic, checkIban, checkVatId } from '../../../src/assemble/normalize/identifiers.js';

describe('identifier checks', () => {
  it.each([
    ['DE89 3704 0044 0532 0130 00', 'DE89370400440532013000', true],
    ['IBAN: GB29 NWBK 6016 1331 9268 19', 'GB29NWBK60161331926819', true],
    ['DE8O 3704 0044 0532 0130 00', 'DE80370400440532013000', false],
    ['DE89 3704 0044 0532 0130 01', 'DE89370400440532013001', false],
  ])('IBAN %s', (text, value, valid) => {
    expect(checkIban(text)).toMatchObject({ value, valid });
  });

  it('repairs an O read for a zero in the check digits', () => {
    expect(checkIban('DEO2 1203 0000 0000 2020 51')).toMatchObject({
      value: 'DE02120300000000202051',
      valid: true,
    });
    expect(checkIban('FR76 3000 6000 0112 3456 7890 189')).toMatchObject({ valid: true, country: 'FR' });
  });

  it.each([
    ['DEUTDEFF', true],
    ['BIC: COBA DE FF XXX', true],
    ['DEUT1EFF', false],
  ])('BIC %s', (text, valid) => {
    expect(checkBic(text).valid).toBe(valid);
  });

  it.each([
    ['DE136695976', true, 'DE'],
    ['USt-IdNr.: DE 136 695 976', true, 'DE'],
    ['DE136695977', false, 'DE'],
    ['FR40303265045', true, 'FR'],
    ['ATU13585627', true, 'AT'],
  ])('VAT id %s', (text, valid, country) => {
    expect(checkVatId(text)).toMatchObject({ valid, country });
  });
});

describe('isValidCreditorReference (ISO 11649)', () => {
  it('accepts valid references with or without spaces and rejects a changed digit or a cut', async () => {
    const { isValidCreditorReference } = await import('../../../src/assemble/normalize/identifiers.js');
    expect(isValidCreditorReference('RF18 5390 0754 7034')).toBe(true);
    expect(isValidCreditorReference('RF18539007547034')).toBe(true);
    expect(isValidCreditorReference('RF18 5390 0754 7035')).toBe(false);
    expect(isValidCreditorReference('RF18 5390 0754')).toBe(false);
    expect(isValidCreditorReference('INV-2024-17')).toBe(false);
  });
});
