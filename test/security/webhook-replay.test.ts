// Replays after success must never produce a second webhook, and the webhook itself is signed per
// Standard Webhooks and carries no secret.
import supertest from 'supertest';
import { Webhook } from 'standardwebhooks';
import { ManualClock } from '../../src/lib/clock';
import { API_KEY, startHarness, WEBHOOK_SECRET, type Harness } from '../helpers/service-harness';
import { startWebhookSink, type WebhookSink } from '../helpers/webhook-sink';
import { raisedEvents } from '../helpers/raised-events';

const DAY_MS = 24 * 60 * 60 * 1000;

async function authenticatedPath(h: Harness, body: Record<string, unknown> = { ds_id: 'GA' }) {
  const onboarding = await h.createOnboarding(body);
  return { onboarding, path: h.authenticate(onboarding.link_id) };
}

describe('security: replayed callbacks and the webhook queue', () => {
  let h: Harness;
  let sink: WebhookSink;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    sink = await startWebhookSink();
    h = await startHarness({ clock, webhooks: { url: sink.url } });
  });
  afterEach(async () => {
    await h.close();
    await sink.close();
  });

  it('a reload within minutes delivers no second webhook', async () => {
    const { path } = await authenticatedPath(h);
    await supertest(h.app).get(path).expect(200);
    await sink.waitFor(1);
    await supertest(h.app).get(path).expect(200);
    clock.advance(60_000);
    // Whatever the reload queued is due by now; the worker has looked and found nothing left to send.
    await h.webhooks!.worker.drained();
    expect(sink.received).toHaveLength(1);
  });

  // A replay finds the onboarding completed already: it writes no outbox event and enqueues nothing,
  // so the shared queue stays exactly as the first delivery left it (no webhook, no other member).
  it('a replayed callback enqueues nothing in the shared queue', async () => {
    const { onboarding, path } = await authenticatedPath(h);
    await supertest(h.app).get(path).expect(200);
    await sink.waitFor(1);
    await h.webhooks!.worker.idle();
    const due = `${h.redis!.prefix}:{webhooks}:due`;
    const outbox = await raisedEvents(h.storage.onboardings, onboarding.onboarding_id);
    expect(outbox).toHaveLength(1);
    expect(await h.redis!.redis.zrange(due, 0, -1)).toEqual([]);

    await supertest(h.app).get(path).expect(200);
    await h.webhooks!.worker.idle();

    expect(await h.redis!.redis.zrange(due, 0, -1)).toEqual([]);
    await expect(raisedEvents(h.storage.onboardings, onboarding.onboarding_id)).resolves.toEqual(
      outbox,
    );
    await expect(h.storage.webhookQueue.stats(clock.now())).resolves.toEqual({
      depth: 0,
      oldestAgeMs: null,
      deadLetters: 0,
    });
    expect(sink.received).toHaveLength(1);
  });

  it('a replay of the callback a week after delivery delivers no second webhook', async () => {
    const first = await authenticatedPath(h);
    await supertest(h.app).get(first.path).expect(200);
    await sink.waitFor(1);
    await h.webhooks!.worker.idle(); // acknowledged at the current time
    const firstId = sink.received[0]!.headers['webhook-id'];

    // Eight days later another onboarding completes; its acknowledgement trims week-old "delivered" ids.
    clock.advance(8 * DAY_MS);
    const second = await authenticatedPath(h);
    await supertest(h.app).get(second.path).expect(200);
    await sink.waitFor(2);

    // The customer's browser history still holds the first callback URL: a reload.
    const replay = await supertest(h.app).get(first.path);
    expect(replay.status).toBe(200);
    clock.advance(31_000);
    await h.webhooks!.worker.drained();

    const ids = sink.received.map((r) => r.headers['webhook-id']);
    expect(ids.filter((id) => id === firstId)).toHaveLength(1);
    expect(sink.received).toHaveLength(2);
  });
});

describe('security: the webhook on the wire', () => {
  let h: Harness;
  let sink: WebhookSink;
  beforeEach(async () => {
    sink = await startWebhookSink();
    h = await startHarness({ webhooks: { url: sink.url } });
  });
  afterEach(async () => {
    await h.close();
    await sink.close();
  });

  it('is signed per Standard Webhooks, echoes metadata verbatim and carries no state, verifier or key', async () => {
    const metadata = {
      customer: '</script><script>alert(1)</script>',
      nested: { __proto__: 'x', constructor: { prototype: 1 }, list: [1, 'two', null] },
      unicode: 'Ωmega 😀 \u2028',
    };
    const created = await h.api('post', '/v1/onboardings').send({ ds_id: 'GA', metadata });
    expect(created.status).toBe(201);
    const path = h.authenticate(created.body.data.link_id);
    const query = new URLSearchParams(path.split('?')[1]);
    await supertest(h.app).get(path).expect(200);
    await sink.waitFor(1);
    const got = sink.received[0]!;

    expect(got.headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]+$/);
    expect(got.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const event = new Webhook(WEBHOOK_SECRET).verify(got.body, got.headers) as {
      data: { metadata: unknown };
    };
    expect(JSON.parse(got.body).data.metadata).toEqual(JSON.parse(JSON.stringify(metadata)));
    expect(event.data.metadata).toEqual(JSON.parse(JSON.stringify(metadata)));

    // A tampered body or another secret does not verify.
    expect(() =>
      new Webhook(WEBHOOK_SECRET).verify(got.body.replace('GA', 'GB'), got.headers),
    ).toThrow();
    expect(() =>
      new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(got.body, got.headers),
    ).toThrow();

    const everything = JSON.stringify(got);
    for (const secret of [
      query.get('state')!,
      query.get('link_verifier')!,
      API_KEY,
      WEBHOOK_SECRET,
      WEBHOOK_SECRET.slice('whsec_'.length),
    ])
      expect(everything).not.toContain(secret);
    expect(everything).not.toContain('state_hash');
    expect(everything).not.toContain('redirect_verifier');
  });

  it('a retried delivery keeps its webhook-id and is signed afresh each time', async () => {
    sink.script({ status: 503 }, { status: 500 });
    const { path } = await authenticatedPath(h);
    await supertest(h.app).get(path).expect(200);
    await sink.waitFor(3);
    const ids = new Set(sink.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const r of sink.received)
      expect(() => new Webhook(WEBHOOK_SECRET).verify(r.body, r.headers)).not.toThrow();
  });
});
