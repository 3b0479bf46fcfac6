// A completion whose event was never recorded (the process died, Redis hiccuped) is relayed by the
// onboarding's reconciliation check: it enters the feed, its webhook is delivered, once, and nothing
// else is sent.
import supertest from 'supertest';
import type { EventLog, OnboardingStore } from '../../src/store/store';
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

  it('records and delivers the event of a callback completion whose recording failed, once', async () => {
    // An instance whose feed writes fail right after the completion script (as if it died there).
    let failRecord = true;
    f = await startReconcileFixture({ webhooks: { url: sink.url } });
    const { onboardings, webhookQueue, events } = f.h.storage;
    const flakyEvents: EventLog = Object.create(events);
    flakyEvents.record = (...args) =>
      failRecord ? Promise.reject(new Error('connection lost')) : events.record(...args);
    const onboarding = await f.h.createOnboarding();
    const path = f.h.authenticate(onboarding.link_id);
    const app = f.h.appWithStorage({ events: flakyEvents });

    await supertest(app).get(path).expect(200);
    expect((await onboardings.getOnboarding(onboarding.onboarding_id))?.status).toBe('completed');
    expect((await webhookQueue.stats(f.clock.now())).depth).toBe(0);
    await expect(events.read({ limit: 10 })).resolves.toEqual([]);
    failRecord = false;

    f.clock.advance(INTERVAL_SECONDS * 1000);
    await f.reconciler().runOnce();

    await sink.waitFor(1);
    expect(JSON.parse(sink.received[0]!.body).data.onboarding_id).toBe(onboarding.onboarding_id);
    const [recorded] = await events.read({ limit: 10 });
    expect(recorded?.webhook_id).toBe(sink.received[0]!.headers['webhook-id']);
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

  it('relays the event when a callback completed it under the reconciler and then failed to record it', async () => {
    f = await startReconcileFixture({ webhooks: { url: sink.url } });
    const { onboardings, events } = f.h.storage;
    const onboarding = await f.h.createOnboarding();
    const path = f.h.authenticate(onboarding.link_id);
    const stale = (await onboardings.getOnboarding(onboarding.onboarding_id))!;
    // The callback completes on an instance whose feed write then fails (as if it died there).
    const deadEvents: EventLog = Object.create(events);
    deadEvents.record = () => Promise.reject(new Error('connection lost'));
    await supertest(f.h.appWithStorage({ events: deadEvents }))
      .get(path)
      .expect(200);
    await expect(events.read({ limit: 10 })).resolves.toEqual([]);
    // The reconciler read the record a moment before: it still sees it pending.
    const lagging: OnboardingStore = Object.create(onboardings);
    lagging.getOnboarding = async () => stale;

    f.clock.advance(INTERVAL_SECONDS * 1000);
    const run = await f.reconciler({ storage: { ...f.h.storage, onboardings: lagging } }).runOnce();

    expect(run.outcomes).toEqual({ dropped: 1 });
    await sink.waitFor(1);
    expect(JSON.parse(sink.received[0]!.body).data.onboarding_id).toBe(onboarding.onboarding_id);
  });

  it('records and delivers, once, the outbox event a completion of the previous release left', async () => {
    f = await startReconcileFixture({ webhooks: { url: sink.url } });
    const { onboardings, events, reconcileSchedule } = f.h.storage;
    const onboarding = await f.h.createOnboarding();
    const prefix = f.h.redis!.prefix;
    const key = `${prefix}:{${onboarding.onboarding_id}}`;
    // As the previous release left it: completed, no events on the record, the body in the outbox.
    const body = JSON.stringify({ type: 'login.completed', timestamp: 'then', data: { n: 1 } });
    await f.h.redis!.redis.hset(`${key}:onb`, { status: 'completed', link_id: onboarding.link_id });
    await f.h.redis!.redis.rpush(
      `${key}:outbox`,
      JSON.stringify({ webhook_id: 'msg_legacy1', body }),
    );
    expect((await onboardings.getOnboarding(onboarding.onboarding_id))?.events).toEqual([]);
    await reconcileSchedule.scheduleCheck(onboarding.onboarding_id, f.clock.now());

    await f.reconciler().runOnce();
    await sink.waitFor(1);
    // Relayed again (a check that came back): the feed holds it, so nothing is queued twice.
    await reconcileSchedule.scheduleCheck(onboarding.onboarding_id, f.clock.now());
    await f.reconciler().runOnce();
    f.clock.advance(60_000);
    await f.h.webhooks!.worker.drained();

    expect(sink.received.map((r) => [r.headers['webhook-id'], r.body])).toEqual([
      ['msg_legacy1', body],
    ]);
    await expect(events.read({ limit: 10 })).resolves.toEqual([
      expect.objectContaining({ webhook_id: 'msg_legacy1', type: 'login.completed', body }),
    ]);
  });
});
