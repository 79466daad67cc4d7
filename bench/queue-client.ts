/**
 * The client side of bench/queue.ts: uploads documents over HTTP one after the other and receives their
 * webhooks. It runs in its own process (forked with IPC by bench/queue.ts) so that what a client spends on
 * HTTP is measured apart from the service's CPU. Times are epoch milliseconds (fractional), comparable with
 * the job timestamps in Redis.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ClientRun {
  files: string[];
  base: string;
  key: string;
}

export interface ClientDoc {
  id: string;
  sentAt: number;
  doneAt: number;
  event: string;
}

export interface ClientReport {
  startedAt: number;
  docs: ClientDoc[];
  /** CPU seconds this process spent on the run (uploads, webhook receipts). */
  cpuS: number;
}

const now = () => performance.timeOrigin + performance.now();
const send = (m: unknown) => (process.send as (m: unknown) => boolean)(m);

const arrivals = new Map<string, { at: number; event: string }>();
const hooks = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { id: string; event: string };
    arrivals.set(body.id, { at: now(), event: body.event });
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;

async function upload(run: ClientRun, file: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(file)]), file);
  form.append('callback_url', hookUrl);
  const r = await fetch(`${run.base}/v1/documents`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${run.key}` },
  });
  if (r.status !== 202) throw new Error(`upload: HTTP ${r.status} ${await r.text()}`);
  return ((await r.json()) as { id: string }[])[0]?.id as string;
}

async function runBatch(run: ClientRun): Promise<ClientReport> {
  const c0 = process.cpuUsage();
  const startedAt = now();
  const sent: [string, number][] = [];
  for (const f of run.files) {
    const at = now();
    sent.push([await upload(run, f), at]);
  }
  while (!sent.every(([id]) => arrivals.has(id))) await new Promise((r) => setTimeout(r, 20));
  const c = process.cpuUsage(c0);
  return {
    startedAt,
    docs: sent.map(([id, sentAt]) => {
      const a = arrivals.get(id) as { at: number; event: string };
      return { id, sentAt, doneAt: a.at, event: a.event };
    }),
    cpuS: (c.user + c.system) / 1e6,
  };
}

process.on('message', (run: ClientRun) => {
  runBatch(run).then(
    (report) => send({ report }),
    (err: unknown) => send({ error: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => {
  hooks.close();
  process.exit(0);
});
send({ ready: true });
