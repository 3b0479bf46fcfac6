// Rotating WEBHOOK_SECRET: with the old and the new secret listed, every delivery carries a signature
// for each, so a receiver holding only either one verifies it with the official standardwebhooks library.
import supertest from 'supertest';
import { Webhook } from 'standardwebhooks';
import { startHarness, type Harness } from '../helpers/service-harness';
import { startWebhookSink, type WebhookSink } from '../helpers/webhook-sink';

const OLD = `whsec_${Buffer.alloc(32, 21).toString('base64')}`;
const NEW = `whsec_${Buffer.alloc(48, 22).toString('base64')}`;
const OTHER = `whsec_${Buffer.alloc(32, 23).toString('base64')}`;

describe('webhook secret rotation', () => {
  let sink: WebhookSink;
  let h: Harness;
  beforeEach(async () => {
    sink = await startWebhookSink();
  });
  afterEach(async () => {
    await h?.close();
    await sink.close();
  });

  async function completeTwo(): Promise<void> {
    for (let i = 0; i < 2; i++) {
      const onboarding = await h.createOnboarding({ ds_id: 'GA', metadata: { n: i } });
      await supertest(h.app).get(h.authenticate(onboarding.link_id)).expect(200);
    }
    await sink.waitFor(2);
  }

  it('signs every delivery with both secrets: a receiver with only the old one and one with only the new one both verify it', async () => {
    // The first attempt fails, so a retry (a second signing, later timestamp) is verified too.
    sink.script({ status: 503 });
    h = await startHarness({
      webhooks: { url: sink.url },
      env: { WEBHOOK_SECRET: `${OLD},${NEW}` },
    });
    await completeTwo();
    await sink.waitFor(3);

    const oldReceiver = new Webhook(OLD);
    const newReceiver = new Webhook(NEW);
    expect(sink.received).toHaveLength(3);
    for (const { headers, body } of sink.received) {
      expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+ v1,[A-Za-z0-9+/=]+$/);
      expect(oldReceiver.verify(body, headers)).toMatchObject({ type: 'login.completed' });
      expect(newReceiver.verify(body, headers)).toMatchObject({ type: 'login.completed' });
      expect(() => new Webhook(OTHER).verify(body, headers)).toThrow();
    }
  });

  it('once the old secret is removed, only a receiver holding the new one verifies', async () => {
    h = await startHarness({ webhooks: { url: sink.url }, env: { WEBHOOK_SECRET: NEW } });
    await completeTwo();

    for (const { headers, body } of sink.received) {
      expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
      expect(new Webhook(NEW).verify(body, headers)).toMatchObject({ type: 'login.completed' });
      expect(() => new Webhook(OLD).verify(body, headers)).toThrow();
    }
  });
});
