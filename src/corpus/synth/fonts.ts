/**
 * Fonts for the synthetic invoices: the 14 PDF standard fonts plus TTF/WOFF files from npm packages.
 * Each embedded font is parsed once per process and the parsed object is handed to every document:
 * re-parsing costs 60–170 ms per document, and fontkit inflates WOFF tables on every glyph read,
 * so WOFF files are unpacked to plain sfnt first.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';

export interface FontFace {
  /** Name for pdfkit: a standard font name or our registered alias. */
  regular: string;
  bold: string;
  /** Monospaced faces suit receipts and ERP printouts. */
  mono: boolean;
  serif: boolean;
  /** Average width factor relative to Helvetica, for layout budgeting. */
  widthFactor: number;
}

interface FaceFiles {
  name: string;
  regular: string;
  bold: string;
  mono: boolean;
  serif: boolean;
  widthFactor: number;
}

const require = createRequire(import.meta.url);
const pkgDir = (pkg: string) => dirname(require.resolve(`${pkg}/package.json`));

function fontsourceFile(pkg: string, weight: 400 | 700): string {
  const slug = pkg.split('/')[1] ?? pkg;
  return join(pkgDir(pkg), 'files', `${slug}-latin-${weight}-normal.woff`);
}

const dejavu = (f: string) => join(pkgDir('dejavu-fonts-ttf'), 'ttf', f);

const EMBEDDED: FaceFiles[] = [
  {
    name: 'DejaVuSans',
    regular: dejavu('DejaVuSans.ttf'),
    bold: dejavu('DejaVuSans-Bold.ttf'),
    mono: false,
    serif: false,
    widthFactor: 1.1,
  },
  {
    name: 'DejaVuSansCondensed',
    regular: dejavu('DejaVuSansCondensed.ttf'),
    bold: dejavu('DejaVuSansCondensed-Bold.ttf'),
    mono: false,
    serif: false,
    widthFactor: 1.0,
  },
  {
    name: 'DejaVuSerif',
    regular: dejavu('DejaVuSerif.ttf'),
    bold: dejavu('DejaVuSerif-Bold.ttf'),
    mono: false,
    serif: true,
    widthFactor: 1.15,
  },
  {
    name: 'DejaVuSansMono',
    regular: dejavu('DejaVuSansMono.ttf'),
    bold: dejavu('DejaVuSansMono-Bold.ttf'),
    mono: true,
    serif: false,
    widthFactor: 1.2,
  },
  ...(
    [
      ['@fontsource/roboto', false, false, 1.0],
      ['@fontsource/lato', false, false, 0.98],
      ['@fontsource/open-sans', false, false, 1.06],
      ['@fontsource/merriweather', false, true, 1.15],
      ['@fontsource/source-code-pro', true, false, 1.2],
    ] as const
  ).map(([pkg, mono, serif, widthFactor]) => ({
    name: pkg.split('/')[1] ?? pkg,
    regular: fontsourceFile(pkg, 400),
    bold: fontsourceFile(pkg, 700),
    mono,
    serif,
    widthFactor,
  })),
];

const STANDARD: FontFace[] = [
  { regular: 'Helvetica', bold: 'Helvetica-Bold', mono: false, serif: false, widthFactor: 1.0 },
  { regular: 'Times-Roman', bold: 'Times-Bold', mono: false, serif: true, widthFactor: 0.9 },
  { regular: 'Courier', bold: 'Courier-Bold', mono: true, serif: false, widthFactor: 1.2 },
];

