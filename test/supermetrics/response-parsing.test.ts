// Error body shapes, rate-limit headers, success schemas and the redacted excerpt, without HTTP.
import { readErrorBody } from '../../src/supermetrics/error-body';
import { readIntegerHeader, readRateLimit } from '../../src/supermetrics/rate-limit';
import { safeExcerpt } from '../../src/supermetrics/safe-excerpt';
import { linkBodySchema, linkListBodySchema } from '../../src/supermetrics/schemas';

const link = {
  link_id: 'dsll_1',
  status_code: 'CLOSED',
  description: 'My link',
  ds_id: 'AC',
  ds_name: 'Microsoft Advertising (Bing)',
  require_username: '',
  redirect_url: '',
  redirect_verifier: '',
  user_id: 'usr_1',
  user_email: 'info@supermetrics.com',
  login_url: 'https://api.supermetrics.com/v2/datasource/login/renew/0qglMN',
  created_time: '2021-10-22T11:47:16+00:00',
  expiry_time: '2021-10-12T23:59:00+00:00',
  login_id: 'dsl_8',
  login_time: '2021-10-22T12:15:16+00:00',
  login_username: 'info@supermetrics.com',
};

describe('readErrorBody', () => {
  it('reads the standard envelope with its request id and description', () => {
    expect(
      readErrorBody({
        meta: { request_id: 'BXaEFVtjc7TXaJxgZhmFgSUD9edqq_CN' },
        error: { code: 'UNAUTHORIZED', message: 'Authentication is required.', description: 'd' },
      }),
    ).toEqual({
      code: 'UNAUTHORIZED',
      message: 'Authentication is required.',
      description: 'd',
      requestId: 'BXaEFVtjc7TXaJxgZhmFgSUD9edqq_CN',
    });
  });

  it('reads the flat 404 form', () => {
    expect(readErrorBody({ error: 'LINK_NOT_FOUND', message: 'not found' })).toEqual({
      code: 'LINK_NOT_FOUND',
      message: 'not found',
      requestId: null,
    });
  });

  it('caps an over-long message instead of rejecting the body', () => {
    const body = readErrorBody({ error: { code: 'X', message: 'm'.repeat(5000) } });
    expect(body?.message).toHaveLength(255);
  });

  it('returns null for anything else', () => {
    for (const json of [null, 'x', 42, [], {}, { error: 5 }, { error: {} }, { error: '' }]) {
      expect(readErrorBody(json)).toBeNull();
    }
  });
});

describe('rate-limit headers', () => {
  it('reads integers and rejects everything else as null', () => {
    expect(readIntegerHeader('100')).toBe(100);
    expect(readIntegerHeader(' 0 ')).toBe(0);
    for (const value of [undefined, '', '-1', '1.5', 'abc', '1e3', ['1', '2']]) {
      expect(readIntegerHeader(value)).toBeNull();
    }
    expect(readRateLimit({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '49' })).toEqual({
      limit: 100,
      remaining: 49,
    });
  });
});

describe('success schemas', () => {
  it('accepts the example answer of the Supermetrics API reference and strips unknown fields', () => {
    const parsed = linkBodySchema.parse({
      meta: { request_id: 'r1' },
      data: { ...link, extra: 1 },
    });
    expect(parsed.data).toEqual(link);
  });

  it('accepts null login fields and rejects a missing one', () => {
    const open = {
      ...link,
      status_code: 'OPEN',
      login_id: null,
      login_time: null,
      login_username: null,
    };
    expect(linkBodySchema.safeParse({ meta: { request_id: 'r' }, data: open }).success).toBe(true);
    const { login_id: _dropped, ...missing } = link;
    expect(linkBodySchema.safeParse({ meta: { request_id: 'r' }, data: missing }).success).toBe(
      false,
    );
  });

  it('rejects an unknown status, a wrong type and an over-long field', () => {
    for (const data of [
      { ...link, status_code: 'PENDING' },
      { ...link, ds_id: 7 },
      { ...link, link_id: 'x'.repeat(51) },
      { ...link, description: 'd'.repeat(1001) },
      { ...link, redirect_url: 'https://x/'.padEnd(501, 'a') },
    ]) {
      expect(linkBodySchema.safeParse({ meta: { request_id: 'r' }, data }).success).toBe(false);
    }
  });

  it('accepts list entries without redirect or login fields', () => {
    const {
      redirect_url: _a,
      redirect_verifier: _b,
      login_id: _c,
      login_time: _d,
      login_username: _e,
      ...summary
    } = link;
    expect(
      linkListBodySchema.safeParse({ meta: { request_id: 'r' }, data: [summary] }).success,
    ).toBe(true);
  });
});

describe('safeExcerpt', () => {
  it('keeps a short printable prefix', () => {
    expect(safeExcerpt('<html>\n<body>Bad Gateway</body></html>', 'k')).toBe(
      '"<html>?<body>Bad Gateway</body></html>"',
    );
    expect(safeExcerpt('', 'k')).toBe('(empty)');
    expect(safeExcerpt('a'.repeat(500), 'k')).toHaveLength(60 + 3);
  });

  it('never shows the API key or a bearer token echoed by a proxy', () => {
    const key = 'sm_live_0123456789abcdef0123456789abcdef';
    const echoed = `{"headers":{"authorization":"Bearer ${key}","x":"${key}"}}`;
    const excerpt = safeExcerpt(echoed, key);
    expect(excerpt).not.toContain(key);
    expect(excerpt).not.toContain(key.slice(0, 12));
    expect(safeExcerpt(`${'x'.repeat(55)}${key}`, key)).not.toContain(key.slice(0, 5));
    expect(safeExcerpt('authorization: Bearer abc.def', 'other')).toContain('Bearer [redacted]');
  });
});
