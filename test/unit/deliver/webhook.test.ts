import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.js';
import {
  addressRefusal,
  checkCallbackUrl,
  compileAllowList,
  isRetryableStatus,
  nextRetryDelay,
  RETRY_CAP_MS,
  RETRY_WINDOW_MS,
  signWebhook,
  verifyWebhook,
} from '../../../src/deliver/webhook.js';

const SECRET = 'whsec_test_0123456789abcdef';
const BODY = '{"event":"document.done","id":"sha256:00","data":{"total":"1.00"}}';
const NOW = 1_750_000_000_000;

describe('signatures', () => {
  it('round-trips', () => {
    const header = signWebhook(SECRET, BODY, NOW);
    expect(header).toMatch(/^t=1750000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(SECRET, header, BODY, { now: NOW + 10_000 })).toEqual({
      ok: true,
      timestamp: 1750000000,
    });
    expect(verifyWebhook(SECRET, header, Buffer.from(BODY), { now: NOW })).toMatchObject({ ok: true });
  });

  it('matches an independent HMAC over "<t>.<body>"', async () => {
    const { createHmac } = await import('node:crypto');
    const hex = createHmac('sha256', SECRET).update(`1750000000.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, BODY, NOW)).toBe(`t=1750000000,v1=${hex}`);
  });

  it('refuses a tampered body, a wrong secret, a stale or future timestamp, and junk', () => {
    const header = signWebhook(SECRET, BODY, NOW);
    expect(verifyWebhook(SECRET, header, BODY.replace('1.00', '9.00'), { now: NOW })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifyWebhook(`${SECRET}x`, header, BODY, { now: NOW })).toMatchObject({ reason: 'mismatch' });
    expect(verifyWebhook(SECRET, header, BODY, { now: NOW + 301_000 })).toMatchObject({ reason: 'stale' });
    expect(verifyWebhook(SECRET, header, BODY, { now: NOW - 301_000 })).toMatchObject({ reason: 'stale' });
    expect(
      verifyWebhook(SECRET, header, BODY, { now: NOW + 3_600_000, toleranceSeconds: 7200 }),
    ).toMatchObject({
      ok: true,
    });
    for (const junk of [
      undefined,
      '',
      'v1=abc',
      't=1750000000',
      't=x,v1=00',
      `t=1750000000,v1=${'z'.repeat(64)}`,
    ]) {
      expect(verifyWebhook(SECRET, junk, BODY, { now: NOW })).toMatchObject({
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const oldSig = signWebhook('old-secret-0123456789', BODY, NOW).split(',')[1];
    const header = `${signWebhook(SECRET, BODY, NOW)},${oldSig}`;
    expect(verifyWebhook(SECRET, header, BODY, { now: NOW }).ok).toBe(true);
    expect(verifyWebhook('old-secret-0123456789', header, BODY, { now: NOW }).ok).toBe(true);
  });
});

describe('URL policy', () => {
  const refusedUrls = [
    'ftp://example.com/hook',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'not a url',
    'http://10.0.0.1/hook',
    'http://172.16.5.4/hook',
    'http://192.168.1.1/hook',
    'http://127.0.0.1:8080/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://0.0.0.0/',
    'http://100.64.0.1/',
    'http://224.0.0.1/',
    'http://[::1]/hook',
    'http://[::]/hook',
    'http://[fc00::1]/hook',
    'http://[fd12:3456::1]/hook',
    'http://[fe80::1]/hook',
    'http://[ff02::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:10.0.0.1]/hook',
    'http://[64:ff9b::a00:1]/', // NAT64 of 10.0.0.1
    'http://[2002:a00:1::]/', // 6to4 of 10.0.0.1
    'http://0x7f.1/', // WHATWG URL turns this into 127.0.0.1
    'http://2130706433/', // and this
    'http://localhost:3000/hook', // resolves to loopback
  ];
  it.each(refusedUrls)('refuses %s', async (url) => {
    await expect(checkCallbackUrl(url)).rejects.toMatchObject({
      code: 'INVEX_E_CALLBACK_REFUSED',
      status: 400,
    });
  });

  it.each(['https://93.184.215.14/hook', 'http://8.8.8.8:8080/x', 'https://[2606:4700::1111]/hook'])(
    'accepts public %s',
    async (url) => {
      await expect(checkCallbackUrl(url)).resolves.toBeInstanceOf(URL);
    },
  );

  it('accepts allow-listed addresses, ranges and hosts', async () => {
    await expect(
      checkCallbackUrl('http://127.0.0.1:9/hook', { allow: ['127.0.0.1'] }),
    ).resolves.toBeDefined();
    await expect(
      checkCallbackUrl('http://[::ffff:127.0.0.1]/', { allow: ['127.0.0.1'] }),
    ).resolves.toBeDefined();
    await expect(checkCallbackUrl('http://10.1.2.3/', { allow: ['10.0.0.0/8'] })).resolves.toBeDefined();
    await expect(checkCallbackUrl('http://[fd00::5]/', { allow: ['fd00::/8'] })).resolves.toBeDefined();
    await expect(checkCallbackUrl('http://localhost:1/', { allow: ['localhost'] })).resolves.toBeDefined();
    await expect(
      checkCallbackUrl('http://localhost:1/', { allow: ['127.0.0.0/8', '::1'] }),
    ).resolves.toBeDefined();
    // The list allows exactly what it names.
    await expect(checkCallbackUrl('http://127.0.0.2/', { allow: ['127.0.0.1'] })).rejects.toMatchObject({
      code: 'INVEX_E_CALLBACK_REFUSED',
    });
    await expect(checkCallbackUrl('http://192.168.0.1/', { allow: ['10.0.0.0/8'] })).rejects.toThrow(
      /private/,
    );
  });

  it('names the range it refused', () => {
    expect(addressRefusal('10.0.0.1')).toMatch(/private/);
    expect(addressRefusal('::1')).toMatch(/loopback/);
    expect(addressRefusal('::ffff:169.254.1.1')).toMatch(/linkLocal/);
    expect(addressRefusal('fc00::1')).toMatch(/uniqueLocal/);
    expect(addressRefusal('8.8.8.8')).toBeUndefined();
    expect(addressRefusal('8.8.8.8', compileAllowList(['localhost']))).toBeUndefined();
  });

  it('reads INVEX_WEBHOOK_ALLOW, _SECRET and _URL from the environment', () => {
    const c = parseConfig({
      INVEX_WEBHOOK_ALLOW: ' 127.0.0.1, 10.0.0.0/8 ,Receiver.Internal,::1,',
      INVEX_WEBHOOK_SECRET: SECRET,
      INVEX_WEBHOOK_URL: 'https://example.com/hook',
    });
    expect(c.webhookAllow).toEqual(['127.0.0.1', '10.0.0.0/8', 'receiver.internal', '::1']);
    expect(c.webhookSecret).toBe(SECRET);
    expect(c.webhookUrl).toBe('https://example.com/hook');
    expect(parseConfig({}).webhookAllow).toEqual([]);
    expect(() => parseConfig({ INVEX_WEBHOOK_ALLOW: 'ok.host,bad host!' })).toThrow(/INVEX_WEBHOOK_ALLOW/);
    expect(() => parseConfig({ INVEX_WEBHOOK_SECRET: 'short' })).toThrow(/INVEX_WEBHOOK_SECRET/);
  });
});

describe('retry policy', () => {
  const mid = () => 0.5; // no jitter
  it('classifies statuses', () => {
    for (const s of [408, 429, 500, 502, 503, 504, 599]) expect(isRetryableStatus(s), String(s)).toBe(true);
    for (const s of [200, 301, 302, 400, 401, 403, 404, 410, 422])
      expect(isRetryableStatus(s), String(s)).toBe(false);
  });

  it('doubles from 30 s to a 1 h cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 20].map((a) => nextRetryDelay(a, NOW, NOW, { random: mid }));
    expect(delays).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });

  it('jitters within ±20 % and never above the cap', () => {
    expect(nextRetryDelay(1, NOW, NOW, { random: () => 0 })).toBe(24_000);
    expect(nextRetryDelay(1, NOW, NOW, { random: () => 0.999999 })).toBe(36_000);
    expect(nextRetryDelay(12, NOW, NOW, { random: () => 0.999999 })).toBe(RETRY_CAP_MS);
  });

  it('honours Retry-After as a lower bound, capped at 1 h', () => {
    expect(nextRetryDelay(1, NOW, NOW, { random: mid, retryAfterMs: 120_000 })).toBe(120_000);
    expect(nextRetryDelay(1, NOW, NOW, { random: mid, retryAfterMs: 10 * RETRY_CAP_MS })).toBe(RETRY_CAP_MS);
  });

  it('stops 24 h after the first attempt, with a last attempt at the deadline', () => {
    const end = NOW + RETRY_WINDOW_MS;
    expect(nextRetryDelay(30, NOW, end - 60_000, { random: mid })).toBe(60_000);
    expect(nextRetryDelay(30, NOW, end, { random: mid })).toBeUndefined();
    expect(nextRetryDelay(2, NOW, end + 1, { random: mid })).toBeUndefined();
  });

  it('makes about 30 attempts in the 24 h window', () => {
    let t = NOW;
    let attempts = 1;
    for (;;) {
      const d = nextRetryDelay(attempts, NOW, t, { random: mid });
      if (d === undefined) break;
      t += d;
      attempts++;
    }
    expect(t).toBe(NOW + RETRY_WINDOW_MS);
    expect(attempts).toBeGreaterThan(25);
    expect(attempts).toBeLessThan(35);
  });
});
