/** `invex serve`: the HTTP API (src/api), until SIGTERM or SIGINT. */
import { InvexError } from '../errors.js';
import { parseCommandArgs } from './args.js';

export const SERVE_USAGE = `usage: invex serve [--port 8080] [--host 127.0.0.1]

Serves the HTTP API (OpenAPI docs at /docs). Needs Redis (REDIS_URL) and API keys (INVEX_API_KEYS or
INVEX_API_KEYS_FILE); documents are processed by 'invex worker' processes sharing INVEX_DATA_DIR.
  --port   default INVEX_PORT or 8080
  --host   default INVEX_HOST or 127.0.0.1 (0.0.0.0 to listen on every interface, e.g. in a container)`;

export async function serveCommand(argv: string[]): Promise<undefined> {
  const { values, positionals } = parseCommandArgs(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
  });
  if (positionals.length > 0) throw new InvexError('INVEX_E_USAGE', `unexpected argument ${positionals[0]}`);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new InvexError('INVEX_E_USAGE', `--port must be 0..65535, got ${values.port}`);
  }
  // Loaded on use: the server's modules (fastify, bull-board...) would slow every other command's start.
  const { serveUntilSignal } = await import('../api/server.js');
  await serveUntilSignal({
    ...(port !== undefined ? { port } : {}),
    ...(typeof values.host === 'string' ? { host: values.host } : {}),
  });
  return undefined;
}
