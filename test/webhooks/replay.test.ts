// POST /v1/webhooks/replay: queues again every event recorded in a range with the same webhook-id, never
// one still waiting, once even when two instances replay at once; adds nothing to the feed; refuses bad
// ranges.
import supertest from 'supertest';
import { API_KEY, startHarness, type Harness } from '../helpers/service-harness';
import { eventually, startWebhookSink, type WebhookSink } from '../helpers/webhook-sink';

const DAY = 24 * 3600 * 1000;

function lastMinute(): { since: string; until: string } {
  const now = Date.now();
  return { since: new Date(now - 60_000).toISOString(), until: new Date(now + 1000).toISOString() };
}

describe('webhook replay', () => {
  let sink: WebhookSink;
  let h: Harness;
  beforeEach(async () => {
    sink = await startWebhookSink();
  });
  afterEach(async () => {
    await h?.close();
    await sink.close();
  });

  async function completeSome(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const onboarding = await h.createOnboarding();
      await supertest(h.app).get(h.authenticate(onboarding.link_id)).expect(200);
      ids.push(onboarding.onboarding_id);
    }
    return ids;
  }

  async function queueDrained(): Promise<void> {
    await eventually(
      async () => (await h.storage.webhookQueue.stats(Date.now())).depth === 0,
      10_000,
      'queue drained',
    );
    await h.webhooks!.worker.idle();
  }

  async function feedIds(): Promise<string[]> {
    const res = await h.api('get', '/v1/events?limit=100').expect(200);
    return res.body.data.map((item: { id: string }) => item.id);
  }

  it('queues every event of the range again with the same webhook-id, adding nothing to the feed', async () => {
    h = await startHarness({ webhooks: { url: sink.url } });
    await completeSome(3);
    await sink.waitFor(3);
    await queueDrained();
    const feedBefore = await feedIds();

    const res = await h.api('post', '/v1/webhooks/replay').send(lastMinute());

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ queued: 3 });
    await sink.waitFor(6);
    const ids = sink.received.map((r) => r.headers['webhook-id']);
    expect(ids.slice(3).sort()).toEqual(ids.slice(0, 3).sort());
    expect(
      sink.received
        .slice(3)
        .map((r) => r.body)
        .sort(),
    ).toEqual(
      sink.received
        .slice(0, 3)
        .map((r) => r.body)
        .sort(),
    );
    expect(await feedIds()).toEqual(feedBefore);
    await queueDrained();
    const webhook = await h.api('get', `/v1/webhooks/${ids[0]}`);
    expect(webhook.body.data).toMatchObject({
      state: 'delivered',
      attempts: [{ status: 200 }, { status: 200 }],
    });
  });

  it('selects by type and by recording time', async () => {
    h = await startHarness({ webhooks: { url: sink.url } });
    await completeSome(2);
    await sink.waitFor(2);
    await queueDrained();

    const expired = await h
      .api('post', '/v1/webhooks/replay')
      .send({ ...lastMinute(), type: 'onboarding.expired' });
    expect(expired.body.data).toEqual({ queued: 0 });
    const earlier = new Date(Date.now() - 3600_000);
    const before = await h
      .api('post', '/v1/webhooks/replay')
      .send({ since: earlier.toISOString(), until: new Date(Date.now() - 60_000).toISOString() });
    expect(before.body.data).toEqual({ queued: 0 });
    const completed = await h
      .api('post', '/v1/webhooks/replay')
      .send({ ...lastMinute(), type: 'login.completed' });
    expect(completed.body.data).toEqual({ queued: 2 });
    await sink.waitFor(4);
  });

  it('does not queue twice an event still waiting in the queue', async () => {
    // The worker is not running: every event waits in the queue.
    h = await startHarness();
    await completeSome(2);
    expect((await h.storage.webhookQueue.stats(Date.now())).depth).toBe(2);

    const res = await h.api('post', '/v1/webhooks/replay').send(lastMinute());

    expect(res.body.data).toEqual({ queued: 0 });
    const claimed = await h.storage.webhookQueue.claimDue(Date.now() + 1000, 30_000, 100);
    expect(claimed).toHaveLength(2);
  });

  it('queues each event once when two instances replay the same range at once', async () => {
    h = await startHarness({ webhooks: { url: sink.url } });
    const other = await h.anotherInstance(h.redis!.anotherConnection());
    await completeSome(8);
    await sink.waitFor(8);
    await queueDrained();

    const range = lastMinute();
    const answers = await Promise.all(
      [h.app, other.app, h.app, other.app].map((app) =>
        supertest(app)
          .post('/v1/webhooks/replay')
          .set('Authorization', `Bearer ${API_KEY}`)
          .send(range),
      ),
    );

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers.reduce((sum, a) => sum + (a.body.data.queued as number), 0)).toBe(8);
    await sink.waitFor(16);
    await queueDrained();
    await other.webhooks!.worker.idle();
    const perId = new Map<string, number>();
    for (const r of sink.received)
      perId.set(r.headers['webhook-id']!, (perId.get(r.headers['webhook-id']!) ?? 0) + 1);
    expect([...perId.values()]).toEqual(Array(8).fill(2));
  });

  it.each([
    ['a range longer than 7 days', () => ({ since: ago(8 * DAY), until: ago(0) }), 'until'],
    [
      'a start before the 30-day retention',
      () => ({ since: ago(31 * DAY), until: ago(30.5 * DAY) }),
      'since',
    ],
    ['since after until', () => ({ since: ago(0), until: ago(60_000) }), 'since'],
    ['a time that is not ISO 8601', () => ({ since: 'yesterday', until: ago(0) }), 'since'],
    ['an unknown type', () => ({ since: ago(60_000), until: ago(0), type: 'x' }), 'type'],
    ['a missing until', () => ({ since: ago(60_000) }), 'until'],
  ])('refuses %s with 422 naming the field', async (_, body, field) => {
    h = await startHarness({ webhooks: { url: sink.url } });
    const res = await h.api('post', '/v1/webhooks/replay').send(body());
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'UNPROCESSABLE_ENTITY', field });
  });

  it('sends, once WEBHOOK_URL is set, an event recorded while it was unset', async () => {
    h = await startHarness({ env: { WEBHOOK_URL: '', WEBHOOK_SECRET: '' } });
    const [onboardingId] = await completeSome(1);
    const delivering = await startHarness({
      store: { connection: h.redis!.anotherConnection(), prefix: h.redis!.prefix },
      webhooks: { url: sink.url },
    });
    try {
      const res = await delivering.api('post', '/v1/webhooks/replay').send(lastMinute());
      expect(res.body.data).toEqual({ queued: 1 });
      await sink.waitFor(1);
      expect(JSON.parse(sink.received[0]!.body).data.onboarding_id).toBe(onboardingId);
    } finally {
      await delivering.close();
    }
  });

  it('refuses a replay without WEBHOOK_URL (409): there is nowhere to deliver', async () => {
    h = await startHarness({ env: { WEBHOOK_URL: '', WEBHOOK_SECRET: '' } });
    await completeSome(1);
    const res = await h.api('post', '/v1/webhooks/replay').send(lastMinute());
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
    expect((await h.storage.webhookQueue.stats(Date.now())).depth).toBe(0);
  });
});

function ago(ms: number): string {
  return new Date(Date.now() - ms).toISOString();
}
