/**
 * The review screen (`GET /review/:id`): one document's pages with a box on every value's region, coloured by
 * confidence, beside the table of values, the checks and the line items. Hovering or clicking a value shows its
 * box and the other way round, so a person checks a value against the page at a glance. Rendered here as one
 * self-contained HTML page (no build step, no third-party script): the page images come from
 * `/review/:id/pages/:n` (the API's page image, under the path the browser gave its key for), and the script runs under a per-response nonce.
 */

import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { type Invoice, type InvoiceField, LINE_ITEM_FIELDS, type Region } from '../assemble/schema.js';
import { DOCUMENT_FIELDS } from '../ner/labels.js';
import type { DocumentView } from '../queue/status.js';
import { type PageImageLimits, renderPageImage } from './page-image.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** Confidence bands of the screen (the calibrated meaning: ≥ 0.9 is right about 9 times in 10). */
export function band(confidence: number): 'high' | 'mid' | 'low' {
  return confidence >= 0.9 ? 'high' : confidence >= 0.7 ? 'mid' : 'low';
}

const pct = (x: number) => `${(Math.round(x * 10000) / 100).toFixed(2)}%`;

/** A region as a box over its page image: position and size in percent of the page. */
export function boxStyle(r: Region): string {
  const [x0, y0, x1, y1] = r.bbox;
  return `left:${pct(x0)};top:${pct(y0)};width:${pct(Math.max(0, x1 - x0))};height:${pct(Math.max(0, y1 - y0))}`;
}

function sourceLabel(f: Pick<InvoiceField, 'source' | 'derived'>): string {
  if (f.source === 'embedded') return 'e-invoice XML';
  return f.source ?? (f.derived ? 'derived' : 'page');
}

function fieldRows(fields: Invoice['fields'], editable: boolean): string {
  return Object.entries(fields)
    .flatMap(([name, f]) => (f ? [[name, f] as const] : []))
    .map(([name, f]) => {
      const value = esc(String(f.value));
      const cell = editable
        ? `<input class="edit" aria-label="${esc(name)}" data-name="${esc(name)}" data-orig="${value}" value="${value}">`
        : value;
      return (
        `<tr data-field="${esc(name)}" class="${band(f.confidence)}" tabindex="0"><th scope="row">${esc(name)}</th>` +
        `<td class="value">${cell}</td><td class="raw">${esc(f.raw ?? '')}</td>` +
        `<td class="conf"><meter min="0" max="1" low="0.7" high="0.9" optimum="1" value="${f.confidence}"></meter> ${f.confidence.toFixed(2)}</td>` +
        `<td class="source">${sourceLabel(f)}${f.regions.length === 0 ? ' · no region' : ''}</td></tr>`
      );
    })
    .join('\n');
}

/** The editing controls: a row to add a value the result lacks, and the save button. */
function editControls(fields: Invoice['fields']): string {
  const missing = DOCUMENT_FIELDS.filter((f) => !fields[f]);
  const options = missing.map((f) => `<option>${f}</option>`).join('');
  return (
    `<p class="edit-help">Change a value and save; empty a value to remove it. Values in the output's formats: ` +
    `dates YYYY-MM-DD, amounts 1234.50, currency EUR.</p>` +
    `<p class="add"><select id="add-name" aria-label="field to add"><option value="">add a field…</option>${options}</select> ` +
    `<input id="add-value" aria-label="value to add"> <button id="save" type="button">Save corrections</button> ` +
    `<span id="save-status" role="status"></span></p>`
  );
}

export interface ReviewOptions {
  /** Lets the page's one script run under a Content-Security-Policy. */
  nonce: string;
  /** Offer editing (the service: PATCH /review/:id/fields); not in a file written by the CLI. */
  editable?: boolean;
  /** Where page n's image comes from; default the service's `/review/:id/pages/:n`. */
  pageSrc?: (n: number) => string;
}

type AnyField = Pick<InvoiceField, 'confidence' | 'regions'> & { value: unknown };

/** Every value with a region, as [data-field key, label, field]: document fields, then line-item cells. */
function located(inv: Invoice): [string, string, AnyField][] {
  const out: [string, string, AnyField][] = [];
  for (const [name, f] of Object.entries(inv.fields)) if (f) out.push([name, name, f]);
  inv.line_items.forEach((item, i) => {
    for (const col of LINE_ITEM_FIELDS) {
      const f = item[col];
      if (f) out.push([`item-${i + 1}`, `line ${i + 1} ${col}`, f]);
    }
  });
  return out;
}

function pageFigures(inv: Invoice, src: (n: number) => string): string {
  const all = located(inv);
  return inv.document.pages
    .map((p) => {
      const boxes = all
        .flatMap(([key, label, f]) =>
          f.regions
            .filter((r) => r.page === p.number)
            .map(
              (r) =>
                `<div class="box ${band(f.confidence)}${key.startsWith('item-') ? ' item' : ''}" data-field="${esc(key)}" style="${boxStyle(r)}" title="${esc(`${label}: ${String(f.value)} (${f.confidence.toFixed(2)})`)}"></div>`,
            ),
        )
        .join('');
      return (
        `<figure class="page" data-page="${p.number}" style="aspect-ratio:${p.width} / ${p.height}">` +
        `<img src="${esc(src(p.number))}" alt="page ${p.number}">${boxes}` +
        `<figcaption>page ${p.number} of ${inv.document.pages.length}${p.source === 'ocr' ? ' · OCR' : ''}</figcaption></figure>`
      );
    })
    .join('\n');
}

