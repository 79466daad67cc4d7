import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../../src/cli/extract-command.js';
import { ciiXml, EINVOICE, einvoicePdf } from '../fixtures/einvoice.js';

const run = promisify(execFile);
const invex = (...args: string[]) =>
  run(process.execPath, ['bin/invex.js', 'extract', ...args], { maxBuffer: 1 << 26 });

describe('invex extract --review and --no-embedded', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'invex-cli-'));
    const bytes = await einvoicePdf([{ name: 'factur-x.xml', xml: ciiXml() }], {
      ...EINVOICE,
      gross: '118.00',
    });
    // Two inputs of the same name in different folders: their review files must not overwrite each other.
    for (const sub of ['a', 'b']) {
      mkdirSync(join(dir, sub));
      await writeFile(join(dir, sub, 'facturx.pdf'), bytes);
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes a self-contained review page per file beside the JSON lines', async () => {
    const out = join(dir, 'review');
    const { stdout } = await invex(
      join(dir, 'a', 'facturx.pdf'),
      join(dir, 'b', 'facturx.pdf'),
      '--review',
      out,
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.fields.total_amount.value)).toEqual(['119.00', '119.00']);
    expect(readdirSync(out).sort()).toEqual(['facturx.pdf-2.html', 'facturx.pdf.html']);
    const html = readFileSync(join(out, 'facturx.pdf.html'), 'utf8');
    expect(html).toContain('<tr data-field="total_amount"');
    const png = /src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(html)?.[1];
    expect(
      Buffer.from(png ?? '', 'base64')
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });

  it('reads the pages alone with --no-embedded', async () => {
    const { stdout } = await invex(join(dir, 'a', 'facturx.pdf'), '--no-embedded');
    const line = JSON.parse(stdout);
    expect(line.document.embedded).toBeUndefined();
    expect(line.fields.total_amount.value).toBe('118.00');
  });

  it('names review files apart', () => {
    const taken = new Set<string>();
    expect(['x.pdf.html', 'x.pdf.html', 'x.pdf.html'].map((n) => uniqueName(taken, n))).toEqual([
      'x.pdf.html',
      'x.pdf-2.html',
      'x.pdf-3.html',
    ]);
  });
});
