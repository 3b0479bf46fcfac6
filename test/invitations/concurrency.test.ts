// Invitations under a busy integrator and an attacker: a burst of Continues on two instances makes one
// upstream link, a login completes the onboarding once from any of its links, and a callback that mixes
// in another onboarding's link, a forged verifier or a forged state completes nothing.
import { randomBytes } from 'node:crypto';
import supertest from 'supertest';
import { MIN_LINK_TIME_LEFT_MS } from '../../src/invitations/start-flow';
import { startHarness, type Harness } from '../helpers/service-harness';
import { startReconcileFixture, type ReconcileFixture } from '../reconcile/reconcile-fixture';
import {
  callbackWith,
  invite,
  outboxBodies,
  partsOf,
  pressContinue,
  storedRecord,
  upstreamCount,
  type App,
  type Invitation,
} from './fixture';
import { raisedEvents } from '../helpers/raised-events';

/** LINK_TTL's default: each upstream link made for an invitation lives this long. */
const LINK_TTL_MS = 3600 * 1000;

/** Every answer sends the browser to `loginUrl`, or at worst to the waiting page: never elsewhere. */
function expectAllSentTo(answers: supertest.Response[], loginUrl: string): void {
  for (const answer of answers) {
    if (answer.status === 303) expect(answer.headers.location).toBe(loginUrl);
    else expect(answer.status).toBe(503);
  }
  expect(answers.some((a) => a.status === 303)).toBe(true);
}

describe('invitations: a burst of Continues across two instances', () => {
  let h: Harness;
  let instances: App[];
  beforeEach(async () => {
    h = await startHarness();
    instances = [h.app, (await h.anotherInstance(h.redis!.anotherConnection())).app];
  });
  afterEach(async () => {
    await h.close();
  });

  it('makes exactly one upstream link for 20 concurrent POSTs, and the login completes the onboarding once', async () => {
    const invitation = await invite(h, { metadata: { customer: 42 } });

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => pressContinue(instances[i % 2]!, invitation)),
    );

    expect(upstreamCount(h, 'create')).toBe(1);
    const withLink = await storedRecord(h, invitation.onboardingId);
    expect(withLink.links).toHaveLength(1);
    expect(withLink.link_lock_until).toBeNull();
    const link = withLink.links[0]!;
    expectAllSentTo(answers, link.login_url);

    const callback = h.authenticate(link.link_id, 'ana@example.com');
    const callbacks = await Promise.all(
      Array.from({ length: 10 }, (_, i) => supertest(instances[i % 2]!).get(callback)),
    );
    expect(callbacks.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(h.log.lines.filter((l) => l.outcome === 'COMPLETED')).toHaveLength(1);
    const completed = await storedRecord(h, invitation.onboardingId);
    expect(completed).toMatchObject({
      status: 'completed',
      link_id: link.link_id,
      login_id: h.sim.getLink(link.link_id)!.login_id,
      login_username: 'ana@example.com',
    });
    const events = await outboxBodies(h, invitation.onboardingId);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'login.completed',
        data: expect.objectContaining({
          onboarding_id: invitation.onboardingId,
          link_id: link.link_id,
          metadata: { customer: 42 },
        }),
      }),
    ]);

    // Reloads of the callback and of the start link, on either instance, change nothing.
    for (const app of instances) {
      await supertest(app).get(callback).expect(200);
      const again = await pressContinue(app, invitation).expect(200);
      expect(again.text).toContain('is connected');
    }
    expect(await storedRecord(h, invitation.onboardingId)).toEqual(completed);
    expect(await raisedEvents(h.storage.onboardings, invitation.onboardingId)).toHaveLength(1);
    expect((await h.storage.webhookQueue.stats(Date.now())).depth).toBe(1);
    expect(upstreamCount(h, 'create')).toBe(1);
  });
});