/** Unpacks a WOFF 1.0 file into the plain sfnt (TTF/OTF) it wraps. */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.readUInt32BE(0) !== 0x774f4646) return woff;
  const flavor = woff.readUInt32BE(4);
  const numTables = woff.readUInt16BE(12);
  const tables: { tag: number; checksum: number; data: Buffer }[] = [];
  for (let i = 0; i < numTables; i++) {
    const e = 44 + i * 20;
    const offset = woff.readUInt32BE(e + 4);
    const compLength = woff.readUInt32BE(e + 8);
    const origLength = woff.readUInt32BE(e + 12);
    const raw = woff.subarray(offset, offset + compLength);
    tables.push({
      tag: woff.readUInt32BE(e),
      checksum: woff.readUInt32BE(e + 16),
      data: compLength < origLength ? inflateSync(raw) : Buffer.from(raw),
    });
  }
  let entrySelector = 0;
  while (2 ** (entrySelector + 1) <= numTables) entrySelector++;
  const searchRange = 2 ** entrySelector * 16;
  const headerLen = 12 + numTables * 16;
  const size = tables.reduce((n, t) => n + ((t.data.length + 3) & ~3), headerLen);
  const out = Buffer.alloc(size);
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(numTables * 16 - searchRange, 10);
  let offset = headerLen;
  tables.forEach((t, i) => {
    const r = 12 + i * 16;
    out.writeUInt32BE(t.tag, r);
    out.writeUInt32BE(t.checksum, r + 4);
    out.writeUInt32BE(offset, r + 8);
    out.writeUInt32BE(t.data.length, r + 12);
    t.data.copy(out, offset);
    offset += (t.data.length + 3) & ~3;
  });
  return out;
}

/** Parsed fontkit objects by alias; pdfkit accepts them in place of a path or buffer. */
let parsed: Map<string, unknown> | undefined;

function loadParsed(): Map<string, unknown> {
  if (parsed) return parsed;
  parsed = new Map();
  const probe = new PDFDocument({ autoFirstPage: false });
  for (const f of EMBEDDED) {
    for (const [alias, file] of [
      [f.name, f.regular],
      [`${f.name}-Bold`, f.bold],
    ] as const) {
      probe.font(woffToSfnt(readFileSync(file)));
      // pdfkit keeps the fontkit object on the current font; reusing it skips parsing per document.
      const font = (probe as unknown as { _font?: { font?: { layout?: unknown } } })._font?.font;
      parsed.set(alias, typeof font?.layout === 'function' ? font : woffToSfnt(readFileSync(file)));
    }
  }
  return parsed;
}

/** All font faces, standard ones first. */
export function fontFaces(): FontFace[] {
  return [
    ...STANDARD,
    ...EMBEDDED.map((f) => ({
      regular: f.name,
      bold: `${f.name}-Bold`,
      mono: f.mono,
      serif: f.serif,
      widthFactor: f.widthFactor,
    })),
  ];
}

/** Registers a face's embedded fonts in a document (standard fonts need nothing). */
export function registerFace(doc: PDFKit.PDFDocument, face: FontFace): void {
  const fonts = loadParsed();
  for (const alias of [face.regular, face.bold]) {
    const src = fonts.get(alias);
    // fontkit caches glyphs with the code points of their first request; subsetting an earlier document
    // may have created a glyph as a composite component with none ('.' inside ':'), which would leave it
    // out of this document's ToUnicode map. A fresh cache per document keeps documents independent.
    const cache = src as { _glyphs?: unknown } | undefined;
    if (cache && typeof cache === 'object' && '_glyphs' in cache) cache._glyphs = {};
    // pdfkit's types only name paths and buffers; at run time it takes a parsed fontkit font too.
    if (src) doc.registerFont(alias, src as Buffer);
  }
}

/**
 * Characters every face can draw: Latin-1, the euro sign and the few WinAnsi punctuation marks that the
 * fontsource "latin" subsets also carry. Generated text is folded into this set before it is drawn.
 */
const EXTRA = new Set([...'€œŒ‘’“”–—•…™']);

export function safeText(s: string): string {
  let out = '';
  for (const ch of s.normalize('NFC')) {
    const cp = ch.codePointAt(0) ?? 0;
    if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || EXTRA.has(ch)) {
      out += ch === '\u00a0' ? ' ' : ch;
      continue;
    }
    const folded = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    out += /^[\x20-\x7e]+$/.test(folded) ? folded : '';
  }
  return out;
}
