/** The verification snippets in docs/webhooks.md run, and accept exactly what signWebhook signs. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../../src/deliver/webhook.js';

const SECRET = 'whsec_docs_0123456789abcdef';
const BODY = JSON.stringify({
  event: 'document.done',
  id: `sha256:${'0'.repeat(64)}`,
  data: { name: 'Müller & Söhne' },
});

let dir: string;
let doc: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'invex-webhook-docs-'));
  doc = await readFile(new URL('../../../docs/webhooks.md', import.meta.url), 'utf8');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function snippet(lang: string): string {
  const m = doc.match(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``));
  if (!m?.[1]) throw new Error(`no ${lang} snippet in docs/webhooks.md`);
  return m[1];
}

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version']);
    return true;
  } catch {
    return false;
  }
}

describe('docs/webhooks.md verification snippets', () => {
  const header = signWebhook(SECRET, BODY);
  const cases = [
    [header, BODY, true],
    [header, `${BODY} `, false],
    [signWebhook(SECRET, BODY, Date.now() - 600_000), BODY, false],
  ] as const;

  it('Node snippet', async () => {
    const file = join(dir, 'verify.mjs');
    const calls = cases.map(
      ([h, b]) =>
        `verify(${JSON.stringify(SECRET)}, ${JSON.stringify(h)}, Buffer.from(${JSON.stringify(b)}))`,
    );
    await writeFile(file, `${snippet('js')}\nconsole.log(JSON.stringify([${calls.join(', ')}]));\n`);
    expect(JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' }))).toEqual(
      cases.map((c) => c[2]),
    );
  });

  it.skipIf(!hasPython())('Python snippet', async () => {
    const file = join(dir, 'verify.py');
    const calls = cases.map(
      ([h, b]) => `verify(${JSON.stringify(SECRET)}, ${JSON.stringify(h)}, ${JSON.stringify(b)}.encode())`,
    );
    await writeFile(file, `${snippet('python')}\nimport json\nprint(json.dumps([${calls.join(', ')}]))\n`);
    expect(JSON.parse(execFileSync('python3', [file], { encoding: 'utf8' }))).toEqual(cases.map((c) => c[2]));
  });
});