describe('invitations: links of one onboarding (ManualClock)', () => {
  let f: ReconcileFixture;
  let h: Harness;
  beforeEach(async () => {
    f = await startReconcileFixture();
    h = f.h;
  });
  afterEach(async () => {
    await f.close();
  });

  /** The state in a link's redirect_url, as the upstream holds it (what its callback will carry). */
  function stateOfLink(linkId: string): string {
    return new URL(h.sim.getLink(linkId)!.redirect_url).searchParams.get('state')!;
  }

  /** An invitation whose first link has under 5 minutes left, so Continue made it a second one. */
  async function withTwoLinks(): Promise<{ invitation: Invitation; older: string; newer: string }> {
    const invitation = await invite(h);
    await pressContinue(h.app, invitation).expect(303);
    f.clock.advance(LINK_TTL_MS - MIN_LINK_TIME_LEFT_MS + 1000);
    await pressContinue(h.app, invitation).expect(303);
    const record = await storedRecord(h, invitation.onboardingId);
    expect(record.links).toHaveLength(2);
    const [newer, older] = record.links.map((l) => l.link_id);
    // The older link is still OPEN upstream: its customer may still be signing in on it.
    expect(h.sim.getLink(older!)!.status_code).toBe('OPEN');
    return { invitation, older: older!, newer: newer! };
  }

  it('makes exactly one new link when concurrent POSTs on two instances find the newest nearly out of time', async () => {
    const other = (await h.anotherInstance(h.redis!.anotherConnection())).app;
    const invitation = await invite(h);
    await pressContinue(h.app, invitation).expect(303);
    f.clock.advance(LINK_TTL_MS - MIN_LINK_TIME_LEFT_MS + 1000);

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => pressContinue(i % 2 ? other : h.app, invitation)),
    );

    expect(upstreamCount(h, 'create')).toBe(2);
    const record = await storedRecord(h, invitation.onboardingId);
    expect(record.links).toHaveLength(2);
    expect(record.login_url).toBe(record.links[0]!.login_url);
    expectAllSentTo(answers, record.links[0]!.login_url);
  });

  it('completes from a callback of the OLDER link, naming that link on the onboarding and in the webhook', async () => {
    const { invitation, older, newer } = await withTwoLinks();
    const before = (await h.api('get', `/v1/onboardings/${invitation.onboardingId}`)).body.data;
    expect(before).toMatchObject({
      link_id: newer,
      links: [{ link_id: newer }, { link_id: older }],
    });

    const callback = h.authenticate(older, 'ana@example.com');
    const page = await supertest(h.app).get(callback).expect(200);
    expect(page.text).toContain('is connected');

    const done = (await h.api('get', `/v1/onboardings/${invitation.onboardingId}`)).body.data;
    expect(done).toMatchObject({
      status: 'completed',
      completed_via: 'callback',
      link_id: older,
      login_id: h.sim.getLink(older)!.login_id,
      login_username: 'ana@example.com',
    });
    const events = await outboxBodies(h, invitation.onboardingId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'login.completed',
      data: { link_id: older, login_id: h.sim.getLink(older)!.login_id },
    });
    // A reload of the same callback is still a success; no second event.
    await supertest(h.app).get(callback).expect(200);
    expect(await raisedEvents(h.storage.onboardings, invitation.onboardingId)).toHaveLength(1);
  });

  it("refuses a callback carrying ANOTHER onboarding's link with LINK_MISMATCH; both stay pending", async () => {
    const victim = await invite(h);
    const attacker = await invite(h);
    await pressContinue(h.app, victim).expect(303);
    await pressContinue(h.app, attacker).expect(303);
    const victimLink = (await storedRecord(h, victim.onboardingId)).link_id!;
    const attackerLink = (await storedRecord(h, attacker.onboardingId)).link_id!;
    // The attacker signs in on their own link and swaps in the victim's state.
    const own = partsOf(h.authenticate(attackerLink));
    const forged = callbackWith({ ...own, state: stateOfLink(victimLink) });

    const res = await supertest(h.app).get(forged);

    expect(res.status).toBe(400);
    expect(res.text).toContain('LINK_MISMATCH');
    expect(await storedRecord(h, victim.onboardingId)).toMatchObject({
      status: 'pending',
      login_id: null,
      last_error: { code: 'LINK_MISMATCH' },
    });
    expect(await storedRecord(h, attacker.onboardingId)).toMatchObject({
      status: 'pending',
      login_id: null,
    });
    expect(await raisedEvents(h.storage.onboardings, victim.onboardingId)).toHaveLength(0);
    expect(await raisedEvents(h.storage.onboardings, attacker.onboardingId)).toHaveLength(0);
    // The attacker's own callback still completes the attacker's onboarding, and only it.
    await supertest(h.app).get(callbackWith(own)).expect(200);
    expect((await storedRecord(h, attacker.onboardingId)).status).toBe('completed');
    expect((await storedRecord(h, victim.onboardingId)).status).toBe('pending');
  });

  it('refuses a forged verifier on either link with VERIFIER_MISMATCH, consumes nothing, and the real callback completes', async () => {
    const { invitation, older, newer } = await withTwoLinks();
    const real = h.authenticate(older);
    const parts = partsOf(real);
    const fake = 'A'.repeat(43);
    const forgeries = [
      { ...parts, link_verifier: fake },
      { ...parts, state: stateOfLink(newer), link_verifier: fake },
      { ...parts, link_id: newer, link_verifier: fake },
      // The older link's real verifier does not open the newer link.
      { ...parts, link_id: newer },
    ];

    for (const forged of forgeries) {
      const res = await supertest(h.app).get(callbackWith(forged));
      expect(res.status).toBe(400);
      expect(res.text).toContain('VERIFIER_MISMATCH');
    }

    expect(await storedRecord(h, invitation.onboardingId)).toMatchObject({
      status: 'pending',
      login_id: null,
      last_error: { code: 'VERIFIER_MISMATCH' },
    });
    expect(await raisedEvents(h.storage.onboardings, invitation.onboardingId)).toHaveLength(0);
    await supertest(h.app).get(real).expect(200);
    expect(await storedRecord(h, invitation.onboardingId)).toMatchObject({
      status: 'completed',
      link_id: older,
      last_error: null,
    });
  });

  it("refuses a state of the form <43 chars>.<victim id> that is not one of the victim's with STATE_INVALID", async () => {
    const victim = await invite(h);
    await pressContinue(h.app, victim).expect(303);
    const attacker = await invite(h);
    await pressContinue(h.app, attacker).expect(303);
    const victimLink = (await storedRecord(h, victim.onboardingId)).link_id!;
    const attackerLink = (await storedRecord(h, attacker.onboardingId)).link_id!;
    const real = h.authenticate(victimLink);
    const before = await storedRecord(h, victim.onboardingId);
    // A random secret, and the secret of the attacker's own (valid) link state, each naming the victim.
    const attackerSecret = stateOfLink(attackerLink).split('.')[0]!;
    const states = [randomBytes(32).toString('base64url'), attackerSecret].map(
      (secret) => `${secret}.${victim.onboardingId}`,
    );

    for (const state of states) {
      expect(state).toMatch(/^[A-Za-z0-9_-]{43}\.onb_/);
      const res = await supertest(h.app).get(callbackWith({ ...partsOf(real), state }));
      expect(res.status).toBe(400);
      expect(res.text).toContain('STATE_INVALID');
    }

    // Nothing about the victim changed, not even last_error.
    expect(await storedRecord(h, victim.onboardingId)).toEqual(before);
    expect(await raisedEvents(h.storage.onboardings, victim.onboardingId)).toHaveLength(0);
    await supertest(h.app).get(real).expect(200);
    expect((await storedRecord(h, victim.onboardingId)).status).toBe('completed');
  });
});
