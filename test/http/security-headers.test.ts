// Security headers and content security policies on every route: API answers, callback pages, redirects.
import { createHash } from 'node:crypto';
import supertest from 'supertest';
import { createResultPages } from '../../src/pages/result-pages';
import { createPageChrome } from '../../src/pages/layout';
import { createMetrics } from '../../src/ops/metrics';
import { startHarness, type Harness } from '../helpers/service-harness';

type Answer = supertest.Response;

/** The result pages' policy with no brand configured (as in the harness). */
const PAGE_CSP = createResultPages(createPageChrome()).csp;

function expectCommonHeaders(res: Answer): void {
  expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
}

function expectApiCsp(res: Answer): void {
  const csp = res.headers['content-security-policy'] as string;
  expect(csp.split(';').map((d) => d.trim())).toContain("default-src 'none'");
  expect(csp).not.toMatch(/script-src|style-src|unsafe/);
}

function expectPageCsp(res: Answer): void {
  expect(res.headers['content-type']).toMatch(/text\/html/);
  const csp = res.headers['content-security-policy'] as string;
  expect(csp).toBe(PAGE_CSP);
  expect(csp).toMatch(/^default-src 'none';/);
  expect(csp).not.toMatch(/script-src|unsafe/);
  // The only style allowed is the page's own inline one, by hash; the page has no script at all.
  const style = /<style>([^<]*)<\/style>/.exec(res.text)![1]!;
  const hash = createHash('sha256').update(style).digest('base64');
  expect(csp).toContain(`style-src 'sha256-${hash}'`);
  expect(res.text).not.toMatch(/<script|\son\w+=/i);
}

describe('security headers on every route', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ store: 'memory', metrics: createMetrics({ processMetrics: false }) });
  });
  afterAll(async () => {
    await h.close();
  });

  const get = (path: string) => supertest(h.app).get(path);

  it.each([
    ['GET /healthz', 200, () => get('/healthz')],
    ['GET /readyz', 200, () => get('/readyz')],
    ['an unknown route', 404, () => get('/nope')],
    ['an unknown route under /v1 (authenticated)', 404, () => h.api('get', '/v1/nope')],
    ['GET /v1/onboardings without a key', 401, () => get('/v1/onboardings')],
    ['POST /v1/onboardings with a bad body', 422, () => h.api('post', '/v1/onboardings').send({})],
    [
      'POST /v1/onboardings with broken JSON',
      400,
      () => h.api('post', '/v1/onboardings').set('Content-Type', 'application/json').send('{'),
    ],
    ['GET /v1/onboardings', 200, () => h.api('get', '/v1/onboardings')],
    ['GET /v1/onboardings/{unknown}', 404, () => h.api('get', '/v1/onboardings/onb_unknown')],
    [
      'POST /v1/onboardings/{unknown}/cancel',
      404,
      () => h.api('post', '/v1/onboardings/onb_unknown/cancel'),
    ],
    ['GET /v1/webhooks/dead-letters', 200, () => h.api('get', '/v1/webhooks/dead-letters')],
    [
      'POST /v1/webhooks/dead-letters/{unknown}/redeliver',
      404,
      () => h.api('post', '/v1/webhooks/dead-letters/msg_unknown/redeliver'),
    ],
    ['GET /openapi.json', 200, () => get('/openapi.json')],
    ['GET /metrics', 200, () => get('/metrics')],
    ['HEAD /callback', 405, () => supertest(h.app).head('/callback?state=x')],
  ])('%s (%i) carries the API headers', async (_name, status, send) => {
    const res = await send();
    expect(res.status).toBe(status);
    expectCommonHeaders(res);
    expectApiCsp(res);
  });

  it('POST, GET and cancel of a real onboarding carry the API headers', async () => {
    const created = await h.api('post', '/v1/onboardings').send({ ds_id: 'GA' });
    const id = created.body.data.onboarding_id as string;
    const fetched = await h.api('get', `/v1/onboardings/${id}`);
    const cancelled = await h.api('post', `/v1/onboardings/${id}/cancel`);
    for (const [res, status] of [
      [created, 201],
      [fetched, 200],
      [cancelled, 200],
    ] as const) {
      expect(res.status).toBe(status);
      expectCommonHeaders(res);
      expectApiCsp(res);
    }
  });

  it('the callback success page carries the page CSP and the common headers', async () => {
    const onboarding = await h.createOnboarding();
    const res = await get(h.authenticate(onboarding.link_id));
    expect(res.status).toBe(200);
    expectCommonHeaders(res);
    expectPageCsp(res);
  });

  it.each([
    ['a missing parameter', '/callback'],
    ['an unknown state', `/callback?state=${'a'.repeat(43)}&link_id=x&link_verifier=y`],
  ])('the callback failure page for %s carries them too', async (_name, path) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expectCommonHeaders(res);
    expectPageCsp(res);
  });

  it('the callback redirect to return_url carries them too', async () => {
    const onboarding = await h.createOnboarding({
      ds_id: 'GA',
      return_url: 'https://app.example.com/done',
    });
    const res = await get(h.authenticate(onboarding.link_id));
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^https:\/\/app\.example\.com\/done\?/);
    expectCommonHeaders(res);
  });
});
