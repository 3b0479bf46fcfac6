// Webhook delivery to a real receiver: retries, signatures, dead letters, redelivery, two instances sharing a queue.
import supertest from 'supertest';
import { Webhook } from 'standardwebhooks';
import { startHarness, WEBHOOK_SECRET, type Harness } from '../helpers/service-harness';
import { raisedEvents } from '../helpers/raised-events';
import { eventually, startWebhookSink, type WebhookSink } from '../helpers/webhook-sink';

const verifier = new Webhook(WEBHOOK_SECRET);

async function completeOne(h: Harness): Promise<string> {
  const onboarding = await h.createOnboarding({ ds_id: 'GA', metadata: { crm: 'acct-1' } });
  await supertest(h.app).get(h.authenticate(onboarding.link_id)).expect(200);
  return onboarding.onboarding_id;
}

describe('webhook delivery', () => {
  let sink: WebhookSink;
  let h: Harness;
  beforeEach(async () => {
    sink = await startWebhookSink();
  });
  afterEach(async () => {
    await h?.close();
    await sink.close();
  });

  it('retries 500s, then delivers once with the same webhook-id, signed per Standard Webhooks', async () => {
    sink.script({ status: 500 }, { status: 503 }, { status: 200 });
    h = await startHarness({ webhooks: { url: sink.url } });
    const onboardingId = await completeOne(h);

    await sink.waitFor(3);
    await eventually(
      async () => (await h.storage.webhookQueue.stats(Date.now())).depth === 0,
      5000,
      'queue drained',
    );

    expect(sink.received.map((r) => r.status)).toEqual([500, 503, 200]);
    const ids = new Set(sink.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const request of sink.received) {
      const payload = verifier.verify(request.body, request.headers) as {
        type: string;
        data: Record<string, unknown>;
      };
      expect(payload.type).toBe('login.completed');
      expect(payload.data).toMatchObject({
        onboarding_id: onboardingId,
        ds_id: 'GA',
        metadata: { crm: 'acct-1' },
      });
      expect(request.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
      expect(request.headers['webhook-signature']).toMatch(/^v1,/);
    }
    expect((await h.storage.webhookQueue.listDeadLetters(10)).items).toHaveLength(0);
    // Nothing more arrives: the 2xx acknowledged it.
    expect(sink.received).toHaveLength(3);
  });

  it('delivers the body built from the stored record, byte for byte, with its webhook-id', async () => {
    h = await startHarness({ webhooks: { url: sink.url } });
    const onboardingId = await completeOne(h);
    await sink.waitFor(1);

    const [event] = await raisedEvents(h.storage.onboardings, onboardingId);
    expect(sink.received[0]!.body).toBe(event!.body);
    expect(sink.received[0]!.headers['webhook-id']).toBe(event!.webhook_id);
    const stored = await h.storage.onboardings.getOnboarding(onboardingId);
    expect(JSON.parse(event!.body)).toEqual({
      type: 'login.completed',
      timestamp: stored!.completed_time,
      data: {
        onboarding_id: onboardingId,
        link_id: stored!.link_id,
        ds_id: 'GA',
        ds_name: stored!.ds_name,
        login_id: stored!.login_id,
        login_username: stored!.login_username,
        login_time: stored!.login_time,
        user_id: stored!.user_id,
        metadata: { crm: 'acct-1' },
        completed_via: 'callback',
      },
    });
  });

  it('is refused by the Standard Webhooks library when the body is tampered with or the timestamp is stale', async () => {
    h = await startHarness({ webhooks: { url: sink.url } });
    await completeOne(h);
    await sink.waitFor(1);
    const { body, headers } = sink.received[0]!;

    expect(() => verifier.verify(body.replace('acct-1', 'acct-2'), headers)).toThrow();
    const stale = { ...headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 3600) };
    expect(() => verifier.verify(body, stale)).toThrow();
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(body, headers),
    ).toThrow();
  });

  it('delivers once the receiver comes back after being down', async () => {
    const port = sink.port;
    const url = sink.url;
    await sink.close();
    h = await startHarness({
      webhooks: { url, retryDelaysMs: [30, 30, 30, 30, 30, 30, 30, 30, 30, 30] },
    });
    const onboardingId = await completeOne(h);
    await eventually(
      async () =>
        (await h.storage.webhookQueue.stats(Date.now())).depth === 1 &&
        h.log.lines.some((l) => l.msg === 'webhook not delivered'),
      5000,
      'a failed attempt',
    );

    sink = await startWebhookSink(port);
    await sink.waitFor(1);
    await eventually(
      async () => (await h.storage.webhookQueue.stats(Date.now())).depth === 0,
      5000,
      'queue drained',
    );
    expect(JSON.parse(sink.received[0]!.body).data.onboarding_id).toBe(onboardingId);
    expect(sink.received).toHaveLength(1);
  });

  it('moves a 410 to dead letters, lists it, and redelivers it on request', async () => {
    sink.script({ status: 410 });
    h = await startHarness({ webhooks: { url: sink.url } });
    const onboardingId = await completeOne(h);
    await sink.waitFor(1);
    await eventually(
      async () => (await h.storage.webhookQueue.stats(Date.now())).deadLetters === 1,
      5000,
      'dead letter',
    );

    const list = await h.api('get', '/v1/webhooks/dead-letters');
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    const letter = list.body.data[0];
    expect(letter).toMatchObject({
      onboarding_id: onboardingId,
      attempts: 1,
      last_error: expect.stringContaining('410'),
    });
    expect(letter.webhook_id).toBe(sink.received[0]!.headers['webhook-id']);

    const redeliver = await h.api(
      'post',
      `/v1/webhooks/dead-letters/${letter.webhook_id}/redeliver`,
    );
    expect(redeliver.status).toBe(200);
    await sink.waitFor(2);
    expect(sink.received[1]!.status).toBe(200);
    expect(sink.received[1]!.headers['webhook-id']).toBe(letter.webhook_id);
    await eventually(
      async () => (await h.storage.webhookQueue.stats(Date.now())).deadLetters === 0,
      5000,
      'dead letter gone',
    );
    expect((await h.api('get', '/v1/webhooks/dead-letters')).body.data).toHaveLength(0);
  });

  it('answers 404 when redelivering an unknown dead letter', async () => {
    h = await startHarness({ webhooks: { url: sink.url } });
    expect((await h.api('post', '/v1/webhooks/dead-letters/msg_unknown/redeliver')).status).toBe(
      404,
    );
    expect((await h.api('post', '/v1/webhooks/dead-letters/bad%20id/redeliver')).status).toBe(404);
  });

  it('does not make the callback wait for a slow receiver', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    sink.script({ status: 200, holdUntil: held });
    h = await startHarness({ webhooks: { url: sink.url, timeoutMs: 30000 } });
    const onboarding = await h.createOnboarding();

    const res = await supertest(h.app).get(h.authenticate(onboarding.link_id));

    expect(res.status).toBe(200);
    expect(sink.received).toHaveLength(0); // still held by the receiver
    release();
    await sink.waitFor(1);
  });

  it('delivers each event once with two instances sharing the queue', async () => {
    h = await startHarness({ webhooks: { url: sink.url } });
    // A second instance, with its own worker, on its own connection.
    await h.anotherInstance(h.redis!.anotherConnection());
    {
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push(await completeOne(h));
      await sink.waitFor(10);
      await eventually(
        async () => (await h.storage.webhookQueue.stats(Date.now())).depth === 0,
        5000,
        'queue drained',
      );
      const delivered = sink.received.map((r) => r.headers['webhook-id']);
      expect(new Set(delivered).size).toBe(delivered.length);
      expect(delivered).toHaveLength(10);
      expect(sink.received.map((r) => JSON.parse(r.body).data.onboarding_id).sort()).toEqual(
        ids.sort(),
      );
    }
  });
});
