/**
 * The producer side of the queue: one Queue per stage and a FlowProducer on one shared Redis client, plus the
 * document index (a sorted set by upload time) that the API lists from.
 */
import { FlowProducer, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { redisOptions } from './connection.js';
import { QUEUE_NAMES, STAGES, type Stage } from './names.js';
import { type QueueSettings, queueSettings } from './settings.js';

export class QueueRuntime {
  readonly queues: Readonly<Record<Stage, Queue>>;
  readonly flow: FlowProducer;

  private constructor(
    readonly settings: QueueSettings,
    /** Shared by the queues and the flow producer (none of them blocks). */
    readonly redis: Redis,
  ) {
    const opts = { connection: redis, prefix: settings.prefix };
    this.queues = Object.fromEntries(STAGES.map((s) => [s, new Queue(QUEUE_NAMES[s], opts)])) as Record<
      Stage,
      Queue
    >;
    this.flow = new FlowProducer(opts);
    // ioredis reconnects by itself; unhandled 'error' events would be printed (or crash the process).
    redis.on('error', () => {});
    for (const q of Object.values(this.queues)) q.on('error', () => {});
    this.flow.on('error', () => {});
  }

  /** Whether Redis is connected now (the API answers 503 at once when it is not). */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  /**
   * failFast: commands fail at once while Redis is down instead of waiting for the reconnect (the API
   * answers 503 rather than hanging); workers keep the default and wait.
   */
  static open(settings: QueueSettings = queueSettings(), opts: { failFast?: boolean } = {}): QueueRuntime {
    const redis = new Redis({ ...redisOptions(settings.redisUrl), enableOfflineQueue: !opts.failFast });
    return new QueueRuntime(settings, redis);
  }

  /** `prefix:name`: how BullMQ names a queue in parent references. */
  qualified(stage: Stage): string {
    return `${this.settings.prefix}:${QUEUE_NAMES[stage]}`;
  }

  /** The sorted set of document hexes by upload time (ms). */
  get indexKey(): string {
    return `${this.settings.prefix}:documents`;
  }

  /** The hash of the workers' metrics snapshots (src/queue/metrics.ts). */
  get metricsKey(): string {
    return `${this.settings.prefix}:metrics`;
  }

  /** Resolves once connected, or after `ms` (false) so that a server can start while Redis is down. */
  async waitUntilConnected(ms = 5000): Promise<boolean> {
    if (this.connected) return true;
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), ms);
      this.redis.on('ready', onReady);
    });
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.flow.close(), ...Object.values(this.queues).map((q) => q.close())]);
    this.redis.disconnect();
  }
}
