// Reconciliation completes onboardings whose browser never came back: once, with one webhook, on any instance.
import supertest from 'supertest';
import { createMetrics } from '../../src/ops/metrics';
import { startWebhookSink, type WebhookSink } from '../helpers/webhook-sink';
import {
  INTERVAL_SECONDS,
  startReconcileFixture,
  type ReconcileFixture,
} from './reconcile-fixture';
import { raisedEvents } from '../helpers/raised-events';

describe('reconciliation of lost browsers', () => {
  let f: ReconcileFixture;
  let sink: WebhookSink;
  const metrics = createMetrics({ processMetrics: false });

  beforeEach(async () => {
    sink = await startWebhookSink();
    f = await startReconcileFixture({ webhooks: { url: sink.url }, metrics });
  });

  afterEach(async () => {
    await f.close();
    await sink.close();
  });

  it('completes a lost browser after RECONCILE_INTERVAL with completed_via reconciliation and one webhook', async () => {
    const reconciler = f.reconciler();
    const onboarding = await f.h.createOnboarding({ ds_id: 'GA', metadata: { customer: 7 } });
    f.h.authenticate(onboarding.link_id, 'ana@example.com');

    f.clock.advance(INTERVAL_SECONDS * 1000 - 1);
    await reconciler.runOnce();
    expect(f.reconcileGets()).toBe(0);
    expect((await f.h.storage.onboardings.getOnboarding(onboarding.onboarding_id))?.status).toBe(
      'pending',
    );

    f.clock.advance(1);
    const run = await reconciler.runOnce();

    expect(run.outcomes).toEqual({ completed: 1 });
    const link = f.h.sim.getLink(onboarding.link_id)!;
    expect(await f.h.storage.onboardings.getOnboarding(onboarding.onboarding_id)).toMatchObject({
      status: 'completed',
      completed_via: 'reconciliation',
      login_id: link.login_id,
      login_username: 'ana@example.com',
    });
    await sink.waitFor(1);
    const body = JSON.parse(sink.received[0]!.body);
    expect(body).toMatchObject({
      type: 'login.completed',
      data: {
        onboarding_id: onboarding.onboarding_id,
        login_id: link.login_id,
        metadata: { customer: 7 },
        completed_via: 'reconciliation',
      },
    });
    await expect(f.h.storage.reconcileSchedule.countChecks()).resolves.toBe(0);
    expect(f.h.log.lines).toContainEqual(
      expect.objectContaining({
        onboarding_id: onboarding.onboarding_id,
        msg: expect.stringMatching(/reconciliation completed/),
      }),
    );
    expect((await metrics.render()).body).toMatch(
      /llr_reconciliation_checks_total\{result="completed"\} 1/,
    );
  });

  it('shows success to a callback arriving after reconciliation and sends no second webhook', async () => {
    const reconciler = f.reconciler();
    const onboarding = await f.h.createOnboarding();
    const callbackPath = f.h.authenticate(onboarding.link_id);
    f.clock.advance(INTERVAL_SECONDS * 1000);
    await reconciler.runOnce();
    await sink.waitFor(1);

    const res = await supertest(f.h.app).get(callbackPath);

    expect(res.status).toBe(200);
    expect(res.text).toContain('is connected');
    expect(
      (await f.h.storage.onboardings.getOnboarding(onboarding.onboarding_id))?.completed_via,
    ).toBe('reconciliation');
    await expect(
      raisedEvents(f.h.storage.onboardings, onboarding.onboarding_id),
    ).resolves.toHaveLength(1);
    // A minute on, anything the callback queued is due; the worker has looked and found nothing to send.
    f.clock.advance(60_000);
    await f.h.webhooks!.worker.drained();
    expect(sink.received).toHaveLength(1);
  });

  it('completes each of several lost browsers once when two instances reconcile at the same time', async () => {
    const other = f.h.redis!.another();
    const first = f.reconciler({ batchSize: 2 });
    const second = f.reconciler({ storage: other, batchSize: 2 });
    const onboardings = [];
    for (let i = 0; i < 5; i++) {
      const onboarding = await f.h.createOnboarding();
      f.h.authenticate(onboarding.link_id, `user${i}@example.com`);
      onboardings.push(onboarding);
    }
    f.clock.advance(INTERVAL_SECONDS * 1000);

    const runs = [];
    for (let round = 0; round < 3; round++) {
      runs.push(...(await Promise.all([first.runOnce(), second.runOnce()])));
    }

    const completed = runs.reduce((n, run) => n + (run.outcomes.completed ?? 0), 0);
    expect(completed).toBe(5);
    expect(runs[0]!.outcomes.completed).toBe(2);
    expect(runs[1]!.outcomes.completed).toBe(2);
    expect(f.reconcileGets()).toBe(5);
    for (const onboarding of onboardings) {
      expect(
        (await f.h.storage.onboardings.getOnboarding(onboarding.onboarding_id))?.completed_via,
      ).toBe('reconciliation');
      await expect(
        raisedEvents(f.h.storage.onboardings, onboarding.onboarding_id),
      ).resolves.toHaveLength(1);
    }
    await sink.waitFor(5);
    const delivered = sink.received.map((w) => JSON.parse(w.body).data.onboarding_id as string);
    expect(delivered.sort()).toEqual(onboardings.map((o) => o.onboarding_id).sort());
  });

  it('does not complete a link authenticated with another account than require_username', async () => {
    const reconciler = f.reconciler();
    const onboarding = await f.h.createOnboarding({
      ds_id: 'GA',
      require_username: 'ana@example.com',
    });
    // The simulator enforces require_username itself; force the odd upstream answer.
    f.h.sim.authenticate(onboarding.link_id);
    f.h.sim.setLink(onboarding.link_id, { login_username: 'eve@example.com' });
    f.clock.advance(INTERVAL_SECONDS * 1000);

    const run = await reconciler.runOnce();

    expect(run.outcomes).toEqual({ still_pending: 1 });
    expect(await f.h.storage.onboardings.getOnboarding(onboarding.onboarding_id)).toMatchObject({
      status: 'pending',
      last_error: { code: 'LOGIN_INCOMPLETE' },
    });
    await expect(
      raisedEvents(f.h.storage.onboardings, onboarding.onboarding_id),
    ).resolves.toHaveLength(0);
  });
});
