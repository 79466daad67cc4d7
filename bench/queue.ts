/**
 * Queue benchmark (`npm run bench:queue [-- --n 200 --workers 2 --model DIR]`): N digital invoices from
 * the synthetic generator, uploaded over HTTP to the API, processed by W `invex worker` processes, each
 * result POSTed to a local webhook receiver. Prints documents/s, upload→webhook latency p50/p95, and the
 * queue's overhead per document against in-process extractFile over the same files with the same
 * parallelism (W lanes), measured in the same run.                                    target ≤ 10 %
 * Model: --model, else INVEX_MODEL_DIR, else models/invoice-ner, else the tests' smoke model.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/api/app.js';
import { config } from '../src/config.js';
import { generateDocument } from '../src/corpus/synth/generate.js';
import { createLocalStore } from '../src/deliver/store.js';
import { DEFAULT_MODEL_DIR } from '../src/ner/ner.js';
import { closePipeline, extractFile } from '../src/pipeline.js';
import { QueueRuntime } from '../src/queue/runtime.js';
import { queueSettings } from '../src/queue/settings.js';
import { ensureTestModel } from '../test/fixtures/smoke-model.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    workers: { type: 'string', default: '2' },
    model: { type: 'string' },
    seed: { type: 'string', default: '9001' },
  },
});
const N = Number(values.n);
const W = Number(values.workers);
const SEED = Number(values.seed);
const KEY = randomBytes(16).toString('hex');
const SECRET = randomBytes(16).toString('hex');

async function modelDir(): Promise<string> {
  if (values.model) return resolve(values.model);
  if (config().modelDir) return resolve(config().modelDir as string);
  if (existsSync(join(DEFAULT_MODEL_DIR, 'model.onnx'))) return DEFAULT_MODEL_DIR;
  console.log(
    'bench:queue: no trained model; using the smoke model of the tests (untrained; same architecture as a default-trained one)',
  );
  return ensureTestModel();
}

/** N + warm-up invoices, generated once into tmp/ and reused. */
async function documents(count: number): Promise<string[]> {
  const dir = join(ROOT, 'tmp', `bench-queue-${SEED}`);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < count; i++) {
    const f = join(dir, `${String(i).padStart(5, '0')}.pdf`);
    if (!existsSync(f)) writeFileSync(f, (await generateDocument(SEED, i)).pdf);
    files.push(f);
  }
  return files;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

/** CPU seconds (user + system) of a process and all its live descendants, from /proc (Linux). */
function treeCpuSeconds(root: number, descendants = true): number {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the command: state ppid … utime(12) stime(13), 0-based from state.
      parent.set(Number(entry), Number(fields[1]));
      cpu.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / CLK_TCK);
    } catch {
      // exited meanwhile
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop() as number;
    total += cpu.get(pid) ?? 0;
    if (!descendants) break;
    for (const [child, ppid] of parent) if (ppid === pid) stack.push(child);
  }
  return total;
}

const CLK_TCK = 100;
const processCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function redisCpuSeconds(rt: QueueRuntime): Promise<number> {
  const info = await rt.redis.info('cpu');
  const get = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return get('used_cpu_user') + get('used_cpu_sys');
}

async function inProcess(files: string[], warm: string[], lanes: number, model: string): Promise<Measured> {
  const opts = { ocr: 'auto' as const, lang: config().ocrLang, ner: { modelDir: model } };
  for (const f of warm) await extractFile(f, opts);
  const cpu0 = processCpuSeconds();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < files.length) await extractFile(files[next++] as string, opts);
    }),
  );
  return { wallMs: performance.now() - t0, cpuS: processCpuSeconds() - cpu0 };
}

interface Measured {
  wallMs: number;
  /** CPU seconds spent by every process involved (less sensitive to other load on the machine). */
  cpuS: number;
}

function spawnWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/invex.js'), 'worker'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((res, rej) => {
    child.stderr?.on('data', (c: Buffer) => {
      if (c.toString().includes(' running ')) res(child);
    });
    child.on('exit', (code) => rej(new Error(`worker exited with ${code}`)));
  });
}

interface QueueRun extends Measured {
  latencies: number[];
  failed: number;
}

async function throughQueue(
  files: string[],
  warm: string[],
  workers: number,
  model: string,
): Promise<QueueRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'invex-bench-queue-'));
  const settings = queueSettings(undefined, { prefix: `invex-bench-${randomBytes(3).toString('hex')}` });
  const env = {
    ...process.env,
    INVEX_QUEUE_PREFIX: settings.prefix,
    REDIS_URL: settings.redisUrl,
    INVEX_DATA_DIR: dataDir,
    INVEX_MODEL_DIR: model,
    INVEX_WEBHOOK_SECRET: SECRET,
    INVEX_WEBHOOK_ALLOW: '127.0.0.1',
  };
  const arrivals = new Map<string, { at: number; event: string }>();
  const hooks = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { id: string; event: string };
      arrivals.set(body.id, { at: performance.now(), event: body.event });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
  const rt = QueueRuntime.open(settings, { failFast: true });
  await rt.waitUntilConnected();
  const c = config();
  const app = await buildApp({
    runtime: rt,
    store: createLocalStore(dataDir),
    apiKeys: [KEY],
    limits: {
      maxFileBytes: c.maxFileBytes,
      maxPages: c.maxPages,
      maxImagePixels: c.maxImagePixels,
      maxFiles: 1,
    },
    webhook: { secret: SECRET, allow: ['127.0.0.1'] },
    metricsEvents: false,
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const procs = await Promise.all(Array.from({ length: workers }, () => spawnWorker(env)));

  const upload = async (file: string): Promise<string> => {
    const form = new FormData();
    form.append('file', new Blob([readFileSync(file)]), file);
    form.append('callback_url', hookUrl);
    const r = await fetch(`${base}/v1/documents`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${KEY}` },
    });
    if (r.status !== 202) throw new Error(`upload: HTTP ${r.status} ${await r.text()}`);
    return ((await r.json()) as { id: string }[])[0]?.id as string;
  };
  const waitAll = async (ids: string[]) => {
    while (!ids.every((id) => arrivals.has(id))) await new Promise((r) => setTimeout(r, 20));
  };
  try {
    // Warm-up: every worker starts its sandboxed children and loads the model before the clock runs.
    await waitAll(await Promise.all(warm.map(upload)));
    const sent = new Map<string, number>();
    const cpuParts = async () => {
      const mains = procs.reduce((t, p) => t + treeCpuSeconds(p.pid as number, false), 0);
      const trees = procs.reduce((t, p) => t + treeCpuSeconds(p.pid as number), 0);
      return {
        'API + uploader + receiver': processCpuSeconds(),
        redis: await redisCpuSeconds(rt),
        'worker mains': mains,
        'sandboxed children': trees - mains,
      };
    };
    const parts0 = await cpuParts();
    const t0 = performance.now();
    for (const f of files) {
      const start = performance.now();
      sent.set(await upload(f), start);
    }
    await waitAll([...sent.keys()]);
    const parts1 = await cpuParts();
    const delta = Object.entries(parts1).map(([k, v]) => [k, v - parts0[k as keyof typeof parts0]] as const);
    const cpuS = delta.reduce((t, [, v]) => t + v, 0);
    console.log(
      `  queue CPU per document: ${delta.map(([k, v]) => `${k} ${((v * 1000) / files.length).toFixed(1)} ms`).join(', ')}`,
    );
    const end = Math.max(...[...sent.keys()].map((id) => arrivals.get(id)?.at ?? 0));
    const latencies = [...sent].map(([id, start]) => (arrivals.get(id)?.at ?? 0) - start);
    const failed = [...sent.keys()].filter((id) => arrivals.get(id)?.event !== 'document.done').length;
    // Where the time goes: each stage's active time, and the gaps between stages (queue hand-over).
    const stageMs: Record<string, number[]> = {
      ingest: [],
      assemble: [],
      deliver: [],
      'handover ingest→assemble': [],
      'handover assemble→deliver': [],
      'upload→ingest start': [],
    };
    for (const [id, start] of sent) {
      const hex = id.slice(7);
      const [i, a, d] = await Promise.all([
        rt.queues.ingest.getJob(hex),
        rt.queues.assemble.getJob(hex),
        rt.queues.deliver.getJob(hex),
      ]);
      if (
        !i?.processedOn ||
        !i.finishedOn ||
        !a?.processedOn ||
        !a.finishedOn ||
        !d?.processedOn ||
        !d.finishedOn
      )
        continue;
      stageMs.ingest?.push(i.finishedOn - i.processedOn);
      stageMs.assemble?.push(a.finishedOn - a.processedOn);
      stageMs.deliver?.push(d.finishedOn - d.processedOn);
      stageMs['handover ingest→assemble']?.push(a.processedOn - i.finishedOn);
      stageMs['handover assemble→deliver']?.push(d.processedOn - a.finishedOn);
      stageMs['upload→ingest start']?.push(i.processedOn - (performance.timeOrigin + start));
    }
    const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / Math.max(1, xs.length);
    console.log(
      `  per document (mean): ${Object.entries(stageMs)
        .map(([k, v]) => `${k} ${mean(v).toFixed(1)} ms`)
        .join(', ')}`,
    );
    return { wallMs: end - t0, cpuS, latencies, failed };
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(
      procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.on('exit', r)))),
    );
    await app.close();
    for (const q of Object.values(rt.queues)) await q.obliterate({ force: true }).catch(() => {});
    await rt.redis.del(rt.indexKey);
    await rt.close();
    hooks.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const model = await modelDir();
const all = await documents(N + 4 * W);
const files = all.slice(0, N);
const warm = all.slice(N);
console.log(`bench:queue: ${N} digital invoices, ${W} workers, model ${model}`);

const inp = await inProcess(files, warm.slice(0, 2), W, model);
await closePipeline();
console.log(
  `  in-process (extractFile, ${W} lanes): ${(N / (inp.wallMs / 1000)).toFixed(2)} docs/s, ` +
    `${(inp.wallMs / N).toFixed(1)} ms/doc wall, ${((inp.cpuS * 1000) / N).toFixed(1)} ms/doc CPU`,
);

const q = await throughQueue(files, warm, W, model);
console.log(
  `  queue (API → ${W} workers → webhook): ${(N / (q.wallMs / 1000)).toFixed(2)} docs/s, ` +
    `${(q.wallMs / N).toFixed(1)} ms/doc wall, ${((q.cpuS * 1000) / N).toFixed(1)} ms/doc CPU (API, workers, Redis), ` +
    `upload→webhook p50 ${pct(q.latencies, 50).toFixed(0)} ms, p95 ${pct(q.latencies, 95).toFixed(0)} ms` +
    (q.failed ? `, ${q.failed} failed` : ''),
);
const wall = q.wallMs / inp.wallMs - 1;
const cpu = q.cpuS / inp.cpuS - 1;
const verdict = (x: number) => (x <= 0.1 ? 'met' : 'NOT met');
console.log(
  `  queue overhead per document: wall ${((q.wallMs - inp.wallMs) / N).toFixed(1)} ms (${(wall * 100).toFixed(1)} %, ` +
    `ratio ${(q.wallMs / inp.wallMs).toFixed(3)}), CPU ${(((q.cpuS - inp.cpuS) * 1000) / N).toFixed(1)} ms ` +
    `(${(cpu * 100).toFixed(1)} %, ratio ${(q.cpuS / inp.cpuS).toFixed(3)}); target ≤ 10 %: wall ${verdict(wall)}, CPU ${verdict(cpu)}`,
);
process.exit(0);
