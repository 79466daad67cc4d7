import { describe, expect, it } from 'vitest';
import type { Invoice } from '../../../src/assemble/schema.js';
import { band, boxStyle, esc, reviewPage } from '../../../src/deliver/review.js';
import type { DocumentView } from '../../../src/queue/status.js';
import { resultWith } from '../../fixtures/results.js';

const ID = `sha256:${'ab'.repeat(32)}`;

function view(over: Partial<DocumentView> = {}): DocumentView {
  return {
    id: ID,
    status: 'done',
    file_name: 'a<b>.pdf',
    media_type: 'application/pdf',
    bytes: 10,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    progress: { pages_done: 1, pages_total: 1 },
    ...over,
  };
}

const result = resultWith(
  {
    supplier_name: {
      value: 'Müller & <Söhne>',
      confidence: 0.95,
      regions: [{ page: 1, bbox: [0.1, 0.2, 0.35, 0.25] }],
    },
    total_amount: { value: '12.00', raw: '12,00', confidence: 0.62, regions: [] },
  },
  {
    line_items: [{ description: { value: '"Widget"', confidence: 0.8, regions: [] } }],
    validation: [{ rule: 'BR-CO-15', status: 'fail', message: 'a < b', fields: ['total_amount'] }],
  },
  'ab'.repeat(32),
);

describe('review page', () => {
  it('escapes every text it shows', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = reviewPage(view({ result }), { nonce: 'n0nce' });
    expect(html).not.toContain('<Söhne>');
    expect(html).toContain('Müller &amp; &lt;Söhne&gt;');
    expect(html).toContain('a&lt;b&gt;.pdf');
    expect(html).toContain('&quot;Widget&quot;');
    expect(html).toContain('a &lt; b');
  });

  it('puts a box on each region, in percent of the page, coloured by confidence band', () => {
    expect(boxStyle({ page: 1, bbox: [0.1, 0.2, 0.35, 0.25] })).toBe(
      'left:10.00%;top:20.00%;width:25.00%;height:5.00%',
    );
    expect([band(0.95), band(0.9), band(0.7), band(0.69)]).toEqual(['high', 'high', 'mid', 'low']);
    const html = reviewPage(view({ result }), { nonce: 'n0nce' });
    expect(html.match(/class="box /g)).toHaveLength(1);
    expect(html).toContain(
      '<div class="box high" data-field="supplier_name" style="left:10.00%;top:20.00%;width:25.00%;height:5.00%"',
    );
    expect(html).toContain('<tr data-field="total_amount" class="low"');
    expect(html).toContain('page · no region');
    expect(html).toContain(`<img src="/review/${'ab'.repeat(32)}/pages/1"`);
    // The one script runs under the response's nonce; nothing else is inline script.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<script nonce="n0nce">');
  });

  it('offers editing only where it can be saved (the service), offering the missing fields to add', () => {
    const editable = reviewPage(view({ result }), { nonce: 'n', editable: true });
    expect(editable).toContain(
      '<input class="edit" aria-label="supplier_name" data-name="supplier_name" data-orig="Müller &amp; &lt;Söhne&gt;" value="Müller &amp; &lt;Söhne&gt;">',
    );
    expect(editable).toContain('<button id="save"');
    expect(editable).toContain('<option>due_date</option>');
    expect(editable).not.toContain('<option>supplier_name</option>');
    const file = reviewPage(view({ result }), { nonce: 'n' });
    expect(file).not.toContain('class="edit"');
    expect(file).not.toContain('id="save"');
  });

  it('lists what needs a look first: values under 0.9 and checks that failed or warned', () => {
    const html = reviewPage(view({ result }), { nonce: 'n' });
    expect(html).toContain(
      '1 value(s) under 0.9: <a href="#" data-field="total_amount">total_amount 0.62</a> · 1 check(s) failed · 0 warning(s)',
    );
    const clean = { ...result, fields: { supplier_name: result.fields.supplier_name }, validation: [] };
    expect(reviewPage(view({ result: clean }), { nonce: 'n' })).toContain('every check passed');
  });

  it('draws line-item cells that have regions, linked to their row', () => {
    const withItem = {
      ...result,
      line_items: [
        { amount: { value: '12.00', confidence: 0.97, regions: [{ page: 1, bbox: [0.7, 0.5, 0.8, 0.52] }] } },
      ],
    } as Invoice;
    const html = reviewPage(view({ result: withItem }), { nonce: 'n' });
    expect(html).toContain(
      '<div class="box high item" data-field="item-1" style="left:70.00%;top:50.00%;width:10.00%;height:2.00%"',
    );
    expect(html).toContain('<tr data-field="item-1">');
  });

  it('shows progress while the document is read, and the error when it failed', () => {
    const busy = reviewPage(view({ status: 'processing', progress: { pages_done: 1, pages_total: 3 } }), {
      nonce: 'n',
    });
    expect(busy).toContain('<meta http-equiv="refresh" content="3">');
    expect(busy).toContain('1 of 3 pages read');
    expect(busy).not.toContain('<script');
    const failed = reviewPage(
      view({ status: 'failed', error: { code: 'INVEX_E_PDF_CORRUPT', message: 'bad <xref>' } }),
      { nonce: 'n' },
    );
    expect(failed).toContain('<code>INVEX_E_PDF_CORRUPT</code> bad &lt;xref&gt;');
    expect(failed).not.toContain('http-equiv="refresh"');
  });
});
