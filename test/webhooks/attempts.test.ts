// GET /v1/webhooks/{webhook_id}: the event, where its delivery stands, and every attempt with its status
// or error and duration; the onboarding names its webhook_ids.
import supertest from 'supertest';
import { startHarness, type Harness } from '../helpers/service-harness';
import { eventually, startWebhookSink, type WebhookSink } from '../helpers/webhook-sink';

interface AttemptView {
  time: string;
  status?: number;
  error?: string;
  duration_ms: number;
}

describe("a webhook's deliveries", () => {
  let sink: WebhookSink;
  let h: Harness;
  beforeEach(async () => {
    sink = await startWebhookSink();
  });
  afterEach(async () => {
    await h?.close();
    await sink.close();
  });

  async function completeOne(): Promise<{ onboardingId: string; webhookId: string }> {
    const onboarding = await h.createOnboarding({ ds_id: 'GA', metadata: { crm: 'acct-7' } });
    await supertest(h.app).get(h.authenticate(onboarding.link_id)).expect(200);
    const got = await h.api('get', `/v1/onboardings/${onboarding.onboarding_id}`).expect(200);
    expect(got.body.data.webhook_ids).toHaveLength(1);
    return { onboardingId: onboarding.onboarding_id, webhookId: got.body.data.webhook_ids[0] };
  }

  async function deliveries(webhookId: string) {
    const res = await h.api('get', `/v1/webhooks/${webhookId}`);
    expect(res.status).toBe(200);
    return res.body.data as {
      webhook_id: string;
      event: Record<string, unknown>;
      state: string;
      attempts: AttemptView[];
    };
  }

  it('shows the event, the state and every attempt oldest first: two failures, then delivered', async () => {
    sink.script({ status: 500 }, { status: 503 }, { status: 200 });
    h = await startHarness({ webhooks: { url: sink.url } });
    const { onboardingId, webhookId } = await completeOne();
    await sink.waitFor(3);
    await eventually(async () => (await deliveries(webhookId)).state === 'delivered');

    const view = await deliveries(webhookId);

    expect(view).toEqual({
      webhook_id: webhookId,
      event: JSON.parse(sink.received[2]!.body),
      state: 'delivered',
      attempts: [
        { time: expect.any(String), status: 500, duration_ms: expect.any(Number) },
        { time: expect.any(String), status: 503, duration_ms: expect.any(Number) },
        { time: expect.any(String), status: 200, duration_ms: expect.any(Number) },
      ],
    });
    expect(view.event).toMatchObject({
      type: 'login.completed',
      data: { onboarding_id: onboardingId, metadata: { crm: 'acct-7' } },
    });
    const times = view.attempts.map((a) => Date.parse(a.time));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    for (const attempt of view.attempts) expect(Number.isInteger(attempt.duration_ms)).toBe(true);
  });

  it('shows an attempt that got no answer with its error, while the webhook is pending', async () => {
    const url = sink.url;
    await sink.close();
    h = await startHarness({ webhooks: { url, retryDelaysMs: [600_000] } });
    const { webhookId } = await completeOne();

    await eventually(async () => (await deliveries(webhookId)).attempts.length === 1);
    const view = await deliveries(webhookId);

    expect(view.state).toBe('pending');
    expect(view.attempts).toEqual([
      {
        time: expect.any(String),
        error: 'network error ECONNREFUSED',
        duration_ms: expect.any(Number),
      },
    ]);
    sink = await startWebhookSink();
  });

  it('shows a refused webhook as dead, and pending again once redelivered', async () => {
    sink.script({ status: 410 });
    h = await startHarness({ webhooks: { url: sink.url } });
    const { webhookId } = await completeOne();
    await eventually(async () => (await deliveries(webhookId)).state === 'dead');
    expect((await deliveries(webhookId)).attempts).toEqual([
      { time: expect.any(String), status: 410, duration_ms: expect.any(Number) },
    ]);

    sink.script({ status: 200, holdUntil: new Promise<void>(() => {}) });
    await h.api('post', `/v1/webhooks/dead-letters/${webhookId}/redeliver`).expect(200);

    expect((await deliveries(webhookId)).state).toBe('pending');
  });

  it('shows an event recorded without WEBHOOK_URL as pending, never attempted', async () => {
    h = await startHarness({ env: { WEBHOOK_URL: '', WEBHOOK_SECRET: '' } });
    const { onboardingId, webhookId } = await completeOne();
    const view = await deliveries(webhookId);
    expect(view).toMatchObject({ state: 'pending', attempts: [] });
    expect(view.event).toMatchObject({ data: { onboarding_id: onboardingId } });
  });

  it.each(['msg_neverrecorded', 'not-a-webhook-id', 'msg_{x}'])(
    'answers 404 NOT_FOUND for %s',
    async (id) => {
      h = await startHarness();
      const res = await h.api('get', `/v1/webhooks/${encodeURIComponent(id)}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    },
  );
});