/** What to look at first: values under 0.9 (the calibrated "right 9 times in 10") and failed or warned checks. */
export function attention(inv: Invoice): string {
  const unsure = Object.entries(inv.fields)
    .flatMap(([name, f]) => (f && f.confidence < 0.9 ? [[name, f.confidence] as const] : []))
    .sort((a, b) => a[1] - b[1]);
  const failed = inv.validation.filter((r) => r.status === 'fail').length;
  const warned = inv.validation.filter((r) => r.status === 'warn').length;
  if (unsure.length === 0 && failed === 0 && warned === 0)
    return '<p class="attention ok">Every value has a confidence of 0.9 or more, and every check passed.</p>';
  const links = unsure
    .map(([name, c]) => `<a href="#" data-field="${esc(name)}">${esc(name)} ${c.toFixed(2)}</a>`)
    .join(', ');
  return (
    `<p class="attention">${unsure.length} value(s) under 0.9${unsure.length ? `: ${links}` : ''}` +
    ` · ${failed} check(s) failed · ${warned} warning(s)</p>`
  );
}

function checks(v: Invoice['validation']): string {
  if (v.length === 0) return '<p>none</p>';
  return `<ul class="checks">${v
    .map(
      (r) =>
        `<li class="${r.status}"${r.fields ? ` data-fields="${esc(r.fields.join(' '))}"` : ''}><b>${r.status}</b> <code>${esc(r.rule)}</code> ${esc(r.message)}</li>`,
    )
    .join('')}</ul>`;
}

