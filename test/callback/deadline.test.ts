// The callback's deadline: with the upstream hung, the customer is told within 10 s that the connection is
// being confirmed, the onboarding stays pending, and reconciliation completes it within 30 s of the
// upstream coming back, once, whatever the customer reloads meanwhile.
import supertest from 'supertest';
import { startReconcileFixture, type ReconcileFixture } from '../reconcile/reconcile-fixture';
import { raisedEvents } from '../helpers/raised-events';

/** The contract: /callback answers within this long whatever the upstream does. */
const CALLBACK_DEADLINE_MS = 10_000;
/** Longer than any of the client's timeouts and retries: the upstream never answers in time. */
const HANG_MS = 120_000;

describe('GET /callback with the upstream hung', () => {
  let f: ReconcileFixture;
  beforeEach(async () => {
    f = await startReconcileFixture();
  });
  afterEach(async () => {
    await f.close();
  });

  it('answers "confirming" within 10 s, twice on a reload, and the onboarding completes once the upstream is back', async () => {
    const reconciler = f.reconciler();
    const onboarding = await f.h.createOnboarding({ ds_id: 'GA' });
    const path = f.h.authenticate(onboarding.link_id, 'ana@example.com');
    f.h.sim.faults.inject({ endpoint: 'get', times: 10, delayMs: HANG_MS });

    // The customer reloads while the first answer is still coming: both wait on the hung upstream.
    const started = performance.now();
    const answers = await Promise.all([
      supertest(f.h.app).get(path).set('Accept-Language', 'en'),
      supertest(f.h.app).get(path).set('Accept-Language', 'fi'),
    ]);
    const elapsed = performance.now() - started;

    expect(elapsed).toBeLessThan(CALLBACK_DEADLINE_MS);
    expect(answers.map((a) => a.status)).toEqual([202, 202]);
    expect(answers[0]!.text).toContain('We are confirming your connection');
    expect(answers[0]!.text).toContain('You can close this window');
    expect(answers[1]!.text).toContain('<html lang="fi">');
    expect(answers[1]!.text).toContain('Viimeistelemme tilisi yhdistämistä');
    expect(await f.h.storage.onboardings.getOnboarding(onboarding.onboarding_id)).toMatchObject({
      status: 'pending',
      last_error: { code: 'UPSTREAM_UNAVAILABLE' },
    });

    // The upstream is back. The first check was RECONCILE_INTERVAL (60 s) away; it now comes within 30 s.
    f.h.sim.faults.clear();
    f.clock.advance(30_000);
    const run = await reconciler.runOnce();
    expect(run.outcomes).toEqual({ completed: 1 });
    expect(await f.h.storage.onboardings.getOnboarding(onboarding.onboarding_id)).toMatchObject({
      status: 'completed',
      completed_via: 'reconciliation',
      login_username: 'ana@example.com',
    });

    // A reload now shows success from the store, and nothing is completed twice.
    const reload = await supertest(f.h.app).get(path);
    expect(reload.status).toBe(200);
    expect(reload.text).toContain('is connected');
    expect(await raisedEvents(f.h.storage.onboardings, onboarding.onboarding_id)).toHaveLength(1);
    expect(f.h.log.lines.filter((l) => l.outcome === 'COMPLETED')).toHaveLength(0);
  }, 30_000);
});
