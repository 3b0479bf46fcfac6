// return_url: only RETURN_URL_ORIGINS, stored in canonical form; hostile values refused at POST /v1/onboardings.
import { AppError } from '../../src/errors';
import { checkReturnUrl } from '../../src/onboarding/return-url';
import { startHarness, type Harness } from '../helpers/service-harness';

const ALLOWED = ['https://app.example.com'];

// Known open-redirect payloads: each must be refused when only https://app.example.com is allowed.
const REFUSED: [string, string][] = [
  ['protocol-relative', '//evil.com'],
  ['slash-backslash (browsers read it as //)', '/\\evil.com'],
  ['double backslash', '\\\\evil.com'],
  ['the allowed host as user info', 'https://app.example.com@evil.com'],
  ['a backslash before @', 'https://evil.com\\@app.example.com'],
  ['the allowed host as a subdomain of another', 'https://app.example.com.evil.com'],
  ['an encoded slash before @', 'https://app.example.com%2F@evil.com'],
  ['a double-encoded slash before @', 'https://app.example.com%252F@evil.com'],
  ['an empty password before @', 'https://app.example.com:@evil.com'],
  ['a tab inside the host', 'https://app.exa\tmple.com'],
  ['a newline inside the URL', 'https://app.example.com\n.evil.com'],
  ['a carriage return inside the URL', 'https://app.example.com\r.evil.com'],
  ['a leading space', ' https://app.example.com/'],
  ['a NUL byte', 'https://app.example.com%00.evil.com'],
  ['a zero-width space', 'https://app.example.com\u200B.evil.com'],
  ['another port', 'https://app.example.com:8443'],
  ['http instead of https', 'http://app.example.com'],
  ['javascript:', 'javascript:alert(1)'],
  ['javascript: with the origin in a comment', 'javascript://app.example.com/%0Aalert(1)'],
  ['data:', 'data:text/html,<script>alert(1)</script>'],
  ['a digit look-alike host', 'https://app.examp1e.com'],
  ['a Cyrillic look-alike host (IDN)', 'https://\u0430pp.example.com'],
  ['the punycode of a look-alike', 'https://xn--pp-6kc.example.com'],
  ['an ideographic full stop before another domain', 'https://app.example.com\u3002evil.com'],
  ['a trailing dot (another origin to the browser)', 'https://app.example.com./x'],
  ['a relative path', '/path'],
  ['a bare host', 'app.example.com'],
  ['scheme without slashes', 'https:evil.com'],
  ['scheme with one slash', 'https:/evil.com'],
  ['a backslash in the path', 'https://app.example.com/\\evil.com'],
  ['an IP address', 'https://0x7f000001'],
  ['an empty string', ''],
];

// Accepted because, once parsed, they are on the allowed origin; the canonical form is what is
// stored and later redirected to, so the raw spelling never reaches a browser.
const ACCEPTED: [string, string, string][] = [
  ['a plain URL', 'https://app.example.com/done?x=1', 'https://app.example.com/done?x=1'],
  ['upper-case scheme and host', 'HTTPS://APP.EXAMPLE.COM/x', 'https://app.example.com/x'],
  ['the default port', 'https://app.example.com:443/x', 'https://app.example.com/x'],
  // The fragment is not part of the authority: browsers stay on app.example.com.
  ['@ in the fragment', 'https://app.example.com#@evil.com', 'https://app.example.com/#@evil.com'],
  [
    '@ in the query',
    'https://app.example.com/?next=@evil.com',
    'https://app.example.com/?next=@evil.com',
  ],
  ['empty credentials', 'https://:@app.example.com/x', 'https://app.example.com/x'],
  ['scheme without slashes, same host', 'https:app.example.com/x', 'https://app.example.com/x'],
];

function refusal(value: string): AppError {
  try {
    checkReturnUrl(value, ALLOWED);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('checkReturnUrl', () => {
  it.each(REFUSED)('refuses %s', (_name, value) => {
    const err = refusal(value);
    expect(err.status).toBe(422);
    expect(err.code).toBe('UNPROCESSABLE_ENTITY');
    expect(err.details).toEqual({ field: 'return_url' });
  });

  it.each(ACCEPTED)('accepts %s, in canonical form', (_name, value, canonical) => {
    const accepted = checkReturnUrl(value, ALLOWED);
    expect(accepted).toBe(canonical);
    expect(new URL(accepted).origin).toBe('https://app.example.com');
  });

  it('refuses everything when no origin is allowed', () => {
    expect(() => checkReturnUrl('https://app.example.com/x', [])).toThrow(/RETURN_URL_ORIGINS/);
  });

  it('accepts another port only when that origin is the allowed one', () => {
    expect(checkReturnUrl('https://app.example.com:8443/x', ['https://app.example.com:8443'])).toBe(
      'https://app.example.com:8443/x',
    );
    expect(() =>
      checkReturnUrl('https://app.example.com/x', ['https://app.example.com:8443']),
    ).toThrow(AppError);
  });
});

describe('POST /v1/onboardings with a hostile return_url', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ store: 'memory' });
  });
  afterAll(async () => {
    await h.close();
  });

  it.each([
    '//evil.com',
    'https://app.example.com@evil.com',
    'https://app.example.com.evil.com',
    'javascript:alert(1)',
    'https://app.exa\tmple.com',
  ])('answers 422 naming return_url for %j and creates no link', async (returnUrl) => {
    const linksBefore = h.sim.requests.filter((r) => r.endpoint === 'create').length;

    const res = await h.api('post', '/v1/onboardings').send({ ds_id: 'GA', return_url: returnUrl });

    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('UNPROCESSABLE_ENTITY');
    expect(res.body.error.message).toContain('return_url');
    expect(res.body.error.field).toBe('return_url');
    expect(h.sim.requests.filter((r) => r.endpoint === 'create')).toHaveLength(linksBefore);
  });

  it('stores the canonical form of an accepted return_url', async () => {
    const res = await h
      .api('post', '/v1/onboardings')
      .send({ ds_id: 'GA', return_url: 'HTTPS://APP.EXAMPLE.COM/x' });
    expect(res.status).toBe(201);
    expect(res.body.data.return_url).toBe('https://app.example.com/x');
  });
});
