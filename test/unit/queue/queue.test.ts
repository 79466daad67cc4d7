import { UnrecoverableError } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { parseStages } from '../../../src/cli/worker-command.js';
import { InvexError } from '../../../src/errors.js';
import { redisOptions } from '../../../src/queue/connection.js';
import { isFinalFailure, jobError, parseFailedReason } from '../../../src/queue/failure.js';
import { documentHex, pageJobId } from '../../../src/queue/names.js';
import { deliverJobOptions, queueSettings, stageJobOptions } from '../../../src/queue/settings.js';

const HEX = 'ab'.repeat(32);

describe('job errors', () => {
  it('makes bad input unrecoverable and keeps the code in the reason', () => {
    const e = jobError(new InvexError('INVEX_E_PDF_CORRUPT', 'truncated'));
    expect(e).toBeInstanceOf(UnrecoverableError);
    expect(e.message).toBe('INVEX_E_PDF_CORRUPT: truncated');
    expect(parseFailedReason(e.message)).toEqual({ code: 'INVEX_E_PDF_CORRUPT', message: 'truncated' });
  });

  it('lets transient faults retry', () => {
    const e = jobError(new Error('socket hang up'));
    expect(e).not.toBeInstanceOf(UnrecoverableError);
    expect(e.message).toBe('INVEX_E_INTERNAL: socket hang up');
  });

  it('reads reasons BullMQ wrote itself as internal errors', () => {
    expect(parseFailedReason('job stalled more than allowable limit')).toEqual({
      code: 'INVEX_E_INTERNAL',
      message: 'job stalled more than allowable limit',
    });
    expect(parseFailedReason('INVEX_E_NOPE: x').code).toBe('INVEX_E_INTERNAL');
    expect(parseFailedReason(undefined).code).toBe('INVEX_E_INTERNAL');
  });

  it('knows a failure is final when it is not retryable or on the last try', () => {
    const bad = new InvexError('INVEX_E_NO_PAGES', 'x');
    const flaky = new InvexError('INVEX_E_OCR_FAILED', 'x');
    expect(isFinalFailure(bad, { attemptsMade: 0, opts: { attempts: 3 } })).toBe(true);
    expect(isFinalFailure(flaky, { attemptsMade: 0, opts: { attempts: 3 } })).toBe(false);
    expect(isFinalFailure(flaky, { attemptsMade: 2, opts: { attempts: 3 } })).toBe(true);
  });
});

describe('names and options', () => {
  it('derives job ids from the document hash', () => {
    expect(documentHex(`sha256:${HEX}`)).toBe(HEX);
    expect(documentHex(HEX)).toBe(HEX);
    expect(pageJobId(HEX, 3)).toBe(`${HEX}-p3`);
    expect(() => documentHex('sha256:xyz')).toThrow(InvexError);
    expect(() => documentHex('../../etc/passwd')).toThrow(/sha256/);
  });

  it('retries stage jobs exponentially and keeps finished jobs as configured', () => {
    const s = queueSettings(undefined, {
      attempts: 4,
      backoffMs: 500,
      keepCompleted: { count: 7, age: 60 },
      keepFailed: { count: 9, age: 120 },
    });
    expect(stageJobOptions(s)).toEqual({
      attempts: 4,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: { count: 7, age: 60 },
      removeOnFail: { count: 9, age: 120 },
    });
    expect(deliverJobOptions(s).backoff).toEqual({ type: 'webhook' });
  });

  it('parses redis URLs with the options BullMQ needs', () => {
    expect(redisOptions('redis://:s3cret@cache.local:6380/2')).toMatchObject({
      host: 'cache.local',
      port: 6380,
      password: 's3cret',
      db: 2,
      maxRetriesPerRequest: null,
    });
    expect(redisOptions('rediss://h').tls).toEqual({});
  });

  it('parses --stages, with ner as an alias of assemble', () => {
    expect(parseStages('ocr, ner,deliver')).toEqual(['ocr', 'assemble', 'deliver']);
    expect(() => parseStages('ocr,paint')).toThrow(/unknown stage paint/);
    expect(() => parseStages(',')).toThrow(InvexError);
  });
});
