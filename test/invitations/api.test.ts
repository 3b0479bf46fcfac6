// The integrator API of invitations: creating with create_link "on_open" (no upstream call, no link slot, its
// own expiry), start_url shown only at creation and its idempotent replay, re-issuing a start link, and the
// start token kept out of Redis (only its hash, and a sealed copy for replays).
import supertest from 'supertest';
import { ManualClock } from '../../src/lib/clock';
import { sha256Hex } from '../../src/lib/constant-time';
import { openStartToken } from '../../src/onboarding/start-token';
import { API_KEY, startHarness, type Harness } from '../helpers/service-harness';
import {
  createInvitation,
  dumpText,
  redisDump,
  secretOf,
  startPathOf,
  storedRecord,
  tokenOf,
  upstreamRequestCount,
} from './helpers';

const DAY_MS = 24 * 3600 * 1000;
const OTHER_KEY = 'other-api-key-9876543210';
const START_URL = /^https:\/\/receiver\.test\/start\/(onb_[A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{32})$/;

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

describe('invitations API', () => {
  let h: Harness;
  let clock: ManualClock;
  // Whole seconds: the receiver reads expiry_time to the second, as the upstream does.
  const T0 = Math.floor(Date.now() / 1000) * 1000;
  beforeEach(async () => {
    clock = new ManualClock(T0);
    h = await startHarness({ clock, env: { API_KEYS: `${API_KEY},${OTHER_KEY}` } });
  });
  afterEach(async () => {
    await h.close();
  });

  const create = (body: Record<string, unknown>, key = API_KEY) =>
    supertest(h.app).post('/v1/onboardings').set('Authorization', `Bearer ${key}`).send(body);

  describe('POST /v1/onboardings with create_link "on_open"', () => {
    it('answers with no link yet, names the data source from its own table, and sends nothing upstream', async () => {
      const res = await create({ ds_id: 'GA', create_link: 'on_open', description: 'Acme' });

      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({
        status: 'pending',
        ds_id: 'GA',
        ds_name: 'Google Analytics',
        link_id: null,
        login_url: null,
        links: [],
        description: 'Acme',
        created_time: new Date(T0).toISOString(),
      });
      expect(res.body.data.start_url).toMatch(START_URL);
      expect(START_URL.exec(res.body.data.start_url)![1]).toBe(res.body.data.onboarding_id);
      expect(upstreamRequestCount(h)).toBe(0);
      const stored = await h.storage.onboardings.getOnboarding(res.body.data.onboarding_id);
      expect(stored).toMatchObject({ status: 'pending', create_link: 'on_open', links: [] });
    });

    it.each([
      ['GAWA', 'Google Analytics 4'],
      ['FA', 'Facebook Ads'],
      ['MY_CUSTOM.source-1', 'MY_CUSTOM.source-1'],
    ])(
      'names ds_id %s %j: from its own table, or the ds_id itself when the table does not know it',
      async (dsId, name) => {
        const res = await create({ ds_id: dsId, create_link: 'on_open' });

        expect(res.status).toBe(201);
        expect(res.body.data.ds_name).toBe(name);
        const fetched = await h.api('get', `/v1/onboardings/${res.body.data.onboarding_id}`);
        expect(fetched.body.data.ds_name).toBe(name);
        expect(upstreamRequestCount(h)).toBe(0);
      },
    );

    it('lives 7 days by default', async () => {
      const res = await create({ ds_id: 'GA', create_link: 'on_open' });

      expect(res.status).toBe(201);
      expect(res.body.data.expiry_time).toBe(new Date(T0 + 7 * DAY_MS).toISOString());
    });

    it.each([
      ['a relative time', () => '3 days', () => T0 + 3 * DAY_MS],
      ['exactly 90 days', () => '90 days', () => T0 + 90 * DAY_MS],
      ['hours', () => '36 hours', () => T0 + 36 * 3600 * 1000],
      [
        'a datetime with an offset',
        () => new Date(T0 + 10 * DAY_MS).toISOString().replace('Z', '+00:00'),
        () => T0 + 10 * DAY_MS,
      ],
      [
        'a datetime two hours east of UTC',
        () => `${isoDate(T0 + 20 * DAY_MS)}T08:30:00+02:00`,
        () => Date.parse(`${isoDate(T0 + 20 * DAY_MS)}T06:30:00Z`),
      ],
      [
        'a date (midnight UTC)',
        () => isoDate(T0 + 30 * DAY_MS),
        () => Date.parse(`${isoDate(T0 + 30 * DAY_MS)}T00:00:00Z`),
      ],
    ])('honours expiry_time as %s', async (_name, text, expected) => {
      const res = await create({ ds_id: 'GA', create_link: 'on_open', expiry_time: text() });

      expect(res.status).toBe(201);
      expect(res.body.data.expiry_time).toBe(new Date(expected()).toISOString());
      expect(upstreamRequestCount(h)).toBe(0);
    });

    it.each([
      ['more than 90 days away', () => '91 days'],
      ['more than 90 days away as weeks', () => '13 weeks 1 day'],
      ['a datetime more than 90 days away', () => new Date(T0 + 91 * DAY_MS).toISOString()],
      ['in the past (a date)', () => isoDate(T0 - 2 * DAY_MS)],
      ['in the past (a datetime)', () => new Date(T0 - 1000).toISOString()],
      ['now exactly', () => '0 days'],
      ['unparseable', () => 'whenever'],
      ['an impossible date', () => '2027-02-30'],
      ['negative', () => '-3 days'],
    ])(
      'refuses an expiry_time %s with 422 naming expiry_time, storing and sending nothing',
      async (_name, text) => {
        const res = await create({ ds_id: 'GA', create_link: 'on_open', expiry_time: text() });

        expect(res.status).toBe(422);
        expect(res.body.error).toMatchObject({
          code: 'UNPROCESSABLE_ENTITY',
          field: 'expiry_time',
        });
        expect(res.body.error.message).toContain('expiry_time');
        expect(upstreamRequestCount(h)).toBe(0);
        expect((await h.api('get', '/v1/onboardings').expect(200)).body.data).toEqual([]);
      },
    );

    it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'])(
      'names a ds_id that is also a property of every JavaScript object (%s) by the ds_id itself',
      async (dsId) => {
        const res = await create({ ds_id: dsId, create_link: 'on_open' });

        expect(res.status).toBe(201);
        expect(res.body.data.ds_name).toBe(dsId);
        const fetched = await h.api('get', `/v1/onboardings/${res.body.data.onboarding_id}`);
        expect(fetched.body.data.ds_name).toBe(dsId);
        const shown = await supertest(h.app).get(startPathOf(res.body.data.start_url));
        expect(shown.text).toContain(`Connect your ${dsId} account`);
      },
    );

    it('is created at the link limit, where a "now" onboarding is refused with LINK_LIMIT_EXCEEDED', async () => {
      for (let i = 0; i < 5; i++) await h.createOnboarding({ ds_id: 'GA', create_link: 'now' });
      const sixth = await create({ ds_id: 'GA', create_link: 'now' });
      expect(sixth.status).toBe(403);
      expect(sixth.body.error.code).toBe('LINK_LIMIT_EXCEEDED');
      h.sim.clearRequests();

      const invitations = await Promise.all(
        Array.from({ length: 3 }, () => create({ ds_id: 'GA', create_link: 'on_open' })),
      );

      for (const res of invitations) {
        expect(res.status).toBe(201);
        expect(res.body.data).toMatchObject({ link_id: null, login_url: null, links: [] });
      }
      expect(upstreamRequestCount(h)).toBe(0);
    });
  });

  describe('start_url', () => {
    it('is in the creation answer of every onboarding, "now" and "on_open" alike, each its own', async () => {
      const now = await create({ ds_id: 'GA', create_link: 'now' });
      const onOpen = await create({ ds_id: 'GA', create_link: 'on_open' });

      for (const res of [now, onOpen]) {
        expect(res.status).toBe(201);
        expect(res.body.data.start_url).toMatch(START_URL);
        expect(START_URL.exec(res.body.data.start_url)![1]).toBe(res.body.data.onboarding_id);
      }
      expect(now.body.data.start_url).not.toBe(onOpen.body.data.start_url);
      // Both start links open a page.
      for (const res of [now, onOpen])
        await supertest(h.app).get(startPathOf(res.body.data.start_url)).expect(200);
    });

    it('is never in a GET, list or cancel answer, in either mode', async () => {
      const now = await createInvitation(h, { create_link: 'now' });
      const onOpen = await createInvitation(h, { create_link: 'on_open' });

      const answers = [
        await h.api('get', `/v1/onboardings/${now.onboarding_id}`).expect(200),
        await h.api('get', `/v1/onboardings/${onOpen.onboarding_id}`).expect(200),
        await h.api('get', '/v1/onboardings').expect(200),
        await h.api('get', '/v1/onboardings?status=pending').expect(200),
        await h.api('post', `/v1/onboardings/${onOpen.onboarding_id}/cancel`).expect(200),
      ];

      for (const res of answers) {
        for (const item of [res.body.data].flat()) expect(item).not.toHaveProperty('start_url');
        for (const created of [now, onOpen])
          expect(res.text).not.toContain(secretOf(created.start_url));
      }
      expect(answers[2]!.body.data).toHaveLength(2);
    });

    it.each(['now', 'on_open'])(
      'comes back the same in an Idempotency-Key replay (%s)',
      async (mode) => {
        const send = () =>
          h
            .api('post', '/v1/onboardings')
            .set('Idempotency-Key', 'invite-customer-7')
            .send({ ds_id: 'GA', create_link: mode });
        const first = await send();
        const second = await send();

        expect(first.status).toBe(201);
        expect(second.status).toBe(201);
        expect(second.headers['idempotent-replayed']).toBe('true');
        expect(second.body.data.onboarding_id).toBe(first.body.data.onboarding_id);
        expect(second.body.data.start_url).toBe(first.body.data.start_url);
        expect((await h.api('get', '/v1/onboardings').expect(200)).body.data).toHaveLength(1);
        expect(h.sim.requestCounts().create ?? 0).toBe(mode === 'now' ? 1 : 0);
        await supertest(h.app).get(startPathOf(second.body.data.start_url)).expect(200);
      },
    );

    it('is null in a replay after the start link was re-issued, and the re-issued one still works', async () => {
      const send = () =>
        h
          .api('post', '/v1/onboardings')
          .set('Idempotency-Key', 'invite-customer-8')
          .send({ ds_id: 'GA', create_link: 'on_open' });
      const first = await send();
      const id = first.body.data.onboarding_id as string;
      const reissued = await h.api('post', `/v1/onboardings/${id}/start-link`).expect(200);

      const replay = await send();

      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.data.onboarding_id).toBe(id);
      expect(replay.body.data.start_url).toBeNull();
      await supertest(h.app).get(startPathOf(reissued.body.data.start_url)).expect(200);
      await supertest(h.app).get(startPathOf(first.body.data.start_url)).expect(404);
    });

    it('differs for a different Idempotency-Key: another onboarding with another start link', async () => {
      const send = (key: string) =>
        h
          .api('post', '/v1/onboardings')
          .set('Idempotency-Key', key)
          .send({ ds_id: 'GA', create_link: 'on_open' });
      const a = await send('invite-a');
      const b = await send('invite-b');

      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.headers['idempotent-replayed']).toBeUndefined();
      expect(b.body.data.onboarding_id).not.toBe(a.body.data.onboarding_id);
      expect(b.body.data.start_url).not.toBe(a.body.data.start_url);
      expect((await h.api('get', '/v1/onboardings').expect(200)).body.data).toHaveLength(2);
    });

    it('is never handed to another API key that sends the same Idempotency-Key and body', async () => {
      const body = { ds_id: 'GA', create_link: 'on_open' };
      const mine = await create(body).set('Idempotency-Key', 'shared-key');
      const theirs = await create(body, OTHER_KEY).set('Idempotency-Key', 'shared-key');

      expect(mine.status).toBe(201);
      expect(theirs.status).toBe(201);
      expect(theirs.headers['idempotent-replayed']).toBeUndefined();
      expect(theirs.body.data.onboarding_id).not.toBe(mine.body.data.onboarding_id);
      expect(theirs.text).not.toContain(secretOf(mine.body.data.start_url));
    });
  });

  describe('POST /v1/onboardings/{id}/start-link', () => {
    it('answers the onboarding with a new start link that works, and the old one is a 404 page at once', async () => {
      const created = await createInvitation(h, { description: 'Acme' });
      const oldPath = startPathOf(created.start_url);
      await supertest(h.app).get(oldPath).expect(200);

      const res = await h.api('post', `/v1/onboardings/${created.onboarding_id}/start-link`);

      expect(res.status).toBe(200);
      const { start_url: oldUrl, ...view } = created;
      expect(res.body.data).toEqual({ ...view, start_url: expect.stringMatching(START_URL) });
      expect(res.body.data.start_url).not.toBe(oldUrl);
      const fresh = await supertest(h.app).get(startPathOf(res.body.data.start_url));
      expect(fresh.status).toBe(200);
      expect(fresh.text).toContain('Acme');
      for (const method of ['get', 'post'] as const) {
        const old = await supertest(h.app)[method](oldPath);
        expect(old.status).toBe(404);
        expect(old.headers['content-type']).toMatch(/text\/html/);
        expect(old.text).toContain('This link is not valid');
      }
      expect(upstreamRequestCount(h)).toBe(0);
    });

    it('works for a "now" onboarding too, whose link stays as it was', async () => {
      const created = await createInvitation(h, { create_link: 'now' });

      const res = await h.api('post', `/v1/onboardings/${created.onboarding_id}/start-link`);

      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({
        link_id: created.link_id,
        login_url: created.login_url,
        start_url: expect.stringMatching(START_URL),
      });
      await supertest(h.app).get(startPathOf(created.start_url)).expect(404);
      await supertest(h.app).get(startPathOf(res.body.data.start_url)).expect(200);
    });

    it('refuses a completed onboarding with 409 CONFLICT, leaving its start link as it was', async () => {
      const created = await createInvitation(h, { create_link: 'now' });
      await supertest(h.app)
        .get(h.authenticate(String(created.link_id)))
        .expect(200);
      const before = (await h.storage.onboardings.getOnboarding(created.onboarding_id))!;
      expect(before.status).toBe('completed');

      const res = await h.api('post', `/v1/onboardings/${created.onboarding_id}/start-link`);

      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
      expect(res.text).not.toContain('/start/');
      const after = (await h.storage.onboardings.getOnboarding(created.onboarding_id))!;
      expect(after.start_token_hash).toBe(before.start_token_hash);
      const page = await supertest(h.app).get(startPathOf(created.start_url));
      expect(page.status).toBe(200);
      expect(page.text).toContain('is connected');
    });

    it('refuses a cancelled onboarding with 409 CONFLICT', async () => {
      const created = await createInvitation(h);
      await h.api('post', `/v1/onboardings/${created.onboarding_id}/cancel`).expect(200);
      const before = (await h.storage.onboardings.getOnboarding(created.onboarding_id))!;

      const res = await h.api('post', `/v1/onboardings/${created.onboarding_id}/start-link`);

      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
      expect(res.text).not.toContain('/start/');
      const after = (await h.storage.onboardings.getOnboarding(created.onboarding_id))!;
      expect(after.start_token_hash).toBe(before.start_token_hash);
      expect((await supertest(h.app).get(startPathOf(created.start_url))).status).toBe(410);
    });

    it.each([
      ['an unknown onboarding', 'onb_AAAAAAAAAAAAAAAAAAAAAAAA'],
      ['a malformed id', 'not-an-id'],
    ])('answers 404 NOT_FOUND for %s', async (_name, id) => {
      const res = await h.api('post', `/v1/onboardings/${id}/start-link`);

      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
      expect(res.text).not.toContain('/start/');
    });

    it('needs the API key', async () => {
      const created = await createInvitation(h);

      const res = await supertest(h.app).post(
        `/v1/onboardings/${created.onboarding_id}/start-link`,
      );

      expect(res.status).toBe(401);
      await supertest(h.app).get(startPathOf(created.start_url)).expect(200);
    });
  });

  describe('the start token in Redis', () => {
    it('is never held, neither the token nor its secret: only the hash of the current one', async () => {
      const now = await createInvitation(h, { create_link: 'now' });
      const onOpen = await createInvitation(h, { create_link: 'on_open' });
      const sent = await supertest(h.app).post(startPathOf(onOpen.start_url)).expect(303);
      expect(sent.headers.location).toMatch(/^http:\/\/127\.0\.0\.1:/);
      const reissued = await h.api('post', `/v1/onboardings/${now.onboarding_id}/start-link`);
      const urls = [now.start_url, onOpen.start_url, reissued.body.data.start_url as string];

      const text = dumpText(await redisDump(h));

      expect(text).toContain(now.onboarding_id);
      for (const url of urls) {
        expect(text).not.toContain(tokenOf(url));
        expect(text).not.toContain(secretOf(url));
      }
      expect((await storedRecord(h, now.onboarding_id)).start_token_hash).toBe(
        sha256Hex(secretOf(urls[2]!)),
      );
      expect((await storedRecord(h, onOpen.onboarding_id)).start_token_hash).toBe(
        sha256Hex(secretOf(onOpen.start_url)),
      );
    });

    it('is not revealed by the sealed copy an Idempotency-Key creation keeps for its replay', async () => {
      const send = () =>
        h
          .api('post', '/v1/onboardings')
          .set('Idempotency-Key', '3f1c2a9e-5b7d-4e8a-9c0f-1d2e3f4a5b6c')
          .send({ ds_id: 'GA', create_link: 'on_open' });
      const first = await send();
      const replay = await send();
      expect(replay.body.data.start_url).toBe(first.body.data.start_url);
      const url = first.body.data.start_url as string;

      const dump = await redisDump(h);
      const text = dumpText(dump);

      const record = await storedRecord(h, first.body.data.onboarding_id);
      expect(record.start_token_sealed).toEqual(expect.any(String));
      expect(record.start_token_sealed!.length).toBeGreaterThan(0);
      expect(text).not.toContain(tokenOf(url));
      expect(text).not.toContain(secretOf(url));
      // Nor its base64 forms, should a copy be encoded rather than sealed.
      for (const encoding of ['base64', 'base64url', 'hex'] as const) {
        expect(text).not.toContain(Buffer.from(secretOf(url)).toString(encoding));
        expect(text).not.toContain(Buffer.from(tokenOf(url)).toString(encoding));
      }
      // The Idempotency-Key itself is held only hashed.
      expect(text).not.toContain('3f1c2a9e-5b7d-4e8a-9c0f-1d2e3f4a5b6c');
    });

    it('cannot be opened from a Redis dump by guessing a plain Idempotency-Key such as an order number', async () => {
      // Integrators often use an order or customer number as the Idempotency-Key. Whoever holds a Redis
      // dump can check guesses offline against the hashed claim, so the seal's key must need more than
      // what the dump holds (the API key id, found in the rate limiter's key) plus that guess.
      const first = await h
        .api('post', '/v1/onboardings')
        .set('Idempotency-Key', 'order-42')
        .send({ ds_id: 'GA', create_link: 'on_open' })
        .expect(201);
      const dump = await redisDump(h);
      const record = await storedRecord(h, first.body.data.onboarding_id);
      expect(record.start_token_sealed).toEqual(expect.any(String));
      const keyIds = new Set(
        [...dump.keys()].flatMap((key) => /:rl:api:([0-9a-f]{16})$/.exec(key)?.[1] ?? []),
      );
      expect(keyIds.size).toBe(1);

      for (const keyId of keyIds)
        expect(openStartToken(record.start_token_sealed!, `${keyId}:order-42`)).toBeNull();
    });
  });
});
