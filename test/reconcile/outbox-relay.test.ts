// A completion whose enqueue never happened (the process died, Redis hiccuped) is relayed by the
// onboarding's reconciliation check: its webhook is delivered, once, and nothing else is sent.
import supertest from 'supertest';
import type { OnboardingStore, WebhookQueue } from '../../src/store/store';
import { startWebhookSink, type WebhookSink } from '../helpers/webhook-sink';
import {
  INTERVAL_SECONDS,
  startReconcileFixture,
  type ReconcileFixture,
} from './reconcile-fixture';

describe('outbox relay by the reconciliation check', () => {
  let f: ReconcileFixture;
  let sink: WebhookSink;

  beforeEach(async () => {
    sink = await startWebhookSink();
  });
  afterEach(async () => {
    await f.close();
    await sink.close();
  });

  it('delivers the webhook of a callback completion whose enqueue failed, once', async () => {
    // An instance whose queue writes fail right after the completion script (as if it died there).
    let failEnqueue = true;
    f = await startReconcileFixture({ webhooks: { url: sink.url } });
    const { onboardings, webhookQueue } = f.h.storage;
    const flakyQueue: WebhookQueue = Object.create(webhookQueue);
    flakyQueue.enqueueWebhooks = (...args) =>
      failEnqueue
        ? Promise.reject(new Error('connection lost'))
        : webhookQueue.enqueueWebhooks(...args);
    const onboarding = await f.h.createOnboarding();
    const path = f.h.authenticate(onboarding.link_id);
    const app = f.h.appWithStorage({ webhookQueue: flakyQueue });

    await supertest(app).get(path).expect(200);
    expect((await onboardings.getOnboarding(onboarding.onboarding_id))?.status).toBe('completed');
    expect((await webhookQueue.stats(f.clock.now())).depth).toBe(0);
    failEnqueue = false;

    f.clock.advance(INTERVAL_SECONDS * 1000);
    await f.reconciler().runOnce();

    await sink.waitFor(1);
    expect(JSON.parse(sink.received[0]!.body).data.onboarding_id).toBe(onboarding.onboarding_id);
    // The check is gone: a later run relays nothing again.
    f.clock.advance(3600_000);
    await f.reconciler().runOnce();
    await f.h.webhooks!.worker.idle();
    expect(sink.received).toHaveLength(1);
  });

  it('sends nothing more for a callback completion whose enqueue succeeded', async () => {
    f = await startReconcileFixture({ webhooks: { url: sink.url } });
    const onboarding = await f.h.createOnboarding();
    await supertest(f.h.app).get(f.h.authenticate(onboarding.link_id)).expect(200);
    await sink.waitFor(1);

    f.clock.advance(INTERVAL_SECONDS * 1000);
    const run = await f.reconciler().runOnce();
    await f.h.webhooks!.worker.idle();

    expect(run.outcomes).toEqual({ dropped: 1 });
    expect(sink.received).toHaveLength(1);
    expect(f.reconcileGets()).toBe(0);
  });

  it('relays the outbox when a callback completed it under the reconciler and then failed to enqueue', async () => {
    f = await startReconcileFixture({ webhooks: { url: sink.url } });
    const { onboardings, webhookQueue } = f.h.storage;
    const onboarding = await f.h.createOnboarding();
    const path = f.h.authenticate(onboarding.link_id);
    const stale = (await onboardings.getOnboarding(onboarding.onboarding_id))!;
    // The callback completes on an instance whose queue write then fails (as if it died there).
    const deadQueue: WebhookQueue = Object.create(webhookQueue);
    deadQueue.enqueueWebhooks = () => Promise.reject(new Error('connection lost'));
    await supertest(f.h.appWithStorage({ webhookQueue: deadQueue }))
      .get(path)
      .expect(200);
    // The reconciler read the record a moment before: it still sees it pending.
    const lagging: OnboardingStore = Object.create(onboardings);
    lagging.getOnboarding = async () => stale;

    f.clock.advance(INTERVAL_SECONDS * 1000);
    const run = await f.reconciler({ storage: { ...f.h.storage, onboardings: lagging } }).runOnce();

    expect(run.outcomes).toEqual({ dropped: 1 });
    await sink.waitFor(1);
    expect(JSON.parse(sink.received[0]!.body).data.onboarding_id).toBe(onboarding.onboarding_id);
  });
});
