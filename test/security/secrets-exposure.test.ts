// No secret (state, link_verifier, redirect_verifier, API keys, upstream key, webhook secret,
// Authorization header) in any log line, page, envelope, /metrics or /openapi.json, including on
// upstream failures, timeouts, malformed upstream bodies and store outages.
import supertest from 'supertest';
import { createMetrics } from '../../src/ops/metrics';
import { captureLog, type CapturedLog } from '../helpers/log-capture';
import {
  API_KEY,
  SIM_KEY,
  startHarness,
  WEBHOOK_SECRET,
  type Harness,
} from '../helpers/service-harness';
import { unreachableStorage } from '../helpers/unreachable-storage';

describe('security: secrets never leave through logs, pages, envelopes, metrics or the OpenAPI doc', () => {
  let h: Harness;
  let log: CapturedLog;
  beforeEach(async () => {
    log = captureLog('trace');
    h = await startHarness({ log, metrics: createMetrics() });
  });
  afterEach(async () => {
    await h.close();
  });

  async function authenticated() {
    const onboarding = await h.createOnboarding({ ds_id: 'GA' });
    const path = h.authenticate(onboarding.link_id);
    const query = new URLSearchParams(path.split('?')[1]);
    return {
      onboarding,
      path,
      state: query.get('state')!,
      verifier: query.get('link_verifier')!,
    };
  }

  function secretsOf(extra: string[]): string[] {
    return [
      ...extra,
      API_KEY,
      SIM_KEY,
      WEBHOOK_SECRET,
      WEBHOOK_SECRET.slice('whsec_'.length),
    ].filter((s) => s.length > 0);
  }

  function expectClean(text: string, secrets: string[]): void {
    for (const secret of secrets) expect(text).not.toContain(secret);
  }

  it('upstream 500s, timeouts and dropped connections on the callback: no secret in any log line or page', async () => {
    const a = await authenticated();
    h.sim.faults.inject({ endpoint: 'get', times: 10, status: 500 });
    // The customer is told the connection is being confirmed (see the callback's deadline).
    const r1 = await supertest(h.app).get(a.path);
    expect(r1.status).toBe(202);
    h.sim.faults.clear();
    h.sim.faults.inject({ endpoint: 'get', times: 10, drop: true });
    const r2 = await supertest(h.app).get(a.path);
    expect(r2.status).toBe(202);
    h.sim.faults.clear();
    const secrets = secretsOf([a.state, a.verifier]);
    expectClean(log.text(), secrets);
    expectClean(r1.text + JSON.stringify(r1.headers), secrets);
    expectClean(r2.text + JSON.stringify(r2.headers), secrets);
    expect(log.text()).not.toMatch(/[?&](state|link_verifier)=/);
  });

  it("the upstream answers the callback's GET with a body that is not JSON, beginning with the link: no verifier in the logs", async () => {
    const a = await authenticated();
    const link = h.sim.getLink(a.onboarding.link_id)!;
    // A truncated body (a proxy cut it short) whose first characters carry redirect_verifier.
    const truncated = `{"data":{"redirect_verifier":"${link.redirect_verifier}","link_id":"${link.link_id}","status_code":"CLO`;
    h.sim.faults.inject({ endpoint: 'get', times: 10, status: 200, body: truncated });
    const res = await supertest(h.app).get(a.path);
    expect(res.status).toBe(202);
    expect(res.text).toContain('We are confirming your connection');
    expectClean(res.text, [a.verifier]);
    expectClean(log.text(), secretsOf([a.state, a.verifier]));
    // Not even a part of it: any 12 consecutive characters of the verifier would be a leak.
    for (let i = 0; i + 12 <= link.redirect_verifier.length; i++)
      expect(log.text()).not.toContain(link.redirect_verifier.slice(i, i + 12));
  });

  it('the upstream answers an error status with an unrecognised body echoing the request: no key in logs or envelopes', async () => {
    h.sim.faults.inject({
      endpoint: 'create',
      status: 502,
      body: `<html>upstream proxy error; request headers: Authorization: Bearer ${SIM_KEY}</html>`,
    });
    const res = await h.api('post', '/v1/onboardings').send({ ds_id: 'GA' });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('UPSTREAM_ERROR');
    expectClean(JSON.stringify(res.body), secretsOf([]));
    expectClean(log.text(), secretsOf([]));
  });

  it('Redis unreachable during a callback: no state or verifier in the log, a 503 page', async () => {
    const a = await authenticated();
    const app = h.appWithStorage(unreachableStorage(h.storage));
    const res = await supertest(app).get(a.path);
    expect(res.status).toBe(503);
    expect(res.text).toContain('SERVICE_UNAVAILABLE');
    expectClean(res.text, [a.state, a.verifier]);
    expectClean(log.text(), secretsOf([a.state, a.verifier]));
  });

  it('a wrong or malformed Authorization header is never echoed or logged', async () => {
    const wrong = 'sk_wrong_0123456789abcdef';
    const responses = await Promise.all([
      supertest(h.app).get('/v1/onboardings').set('Authorization', `Bearer ${wrong}`),
      supertest(h.app).get('/v1/onboardings').set('Authorization', `Basic ${wrong}`),
      supertest(h.app).get('/v1/onboardings').set('Authorization', `Bearer ${API_KEY} extra`),
      supertest(h.app).get('/v1/onboardings').set('Authorization', `Bearer  ${API_KEY}`),
      supertest(h.app).get('/v1/onboardings').set('X-Api-Key', API_KEY),
    ]);
    for (const res of responses) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expectClean(JSON.stringify(res.body) + JSON.stringify(res.headers), [wrong, API_KEY]);
    }
    expectClean(log.text(), [wrong, API_KEY]);
  });

  it('the API never returns state or its hash; envelopes carry only request ids', async () => {
    const a = await authenticated();
    await supertest(h.app).get(a.path).expect(200);
    const got = await h.api('get', `/v1/onboardings/${a.onboarding.onboarding_id}`).expect(200);
    const list = await h.api('get', '/v1/onboardings').expect(200);
    const text = JSON.stringify(got.body) + JSON.stringify(list.body);
    expectClean(text, secretsOf([a.state, a.verifier]));
    expect(text).not.toContain('state_hash');
    expect(text).not.toContain('redirect_verifier');
    const stored = await h.storage.onboardings.getOnboarding(a.onboarding.onboarding_id);
    expect(text).not.toContain(stored!.state_hash);
  });

  it('/metrics and /openapi.json carry no secret, and metric labels only come from fixed sets', async () => {
    const a = await authenticated();
    await supertest(h.app).get(
      `/callback?state=${a.state}&link_id=${a.onboarding.link_id}&link_verifier=x`,
    );
    await supertest(h.app).get(
      `/callback?state=%3Cscript%3E&link_id=${'z'.repeat(60)}&link_verifier=y`,
    );
    await supertest(h.app).get(a.path).expect(200);
    const metrics = await supertest(h.app).get('/metrics');
    const openapi = await supertest(h.app).get('/openapi.json');
    expect(metrics.status).toBe(200);
    expect(openapi.status).toBe(200);
    const secrets = secretsOf([a.state, a.verifier, a.onboarding.onboarding_id]);
    expectClean(metrics.text, secrets);
    expectClean(openapi.text, secrets);
    expect(metrics.text).not.toContain('<script');
    // The three callbacks above: a forged verifier, a malformed request, the real one. Each outcome is a
    // fixed code, never a value taken from the request.
    const outcomes = [...metrics.text.matchAll(/llr_callbacks_total\{outcome="([^"]*)"\}/g)].map(
      (m) => m[1],
    );
    expect(outcomes.sort()).toEqual(['COMPLETED', 'INVALID_REQUEST', 'VERIFIER_MISMATCH']);
    expect(metrics.headers['cache-control']).toBe('no-store');
  });

  it('every log line of a full onboarding (create, forged, real, replay, cancel) is free of secrets', async () => {
    const a = await authenticated();
    await supertest(h.app)
      .get(`/callback?state=${a.state}&link_id=${a.onboarding.link_id}&link_verifier=forged`)
      .set('X-Request-Id', 'req-0123456789');
    await supertest(h.app).get(a.path).expect(200);
    await supertest(h.app).get(a.path).expect(200);
    await h.api('post', `/v1/onboardings/${a.onboarding.onboarding_id}/cancel`).expect(409);
    const text = log.text();
    expectClean(text, secretsOf([a.state, a.verifier]));
    expect(text).not.toMatch(/authorization/i);
    // The request log writes the path under req.path; every callback's line has it, without the query.
    const paths = log.lines.flatMap((line) => {
      const path = (line.req as { path?: unknown } | undefined)?.path;
      return typeof path === 'string' ? [path] : [];
    });
    expect(paths.filter((path) => path.startsWith('/callback'))).toHaveLength(3);
    for (const path of paths) expect(path).not.toContain('?');
  });
});
