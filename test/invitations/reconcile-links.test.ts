// Reconciliation over invitations' upstream links: what a pass costs upstream, an invitation that ends
// at its own expiry_time (not its links'), and the other OPEN links closed after a completion.
import supertest from 'supertest';
import { MIN_LINK_TIME_LEFT_MS } from '../../src/invitations/start-flow';
import { EXPIRY_MARGIN_MS } from '../../src/reconcile/backoff';
import type { RecordedEndpoint } from '../../src/simulator';
import type { Harness } from '../helpers/service-harness';
import {
  INTERVAL_SECONDS,
  startReconcileFixture,
  T0,
  type ReconcileFixture,
} from '../reconcile/reconcile-fixture';
import {
  closedUpstream,
  invite,
  outboxBodies,
  pressContinue,
  storedRecord,
  upstreamCount,
  type Invitation,
} from './fixture';
import { raisedEvents } from '../helpers/raised-events';

/** LINK_TTL's default. */
const LINK_TTL_MS = 3600 * 1000;
const HOUR_MS = 60 * 60 * 1000;

describe('reconciliation over invitation links', () => {
  let f: ReconcileFixture;
  let h: Harness;
  beforeEach(async () => {
    f = await startReconcileFixture({ simulator: { linkLimit: 50 } });
    h = f.h;
  });
  afterEach(async () => {
    await f.close();
  });

  /** Runs one pass and answers how many requests of each kind the simulator received during it. */
  async function countedPass(): Promise<Record<RecordedEndpoint, number> & { total: number }> {
    const before = h.sim.requestCounts();
    await f.reconciler().runOnce();
    const after = h.sim.requestCounts();
    const spent = Object.fromEntries(
      Object.entries(after).map(([endpoint, n]) => [
        endpoint,
        n - before[endpoint as RecordedEndpoint],
      ]),
    ) as Record<RecordedEndpoint, number>;
    return { ...spent, total: Object.values(spent).reduce((a, b) => a + b, 0) };
  }

  async function openedInvitation(): Promise<{ invitation: Invitation; linkId: string }> {
    const invitation = await invite(h);
    await pressContinue(h.app, invitation).expect(303);
    return { invitation, linkId: (await storedRecord(h, invitation.onboardingId)).link_id! };
  }

  it('costs zero upstream requests for an invitation nobody opened, and expires it at its own expiry_time', async () => {
    const invitation = await invite(h, { expiry_time: '3 hours', metadata: { customer: 9 } });
    const expiry = Date.parse((await storedRecord(h, invitation.onboardingId)).expiry_time);

    // Passes over its life: its first check falls due after RECONCILE_INTERVAL, the next at expiry.
    for (const offset of [INTERVAL_SECONDS * 1000, HOUR_MS, 2 * HOUR_MS]) {
      f.clock.set(T0 + offset);
      expect((await countedPass()).total).toBe(0);
      expect((await storedRecord(h, invitation.onboardingId)).status).toBe('pending');
    }
    f.clock.set(expiry - 1000);
    expect((await countedPass()).total).toBe(0);
    expect((await storedRecord(h, invitation.onboardingId)).status).toBe('pending');
    await supertest(h.app).get(invitation.startPath).expect(200);

    // At its expiry_time the start link has ended at once; the next pass records it, upstream unasked.
    f.clock.set(expiry);
    await supertest(h.app).get(invitation.startPath).expect(410);
    f.clock.set(expiry + EXPIRY_MARGIN_MS);
    expect((await countedPass()).total).toBe(0);

    expect(await storedRecord(h, invitation.onboardingId)).toMatchObject({ status: 'expired' });
    expect(await outboxBodies(h, invitation.onboardingId)).toEqual([
      expect.objectContaining({
        type: 'onboarding.expired',
        data: expect.objectContaining({
          onboarding_id: invitation.onboardingId,
          link_id: null,
          metadata: { customer: 9 },
        }),
      }),
    ]);
    await expect(h.storage.reconcileSchedule.countChecks()).resolves.toBe(0);
  });

  it('keeps an invitation pending when its upstream link expires; a later Continue makes a new link that completes it', async () => {
    const { invitation, linkId: first } = await openedInvitation();
    expect(upstreamCount(h, 'create')).toBe(1);

    f.clock.advance(LINK_TTL_MS + EXPIRY_MARGIN_MS);
    const pass = await countedPass();
    // One list request tells the link expired: no single read is needed.
    expect(pass).toMatchObject({ list: 1, get: 0, create: 0, close: 0 });
    const afterLinkExpiry = await storedRecord(h, invitation.onboardingId);
    expect(afterLinkExpiry).toMatchObject({
      status: 'pending',
      links: [{ link_id: first, status: 'EXPIRED' }],
    });
    expect(await raisedEvents(h.storage.onboardings, invitation.onboardingId)).toHaveLength(0);
    // With no link that could bring a login, later passes ask the upstream nothing.
    f.clock.advance(HOUR_MS);
    expect((await countedPass()).total).toBe(0);

    const res = await pressContinue(h.app, invitation).expect(303);
    expect(upstreamCount(h, 'create')).toBe(2);
    const withSecond = await storedRecord(h, invitation.onboardingId);
    expect(withSecond.links.map((l) => [l.link_id, l.status])).toEqual([
      [withSecond.link_id, 'OPEN'],
      [first, 'EXPIRED'],
    ]);
    expect(res.headers.location).toBe(withSecond.login_url);

    await supertest(h.app).get(h.authenticate(withSecond.link_id!)).expect(200);
    expect(await storedRecord(h, invitation.onboardingId)).toMatchObject({
      status: 'completed',
      link_id: withSecond.link_id,
    });
  });

  it("closes the onboarding's other OPEN links upstream in the pass after a completion; `links` shows them CLOSED", async () => {
    const { invitation, linkId: older } = await openedInvitation();
    f.clock.advance(LINK_TTL_MS - MIN_LINK_TIME_LEFT_MS + 1000);
    await pressContinue(h.app, invitation).expect(303);
    const newer = (await storedRecord(h, invitation.onboardingId)).link_id!;
    expect(newer).not.toBe(older);

    await supertest(h.app).get(h.authenticate(older)).expect(200);
    expect(closedUpstream(h)).toEqual([]);

    // The completion brought the check forward: the very next pass closes the newer link.
    const pass = await countedPass();

    expect(pass).toMatchObject({ close: 1, create: 0 });
    expect(closedUpstream(h)).toEqual([newer]);
    expect(h.sim.getLink(newer)!.status_code).toBe('CLOSED');
    const view = (await h.api('get', `/v1/onboardings/${invitation.onboardingId}`)).body.data;
    expect(view).toMatchObject({ status: 'completed', link_id: older });
    expect(view.links).toContainEqual(
      expect.objectContaining({ link_id: newer, status: 'CLOSED' }),
    );
    await expect(h.storage.openLinks.count()).resolves.toBe(0);
    await expect(h.storage.reconcileSchedule.countChecks()).resolves.toBe(0);
    // Nothing is left to do: later passes ask the upstream nothing.
    f.clock.advance(HOUR_MS);
    expect((await countedPass()).total).toBe(0);
  });

  it('reads each live link at most once per pass, and nothing for the invitations nobody opened', async () => {
    const opened: string[] = [];
    for (let i = 0; i < 8; i++) opened.push((await openedInvitation()).linkId);
    for (let i = 0; i < 4; i++) await invite(h);
    const readsBefore = h.sim.requests.length;

    f.clock.advance(INTERVAL_SECONDS * 1000);
    const pass = await countedPass();

    const reads = h.sim.requests.slice(readsBefore).filter((r) => r.endpoint === 'get');
    expect(pass).toMatchObject({ create: 0, close: 0, update: 0 });
    expect(pass.get).toBeLessThanOrEqual(opened.length);
    expect(new Set(reads.map((r) => r.linkId)).size).toBe(reads.length);
    for (const read of reads) expect(opened).toContain(read.linkId);
  });

  it('reads the list once per pass, and only the links whose status changed one by one', async () => {
    const opened: string[] = [];
    for (let i = 0; i < 8; i++) opened.push((await openedInvitation()).linkId);
    f.clock.advance(INTERVAL_SECONDS * 1000);

    const unchanged = await countedPass();
    expect(unchanged.get).toBe(0);
    expect(unchanged.list).toBeLessThanOrEqual(1);

    // One customer signs in without coming back: only that link is read, and it completes.
    h.authenticate(opened[3]!);
    f.clock.advance(2 * INTERVAL_SECONDS * 1000);
    const readsBefore = h.sim.requests.length;
    const changed = await countedPass();
    const reads = h.sim.requests.slice(readsBefore).filter((r) => r.endpoint === 'get');
    expect(reads.map((r) => r.linkId)).toEqual([opened[3]]);
    expect(changed.list).toBeLessThanOrEqual(1);
  });

  it("shows the login's own link CLOSED in `links` once the onboarding completed from it", async () => {
    const { invitation, linkId } = await openedInvitation();
    await supertest(h.app).get(h.authenticate(linkId)).expect(200);
    expect(h.sim.getLink(linkId)!.status_code).toBe('CLOSED');
    await countedPass();

    const view = (await h.api('get', `/v1/onboardings/${invitation.onboardingId}`)).body.data;
    expect(view).toMatchObject({ status: 'completed', link_id: linkId });
    expect(view.links).toEqual([expect.objectContaining({ link_id: linkId, status: 'CLOSED' })]);
  });
});
