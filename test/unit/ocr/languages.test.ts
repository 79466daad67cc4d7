import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { InvexError } from '../../../src/errors.js';
import { ocrRaster } from '../../../src/ocr/ocr.js';
import { closeOcr, resolveLanguageData } from '../../../src/ocr/tesseract.js';
import { buildTextImage } from '../../fixtures/invoice-image.js';

const DEBIAN_TESSDATA = '/usr/share/tesseract-ocr/5/tessdata';

afterAll(closeOcr);

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  return err instanceof InvexError ? err.code : String(err);
}

describe('OCR languages', () => {
  it("loads eng+deu from two folders (invex's eng, the npm package's deu), linked into one, and reads German words", async () => {
    const data = resolveLanguageData('eng+deu');
    expect(Object.keys(data.files)).toEqual(['eng', 'deu']);
    expect(data.gzip).toBe(false);
    expect(existsSync(`${data.langPath}/deu.traineddata`)).toBe(true);
    // eng alone reads these as "Buromobel," and "Grole": the umlauts and ß come from deu.
    const img = buildTextImage('Rechnungsbetrag Büromöbel, Größe');
    const r = await ocrRaster(img.raster, { lang: 'eng+deu', workers: 1, recyclePages: 100 });
    expect(r.words.map((w) => w.text)).toEqual(['Rechnungsbetrag', 'Büromöbel,', 'Größe']);
  });

  it('uses a single npm folder directly for one language', () => {
    // tuned=false: without invex's own eng model (tuned-model.test.ts), which is otherwise found first.
    const data = resolveLanguageData('eng', undefined, false);
    expect(data.gzip).toBe(true);
    expect(data.langPath).toMatch(/@tesseract\.js-data\/eng\/4\.0\.0_best_int$/);
  });

  it('fails fast with INVEX_E_OCR_LANGUAGE_MISSING for a language without data', async () => {
    const t0 = performance.now();
    expect(() => resolveLanguageData('eng+xxx')).toThrow(/xxx/);
    expect(await codeOf(ocrRaster(buildTextImage('hello').raster, { lang: 'xxx' }))).toBe(
      'INVEX_E_OCR_LANGUAGE_MISSING',
    );
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('rejects malformed language codes as a usage error', async () => {
    expect(await codeOf(ocrRaster(buildTextImage('hello').raster, { lang: '../eng' }))).toBe('INVEX_E_USAGE');
  });

  it.skipIf(!existsSync(`${DEBIAN_TESSDATA}/eng.traineddata`))(
    'prefers a tessdata folder (INVEX_TESSDATA_DIR) with uncompressed data',
    async () => {
      const data = resolveLanguageData('eng', DEBIAN_TESSDATA);
      expect(data).toMatchObject({ langPath: DEBIAN_TESSDATA, gzip: false });
      const img = buildTextImage('Invoice number 4711');
      const r = await ocrRaster(img.raster, {
        lang: 'eng',
        workers: 1,
        recyclePages: 100,
        tessdataDir: DEBIAN_TESSDATA,
      });
      expect(r.words.map((w) => w.text)).toEqual(['Invoice', 'number', '4711']);
    },
  );
});