function lineItems(items: Invoice['line_items']): string {
  if (items.length === 0) return '<p>none</p>';
  const head = LINE_ITEM_FIELDS.map((c) => `<th>${c}</th>`).join('');
  const rows = items
    .map(
      (it, i) =>
        `<tr data-field="item-${i + 1}">${LINE_ITEM_FIELDS.map((c) => `<td>${esc(it[c]?.value ?? '')}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table class="items"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1d2430;background:#f4f5f7}
header{padding:12px 20px;background:#1d2430;color:#fff}header h1{font-size:17px;margin:0}header p{margin:4px 0 0;opacity:.8}
main{display:grid;grid-template-columns:minmax(0,1fr) minmax(420px,40%);gap:20px;padding:20px}
.page{position:relative;margin:0 0 20px;background:#fff;box-shadow:0 1px 4px #0003}
.page img{display:block;width:100%;height:100%}
.page figcaption{position:absolute;right:6px;bottom:4px;font-size:12px;opacity:.6}
.box{position:absolute;border:2px solid;border-radius:2px;cursor:pointer;opacity:.75}
.box.high{border-color:#1a7f37}.box.mid{border-color:#bf8700}.box.low{border-color:#cf222e}
.box.item{border-width:1px;border-style:dashed;opacity:.5}
.box.active{opacity:1;background:#0969da33;border-color:#0969da;outline:3px solid #0969da66}
.attention{margin:0 20px;padding:8px 12px;background:#fff8c5;border-left:4px solid #bf8700}.attention.ok{background:#dafbe1;border-color:#1a7f37}
.attention a{color:inherit}
table{border-collapse:collapse;width:100%;background:#fff;margin-bottom:16px}
th,td{text-align:left;padding:4px 6px;border-bottom:1px solid #e5e7eb;vertical-align:top;overflow-wrap:anywhere}
th{white-space:nowrap;overflow-wrap:normal}
aside{position:sticky;top:0;max-height:100vh;overflow:auto}
tr[data-field]{cursor:pointer}tr[data-field].active{background:#ddf4ff}
tr.high th{border-left:4px solid #1a7f37}tr.mid th{border-left:4px solid #bf8700}tr.low th{border-left:4px solid #cf222e}
.raw{color:#57606a}.conf meter{width:60px}
.checks{padding:0;list-style:none}.checks li{padding:3px 6px;margin:2px 0;background:#fff}
.checks .fail{border-left:4px solid #cf222e}.checks .warn{border-left:4px solid #bf8700}.checks .pass{border-left:4px solid #1a7f37}
h2{font-size:15px;margin:16px 0 6px}
input.edit{width:100%;box-sizing:border-box;font:inherit;border:1px solid #d0d7de;padding:2px 4px}
.edit-help{font-size:12px;color:#57606a}#save-status{margin-left:8px}`;

// Links every element that names a field (boxes, table rows) both ways.
const SCRIPT = `
const all = (f) => document.querySelectorAll('[data-field="' + CSS.escape(f) + '"]');
const mark = (f, on) => all(f).forEach((el) => el.classList.toggle('active', on));
document.querySelectorAll('[data-field]').forEach((el) => {
  const f = el.dataset.field;
  el.addEventListener('mouseenter', () => mark(f, true));
  el.addEventListener('mouseleave', () => { if (!el.classList.contains('pinned')) mark(f, false); });
  el.addEventListener('click', (e) => {
    e.preventDefault();
    document.querySelectorAll('.active').forEach((a) => a.classList.remove('active', 'pinned'));
    all(f).forEach((a) => a.classList.add('active', 'pinned'));
    // From a box to its row; from a row or a link above to its box.
    const other = document.querySelector((el.classList.contains('box') ? 'tr' : '.box') + '[data-field="' + CSS.escape(f) + '"]');
    other?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  });
});
// Editing (service only): changed inputs, emptied ones as null, and the added field, in one PATCH.
document.querySelector('#save')?.addEventListener('click', async () => {
  const fields = {};
  document.querySelectorAll('input.edit').forEach((i) => {
    if (i.value !== i.dataset.orig) fields[i.dataset.name] = i.value.trim() === '' ? null : i.value.trim();
  });
  const add = document.querySelector('#add-name').value;
  if (add && document.querySelector('#add-value').value.trim()) fields[add] = document.querySelector('#add-value').value.trim();
  const status = document.querySelector('#save-status');
  if (Object.keys(fields).length === 0) { status.textContent = 'nothing changed'; return; }
  status.textContent = 'saving…';
  const r = await fetch(location.pathname + '/fields', {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', 'x-invex-review': '1' },
    body: JSON.stringify({ fields }),
  });
  if (r.ok) location.reload();
  else status.textContent = ((await r.json().catch(() => ({}))).error?.message) ?? ('HTTP ' + r.status);
});`;

/** The whole review page of a document in any state. */
export function reviewPage(view: DocumentView, opts: ReviewOptions): string {
  const { nonce } = opts;
  const hex = view.id.replace(/^sha256:/, '');
  const src = opts.pageSrc ?? ((n: number) => `/review/${hex}/pages/${n}`);
  const title = view.file_name ?? view.id;
  let head = `<p>${esc(view.status)} · ${esc(view.media_type)} · ${view.progress.pages_done} of ${view.progress.pages_total} pages read</p>`;
  let body: string;
  let refresh = '';
  if (view.status === 'done' && view.result) {
    const inv = view.result;
    head = `<p>${inv.document.pages.length} page(s) · model ${esc(inv.model.name)} ${esc(inv.model.version)}${
      inv.document.embedded ? ` · values from the embedded ${esc(inv.document.embedded.file)}` : ''
    } · boxes: <span>green ≥ 0.9</span>, <span>amber ≥ 0.7</span>, <span>red below</span></p>`;
    body =
      attention(inv) +
      `<main><section class="pages">${pageFigures(inv, src)}</section><aside>` +
      `<h2>Fields</h2><table class="fields"><thead><tr><th>field</th><th>value</th><th>printed</th><th>confidence</th><th>source</th></tr></thead><tbody>${fieldRows(inv.fields, opts.editable === true)}</tbody></table>` +
      (opts.editable ? editControls(inv.fields) : '') +
      `<h2>Checks</h2>${checks(inv.validation)}<h2>Line items</h2>${lineItems(inv.line_items)}</aside></main>` +
      `<script nonce="${nonce}">${SCRIPT}</script>`;
  } else if (view.status === 'failed') {
    body = `<main><p class="error"><code>${esc(view.error?.code ?? 'INVEX_E_INTERNAL')}</code> ${esc(view.error?.message ?? '')}</p></main>`;
  } else {
    // Still queued or being read: look again in a few seconds.
    refresh = '<meta http-equiv="refresh" content="3">';
    body = '<main><p>This document is still being read; the page refreshes itself.</p></main>';
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">${refresh}<title>invex review · ${esc(title)}</title><style>${STYLE}</style></head><body><header><h1>${esc(title)}</h1>${head}</header>${body}</body></html>`;
}

/**
 * The review page of one `invex extract` result as a file that needs no server: the page images, rendered from
 * the input's bytes as the service renders them, are inline as data URIs.
 */
export async function reviewFile(
  invoice: Invoice,
  bytes: Uint8Array,
  limits: PageImageLimits,
): Promise<string> {
  const pages = invoice.document.pages;
  const images = await Promise.all(
    pages.map((p) => renderPageImage(bytes, invoice.document.media_type, p.number, limits)),
  );
  const now = new Date().toISOString();
  const view: DocumentView = {
    id: invoice.document.id,
    status: 'done',
    ...(invoice.file !== undefined ? { file_name: basename(invoice.file) } : {}),
    media_type: invoice.document.media_type,
    bytes: bytes.length,
    created_at: now,
    updated_at: now,
    progress: { pages_done: pages.length, pages_total: pages.length },
    result: invoice,
  };
  return reviewPage(view, {
    nonce: randomBytes(16).toString('base64'),
    pageSrc: (n) => `data:image/png;base64,${(images[n - 1] as Buffer).toString('base64')}`,
  });
}
