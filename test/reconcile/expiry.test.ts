// Expiry: links that expired unused end their onboarding with a webhook; links left OPEN are closed upstream.
import { isoSeconds } from '../../src/lib/clock';
import {
  INTERVAL_SECONDS,
  startReconcileFixture,
  type ReconcileFixture,
} from './reconcile-fixture';
import { raisedEvents } from '../helpers/raised-events';

const DAY_MS = 24 * 3600 * 1000;

describe('expiry and closing links upstream', () => {
  let f: ReconcileFixture;

  beforeEach(async () => {
    f = await startReconcileFixture();
  });

  afterEach(async () => {
    await f.close();
  });

  function eventsOf(onboardingId: string) {
    return raisedEvents(f.h.storage.onboardings, onboardingId).then((events) =>
      events.map((e) => JSON.parse(e.body) as Record<string, unknown>),
    );
  }

  it('expires an onboarding whose link expired unused, with an onboarding.expired webhook', async () => {
    const reconciler = f.reconciler();
    const onboarding = await f.h.createOnboarding({
      ds_id: 'GA',
      expiry_time: '2 hours',
      metadata: { customer: 9 },
    });
    f.clock.advance(2 * 3600 * 1000 + 5_000);

    const run = await reconciler.runOnce();

    expect(run.outcomes).toEqual({ expired: 1 });
    expect(f.h.sim.getLink(onboarding.link_id)?.status_code).toBe('EXPIRED');
    expect((await f.h.storage.onboardings.getOnboarding(onboarding.onboarding_id))?.status).toBe(
      'expired',
    );
    expect(await eventsOf(onboarding.onboarding_id)).toEqual([
      {
        type: 'onboarding.expired',
        timestamp: new Date(f.clock.now()).toISOString(),
        data: {
          onboarding_id: onboarding.onboarding_id,
          link_id: onboarding.link_id,
          ds_id: 'GA',
          ds_name: 'Google Analytics',
          metadata: { customer: 9 },
          expiry_time: onboarding.expiry_time,
          login_id: null,
          login_username: null,
          login_time: null,
          user_id: null,
          completed_via: null,
        },
      },
    ]);
    await expect(f.h.storage.reconcileSchedule.countChecks()).resolves.toBe(0);
    const res = await f.h.api('get', `/v1/onboardings/${onboarding.onboarding_id}`);
    expect(res.body.data.status).toBe('expired');
    const history = await f.h.api('get', `/v1/onboardings/${onboarding.onboarding_id}/history`);
    expect(history.body.data.at(-1)).toEqual({
      type: 'expired',
      time: new Date(f.clock.now()).toISOString(),
    });
  });

  it('checks again by the expiry at the latest, even when the backoff would wait longer', async () => {
    const reconciler = f.reconciler();
    const onboarding = await f.h.createOnboarding({ ds_id: 'GA', expiry_time: '10 minutes' });
    let expiredAt: number | null = null;
    for (let second = 0; second < 20 * 60 && expiredAt === null; second += 5) {
      f.clock.advance(5_000);
      if ((await reconciler.runOnce()).outcomes.expired) expiredAt = f.clock.now();
    }
    expect(expiredAt).not.toBeNull();
    expect(expiredAt! - Date.parse(String(onboarding.expiry_time))).toBeLessThanOrEqual(10_000);
  });

  it('closes a link the upstream still shows OPEN after its expiry_time, then expires the onboarding', async () => {
    const reconciler = f.reconciler();
    const onboarding = await f.h.createOnboarding();
    f.clock.advance(DAY_MS + 60_000);
    // The upstream lags: its answers still say OPEN although expiry_time has passed.
    const stale = { ...f.h.sim.getLink(onboarding.link_id)!, status_code: 'OPEN' };
    f.h.sim.faults.inject({
      endpoint: 'list',
      status: 200,
      body: { meta: { request_id: 'req_stale_list' }, data: [stale] },
    });
    f.h.sim.faults.inject({
      endpoint: 'get',
      status: 200,
      body: { meta: { request_id: 'req_stale' }, data: stale },
    });

    const run = await reconciler.runOnce();

    expect(run.outcomes).toEqual({ closed_upstream: 1 });
    const close = f.h.sim.requests.filter((r) => r.endpoint === 'close');
    expect(close).toHaveLength(1);
    expect(close[0]).toMatchObject({ method: 'PUT' });
    expect(close[0]!.path).toContain(onboarding.link_id);
    expect((await f.h.storage.onboardings.getOnboarding(onboarding.onboarding_id))?.status).toBe(
      'expired',
    );
    expect((await eventsOf(onboarding.onboarding_id))[0]?.type).toBe('onboarding.expired');
    const history = await f.h.api('get', `/v1/onboardings/${onboarding.onboarding_id}/history`);
    expect(history.body.data).toContainEqual(
      expect.objectContaining({ type: 'link_closed', link_id: onboarding.link_id }),
    );
  });

  it('expires an onboarding whose link the upstream no longer knows', async () => {
    const reconciler = f.reconciler();
    const onboarding = await f.h.createOnboarding();
    // Links older than 90 days are removed upstream.
    f.h.sim.setLink(onboarding.link_id, { created_time: isoSeconds(f.clock.now() - 91 * DAY_MS) });
    f.clock.advance(INTERVAL_SECONDS * 1000);

    const run = await reconciler.runOnce();

    expect(run.outcomes).toEqual({ expired: 1 });
    expect((await f.h.storage.onboardings.getOnboarding(onboarding.onboarding_id))?.status).toBe(
      'expired',
    );
  });

  it('closes the link of a cancelled onboarding later when closing it at cancel time failed', async () => {
    const reconciler = f.reconciler();
    const onboarding = await f.h.createOnboarding();
    f.h.sim.faults.inject({ endpoint: 'close', status: 500, times: 5 });

    const cancel = await f.h.api('post', `/v1/onboardings/${onboarding.onboarding_id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.body.data.status).toBe('cancelled');
    expect(f.h.sim.getLink(onboarding.link_id)?.status_code).toBe('OPEN');
    f.h.sim.faults.clear();

    f.clock.advance(INTERVAL_SECONDS * 1000);
    const run = await reconciler.runOnce();

    expect(run.outcomes).toEqual({ closed_upstream: 1 });
    expect(f.h.sim.getLink(onboarding.link_id)?.status_code).toBe('CLOSED');
    expect((await f.h.storage.onboardings.getOnboarding(onboarding.onboarding_id))?.status).toBe(
      'cancelled',
    );
    await expect(f.h.storage.reconcileSchedule.countChecks()).resolves.toBe(0);
  });
});
