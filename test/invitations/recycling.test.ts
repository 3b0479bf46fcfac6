// Invitations at the upstream's link limit (5 OPEN links): the waiting page while no slot can be freed,
// then recycling the link whose customer was sent to it longest ago, and that customer, who had already
// opened the login page, still completing (by callback, or by reconciliation when the tab was closed).
import { createHash } from 'node:crypto';
import supertest from 'supertest';
import type { Harness } from '../helpers/service-harness';
import { startReconcileFixture, type ReconcileFixture } from '../reconcile/reconcile-fixture';
import {
  closedUpstream,
  invite,
  outboxBodies,
  pressContinue,
  startTotal,
  storedRecord,
  upstreamCount,
  type Invitation,
} from './fixture';

/** LINK_RECYCLE_AFTER's default. */
const RECYCLE_AFTER_MS = 600 * 1000;
const LINK_LIMIT = 5;

describe('invitations at the link limit', () => {
  let f: ReconcileFixture;
  let h: Harness;
  beforeEach(async () => {
    f = await startReconcileFixture({ simulator: { linkLimit: LINK_LIMIT } });
    h = f.h;
  });
  afterEach(async () => {
    await f.close();
  });

  /**
   * Five customers press Continue on five invitations, a second apart (the first was sent longest
   * ago); resolves to the invitations and their links, oldest first.
   */
  async function fillTheLimit(): Promise<{ invitations: Invitation[]; links: string[] }> {
    const invitations: Invitation[] = [];
    const links: string[] = [];
    const createdBefore = upstreamCount(h, 'create');
    for (let i = 0; i < LINK_LIMIT; i++) {
      const invitation = await invite(h, { description: `customer ${i}` });
      await pressContinue(h.app, invitation).expect(303);
      invitations.push(invitation);
      links.push((await storedRecord(h, invitation.onboardingId)).link_id!);
      f.clock.advance(1000);
    }
    expect(upstreamCount(h, 'create') - createdBefore).toBe(LINK_LIMIT);
    return { invitations, links };
  }

  /** Advances the clock to just past LINK_RECYCLE_AFTER since the first customer was sent. */
  function passRecycleAfter(): void {
    f.clock.advance(RECYCLE_AFTER_MS);
  }

  it('sends a waiting customer upstream again only after the full mark, not on every retry of the page', async () => {
    await fillTheLimit();
    const sixth = await invite(h);
    const createsBefore = upstreamCount(h, 'create');

    await pressContinue(h.app, sixth).expect(503);
    expect(upstreamCount(h, 'create') - createsBefore).toBe(1);
    // The page retries every 5 s: for the next 30 s none of those retries reaches the upstream.
    for (let i = 0; i < 5; i++) {
      f.clock.advance(5000);
      await pressContinue(h.app, sixth).expect(503);
    }
    expect(upstreamCount(h, 'create') - createsBefore).toBe(1);
    f.clock.advance(6000);
    await pressContinue(h.app, sixth).expect(503);
    expect(upstreamCount(h, 'create') - createsBefore).toBe(2);
  });

  it('shows the sixth customer a waiting page that posts again by itself while the five were sent under LINK_RECYCLE_AFTER ago', async () => {
    await fillTheLimit();
    const sixth = await invite(h);
    // The first customer was sent 599 s ago.
    f.clock.advance(RECYCLE_AFTER_MS - LINK_LIMIT * 1000 - 1000);

    const res = await pressContinue(h.app, sixth);

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('Please wait');
    expect(res.text).toContain(`<form method="post" action="${sixth.startPath}">`);
    // The inline script submits the form, and the page's CSP lets exactly that script run.
    const script = /<script>([^<]*)<\/script>/.exec(res.text)![1]!;
    expect(script).toContain('document.forms[0].submit()');
    const hash = createHash('sha256').update(script).digest('base64');
    expect(res.headers['content-security-policy']).toContain(`'sha256-${hash}'`);
    expect(res.headers['content-security-policy']).toMatch(/form-action 'self'/);

    expect(closedUpstream(h)).toEqual([]);
    expect((await storedRecord(h, sixth.onboardingId)).links).toEqual([]);
    expect(await startTotal(h.app, 'waiting')).toBe(1);
    expect(await startTotal(h.app, 'recycled')).toBe(0);
  });

  it('recycles the link sent longest ago after LINK_RECYCLE_AFTER; its customer, already on the login page, completes by callback', async () => {
    const { invitations, links } = await fillTheLimit();
    const sixth = await invite(h);
    await pressContinue(h.app, sixth).expect(503);
    // The first customer opened the login page (an attempt started) but has not signed in yet.
    const attempt = h.sim.startAttempt(links[0]!);
    passRecycleAfter();

    const res = await pressContinue(h.app, sixth).expect(303);

    expect(closedUpstream(h)).toEqual([links[0]]);
    expect(h.sim.getLink(links[0]!)!.status_code).toBe('CLOSED');
    const sixthRecord = await storedRecord(h, sixth.onboardingId);
    expect(sixthRecord.links).toHaveLength(1);
    expect(res.headers.location).toBe(sixthRecord.links[0]!.login_url);
    expect(await startTotal(h.app, 'recycled')).toBe(1);
    const firstView = (await h.api('get', `/v1/onboardings/${invitations[0]!.onboardingId}`)).body
      .data;
    expect(firstView).toMatchObject({
      status: 'pending',
      links: [{ link_id: links[0], status: 'CLOSED' }],
    });
    // The other four customers' links were left alone.
    for (const link of links.slice(1)) expect(h.sim.getLink(link)!.status_code).toBe('OPEN');

    const { redirectUrl } = attempt.authenticate({ username: 'first@example.com' });
    const callback = new URL(redirectUrl!);
    await supertest(h.app).get(`${callback.pathname}${callback.search}`).expect(200);

    expect(await storedRecord(h, invitations[0]!.onboardingId)).toMatchObject({
      status: 'completed',
      completed_via: 'callback',
      link_id: links[0],
      login_username: 'first@example.com',
    });
    const events = await outboxBodies(h, invitations[0]!.onboardingId);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'login.completed',
        data: expect.objectContaining({ link_id: links[0] }),
      }),
    ]);
  });

  it('recycles a link whose customer then closes the tab: reconciliation keeps reading it and completes the onboarding', async () => {
    const { invitations, links } = await fillTheLimit();
    const sixth = await invite(h);
    const attempt = h.sim.startAttempt(links[0]!);
    passRecycleAfter();
    await pressContinue(h.app, sixth).expect(303);
    expect(closedUpstream(h)).toEqual([links[0]]);
    const reconciler = f.reconciler();
    const readsOfRecycled = () =>
      h.sim.requests.filter((r) => r.endpoint === 'get' && r.linkId === links[0]).length;

    // A pass before the customer finished: the recycled link is read and the onboarding waits.
    await reconciler.runOnce();
    expect(readsOfRecycled()).toBe(1);
    expect((await storedRecord(h, invitations[0]!.onboardingId)).status).toBe('pending');

    attempt.authenticate({ username: 'first@example.com' });
    // The tab is closed: no callback. The next check falls due within an hour.
    f.clock.advance(60 * 60 * 1000);
    await reconciler.runOnce();

    expect(readsOfRecycled()).toBe(2);
    expect(await storedRecord(h, invitations[0]!.onboardingId)).toMatchObject({
      status: 'completed',
      completed_via: 'reconciliation',
      link_id: links[0],
      login_id: h.sim.getLink(links[0]!)!.login_id,
      login_username: 'first@example.com',
    });
    const events = await outboxBodies(h, invitations[0]!.onboardingId);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'login.completed',
        data: expect.objectContaining({ link_id: links[0], completed_via: 'reconciliation' }),
      }),
    ]);
  });

  it('recycles two different links, never one twice, for two customers arriving together on two instances', async () => {
    const other = (await h.anotherInstance(h.redis!.anotherConnection())).app;
    const { links } = await fillTheLimit();
    const late = [await invite(h), await invite(h)];
    passRecycleAfter();
    // Each close is held a moment, so both POSTs meet the limit and look for a link to recycle while
    // neither close has landed: both must find one, and not the same one.
    h.sim.faults.inject({ endpoint: 'close', delayMs: 1000, times: 2 });

    const answers = await Promise.all([
      pressContinue(h.app, late[0]!),
      pressContinue(other, late[1]!),
    ]);

    expect(answers.map((a) => a.status)).toEqual([303, 303]);
    expect([...closedUpstream(h)].sort()).toEqual([links[0], links[1]].sort());
    for (const link of links.slice(0, 2)) expect(h.sim.getLink(link)!.status_code).toBe('CLOSED');
    const made = await Promise.all(late.map((i) => storedRecord(h, i.onboardingId)));
    expect(made.map((r) => r.links.length)).toEqual([1, 1]);
    expect(answers.map((a) => a.headers.location)).toEqual(made.map((r) => r.login_url));
    expect((await startTotal(h.app, 'recycled')) + (await startTotal(other, 'recycled'))).toBe(2);
  });

  it('sends the customer on when an OPEN link past LINK_RECYCLE_AFTER can be freed, even if the oldest link it knows has already expired upstream', async () => {
    const first = await invite(h);
    await pressContinue(h.app, first).expect(303);
    const expired = (await storedRecord(h, first.onboardingId)).link_id!;
    // Its link expires upstream (LINK_TTL) before any reconciliation pass notices it.
    f.clock.advance(61 * 60 * 1000);
    expect(h.sim.getLink(expired)!.status_code).toBe('EXPIRED');
    const { links } = await fillTheLimit();
    const late = await invite(h);
    passRecycleAfter();

    const res = await pressContinue(h.app, late);

    // The five OPEN links were all sent over LINK_RECYCLE_AFTER ago: one of them frees a slot.
    expect(res.status).toBe(303);
    expect(links.filter((l) => h.sim.getLink(l)!.status_code === 'CLOSED')).toEqual([links[0]]);
  });

  it('never closes the link of a create_link "now" onboarding, whose login_url the integrator hands out itself', async () => {
    const handedOut = await h.createOnboarding({ ds_id: 'GA' });
    f.clock.advance(1000);
    const links: string[] = [];
    for (let i = 0; i < LINK_LIMIT - 1; i++) {
      const invitation = await invite(h);
      await pressContinue(h.app, invitation).expect(303);
      links.push((await storedRecord(h, invitation.onboardingId)).link_id!);
      f.clock.advance(1000);
    }
    const sixth = await invite(h);
    passRecycleAfter();

    const res = await pressContinue(h.app, sixth);

    expect(h.sim.getLink(handedOut.link_id)!.status_code).toBe('OPEN');
    expect(closedUpstream(h)).toEqual([links[0]]);
    expect(res.status).toBe(303);
  });
});
