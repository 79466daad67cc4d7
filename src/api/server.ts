/**
 * Listens: builds the app from the configuration and serves it until SIGTERM/SIGINT. Used by `invex serve`;
 * also runnable on its own: `node bin/run-ts.js src/api/server.ts`.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { type Config, config } from '../config.js';
import { createLocalStore } from '../deliver/store.js';
import { InvexError } from '../errors.js';
import { QueueRuntime } from '../queue/runtime.js';
import { queueSettings } from '../queue/settings.js';
import { buildApp } from './app.js';
import { loadApiKeys } from './auth.js';

export interface ServeOptions {
  port?: number;
  host?: string;
  logger?: boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions = {}, c: Config = config()): Promise<RunningServer> {
  const apiKeys = loadApiKeys(c);
  if (apiKeys.length === 0) {
    throw new InvexError('INVEX_E_CONFIG', 'no API keys: set INVEX_API_KEYS or INVEX_API_KEYS_FILE');
  }
  const runtime = QueueRuntime.open(queueSettings(c), { failFast: true });
  await runtime.waitUntilConnected(); // if Redis is down, serve anyway: /readyz says so
  const app = await buildApp({
    runtime,
    store: createLocalStore(c.dataDir),
    apiKeys,
    limits: {
      maxFileBytes: c.maxFileBytes,
      maxPages: c.maxPages,
      maxImagePixels: c.maxImagePixels,
      maxFiles: c.maxUploadFiles,
    },
    webhook: { secret: c.webhookSecret, allow: c.webhookAllow },
    logger: opts.logger ?? true,
  });
  app.addHook('onClose', async () => runtime.close());
  const url = await app.listen({ port: opts.port ?? c.port, host: opts.host ?? c.host });
  return { app, url, close: () => app.close() };
}

/** Serves until SIGTERM or SIGINT, then stops taking requests and finishes those in flight. */
export async function serveUntilSignal(opts: ServeOptions = {}): Promise<void> {
  const server = await startServer(opts);
  process.stderr.write(`invex: serving on ${server.url} (docs at ${server.url}/docs)\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      server.close().then(done, done);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  serveUntilSignal().catch((err: unknown) => {
    process.stderr.write(`invex: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
