// GET /v1/events: every event in the order it was recorded, with stable cursors, with or without
// WEBHOOK_URL; a reader paging while two instances record (one with a clock behind) misses nothing.
import supertest from 'supertest';
import type { Clock } from '../../src/lib/clock';
import type { Service } from '../../src/composition-root';
import { eventBody } from '../../src/webhooks/events';
import { raisedEvents } from '../helpers/raised-events';
import { API_KEY, startHarness, type Harness } from '../helpers/service-harness';

interface FeedItem {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

async function feedPage(
  app: Service['app'],
  query = '',
): Promise<{ items: FeedItem[]; cursor: string }> {
  const res = await supertest(app)
    .get(`/v1/events${query}`)
    .set('Authorization', `Bearer ${API_KEY}`);
  expect(res.status).toBe(200);
  return { items: res.body.data, cursor: res.body.meta.next_cursor };
}

async function completeOne(h: Harness, app = h.app, metadata: unknown = null): Promise<string> {
  const onboarding = await h.createOnboarding({ ds_id: 'GA', ...(metadata ? { metadata } : {}) });
  await supertest(app).get(h.authenticate(onboarding.link_id)).expect(200);
  return onboarding.onboarding_id;
}

describe('the events feed', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('lists every event, also without WEBHOOK_URL, in the order recorded: its webhook-id and the body its webhook would carry', async () => {
    h = await startHarness({ env: { WEBHOOK_URL: '', WEBHOOK_SECRET: '' } });
    expect(h.service.webhooks).toBeNull();
    const first = await completeOne(h, h.app, { crm: 'a' });
    const second = await completeOne(h);
    const cancelled = await h.createOnboarding();
    await h.api('post', `/v1/onboardings/${cancelled.onboarding_id}/cancel`).expect(200);

    const { items } = await feedPage(h.app);

    const expected = [
      ...(await raisedEvents(h.storage.onboardings, first)),
      ...(await raisedEvents(h.storage.onboardings, second)),
    ].map((event) => ({ id: event.webhook_id, ...JSON.parse(event.body) }));
    expect(items).toEqual(expected);
    expect(items[0]).toMatchObject({
      type: 'login.completed',
      data: { onboarding_id: first, metadata: { crm: 'a' }, completed_via: 'callback' },
    });
    // Nothing was queued: there is no WEBHOOK_URL to deliver to.
    expect((await h.storage.webhookQueue.stats(Date.now())).depth).toBe(0);
  });

  it('pages with stable cursors: limit, after, a type filter, and a cursor to poll from at the end', async () => {
    h = await startHarness();
    const empty = await feedPage(h.app);
    expect(empty).toEqual({ items: [], cursor: '0-0' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await completeOne(h));

    const page1 = await feedPage(h.app, '?limit=2');
    const page2 = await feedPage(h.app, `?limit=2&after=${page1.cursor}`);
    const page3 = await feedPage(h.app, `?limit=2&after=${page2.cursor}`);
    const end = await feedPage(h.app, `?limit=2&after=${page3.cursor}`);

    const read = [...page1.items, ...page2.items, ...page3.items].map((i) => i.data.onboarding_id);
    expect(read).toEqual(ids);
    expect(end.items).toEqual([]);
    expect(end.cursor).toBe(page3.cursor);
    // The same cursor reads the same page again.
    expect(await feedPage(h.app, `?limit=2&after=${page1.cursor}`)).toEqual(page2);
    // Polling from the end's cursor finds what came later, and only that.
    const later = await completeOne(h);
    const polled = await feedPage(h.app, `?after=${end.cursor}`);
    expect(polled.items.map((i) => i.data.onboarding_id)).toEqual([later]);

    expect((await feedPage(h.app, '?type=onboarding.expired')).items).toEqual([]);
    expect((await feedPage(h.app, '?type=login.completed&limit=100')).items).toHaveLength(6);
  });

  it.each([
    ['after=nope', 'after'],
    ['after=1-2-3', 'after'],
    ['type=login.failed', 'type'],
    ['limit=0', 'limit'],
    ['cursor=x', 'cursor'],
  ])('refuses ?%s naming the field', async (query, field) => {
    h = await startHarness();
    const res = await h.api('get', `/v1/events?${query}`);
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBe(field);
  });

  it('shows a reader paging while two instances record, one with its clock a minute behind, every event once in feed order', async () => {
    h = await startHarness();
    const behind: Clock = { now: () => Date.now() - 60_000 };
    const other = await h.anotherInstance(h.redis!.anotherConnection(), { clock: behind });
    const perInstance = 12;
    // Authenticated callbacks first, so the writes below are only the completions and their events.
    const paths: [Service['app'], string, string][] = [];
    for (let i = 0; i < perInstance * 2; i++) {
      const onboarding = await h.createOnboarding();
      const app = i % 2 === 0 ? h.app : other.app;
      paths.push([app, onboarding.onboarding_id, h.authenticate(onboarding.link_id)]);
    }

    let writing = true;
    const writers = Promise.all(
      [0, 1].map(async (n) => {
        for (const [app, , path] of paths.filter((_, i) => i % 2 === n))
          await supertest(app).get(path).expect(200);
      }),
    ).finally(() => (writing = false));
    const seen: FeedItem[] = [];
    const cursors: string[] = [];
    let cursor = '0-0';
    let readWhileWriting = 0;
    const deadline = Date.now() + 20_000;
    // Polls until the writers are done and a page finds nothing more (with a deadline).
    for (;;) {
      const wasWriting = writing;
      const page = await feedPage(h.app, `?limit=3&after=${cursor}`);
      if (wasWriting && writing) readWhileWriting += page.items.length;
      seen.push(...page.items);
      cursor = page.cursor;
      cursors.push(cursor);
      if (!wasWriting && page.items.length === 0) break;
      if (Date.now() > deadline) throw new Error('the feed did not settle');
    }
    await writers;
    // The reader did page through events while both instances were still recording.
    expect(readWhileWriting).toBeGreaterThan(0);

    const onboardingIds = paths.map(([, id]) => id);
    expect(seen.map((i) => i.data.onboarding_id).sort()).toEqual([...onboardingIds].sort());
    expect(new Set(seen.map((i) => i.id)).size).toBe(perInstance * 2);
    // The order the reader saw is the feed's order, read again in one go afterwards.
    const whole = await feedPage(h.app, '?limit=100');
    expect(seen.map((i) => i.id)).toEqual(whole.items.map((i) => i.id));
    // Cursors only moved forward.
    const positions = cursors.map((c) => c.split('-').map(Number) as [number, number]);
    for (let i = 1; i < positions.length; i++) {
      const [[am, an], [bm, bn]] = [positions[i - 1]!, positions[i]!];
      expect(bm > am || (bm === am && bn >= an)).toBe(true);
    }
    // The lagging instance's events carry its own (earlier) timestamps, yet none was skipped.
    const lagging = paths.filter(([app]) => app === other.app).map(([, id]) => id);
    for (const id of lagging) {
      const record = (await h.storage.onboardings.getOnboarding(id))!;
      const item = seen.find((i) => i.data.onboarding_id === id)!;
      expect(JSON.stringify({ ...item, id: undefined })).toBe(
        JSON.stringify({ id: undefined, ...JSON.parse(eventBody(record, record.events[0]!)) }),
      );
    }
  });
});
