// GET /metrics: the counters and histograms a scrape shows after real requests, and the recorders for other subsystems.
import supertest from 'supertest';
import { createMetrics, type Metrics } from '../../src/ops/metrics';
import { sampleOf } from '../helpers/prometheus';
import { startHarness, type Harness } from '../helpers/service-harness';

async function scrape(h: Harness): Promise<string> {
  const res = await supertest(h.app).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text;
}

describe('GET /metrics', () => {
  let h: Harness;
  let metrics: Metrics;
  beforeEach(async () => {
    metrics = createMetrics({ processMetrics: false });
    h = await startHarness({ metrics, simulator: { hourlyBudget: 100 } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('counts a create: the onboarding transition and the upstream call with its duration and budget', async () => {
    await h.createOnboarding();

    const text = await scrape(h);

    expect(sampleOf(text, 'llr_onboardings_total', { status: 'created' })).toBe(1);
    expect(
      sampleOf(text, 'llr_upstream_requests_total', { endpoint: 'create', status: '201' }),
    ).toBe(1);
    expect(
      sampleOf(text, 'llr_upstream_request_duration_seconds_count', { endpoint: 'create' }),
    ).toBe(1);
    expect(
      sampleOf(text, 'llr_upstream_request_duration_seconds_bucket', {
        endpoint: 'create',
        le: '+Inf',
      }),
    ).toBe(1);
    expect(
      sampleOf(text, 'llr_upstream_request_duration_seconds_sum', { endpoint: 'create' }),
    ).toBeGreaterThan(0);
    expect(sampleOf(text, 'llr_upstream_ratelimit_remaining')).toBe(99);
    expect(sampleOf(text, 'llr_callbacks_total', { outcome: 'COMPLETED' })).toBeUndefined();
  });

  it('counts a completed callback, its replay and a forged one by outcome', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    const forged = path.replace(/link_verifier=[^&]+/, `link_verifier=${'A'.repeat(43)}`);

    await supertest(h.app).get(forged).expect(400);
    await supertest(h.app).get(path).expect(200);
    await supertest(h.app).get(path).expect(200);
    const text = await scrape(h);

    expect(sampleOf(text, 'llr_callbacks_total', { outcome: 'VERIFIER_MISMATCH' })).toBe(1);
    expect(sampleOf(text, 'llr_callbacks_total', { outcome: 'COMPLETED' })).toBe(1);
    expect(sampleOf(text, 'llr_callbacks_total', { outcome: 'COMPLETED_REPLAY' })).toBe(1);
    expect(sampleOf(text, 'llr_onboardings_total', { status: 'completed' })).toBe(1);
    // The forged and the first callbacks read the link; the replay is answered from Redis.
    // With the create, three calls were charged.
    expect(sampleOf(text, 'llr_upstream_requests_total', { endpoint: 'get', status: '200' })).toBe(
      2,
    );
    expect(sampleOf(text, 'llr_upstream_ratelimit_remaining')).toBe(97);
  });

  it('counts an upstream failure by status and a callback that could not reach the upstream', async () => {
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    h.sim.faults.inject({ endpoint: 'get', times: 10, status: 500 });

    // Answered "being confirmed" (202), counted under the upstream failure's code.
    await supertest(h.app).get(path).expect(202);
    const text = await scrape(h);

    expect(sampleOf(text, 'llr_callbacks_total', { outcome: 'UPSTREAM_UNAVAILABLE' })).toBe(1);
    expect(
      sampleOf(text, 'llr_upstream_requests_total', { endpoint: 'get', status: '500' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sampleOf(text, 'llr_onboardings_total', { status: 'completed' })).toBeUndefined();
  });

  it('counts a cancellation once, not its repeat', async () => {
    const onboarding = await h.createOnboarding();
    const cancel = `/v1/onboardings/${onboarding.onboarding_id}/cancel`;

    await h.api('post', cancel).expect(200);
    await h.api('post', cancel).expect(200);
    const text = await scrape(h);

    expect(sampleOf(text, 'llr_onboardings_total', { status: 'cancelled' })).toBe(1);
    expect(
      sampleOf(text, 'llr_upstream_requests_total', { endpoint: 'close', status: '200' }),
    ).toBe(1);
  });

  it('does not count an idempotent replay as a second creation', async () => {
    await h.api('post', '/v1/onboardings').set('Idempotency-Key', 'k-1').send({ ds_id: 'GA' });
    await h.api('post', '/v1/onboardings').set('Idempotency-Key', 'k-1').send({ ds_id: 'GA' });
    expect(sampleOf(await scrape(h), 'llr_onboardings_total', { status: 'created' })).toBe(1);
  });

  it('needs no API key and is not cached', async () => {
    const res = await supertest(h.app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('metrics recorders', () => {
  it('shows webhook, queue and reconciliation figures as set by their subsystems', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.webhookDelivery('delivered');
    metrics.webhookDelivery('delivered');
    metrics.webhookDelivery('retried');
    metrics.webhookDelivery('dead_lettered');
    metrics.setQueueStats({ depth: 7, oldestAgeMs: 12_500, deadLetters: 3 });
    metrics.reconciliationRun('ok');
    metrics.reconciliationRun('error');
    metrics.onboardingTransition('expired');

    const { body, contentType } = await metrics.render();

    expect(contentType).toMatch(/^text\/plain/);
    expect(sampleOf(body, 'llr_webhook_deliveries_total', { result: 'delivered' })).toBe(2);
    expect(sampleOf(body, 'llr_webhook_deliveries_total', { result: 'retried' })).toBe(1);
    expect(sampleOf(body, 'llr_webhook_deliveries_total', { result: 'dead_lettered' })).toBe(1);
    expect(sampleOf(body, 'llr_webhook_queue_depth')).toBe(7);
    expect(sampleOf(body, 'llr_webhook_queue_oldest_age_seconds')).toBe(12.5);
    expect(sampleOf(body, 'llr_dead_letters')).toBe(3);
    expect(sampleOf(body, 'llr_reconciliation_runs_total', { result: 'ok' })).toBe(1);
    expect(sampleOf(body, 'llr_reconciliation_runs_total', { result: 'error' })).toBe(1);
    expect(sampleOf(body, 'llr_onboardings_total', { status: 'expired' })).toBe(1);

    metrics.setQueueStats({ depth: 0, oldestAgeMs: null, deadLetters: 0 });
    const drained = (await metrics.render()).body;
    expect(sampleOf(drained, 'llr_webhook_queue_oldest_age_seconds')).toBe(0);
  });

  it('counts an upstream exchange without an answer as status "error" and keeps the last known budget', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const exchange = {
      endpoint: 'get' as const,
      method: 'GET',
      durationMs: 1500,
      attempt: 1,
      retryAfterSeconds: null,
    };
    // Unknown before the first answer, not 0 (which would read as an exhausted budget).
    expect(sampleOf((await metrics.render()).body, 'llr_upstream_ratelimit_remaining')).toBeNaN();
    metrics.observeUpstream({ ...exchange, status: 200, rateLimit: { limit: 10, remaining: 4 } });
    metrics.observeUpstream({
      ...exchange,
      status: null,
      rateLimit: { limit: null, remaining: null },
    });

    const { body } = await metrics.render();

    expect(
      sampleOf(body, 'llr_upstream_requests_total', { endpoint: 'get', status: 'error' }),
    ).toBe(1);
    expect(sampleOf(body, 'llr_upstream_request_duration_seconds_sum', { endpoint: 'get' })).toBe(
      3,
    );
    expect(
      sampleOf(body, 'llr_upstream_request_duration_seconds_bucket', { endpoint: 'get', le: '1' }),
    ).toBe(0);
    expect(
      sampleOf(body, 'llr_upstream_request_duration_seconds_bucket', {
        endpoint: 'get',
        le: '2.5',
      }),
    ).toBe(2);
    expect(sampleOf(body, 'llr_upstream_ratelimit_remaining')).toBe(4);
  });

  it('keeps each instance in its own registry, with process metrics by default', async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.onboardingTransition('created');

    const [a, b] = await Promise.all([first.render(), second.render()]);

    expect(sampleOf(a.body, 'llr_onboardings_total', { status: 'created' })).toBe(1);
    expect(sampleOf(b.body, 'llr_onboardings_total', { status: 'created' })).toBeUndefined();
    expect(sampleOf(a.body, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
  });
});
