// GET /v1/onboardings/{id}/history: what happened to one onboarding, oldest first, from its creation to
// its webhook; bounded under a flood of forged callbacks.
import supertest from 'supertest';
import { HISTORY_MAX } from '../../src/store/history-codec';
import { startHarness, type Harness } from '../helpers/service-harness';
import { eventually, startWebhookSink, type WebhookSink } from '../helpers/webhook-sink';

interface HistoryView {
  entries: Record<string, unknown>[];
  omitted: number;
}

describe('onboarding history', () => {
  let sink: WebhookSink;
  let h: Harness;
  beforeEach(async () => {
    sink = await startWebhookSink();
  });
  afterEach(async () => {
    await h?.close();
    await sink.close();
  });

  async function historyOf(id: string): Promise<HistoryView> {
    const res = await h.api('get', `/v1/onboardings/${id}/history`);
    expect(res.status).toBe(200);
    return { entries: res.body.data, omitted: res.body.meta.omitted };
  }

  it('tells a callback story: created, link_created, callback_failed, completed, then each delivery of its webhook', async () => {
    sink.script({ status: 503 }, { status: 200 });
    h = await startHarness({ webhooks: { url: sink.url } });
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    const forged = path.replace(/link_verifier=[^&]+/, `link_verifier=${'A'.repeat(43)}`);
    await supertest(h.app).get(forged).expect(400);
    await supertest(h.app).get(path).expect(200);
    await sink.waitFor(2);
    const id = onboarding.onboarding_id;
    await eventually(async () => (await historyOf(id)).entries.length === 6);

    const { entries, omitted } = await historyOf(id);

    const [webhookId] = (await h.api('get', `/v1/onboardings/${id}`)).body.data.webhook_ids;
    expect(entries).toEqual([
      { type: 'created', time: onboarding.created_time },
      { type: 'link_created', time: onboarding.created_time, link_id: onboarding.link_id },
      { type: 'callback_failed', time: expect.any(String), code: 'VERIFIER_MISMATCH' },
      {
        type: 'completed',
        time: expect.any(String),
        completed_via: 'callback',
        link_id: onboarding.link_id,
      },
      { type: 'webhook_failed', time: expect.any(String), webhook_id: webhookId, status: 503 },
      { type: 'webhook_delivered', time: expect.any(String), webhook_id: webhookId, status: 200 },
    ]);
    expect(omitted).toBe(0);
    const times = entries.map((e) => Date.parse(String(e.time)));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("tells an invitation's story: created, start_opened with its link, then cancelled with the link closed", async () => {
    h = await startHarness();
    const created = await h.createOnboarding({ ds_id: 'GA', create_link: 'on_open' });
    const start = new URL(String(created.start_url)).pathname;
    // A mail scanner fetching the page leaves no trace; pressing Continue does.
    await supertest(h.app).get(start).expect(200);
    await supertest(h.app).post(start).expect(303);
    const linkId = (await h.storage.onboardings.getOnboarding(created.onboarding_id))!.links[0]!
      .link_id;
    await h.api('post', `/v1/onboardings/${created.onboarding_id}/cancel`).expect(200);

    const { entries } = await historyOf(created.onboarding_id);

    expect(entries.map((e) => [e.type, e.link_id])).toEqual([
      ['created', undefined],
      ['start_opened', undefined],
      ['link_created', linkId],
      ['cancelled', undefined],
      ['link_closed', linkId],
    ]);
  });

  it(`stays at ${HISTORY_MAX} entries under 300 forged callbacks: the first, the newest, and a count of the rest`, async () => {
    h = await startHarness();
    const onboarding = await h.createOnboarding();
    const path = h.authenticate(onboarding.link_id);
    for (let i = 0; i < 300; i++) {
      const forged = path.replace(
        /link_verifier=[^&]+/,
        `link_verifier=${String(i).padStart(43, 'F')}`,
      );
      await supertest(h.app).get(forged).expect(400);
    }
    await supertest(h.app).get(path).expect(200);

    const { entries, omitted } = await historyOf(onboarding.onboarding_id);

    expect(entries).toHaveLength(HISTORY_MAX);
    expect(omitted).toBe(2 + 300 + 1 - HISTORY_MAX);
    expect(entries.slice(0, 2)).toEqual([
      { type: 'created', time: onboarding.created_time },
      { type: 'link_created', time: onboarding.created_time, link_id: onboarding.link_id },
    ]);
    expect(entries.at(-1)).toMatchObject({ type: 'completed', completed_via: 'callback' });
    expect(entries.slice(2, -1).every((e) => e.type === 'callback_failed')).toBe(true);
    // The record holds the history: no key of its own, whatever the flood.
    const keys = await h.redis!.redis.keys(`${h.redis!.prefix}:{${onboarding.onboarding_id}}*`);
    expect(keys).toEqual([`${h.redis!.prefix}:{${onboarding.onboarding_id}}:onb`]);
  });

  it.each(['onb_doesnotexist000', 'nope'])('answers 404 NOT_FOUND for %s', async (id) => {
    h = await startHarness();
    const res = await h.api('get', `/v1/onboardings/${id}/history`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});
